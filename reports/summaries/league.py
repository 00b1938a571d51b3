"""The town league table: towns ranked by a score made of three shares, with the change since the end
of last month, computed from the ledger's dates (when workers, needs and certificates were
registered, issued and closed), not from stored snapshots.
"""

import datetime
from dataclasses import dataclass

from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from registry.choices import NeedStatus, Scheme
from registry.models import Town
from reports.models import Submission, visible_forms
from reports.services import survey_due_on

from .base import Column, certified_per_town, city, merge, per_town, scoped_ledger, share, start_of, sum_counts

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
    ledger, forms = scoped_ledger(scope), league_forms(scope.user, scope.scheme)
    submissions = Submission.objects.none()
    if campaign is not None:
        submissions = city(Submission.objects, scope.user).filter(campaign=campaign, form__in=forms, is_late=False)
    worker_counts, need_counts, form_counts, grouped = {}, {}, {}, []
    for name, day in dates.items():
        until = start_of(day + datetime.timedelta(days=1))
        registered = Q(created_at__lt=until)
        worker_counts[f"workers_{name}"] = Count("pk", filter=registered)
        need_counts[f"needs_{name}"] = Count("pk", filter=registered & ~Q(status=NeedStatus.CANCELLED,
                                                                           closed_on__lte=day))
        need_counts[f"closed_{name}"] = Count("pk", filter=registered & Q(status=NeedStatus.CERTIFIED,
                                                                           closed_on__lte=day))
        form_counts[f"on_time_{name}"] = Count("form", distinct=True, filter=Q(submitted_at__lt=until))
        # as the ledger stands today, everything is issued and registered by today
        grouped.append(certified_per_town(scope, f"certified_{name}", day, issued_by=day if day < scope.on else None))
    grouped += [
        per_town(ledger["workers"], "town", **worker_counts),
        per_town(ledger["needs"], "town", **need_counts),
        per_town(submissions, "town", **form_counts),
    ]
    return merge(grouped), len(forms)


def _league_shares(counts, name, forms_due, towns=1):
    """The three shares as of `name` ("now", "last") and their mean as a score of 0–100 (unknown shares left out).

    Before the forms' deadline only the forms already sent count (each of them on time); after
    it, every form counts, sent or not.
    """
    def get(key):
        return counts.get(f"{key}_{name}", 0)

    shares = {
        "certified_share": share(get("certified"), get("workers")),
        "on_time_share": share(get("on_time"), forms_due * towns if forms_due else get("on_time")),
        "closed_share": share(get("closed"), get("needs")),
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
    totals = line(None, sum_counts(figures), Town.objects.count())
    return League(columns=LEAGUE_FIGURES, rows=rows, totals=totals, on=scope.on, last_month_end=dates["last"],
                  form_count=form_count, due_on=due_on)
