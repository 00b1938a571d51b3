"""Campaign pages: the list, a campaign's timeline of phases with each town's progress, copying a
campaign with its dates shifted, and editing a phase."""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from registry.choices import Role
from registry.permissions import can_read_ledger
from reports.monthly import months_between

from ..filters import CampaignFilter
from ..forms.programme import CampaignCopyForm, PhaseForm
from ..models import Campaign, Phase
from .programme_access import is_safety_office, require_role
from .programme_figures import campaign_progress

PAGE_SIZE = 50


def build_timeline(campaign, phases, today):
    """Positions (percent of the axis) for drawing the phases as bars on a date axis.

    The axis runs from the campaign's first day to its last (or the latest phase end or
    deadline); a bar covers its phase's first to last day inclusive. Today's marker is None
    when today falls outside the axis, with `today_side` saying on which side.
    """
    days = [campaign.starts_on, campaign.ends_on]
    days += [day for phase in phases for day in (phase.starts_on, phase.ends_on, phase.deadline) if day]
    first, last = min(days), max(days)
    span = (last - first).days + 1

    def at(day):
        return 100 * (day - first).days / span

    def pct(value):
        return f"{value:.2f}"

    bars = []
    for phase in phases:
        left, right = at(phase.starts_on), at(phase.ends_on + datetime.timedelta(days=1))
        state = "past" if phase.ends_on < today else "current" if phase.starts_on <= today else "future"
        bars.append({
            "phase": phase,
            "left": pct(left),
            "width": pct(right - left),
            "state": state,
            "deadline": pct(at(phase.deadline)) if phase.deadline else None,
        })
    months = months_between(first, last)[1:]  # the ticks: each month's first day after the axis starts
    step = max(1, len(months) // 12)  # about a dozen ticks whatever the campaign's length
    ticks = [{"left": pct(at(day)), "day": day, "with_year": index == 0 or day.month == 1}
             for index, day in enumerate(months[::step])]
    inside = first <= today <= last
    return {
        "first": first,
        "last": last,
        "bars": bars,
        "ticks": ticks,
        "today": pct(at(today)) if inside else None,
        "today_side": None if inside else ("before" if today < first else "after"),
    }


def phase_due(phase, today):
    """By when the phase's work is due and how many days are left (negative: overdue)."""
    return {"phase": phase, "due_on": phase.due_on, "days_left": (phase.due_on - today).days,
            "current": phase.is_current(today)}


@login_required
def campaign_list(request):
    campaigns = (
        Campaign.objects.select_related("created_from")
        .annotate(phase_count=Count("phases"))
        .order_by("-starts_on", "-pk")
    )
    filterset = CampaignFilter(request.GET, queryset=campaigns)
    page = Paginator(filterset.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "filter": filterset,
        "page_obj": page,
        "today": timezone.localdate(),
        "current": Campaign.objects.current(),
        "can_manage": is_safety_office(request.user),
    }
    return render(request, "campaigns/campaign_list.html", context)


@login_required
def campaign_detail(request, pk):
    campaign = get_object_or_404(Campaign.objects.select_related("created_from"), pk=pk)
    user, today = request.user, timezone.localdate()
    phases = list(campaign.phases.all())
    context = {
        "campaign": campaign,
        "phases": [phase_due(phase, today) for phase in phases],
        "timeline": build_timeline(campaign, phases, today),
        "today": today,
        "progress": campaign_progress(campaign, phases, user) if can_read_ledger(user) else None,
        "can_manage": is_safety_office(user),
    }
    return render(request, "campaigns/campaign_detail.html", context)


@login_required
def campaign_copy(request, pk):
    source = get_object_or_404(Campaign, pk=pk)
    require_role(request.user, Role.SAFETY_OFFICE)
    form = CampaignCopyForm(request.POST or None, source=source)
    if request.method == "POST" and form.is_valid():
        campaign = form.save()
        messages.success(request, _("已创建“%(name)s”，各阶段日期顺延 %(days)s 天。") % {"name": campaign.name,
                                                                                  "days": form.days})
        return redirect("campaigns:campaign_detail", pk=campaign.pk)
    return render(request, "campaigns/campaign_copy.html", {"form": form, "source": source})


@login_required
def phase_edit(request, pk):
    phase = get_object_or_404(Phase.objects.select_related("campaign"), pk=pk)
    require_role(request.user, Role.SAFETY_OFFICE)
    form = PhaseForm(request.POST or None, instance=phase)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("已保存“%(name)s”阶段。") % {"name": phase.name})
        return redirect("campaigns:campaign_detail", pk=phase.campaign_id)
    return render(request, "campaigns/phase_form.html", {"form": form, "phase": phase})
