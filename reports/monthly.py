"""Monthly work summaries: the figures the ledger pre-fills and the completeness grid — queries only.

Figures are counted in the database with a fixed number of queries per reporter; the grid
reads every reporter and every summary of its months in three queries, whatever their number.
"""

import datetime
import re
from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from campaigns.choices import FindingResult, MeasureKind
from campaigns.models import Inspection
from registry.choices import NeedStatus, Role
from registry.models import Certificate, Department, Town, TrainingNeed

from .monthly_models import (
    MonthlyFigure,
    MonthlyGridState,
    MonthlyReporterKind,
    MonthlySummary,
    add_months,
    first_of_month,
    last_day_of,
    local_today,
    month_starts_at,
    monthly_grid_state,
)

VIOLATION_RESULTS = [result for result in FindingResult.values if result != FindingResult.CERTIFIED]
BANNER_LEAD_DAYS = 3


# Months -----------------------------------------------------------------------------------


def parse_month(text):
    """"2019-06" → date(2019, 6, 1); ValueError (with a Chinese message) for anything else."""
    match = re.fullmatch(r"(\d{4})-(\d{1,2})", (text or "").strip())
    if not match or not 1 <= int(match.group(2)) <= 12 or int(match.group(1)) < 1:
        raise ValueError(_("月份“%(text)s”无效，请按 YYYY-MM 填写，例如 2019-06。") % {"text": text})
    return datetime.date(int(match.group(1)), int(match.group(2)), 1)


def month_key(month):
    return f"{month:%Y-%m}"


def months_between(first, last):
    """Every month from the one holding `first` to the one holding `last`, oldest first."""
    months, month = [], first_of_month(first)
    while month <= last:
        months.append(month)
        month = add_months(month, 1)
    return months


def last_months(count=12, today=None):
    """The last `count` months ending with the current one, oldest first."""
    current = first_of_month(today or local_today())
    return [add_months(current, offset) for offset in range(1 - count, 1)]


def campaign_months(campaign):
    return months_between(campaign.starts_on, campaign.ends_on)


# Figures ----------------------------------------------------------------------------------


def prefilled_figures(reporter, month):
    """The month's figures from the ledger for a town or a city department.

    A town: training needs of its units' workers registered in the month (new entries), with
    training finished in the month (trained) and closed as certified in the month (certified);
    its certificates with a review recorded in the month; inspections of its units in the month,
    the violations found in them and the cases filed. A department: the inspections it made in
    the month and their violations and cases; the ledger figures are zero (it keeps no ledger).
    """
    start, end = month, add_months(month, 1)
    figures = dict.fromkeys(MonthlyFigure.values, 0)
    inspections = Inspection.objects.filter(inspected_on__gte=start, inspected_on__lt=end)
    if isinstance(reporter, Town):
        inspections = inspections.filter(unit__town=reporter)
        figures.update(_ledger_figures(reporter, start, end))
    else:
        inspections = inspections.filter(inspecting_department=reporter)
    figures.update(
        inspections.aggregate(
            inspections=Count("pk", distinct=True),
            violations=Count("findings", filter=Q(findings__result__in=VIOLATION_RESULTS), distinct=True),
            cases=Count("measures", filter=Q(measures__kind=MeasureKind.CASE_FILED), distinct=True),
        )
    )
    return figures


def _ledger_figures(town, start, end):
    created = Q(created_at__gte=month_starts_at(start), created_at__lt=month_starts_at(end))
    trained = Q(trained_on__gte=start, trained_on__lt=end)
    certified = Q(status=NeedStatus.CERTIFIED, closed_on__gte=start, closed_on__lt=end)
    needs = TrainingNeed.objects.filter(town=town).filter(created | trained | certified)
    figures = needs.aggregate(
        new_entries=Count("pk", filter=created),
        trained=Count("pk", filter=trained),
        certified=Count("pk", filter=certified),
    )
    figures["reviews"] = Certificate.objects.filter(
        town=town, last_reviewed_on__gte=start, last_reviewed_on__lt=end
    ).count()
    return figures


# Reporters --------------------------------------------------------------------------------


def reporter_of(user):
    """The town or department `user` files summaries for; None for the other roles."""
    role = getattr(user, "role", None)
    if role == Role.TOWN_CLERK:
        return user.town
    if role == Role.DEPARTMENT:
        return user.department
    return None


def reporters_for(user=None, kind=None):
    """(towns, departments) whose rows `user` may see in the grid; every reporter for no user.

    A reporter sees its own row only; the safety office and the two bureaus see every row.
    """
    towns, departments = Town.objects.order_by("order", "code"), Department.objects.order_by("order", "name")
    if user is not None:
        role = getattr(user, "role", None)
        if role == Role.TOWN_CLERK:
            towns, departments = towns.filter(pk=user.town_id), departments.none()
        elif role == Role.DEPARTMENT:
            towns, departments = towns.none(), departments.filter(pk=user.department_id)
        elif role not in (Role.SAFETY_OFFICE, Role.MARKET_BUREAU, Role.EMERGENCY_BUREAU):
            towns, departments = towns.none(), departments.none()
    if kind == MonthlyReporterKind.TOWN:
        departments = departments.none()
    elif kind == MonthlyReporterKind.DEPARTMENT:
        towns = towns.none()
    return towns, departments


# The completeness grid --------------------------------------------------------------------


@dataclass
class GridCell:
    month: datetime.date
    state: MonthlyGridState
    summary_id: int | None = None


@dataclass
class GridRow:
    reporter: object
    kind: MonthlyReporterKind
    cells: list
    totals: Counter = field(default_factory=Counter)

    @property
    def total_counts(self):
        """The row's count of each state, in MonthlyGridState's order."""
        return [self.totals[state] for state in MonthlyGridState]


@dataclass
class Grid:
    months: list
    rows: list
    month_totals: list  # one Counter of states per month
    totals: Counter  # every cell's state

    @property
    def state_rows(self):
        """(state, count per month, count over all months) for the grid's totals."""
        return [
            (state, [totals[state] for totals in self.month_totals], self.totals[state]) for state in MonthlyGridState
        ]


def completeness_grid(months, user=None, kind=None, now=None):
    """Reporters (towns, then departments, in the notice's order) × `months`, as of `now`."""
    now = now or timezone.now()
    towns, departments = reporters_for(user, kind)
    towns, departments = list(towns), list(departments)
    found = {}
    if months and (towns or departments):
        summaries = MonthlySummary.objects.filter(month__in=months).filter(
            Q(town__in=[t.pk for t in towns]) | Q(department__in=[d.pk for d in departments])
        )
        for pk, town_id, department_id, month, status, late in summaries.values_list(
            "pk", "town_id", "department_id", "month", "status", "is_late"
        ):
            key = ("town", town_id) if town_id else ("department", department_id)
            found[key, month] = (pk, status, late)

    rows = []
    reporters = [(MonthlyReporterKind.TOWN, t) for t in towns] + [(MonthlyReporterKind.DEPARTMENT, d) for d in departments]
    for reporter_kind, reporter in reporters:
        cells = []
        for month in months:
            pk, status, late = found.get(((reporter_kind.value, reporter.pk), month), (None, None, False))
            cells.append(GridCell(month=month, state=monthly_grid_state(status, late, month, now), summary_id=pk))
        rows.append(GridRow(reporter=reporter, kind=reporter_kind, cells=cells, totals=Counter(c.state for c in cells)))
    month_totals = [Counter(row.cells[index].state for row in rows) for index in range(len(months))]
    return Grid(months=months, rows=rows, month_totals=month_totals, totals=sum(month_totals, Counter()))


# The reporter's banner --------------------------------------------------------------------


@dataclass
class BannerNotice:
    kind: str  # "due_soon", "overdue" or "returned"
    month: datetime.date
    due_on: datetime.date
    summary_id: int | None


def banner_notices(user, today=None):
    """What a reporter's home page must remind them of, in one query.

    This month's summary from three days before its due day until it is submitted; last month's
    while it is still not submitted (it is overdue); either month's while a recipient has it
    returned.
    """
    reporter = reporter_of(user)
    if reporter is None:
        return []
    today = today or local_today()
    current = first_of_month(today)
    previous = add_months(current, -1)
    summaries = {
        s.month: s
        for s in MonthlySummary.objects.of_reporter(reporter).filter(month__in=[previous, current]).only(
            "pk", "month", "status"
        )
    }
    notices = []
    for month in (previous, current):
        summary = summaries.get(month)
        status = summary.status if summary else MonthlySummary.Status.DRAFT
        due_on = last_day_of(month)
        if status == MonthlySummary.Status.RETURNED:
            kind = "returned"
        elif status != MonthlySummary.Status.DRAFT:
            continue
        elif month == previous:
            kind = "overdue"
        elif today >= due_on - datetime.timedelta(days=BANNER_LEAD_DAYS):
            kind = "due_soon"
        else:
            continue
        notices.append(BannerNotice(kind=kind, month=month, due_on=due_on, summary_id=summary.pk if summary else None))
    return notices
