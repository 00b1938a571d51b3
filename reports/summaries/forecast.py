"""The review forecast: certificates whose next review (or renewal) falls due in each of the coming
months, by town and by training category — the training places the city must plan.
"""

from dataclasses import dataclass

from django.db.models import Case, Count, DateField, Q, When
from django.db.models.functions import Cast, TruncMonth
from django.utils.translation import gettext_lazy as _

from registry.choices import CertificateStatus, Scheme
from registry.models import Town
from reports.monthly_models import add_months, first_of_month, last_day_of

from .base import CELL_KEYS, IN_STANDING, label_order, labelled, roll_up, scoped_ledger

@dataclass
class ForecastLine:
    label: str
    overdue: int
    months: list  # one count per forecast month
    town: Town | None = None
    group: str = ""  # the scheme of a form label

    @property
    def total(self):
        return sum(self.months)

    def values(self):
        """The overdue count, each month's and the months' total: the numbers of the line, in column order."""
        return [self.overdue, *self.months, self.total]


@dataclass
class Forecast:
    months: list  # the first day of each month
    by_town: list
    town_totals: ForecastLine
    by_category: list
    category_totals: ForecastLine


def forecast_window(on, months=12):
    """The first day of this month and of the next `months - 1`, and the last day of the last one."""
    starts = [add_months(first_of_month(on), count) for count in range(months)]
    return starts, last_day_of(starts[-1])


def review_forecast(scope, months=12):
    """Certificates whose next review (or renewal) falls due in each of the next `months` months — this month
    from today — and those already overdue, by town and by form label: the training places the city must plan.

    "Due" is in standing with the next review by the window's end (`review_due_within` over the
    window), "overdue" the model's status; the next review date is the renewal date where the
    certificate expires first. One pass, grouped by (town, scheme, form label, month due).
    """
    on = scope.on
    starts, last = forecast_window(on, months)
    due = Q(status_code__in=IN_STANDING, next_review_on__lte=last)
    overdue = Q(status_code=CertificateStatus.REVIEW_OVERDUE)
    cells = labelled(
        scoped_ledger(scope)["certificates"].with_status(on).filter(due | overdue)
        # Cast: inside Case, TruncMonth's own conversion is skipped and PostgreSQL's date_trunc gives a timestamp
        .values(**CELL_KEYS, month=Case(When(due, then=Cast(TruncMonth("next_review_on"), DateField()))))
        .annotate(due=Count("pk", filter=due), overdue=Count("pk", filter=overdue)).order_by()
    )
    shown = scope.shown_town_ids

    def line(label, keep, **fields):
        kept = [cell for cell in cells if keep(cell)]
        by_month = roll_up(kept, lambda cell: cell["month"], ("due",))
        return ForecastLine(label, sum(cell["overdue"] for cell in kept),
                            [by_month.get(start, {}).get("due", 0) for start in starts], **fields)

    def mine(cell):  # a clerk's categories are their own town's
        return shown is None or cell["town_pk"] in shown

    def of_label(scheme, label):
        return lambda cell: mine(cell) and cell["scheme"] == scheme and cell["label"] == label

    order = label_order()
    labels = sorted({(cell["scheme"], cell["label"]) for cell in cells if mine(cell)},
                    key=lambda key: order.get(key, (9, 999)))
    return Forecast(
        months=starts,
        by_town=[line(t.name, lambda cell, pk=t.pk: cell["town_pk"] == pk, town=t)
                 for t in Town.objects.for_user(scope.user) if shown is None or t.pk in shown],
        town_totals=line(_("全市合计"), lambda cell: True),
        by_category=[line(label, of_label(scheme, label), group=Scheme(scheme).label) for scheme, label in labels],
        category_totals=line(_("合计"), mine),
    )
