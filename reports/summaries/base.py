"""What every summary shares: the scope of a page, the user's scoped querysets, small grouping helpers.

A summary counts for the towns the user may see plus, for a clerk, the city's totals: so the
querysets here are the user's `for_user` ones, except that a clerk's are every town's (their rows
are cut down to their own town afterwards, by `Scope.shown_town_ids`).
"""

import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Count, F
from django.utils import timezone

from registry.choices import CertificateStatus, Scheme
from registry.models import Certificate, CertificateCategory, Town, TrainingNeed, Unit, Worker, today

# A certificate "in standing" is valid and not overdue for review (the model's statuses).
IN_STANDING = (CertificateStatus.VALID, CertificateStatus.REVIEW_DUE_SOON)
# Certificates and needs are counted in cells of (town, category) — each row carries both ids, so
# the database groups integers without a join — then named by `labelled` with the category's
# scheme and form label.
CELL_KEYS = {"town_pk": F("town"), "category_pk": F("category")}


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    share: bool = False  # a fraction 0–1 shown as a percentage; None when there is nothing to divide


@dataclass(frozen=True)
class Scope:
    """What a page counts: whose view, which scheme, which town's row, which dates.

    `town` narrows the rows shown, never the city's totals. `date_from`/`date_to` bound the
    figures of the campaign's work (trained, certified, inspections, violations, cases, the
    monthly trend); the ledger's standing figures are as of `on`.
    """

    user: object
    scheme: str | None = None
    town: Town | None = None
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None
    on: datetime.date = field(default_factory=today)

    def __post_init__(self):
        # without a range, this year up to today
        if self.date_from is None:
            object.__setattr__(self, "date_from", self.on.replace(month=1, day=1))
        if self.date_to is None:
            object.__setattr__(self, "date_to", max(self.on, self.date_from))

    @property
    def horizon_days(self):
        return settings.JINJIANG_CERT_REVIEW_HORIZON_DAYS

    @property
    def shown_town_ids(self):
        """The towns whose rows may be shown; None for every town in the user's scope."""
        if self.user.is_town_clerk:
            return {self.user.town_id}
        return {self.town.pk} if self.town is not None else None


def scheme_for(user, chosen=None):
    """A bureau always counts its own scheme; the other roles the scheme they chose (None: both)."""
    return getattr(user, "scheme", None) or chosen or None


def city(manager, user):
    """What the city's totals count: every town for a clerk (whose rows are cut down later), else the user's scope."""
    return manager.all() if user.is_town_clerk else manager.for_user(user)


def per_town(queryset, town_field, **counts):
    return {row.pop("town_pk"): row for row in queryset.values(town_pk=F(town_field)).annotate(**counts).order_by()}


def merge(grouped):
    """{town id: counts} of several grouped queries merged into one dict per town."""
    figures = {}
    for by_town in grouped:
        for town_id, counts in by_town.items():
            figures.setdefault(town_id, {}).update(counts)
    return figures


def sum_counts(figures):
    """The city's counts: each count added up over the towns (every figure belongs to exactly one town)."""
    keys = {key for counts in figures.values() for key in counts}
    return {key: sum(counts.get(key, 0) for counts in figures.values()) for key in keys}


def roll_up(cells, key, names, keep=lambda cell: True):
    """{key(cell): {name: sum}} of the counts `names` over the cells kept."""
    totals = {}
    for cell in filter(keep, cells):
        counts = totals.setdefault(key(cell), {})
        for name in names:
            counts[name] = counts.get(name, 0) + cell.get(name, 0)
    return totals


def start_of(day):
    """The first moment of `day` in Jinjiang, for comparing stored timestamps with dates."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def share(part, whole):
    return part / whole if whole else None


def narrow_to_scheme(queryset, scheme, field="category__scheme"):
    return queryset.filter(**{field: scheme}) if scheme else queryset


def scoped_workers(user, scheme=None):
    """`Worker.objects.for_user(user)` (every worker for a clerk's city totals), narrowed to `scheme`.

    A bureau sees only its own scheme: asked for the other, nothing.
    """
    scheme = scheme or user.scheme
    if user.scheme and scheme != user.scheme:
        return Worker.objects.none()
    workers = city(Worker.objects, user)
    return workers.in_scheme(scheme) if scheme else workers


def scoped_ledger(scope):
    """The scoped base querysets of the ledger, narrowed to the scheme (units are not by scheme)."""
    user, scheme = scope.user, scope.scheme
    return {
        "units": city(Unit.objects, user).active(),
        "workers": scoped_workers(user, scheme).active(),
        "certificates": narrow_to_scheme(city(Certificate.objects, user), scheme).of_active_workers(),
        "needs": narrow_to_scheme(city(TrainingNeed.objects, user), scheme).of_active_workers(),
    }


def certified_per_town(scope, name, on=None, issued_by=None):
    """{town id: {name: workers in the ledger holding a certificate of the scope's scheme in good standing on `on`}}.

    Read from the workers' standing dates (`WorkerQuerySet.certified`); with `issued_by` (a past
    day of the league table), only certificates issued by then count, which the dates cannot
    tell: those are counted over the certificates as distinct holders registered by that day.
    """
    on = on or scope.on
    if issued_by is None:
        workers = scoped_workers(scope.user, scope.scheme).active().certified(on, scope.scheme)
        return per_town(workers, "town", **{name: Count("*")})
    certificates = city(Certificate.objects, scope.user).in_good_standing(on).of_active_workers().filter(
        issued_on__lte=issued_by, worker__created_at__lt=start_of(issued_by + datetime.timedelta(days=1)))
    return per_town(narrow_to_scheme(certificates, scope.scheme), "town", **{name: Count("worker", distinct=True)})


def narrow_to_shown_towns(queryset, scope, town_field):
    """A clerk's own town or the chosen town; for the charts, which are never city-wide for a clerk."""
    shown = scope.shown_town_ids
    return queryset.filter(**{f"{town_field}__in": shown}) if shown is not None else queryset


def labelled(cells):
    """The cells (dicts with "category_pk"), each given its category's "scheme" and form "label"."""
    labels = {pk: (scheme, label) for pk, scheme, label in
              CertificateCategory.objects.values_list("pk", "scheme", "form_label")}
    cells = list(cells)
    for cell in cells:
        cell["scheme"], cell["label"] = labels[cell["category_pk"]]
    return cells


def label_order():
    """(scheme, form label) → sort key: Attachment 1's labels first, each in catalogue order."""
    order = {}
    for scheme, label, position in CertificateCategory.objects.values_list("scheme", "form_label", "order"):
        key = (0 if scheme == Scheme.SPECIAL_OPERATION else 1, position)
        order[(scheme, label)] = min(order.get((scheme, label), key), key)
    return order
