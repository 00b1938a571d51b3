from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone

from campaigns.models import Campaign

from ..models import Town
from ..permissions import can_read_ledger
from ..summaries import ledger_figures


@login_required
def home(request):
    """The clerk's town at a glance; the same across towns for the city roles, with a town filter."""
    user = request.user
    today = timezone.localdate()
    towns = Town.objects.for_user(user)
    town = None
    if user.is_town_clerk:
        town = user.town
    elif request.GET.get("town"):
        town = towns.filter(pk=request.GET["town"]).first() if request.GET["town"].isdigit() else None
    campaign = Campaign.objects.current(today)
    phases = list(campaign.phases.all()) if campaign else []
    current_phases = [p for p in phases if p.starts_on <= today <= p.ends_on]
    upcoming = sorted((p for p in phases if p.due_on >= today), key=lambda p: p.due_on)
    context = {
        "today": today,
        "town": town,
        "towns": towns if not user.is_town_clerk else None,
        "figures": ledger_figures(user, town=town, on=today) if can_read_ledger(user) else None,
        "campaign": campaign,
        "phases": phases,
        "current_phases": current_phases,
        "next_deadline": upcoming[0] if upcoming else None,
    }
    return render(request, "registry/home.html", context)
