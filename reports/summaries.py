"""The city's figures for the dashboard, the town league table and the review forecast.

Rows only, no format: the HTML pages, the charts' data and the XLSX files are all fed by what
these functions return. Every figure is counted in the database with grouped queries
(`values(town).annotate(Count(...))`), a fixed number of them whatever the number of towns or
workers; Python only places the grouped numbers in rows and adds up at most one row per town.

Each figure uses the ledger's own queryset vocabulary — `for_user`, `in_good_standing`,
`review_due_within`, `review_overdue_on`, `expired_on`, `TrainingNeed.open()` — and the review
horizon of the home page (`JINJIANG_CERT_REVIEW_HORIZON_DAYS`), so the dashboard's city totals
are the home page's figures, and a figure's number is what the list it links to counts.

A town clerk sees their own town's row and the city's totals: the totals are counted over every
town, and no other town's row leaves this module.
"""

import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Count, Exists, F, OuterRef, Q
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from campaigns.choices import FindingResult, MeasureKind
from campaigns.models import Enrolment, Finding, Inspection, Measure
from registry.choices import NeedKind, NeedStatus, Scheme
from registry.models import Certificate, Town, TrainingNeed, Unit, Worker, today
from reports.models import Submission, visible_forms
from reports.services import survey_due_on

CASE_MEASURES = (MeasureKind.CASE_FILED, MeasureKind.JUDICIAL_REFERRAL)


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    share: bool = False  # a fraction 0–1 shown as a percentage; None when there is nothing to divide


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

    @property
    def horizon_days(self):
        return settings.JINJIANG_CERT_REVIEW_HORIZON_DAYS

    @property
    def shown_town_ids(self):
        """The towns whose rows may be shown; None for every town in the user's scope."""
        if self.user.is_town_clerk:
            return {self.user.town_id}
        return {self.town.pk} if self.town is not None else None


@dataclass
class Row:
    town: Town | None  # None for the city's totals
    figures: dict

    def __getitem__(self, key):
        return self.figures[key]


@dataclass
class Table:
    columns: tuple
    rows: list
    totals: Row


def scheme_for(user, chosen=None):
    """A bureau always counts its own scheme; the other roles the scheme they chose (None: both)."""
    return getattr(user, "scheme", None) or chosen or None


def city(manager, user):
    """What the city's totals count: every town for a clerk (whose rows are cut down later), else the user's scope."""
    return manager.all() if user.is_town_clerk else manager.for_user(user)


def _per_town(queryset, town_field, **counts):
    return {row.pop("town_pk"): row for row in queryset.values(town_pk=F(town_field)).annotate(**counts).order_by()}


def _merge(grouped):
    """{town id: counts} of several grouped queries merged into one dict per town."""
    figures = {}
    for by_town in grouped:
        for town_id, counts in by_town.items():
            figures.setdefault(town_id, {}).update(counts)
    return figures


def _sum_counts(figures):
    """The city's counts: each count added up over the towns (every figure belongs to exactly one town)."""
    keys = {key for counts in figures.values() for key in counts}
    return {key: sum(counts.get(key, 0) for counts in figures.values()) for key in keys}


def _start_of(day):
    """The first moment of `day` in Jinjiang, for comparing stored timestamps with dates."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def _share(part, whole):
    return part / whole if whole else None


def _in_scheme(queryset, scheme, field="category__scheme"):
    return queryset.filter(**{field: scheme}) if scheme else queryset


def in_scheme(scheme):
    """Workers holding a certificate or a training need of `scheme`: `WorkerQuerySet.in_scheme` as a semi-join.

    `in_scheme` ORs two EXISTS, which PostgreSQL can only run as two subplans per worker (35 s
    for a bureau's dashboard at a million workers); `pk IN (… UNION …)` is one hash semi-join.
    tests/reports/test_dashboard_scoping.py checks both select the same workers.
    """
    return Q(pk__in=Certificate.objects.filter(category__scheme=scheme).values("worker_id").order_by().union(
        TrainingNeed.objects.filter(category__scheme=scheme).values("worker_id").order_by()))


def scoped_workers(user, scheme=None):
    """`Worker.objects.for_user(user)` (every worker for a clerk's city totals), narrowed to `scheme`.

    A bureau's `for_user` is `in_scheme(its scheme)`; it is taken here in the semi-join shape.
    """
    scheme = scheme or user.scheme
    if user.scheme:
        if scheme != user.scheme:
            return Worker.objects.none()
        workers = Worker.objects.all()
    else:
        workers = city(Worker.objects, user)
    return workers.filter(in_scheme(scheme)) if scheme else workers


def _ledger(scope):
    """The scoped base querysets of the ledger, narrowed to the scheme (units are not by scheme)."""
    user, scheme = scope.user, scope.scheme
    return {
        "units": city(Unit.objects, user).active(),
        "workers": scoped_workers(user, scheme).active(),
        "certificates": _in_scheme(city(Certificate.objects, user).filter(worker__is_active=True), scheme),
        "needs": _in_scheme(city(TrainingNeed.objects, user).filter(worker__is_active=True), scheme),
    }


def _good_standing(scope, on=None, **extra):
    """Certificates a worker may work with on `on`, of the scope's scheme."""
    return _in_scheme(Certificate.objects.in_good_standing(on or scope.on).filter(worker=OuterRef("pk"), **extra),
                      scope.scheme)


def _campaign_work(scope):
    """The campaign's work within the date range: its querysets and the town each is counted under."""
    user, start, end = scope.user, scope.date_from, scope.date_to
    certified = city(TrainingNeed.objects, user).filter(
        worker__is_active=True, status=NeedStatus.CERTIFIED, closed_on__gte=start, closed_on__lte=end
    )
    trained = city(Enrolment.objects, user).filter(
        attended=True, training_class__ends_on__gte=start, training_class__ends_on__lte=end
    )
    inspections = city(Inspection.objects, user).filter(inspected_on__gte=start, inspected_on__lte=end)
    # An inspection checks both schemes' workers: only its findings carry a scheme.
    findings = Finding.objects.filter(inspection__in=inspections).exclude(result=FindingResult.CERTIFIED)
    cases = Measure.objects.filter(inspection__in=inspections, kind__in=CASE_MEASURES)
    return {
        "newly_certified": (_in_scheme(certified, scope.scheme), "worker__unit__town"),
        "trained": (_in_scheme(trained, scope.scheme, "need__category__scheme"), "need__worker__unit__town"),
        "inspections": (inspections, "unit__town"),
        "violations": (_in_scheme(findings, scope.scheme), "inspection__unit__town"),
        "cases": (cases, "inspection__unit__town"),
    }


def town_figures(scope):
    """{town id: {figure: number}} for every town the city's totals count."""
    ledger, on = _ledger(scope), scope.on
    certificates = ledger["certificates"]
    grouped = [
        _per_town(ledger["units"], "town", units=Count("pk")),
        _per_town(ledger["workers"], "unit__town", workers=Count("pk")),
        # Exists in WHERE (a semi-join), not inside the count: PostgreSQL then reads each table once.
        _per_town(ledger["workers"].filter(Exists(_good_standing(scope))), "unit__town", certified=Count("pk")),
        _per_town(ledger["needs"].open(), "worker__unit__town",
                  needs_initial=Count("pk", filter=Q(kind=NeedKind.INITIAL)),
                  needs_review=Count("pk", filter=Q(kind=NeedKind.REVIEW))),
        _per_town(certificates.review_due_within(scope.horizon_days, on), "worker__unit__town", reviews_due=Count("pk")),
        _per_town(certificates.review_overdue_on(on), "worker__unit__town", reviews_overdue=Count("pk")),
        _per_town(certificates.expired_on(on), "worker__unit__town", certificates_expired=Count("pk")),
    ]
    grouped += [_per_town(queryset, town_field, **{key: Count("pk")})
                for key, (queryset, town_field) in _campaign_work(scope).items()]
    return _merge(grouped)


def _complete(counts):
    figures = {key: counts.get(key, 0) for key in COUNT_KEYS}
    figures["certified_share"] = _share(figures["certified"], figures["workers"])
    return figures




def dashboard_table(scope, sort=None):
    """One row per town shown (sorted by `sort`, a column key with an optional leading "-"), and the city's totals."""
    figures = town_figures(scope)
    shown = scope.shown_town_ids
    towns = [town for town in Town.objects.for_user(scope.user) if shown is None or town.pk in shown]
    rows = [Row(town, _complete(figures.get(town.pk, {}))) for town in towns]
    return Table(columns=DASHBOARD_COLUMNS, rows=sort_rows(rows, sort), totals=Row(None, _complete(_sum_counts(figures))))


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


def _town_narrowed(queryset, scope, town_field):
    """A clerk's own town or the chosen town; for the charts, which are never city-wide for a clerk."""
    shown = scope.shown_town_ids
    return queryset.filter(**{f"{town_field}__in": shown}) if shown is not None else queryset


CATEGORY_KEYS = ("needs_initial", "needs_review", "reviews_due", "reviews_overdue", "certificates_expired")
CATEGORY_COLUMNS = tuple(column for column in DASHBOARD_COLUMNS if column.key in CATEGORY_KEYS)
LABEL_FIELDS = ("category__scheme", "category__form_label")


def category_breakdown(scope):
    """Per form label (电工, 焊工 … 锅炉 …): open needs by kind, reviews due within the horizon, overdue and expired."""
    ledger, on, town = _ledger(scope), scope.on, "worker__unit__town"
    certificates = _town_narrowed(ledger["certificates"], scope, town)
    merged = {}

    def add(queryset, **counts):
        for row in queryset.values(*LABEL_FIELDS).annotate(**counts).order_by():
            merged.setdefault((row.pop(LABEL_FIELDS[0]), row.pop(LABEL_FIELDS[1])), {}).update(row)

    add(_town_narrowed(ledger["needs"].open(), scope, town),
        needs_initial=Count("pk", filter=Q(kind=NeedKind.INITIAL)),
        needs_review=Count("pk", filter=Q(kind=NeedKind.REVIEW)))
    add(certificates.review_due_within(scope.horizon_days, on), reviews_due=Count("pk"))
    add(certificates.review_overdue_on(on), reviews_overdue=Count("pk"))
    add(certificates.expired_on(on), certificates_expired=Count("pk"))
    order = _label_order()
    return [
        {"scheme": scheme, "scheme_label": Scheme(scheme).label, "label": label,
         **{key: counts.get(key, 0) for key in CATEGORY_KEYS}}
        for (scheme, label), counts in sorted(merged.items(), key=lambda item: order.get(item[0], (9, 999)))
    ]


def _label_order():
    """(scheme, form label) → sort key: Attachment 1's labels first, each in catalogue order."""
    from registry.models import CertificateCategory

    order = {}
    for scheme, label, position in CertificateCategory.objects.values_list("scheme", "form_label", "order"):
        key = (0 if scheme == Scheme.SPECIAL_OPERATION else 1, position)
        order[(scheme, label)] = min(order.get((scheme, label), key), key)
    return order


def month_starts(first, last):
    """The first day of each month from `first`'s month to `last`'s."""
    months, day = [], first.replace(day=1)
    while day <= last:
        months.append(day)
        day = (day + datetime.timedelta(days=32)).replace(day=1)
    return months


def monthly_trend(scope):
    """Per month of the date range: training needs registered, and needs closed with a certificate."""
    needs = _town_narrowed(_ledger(scope)["needs"], scope, "worker__unit__town")
    start, end = scope.date_from, scope.date_to
    created = needs.filter(created_at__gte=_start_of(start), created_at__lt=_start_of(end + datetime.timedelta(days=1)))
    created = created.annotate(month=TruncMonth("created_at")).values("month").annotate(n=Count("pk")).order_by()
    certified = needs.filter(status=NeedStatus.CERTIFIED, closed_on__gte=start, closed_on__lte=end)
    certified = certified.annotate(month=TruncMonth("closed_on")).values("month").annotate(n=Count("pk")).order_by()

    def by_month(rows):
        # TruncMonth of a timestamp is a local datetime, of a date a date
        return {(row["month"].date() if isinstance(row["month"], datetime.datetime) else row["month"]): row["n"]
                for row in rows}

    created, certified = by_month(created), by_month(certified)
    return [{"month": month, "created": created.get(month, 0), "certified": certified.get(month, 0)}
            for month in month_starts(start, end)]


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


# ------------------------------------------------------------------------------------ league table


LEAGUE_FIGURES = (
    Column("certified_share", _("持证率"), share=True),
    Column("on_time_share", _("附件按时报送率"), share=True),
    Column("closed_share", _("培训需求办结率"), share=True),
)


def end_of_last_month(on):
    return on.replace(day=1) - datetime.timedelta(days=1)


def league_forms(user, scheme):
    """The attachments a league counts: those the user sees, of the chosen scheme."""
    forms = visible_forms(user) or {1, 2}  # a clerk's city comparison counts both
    if scheme:
        forms &= {Scheme(scheme).attachment}
    return sorted(forms)


def _league_counts(scope, campaign, dates):
    """Per town, for each {name: day D} of `dates`: workers and certified workers, needs and closed needs,
    forms submitted on time — as the ledger stood at the end of D, from its dates.

    Workers registered by D holding a certificate issued by D and in good standing on D; needs
    registered by D and not cancelled by D, those closed with a certificate by D; forms of the
    campaign submitted on time by D.
    """
    ledger, forms = _ledger(scope), league_forms(scope.user, scope.scheme)
    submissions = Submission.objects.none()
    if campaign is not None:
        submissions = city(Submission.objects, scope.user).filter(campaign=campaign, form__in=forms, is_late=False)
    worker_counts, need_counts, form_counts, grouped = {}, {}, {}, []
    for name, day in dates.items():
        until = _start_of(day + datetime.timedelta(days=1))
        registered = Q(created_at__lt=until)
        worker_counts[f"workers_{name}"] = Count("pk", filter=registered)
        need_counts[f"needs_{name}"] = Count("pk", filter=registered & ~Q(status=NeedStatus.CANCELLED,
                                                                           closed_on__lte=day))
        need_counts[f"closed_{name}"] = Count("pk", filter=registered & Q(status=NeedStatus.CERTIFIED,
                                                                           closed_on__lte=day))
        form_counts[f"on_time_{name}"] = Count("form", distinct=True, filter=Q(submitted_at__lt=until))
        certified = ledger["workers"].filter(registered, Exists(_good_standing(scope, day, issued_on__lte=day)))
        grouped.append(_per_town(certified, "unit__town", **{f"certified_{name}": Count("pk")}))
    grouped += [
        _per_town(ledger["workers"], "unit__town", **worker_counts),
        _per_town(ledger["needs"], "worker__unit__town", **need_counts),
        _per_town(submissions, "town", **form_counts),
    ]
    return _merge(grouped), len(forms)


def _league_shares(counts, name, forms_due, towns=1):
    """The three shares as of `name` ("now", "last") and their mean as a score of 0–100 (unknown shares left out).

    Before the forms' deadline only the forms already sent count (each of them on time); after
    it, every form counts, sent or not.
    """
    def get(key):
        return counts.get(f"{key}_{name}", 0)

    shares = {
        "certified_share": _share(get("certified"), get("workers")),
        "on_time_share": _share(get("on_time"), forms_due * towns if forms_due else get("on_time")),
        "closed_share": _share(get("closed"), get("needs")),
    }
    known = [value for value in shares.values() if value is not None]
    shares["score"] = 100 * sum(known) / len(known) if known else None
    return shares


def _ranks(scores):
    """{key: competition rank (1, 2, 2, 4)} by descending score; a key without a score has no rank."""
    ordered = sorted(((key, score) for key, score in scores.items() if score is not None), key=lambda item: -item[1])
    ranks, previous = {}, (None, None)
    for position, (key, score) in enumerate(ordered, 1):
        rank = previous[1] if score == previous[0] else position
        ranks[key], previous = rank, (score, rank)
    return ranks


@dataclass
class LeagueRow:
    town: Town | None
    now: dict
    last: dict
    rank: int | None = None
    last_rank: int | None = None

    @property
    def change(self):
        """Each share's change (and the score's) since the end of last month; None when either is unknown."""
        return {key: (self.now[key] - self.last[key] if None not in (self.now[key], self.last[key]) else None)
                for key in self.now}

    @property
    def rank_change(self):
        """Places gained since last month (positive: moved up)."""
        return self.last_rank - self.rank if None not in (self.rank, self.last_rank) else None


@dataclass
class League:
    columns: tuple
    rows: list
    totals: LeagueRow
    on: datetime.date
    last_month_end: datetime.date
    form_count: int
    due_on: datetime.date | None


def league_table(scope, campaign):
    """Towns ranked by a score, the mean of three shares (0–100), with the same figures at the end of last month.

    Shares: workers in good standing / workers; Attachment 1/2 submitted on time / forms due;
    training needs closed with a certificate / needs registered (cancelled ones left out).
    A clerk gets their own town's row (without a rank: ranks compare towns) and the city's.
    """
    dates = {"now": scope.on, "last": end_of_last_month(scope.on)}
    figures, form_count = _league_counts(scope, campaign, dates)
    due_on = survey_due_on(campaign) if campaign is not None else None
    # forms are late from the day after their due day
    forms_due = {name: form_count if due_on is not None and due_on < day else 0 for name, day in dates.items()}

    def line(town, counts, towns=1):
        return LeagueRow(town, _league_shares(counts, "now", forms_due["now"], towns),
                         _league_shares(counts, "last", forms_due["last"], towns))

    rows = [line(town, figures.get(town.pk, {})) for town in Town.objects.for_user(scope.user)]
    if not scope.user.is_town_clerk:
        now = _ranks({row.town.pk: row.now["score"] for row in rows})
        last = _ranks({row.town.pk: row.last["score"] for row in rows})
        for row in rows:
            row.rank, row.last_rank = now.get(row.town.pk), last.get(row.town.pk)
        rows.sort(key=lambda row: (row.rank is None, row.rank or 0))
    totals = line(None, _sum_counts(figures), Town.objects.count())
    return League(columns=LEAGUE_FIGURES, rows=rows, totals=totals, on=scope.on, last_month_end=dates["last"],
                  form_count=form_count, due_on=due_on)


# --------------------------------------------------------------------------------- review forecast


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
    starts = month_starts(on, on)
    for _month in range(months - 1):
        starts.append((starts[-1] + datetime.timedelta(days=32)).replace(day=1))
    last = (starts[-1] + datetime.timedelta(days=32)).replace(day=1) - datetime.timedelta(days=1)
    return starts, last


def _counts(queryset, *keys):
    """{(key values…): n} from one grouped count."""
    return {tuple(row[key] for key in keys): row["n"]
            for row in queryset.values(*keys).annotate(n=Count("pk")).order_by()}


def review_forecast(scope, months=12):
    """Certificates whose next review (or renewal) falls due in each of the next `months` months — this month
    from today — and those already overdue, by town and by form label: the training places the city must plan.

    "Due" is `review_due_within` over the window and "overdue" `review_overdue_on`, as on the dashboard;
    the next review date is the renewal date where the certificate expires first.
    """
    on, town = scope.on, "worker__unit__town"
    starts, last = forecast_window(on, months)
    certificates = _ledger(scope)["certificates"].annotate(town_pk=F(town))
    due = certificates.review_due_within((last - on).days, on).annotate(month=TruncMonth("next_review_on"))
    overdue = certificates.review_overdue_on(on)
    due_by_town, overdue_by_town = _counts(due, "town_pk", "month"), _counts(overdue, "town_pk")
    # a clerk's categories are their own town's
    due_by_label = _counts(_town_narrowed(due, scope, town), *LABEL_FIELDS, "month")
    overdue_by_label = _counts(_town_narrowed(overdue, scope, town), *LABEL_FIELDS)

    def months_of(due_cells, key=None):
        return [sum(n for (*cell_key, month), n in due_cells.items() if month == start
                    and (key is None or tuple(cell_key) == key)) for start in starts]

    shown = scope.shown_town_ids
    by_town = [ForecastLine(t.name, overdue_by_town.get((t.pk,), 0), months_of(due_by_town, (t.pk,)), town=t)
               for t in Town.objects.for_user(scope.user) if shown is None or t.pk in shown]
    order = _label_order()
    labels = sorted({key[:2] for key in due_by_label} | set(overdue_by_label), key=lambda k: order.get(k, (9, 999)))
    by_category = [ForecastLine(label, overdue_by_label.get((scheme, label), 0),
                                months_of(due_by_label, (scheme, label)), group=Scheme(scheme).label)
                   for scheme, label in labels]
    return Forecast(
        months=starts,
        by_town=by_town,
        town_totals=ForecastLine(_("全市合计"), sum(overdue_by_town.values()), months_of(due_by_town)),
        by_category=by_category,
        category_totals=ForecastLine(_("合计"), sum(overdue_by_label.values()), months_of(due_by_label)),
    )
