"""Figures for the programme pages, each from one grouped query (values().annotate()).

Town rows come from the user's scoped querysets; a clerk also sees the city's totals, which
are aggregates over every town and never a row of another town.
"""

from django.db.models import Count, F, Q, Sum
from django.db.models.functions import Coalesce

from registry.choices import NeedStatus, Scheme
from registry.models import CertificateCategory, Town, TrainingNeed
from reports.models import Submission, SubmissionState, visible_forms

from ..choices import PhaseKind, PublicityChannel
from ..models import Inspection, PublicityRecord

NEED_TOWN = "town"

# The pipeline is counted so that each stage includes the later ones: a certified need was
# also trained, enrolled and registered, whether it went through a class or the ledger page.
ENROLLED_STATUSES = [NeedStatus.REGISTERED, NeedStatus.TRAINED, NeedStatus.FAILED, NeedStatus.CERTIFIED]
TRAINED_STATUSES = [NeedStatus.TRAINED, NeedStatus.FAILED, NeedStatus.CERTIFIED]


def pipeline_counts():
    """Count expressions for needs registered / enrolled / trained / certified."""
    return {
        "registered": Count("pk", distinct=True),
        "enrolled": Count("pk", distinct=True, filter=Q(enrolments__isnull=False) | Q(status__in=ENROLLED_STATUSES)),
        "trained": Count("pk", distinct=True, filter=Q(enrolments__attended=True) | Q(status__in=TRAINED_STATUSES)),
        "certified": Count("pk", distinct=True, filter=Q(status=NeedStatus.CERTIFIED)),
    }


def needs_in_window(needs, campaign):
    """The needs registered during the campaign (created between its first and last day), cancelled ones left out."""
    return needs.filter(created_at__date__gte=campaign.starts_on, created_at__date__lte=campaign.ends_on).exclude(
        status=NeedStatus.CANCELLED
    )


def city_queryset(manager, user):
    """What the city totals count: every town for a clerk, the user's own scope for the city roles."""
    return manager.all() if user.is_town_clerk else manager.for_user(user)


def _by_town(queryset, town_field, **counts):
    return {row.pop("town_pk"): row for row in queryset.values(town_pk=F(town_field)).annotate(**counts).order_by()}


def training_progress_table(needs, towns):
    """Rows town × category class with the pipeline counts, the towns' subtotals and the total.

    Needs on an item are counted under its class (低压电工作业 under 电工作业), as the
    attachments' 培训类别 column groups them.
    """
    cells = list(
        needs.values(town_pk=F(NEED_TOWN), class_id=Coalesce("category__parent", "category"))
        .annotate(**pipeline_counts())
        .order_by()
    )
    subtotals = _by_town(needs, NEED_TOWN, **pipeline_counts())
    total = needs.aggregate(**pipeline_counts())
    classes = CertificateCategory.objects.in_bulk({cell["class_id"] for cell in cells})
    town_order = {town.pk: index for index, town in enumerate(towns)}
    by_town = {town.pk: town for town in towns}
    cells = [cell for cell in cells if cell["town_pk"] in by_town]
    # towns in their order; Attachment 1's classes before Attachment 2's, each in catalogue order
    cells.sort(key=lambda cell: (town_order[cell["town_pk"]],
                                 classes[cell["class_id"]].scheme != Scheme.SPECIAL_OPERATION,
                                 classes[cell["class_id"]].order))
    groups = []
    for town in towns:
        town_cells = [dict(cell, category=classes[cell["class_id"]]) for cell in cells if cell["town_pk"] == town.pk]
        if town_cells:
            groups.append({"town": town, "cells": town_cells, "subtotal": subtotals[town.pk]})
    return {"groups": groups, "total": total}


SUBMISSION_COLOURS = {
    SubmissionState.NOT_SUBMITTED: "grey",
    SubmissionState.ON_TIME: "blue",
    SubmissionState.LATE: "amber",
    SubmissionState.RETURNED: "red",
    SubmissionState.ACCEPTED: "green",
}


def submission_chip(state):
    return {"label": state.label, "colour": SUBMISSION_COLOURS[state]}


def submission_states(campaign, user):
    """{(town_id, form): SubmissionState} of each town's newest version, and the towns that submitted each form."""
    latest = Submission.objects.filter(campaign=campaign).latest_versions()
    states = {}
    rows = Submission.objects.for_user(user).filter(pk__in=latest.values("pk"))
    for row in rows.values("town_id", "form", "status", "is_late"):
        if row["status"] == Submission.Status.ACCEPTED:
            state = SubmissionState.ACCEPTED
        elif row["status"] == Submission.Status.RETURNED:
            state = SubmissionState.RETURNED
        else:
            state = SubmissionState.LATE if row["is_late"] else SubmissionState.ON_TIME
        states[(row["town_id"], row["form"])] = state
    city = latest if user.is_town_clerk else latest.filter(pk__in=Submission.objects.for_user(user).values("pk"))
    submitted = dict(
        city.exclude(status=Submission.Status.RETURNED).values("form").annotate(towns=Count("town", distinct=True))
        .order_by().values_list("form", "towns")
    )
    return states, submitted


def campaign_progress(campaign, phases, user):
    """Each town's progress on each phase of `campaign`, with the city's totals.

    动员部署: publicity records; 检查摸底: open needs per attachment and the submission of
    Attachment 1/2; 集中培训: needs registered / enrolled / trained / certified during the
    campaign; 专项执法: inspections of the town's units.
    """
    kinds = {phase.kind: phase for phase in phases}
    towns = list(Town.objects.for_user(user))
    forms = sorted(visible_forms(user))
    rows = {town.pk: {"town": town} for town in towns}
    totals = {}

    def fill(key, figures):
        for town_id, value in figures.items():
            if town_id in rows:
                rows[town_id][key] = value

    if PhaseKind.MOBILISATION in kinds:
        publicity = PublicityRecord.objects.filter(campaign=campaign)
        fill("publicity", _by_town(publicity.for_user(user).filter(town__isnull=False), "town", n=Count("pk")))
        totals["publicity"] = city_queryset(PublicityRecord.objects, user).filter(campaign=campaign).aggregate(
            n=Count("pk"), towns=Count("town", distinct=True), departments=Count("department", distinct=True)
        )
    if PhaseKind.SURVEY in kinds:
        open_counts = {
            f"form{number}": Count("pk", filter=Q(category__scheme=Scheme.SPECIAL_OPERATION if number == 1
                                                  else Scheme.SPECIAL_EQUIPMENT))
            for number in forms
        }
        open_needs = TrainingNeed.objects.for_user(user).open().of_active_workers()
        fill("open", _by_town(open_needs, NEED_TOWN, **open_counts))
        totals["open"] = city_queryset(TrainingNeed.objects, user).open().of_active_workers().aggregate(
            **open_counts
        )
        states, submitted = submission_states(campaign, user)
        town_count = Town.objects.count()
        totals["open_counts"] = [totals["open"][f"form{number}"] for number in forms]
        totals["submitted"] = [{"towns": submitted.get(number, 0), "of": town_count} for number in forms]
        for town_id, row in rows.items():
            row["open_counts"] = [row.get("open", {}).get(f"form{number}", 0) for number in forms]
            row["submissions"] = [
                submission_chip(states.get((town_id, number), SubmissionState.NOT_SUBMITTED)) for number in forms
            ]
    if PhaseKind.TRAINING in kinds:
        fill("training", _by_town(needs_in_window(TrainingNeed.objects.for_user(user), campaign), NEED_TOWN,
                                  **pipeline_counts()))
        totals["training"] = needs_in_window(city_queryset(TrainingNeed.objects, user), campaign).aggregate(
            **pipeline_counts()
        )
    if PhaseKind.ENFORCEMENT in kinds:
        phase = kinds[PhaseKind.ENFORCEMENT]
        in_campaign = Q(campaign=campaign) | Q(campaign__isnull=True, inspected_on__gte=phase.starts_on,
                                               inspected_on__lte=phase.ends_on)
        fill("inspections", _by_town(Inspection.objects.for_user(user).filter(in_campaign), "unit__town",
                                     n=Count("pk")))
        totals["inspections"] = city_queryset(Inspection.objects, user).filter(in_campaign).aggregate(n=Count("pk"))
    return {"rows": list(rows.values()), "totals": totals, "forms": forms, "kinds": set(kinds)}


def publicity_totals(records):
    """Totals of the listed publicity by reporter (town or department) and by channel: one query each."""
    figures = {"n": Count("pk"), "reach": Coalesce(Sum("reach"), 0)}
    by_reporter = list(
        records.values("town__name", "department__name")
        .annotate(**figures)
        .order_by(F("town__order").asc(nulls_last=True), "department__order", "department__name")
    )
    by_channel = list(records.values("channel").annotate(**figures).order_by("-n", "channel"))
    for row in by_channel:
        row["label"] = PublicityChannel(row["channel"]).label
    return {"by_reporter": by_reporter, "by_channel": by_channel}
