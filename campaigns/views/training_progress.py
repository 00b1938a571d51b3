"""Phase 3 (集中培训): progress by town and category against the phase's end date."""

from django.shortcuts import render
from django.utils import timezone

from registry.models import Town, TrainingNeed
from registry.permissions import ledger_reader_required

from ..choices import PhaseKind
from ..filters import TrainingProgressFilter
from .programme_figures import training_progress_table


@ledger_reader_required
def training_progress(request):
    """Needs registered during the campaign, and how many were enrolled, trained and certified."""
    user, today = request.user, timezone.localdate()
    filterset = TrainingProgressFilter(request.GET, queryset=TrainingNeed.objects.for_user(user), request=request)
    campaign = filterset.chosen_campaign
    context = {"filter": filterset, "campaign": campaign, "today": today}
    if campaign is not None:
        phase = campaign.phases.filter(kind=PhaseKind.TRAINING).first()
        days_left = (phase.ends_on - today).days if phase else None
        context.update(
            phase=phase,
            days_left=days_left,
            days_over=-days_left if days_left is not None else None,
            table=training_progress_table(filterset.qs, list(Town.objects.for_user(user))),
        )
    return render(request, "campaigns/training_progress.html", context)
