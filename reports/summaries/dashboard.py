"""The city dashboard: a row of figures per town with the city's totals, the breakdown by training
category and the monthly trend.

Each figure is counted in the database, a fixed number of grouped queries whatever the number of
towns or workers. Certificates and training needs are read once each, into cells of (town,
scheme, form label) that are added up by town for the table and by label for the categories.
"""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count, Q
from django.db.models.functions import TruncMonth
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from campaigns.choices import FindingResult
from campaigns.models import Enrolment, Finding, Inspection
from registry.choices import OPEN_NEED_STATUSES, CertificateStatus, NeedKind, NeedStatus, Scheme
from registry.models import Town
from registry.permissions import can_read_ledger
from reports.monthly import months_between

from .base import (
    CELL_KEYS,
    IN_STANDING,
    Column,
    city,
    certified_per_town,
    label_order,
    labelled,
    merge,
    narrow_to_scheme,
    narrow_to_shown_towns,
    per_town,
    roll_up,
    scoped_ledger,
    share,
    start_of,
    sum_counts,
)

DASHBOARD_COLUMNS = (
    Column("units", _("生产经营单位")),
    Column("workers", _("从业人员")),
    Column("certified", _("持证在岗人数")),
    Column("certified_share", _("持证率"), share=True),
    Column("needs_initial", _("待培训（取证）")),
    Column("needs_review", _("待培训（复审）")),
    Column("reviews_due", format_lazy(_("{days}天内到期复审"), days=settings.JINJIANG_CERT_REVIEW_HORIZON_DAYS)),
    Column("reviews_overdue", _("逾期未复审")),
    Column("certificates_expired", _("证书已过期")),
    Column("trained", _("本期培训人次")),
    Column("newly_certified", _("本期取证/复审办结")),
    Column("inspections", _("执法检查")),
    Column("violations", _("违法人次")),
    Column("cases", _("立案/移送")),
)
COUNT_KEYS = tuple(column.key for column in DASHBOARD_COLUMNS if not column.share)
SORT_KEYS = ("town", *(column.key for column in DASHBOARD_COLUMNS))


@dataclass
class Row:
    town: Town | None  # None for the city's totals
    figures: dict


@dataclass
class Table:
    columns: tuple
    rows: list
    totals: Row


def _campaign_work(scope):
    """The campaign's work within the date range besides certification: querysets and the town each counts under."""
    user, start, end = scope.user, scope.date_from, scope.date_to
    # `Enrolment.for_user` is its need's scope: every need for the city's totals, a bureau's scheme
    # (`scope.scheme`, below). Spelt out, PostgreSQL is not asked to semi-join a million needs.
    trained = (Enrolment.objects.all() if can_read_ledger(user) else Enrolment.objects.none()).filter(
        attended=True, training_class__ends_on__gte=start, training_class__ends_on__lte=end
    )
    inspections = city(Inspection.objects, user).filter(inspected_on__gte=start, inspected_on__lte=end)
    # An inspection checks both schemes' workers: only its findings carry a scheme.
    findings = Finding.objects.filter(inspection__in=inspections).exclude(result=FindingResult.CERTIFIED)
    # An inspection is one case (立案/移送) however many such measures it led to: the inspection list's "立案/移送".
    cases = inspections.with_cases()
    return {
        "trained": (narrow_to_scheme(trained, scope.scheme, "need__category__scheme"), "need__town"),
        "inspections": (inspections, "unit__town"),
        "violations": (narrow_to_scheme(findings, scope.scheme), "inspection__unit__town"),
        "cases": (cases, "unit__town"),
    }


def ledger_cells(scope):
    """Certificates and training needs counted per (town, scheme, form label): one pass over each table.

    The certificates' states are the model's (`with_status`): "due" is in standing with the next
    review within the horizon — `review_due_within` —, "overdue" and "expired" are the statuses of
    the same names. Needs: open (`TrainingNeed.open()`) by kind, and closed with a certificate
    within the date range. The cells are rolled up by town for the table and by label for the
    category breakdown; there are at most towns × labels of them, whatever the ledger's size.
    """
    ledger, on = scoped_ledger(scope), scope.on
    horizon = on + datetime.timedelta(days=scope.horizon_days)
    due = Q(status_code__in=IN_STANDING, next_review_on__lte=horizon)
    # only expired certificates and those whose next review is past or within the horizon count here
    certificates = ledger["certificates"].filter(Q(valid_until__lt=on) | Q(next_review_on__lte=horizon)).with_status(on)
    opened = Q(status__in=OPEN_NEED_STATUSES)
    certified = Q(status=NeedStatus.CERTIFIED, closed_on__gte=scope.date_from, closed_on__lte=scope.date_to)
    return labelled([
        *certificates.values(**CELL_KEYS).annotate(
            reviews_due=Count("pk", filter=due),
            reviews_overdue=Count("pk", filter=Q(status_code=CertificateStatus.REVIEW_OVERDUE)),
            certificates_expired=Count("pk", filter=Q(status_code=CertificateStatus.EXPIRED)),
        ).order_by(),
        *ledger["needs"].filter(opened | certified).values(**CELL_KEYS).annotate(
            needs_initial=Count("pk", filter=opened & Q(kind=NeedKind.INITIAL)),
            needs_review=Count("pk", filter=opened & Q(kind=NeedKind.REVIEW)),
            newly_certified=Count("pk", filter=certified),
        ).order_by(),
    ])


LEDGER_CELL_COUNTS = ("reviews_due", "reviews_overdue", "certificates_expired", "needs_initial", "needs_review",
                      "newly_certified")


def town_figures(scope, cells=None):
    """{town id: {figure: number}} for every town the city's totals count."""
    ledger = scoped_ledger(scope)
    workers = ledger["workers"]
    grouped = [
        per_town(ledger["units"], "town", units=Count("*")),
        per_town(workers, "town", workers=Count("*")),
        certified_per_town(scope, "certified"),
        roll_up(ledger_cells(scope) if cells is None else cells, lambda cell: cell["town_pk"], LEDGER_CELL_COUNTS),
        *[per_town(queryset, town_field, **{key: Count("*")})
          for key, (queryset, town_field) in _campaign_work(scope).items()],
    ]
    return merge(grouped)


def _complete(counts):
    figures = {key: counts.get(key, 0) for key in COUNT_KEYS}
    figures["certified_share"] = share(figures["certified"], figures["workers"])
    return figures


def dashboard_table(scope, sort=None, cells=None):
    """One row per town shown (sorted by `sort`, a column key with an optional leading "-"), and the city's totals."""
    figures = town_figures(scope, cells)
    shown = scope.shown_town_ids
    towns = [town for town in Town.objects.for_user(scope.user) if shown is None or town.pk in shown]
    rows = [Row(town, _complete(figures.get(town.pk, {}))) for town in towns]
    totals = Row(None, _complete(sum_counts(figures)))
    return Table(columns=DASHBOARD_COLUMNS, rows=sort_rows(rows, sort), totals=totals)


def parse_sort(sort, keys=SORT_KEYS):
    """("column", descending) for a known column, else (None, False)."""
    sort = sort or ""
    key = sort.removeprefix("-")
    return (key, sort.startswith("-")) if key in keys else (None, False)


def sort_rows(rows, sort):
    """Rows in the towns' own order, or by one column; towns without a value (no workers) go last."""
    key, descending = parse_sort(sort)
    if key is None:
        return rows
    if key == "town":
        return sorted(rows, key=lambda row: (row.town.order, row.town.code), reverse=descending)
    with_value = [row for row in rows if row.figures[key] is not None]
    without = [row for row in rows if row.figures[key] is None]
    # sorted() is stable, so equal figures keep the towns' own order
    return sorted(with_value, key=lambda row: row.figures[key], reverse=descending) + without


CATEGORY_KEYS = ("needs_initial", "needs_review", "reviews_due", "reviews_overdue", "certificates_expired")
CATEGORY_COLUMNS = tuple(column for column in DASHBOARD_COLUMNS if column.key in CATEGORY_KEYS)


def category_breakdown(scope, cells=None):
    """Per form label (电工, 焊工 … 锅炉 …) of the towns shown: open needs by kind, reviews due, overdue, expired."""
    shown = scope.shown_town_ids
    by_label = roll_up(ledger_cells(scope) if cells is None else cells, lambda cell: (cell["scheme"], cell["label"]),
                       CATEGORY_KEYS, keep=lambda cell: shown is None or cell["town_pk"] in shown)
    order = label_order()
    return [
        {"scheme": scheme, "scheme_label": Scheme(scheme).label, "label": label,
         **{key: counts.get(key, 0) for key in CATEGORY_KEYS}}
        for (scheme, label), counts in sorted(by_label.items(), key=lambda item: order.get(item[0], (9, 999)))
        if any(counts.get(key) for key in CATEGORY_KEYS)
    ]


def _month(value):
    """TruncMonth of a timestamp is a local datetime, of a date a date."""
    return value.date() if isinstance(value, datetime.datetime) else value


def monthly_trend(scope):
    """Per month of the date range: training needs registered, and needs closed with a certificate.

    Two grouped queries, one per count: each scans only the needs it counts (PostgreSQL splits a
    single query grouped by both months over its workers less well).
    """
    needs = narrow_to_shown_towns(scoped_ledger(scope)["needs"], scope, "town")
    start, end = scope.date_from, scope.date_to
    created = needs.filter(created_at__gte=start_of(start), created_at__lt=start_of(end + datetime.timedelta(days=1)))
    certified = needs.filter(status=NeedStatus.CERTIFIED, closed_on__gte=start, closed_on__lte=end)
    trend = {month: {"month": month, "created": 0, "certified": 0} for month in months_between(start, end)}
    for key, queryset, field in (("created", created, "created_at"), ("certified", certified, "closed_on")):
        for cell in queryset.values(month=TruncMonth(field)).annotate(count=Count("*")).order_by():
            trend[_month(cell["month"])][key] += cell["count"]
    return list(trend.values())


def chart_data(table, categories, trend):
    """The charts' data, from the same rows as the tables: plain lists for json_script."""
    return {
        "towns": {
            "names": [row.town.name for row in table.rows],
            "series": {key: [row.figures[key] for row in table.rows]
                       for key in ("workers", "certified", "needs_initial", "needs_review", "reviews_overdue",
                                   "certificates_expired")},
        },
        "categories": {
            "names": [row["label"] for row in categories],
            "series": {key: [row[key] for row in categories] for key in CATEGORY_KEYS},
        },
        "trend": {
            "months": [row["month"].strftime("%Y-%m") for row in trend],
            "created": [row["created"] for row in trend],
            "certified": [row["certified"] for row in trend],
        },
    }
