"""Monthly work summaries (月度工作总结) of the towns and the city departments to the two recipients.

The notice asks every relevant unit to send a work summary at the end of each month to both
the safety office (市安办) and the market supervision bureau (市市场监督管理局). A reporter
keeps one summary per month: a draft it edits, then submitted versions, each frozen with its
narrative and figures, each answered by both recipients separately (received or returned with a
reason). A returned summary is edited and submitted again as a new version; every version stays.

These models join the reports app through the star import at the end of `reports/models.py`;
every name exported here is prefixed `Monthly` so it cannot shadow one of that module's names.
"""

import datetime
import zoneinfo

from django.conf import settings
from django.db import models
from django.db.models import OuterRef, Q, Subquery
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from registry.choices import Role
from registry.models import Town

__all__ = [
    "IllegalMonthlyTransition",
    "MonthlyAnswer",
    "MonthlyFigure",
    "MonthlyGridState",
    "MonthlyRecipient",
    "MonthlyReporterKind",
    "MonthlySummary",
    "MonthlySummaryVersion",
]

# A month's summary is due at the end of its last day in Jinjiang, whatever the server's zone.
MONTHLY_TIME_ZONE = zoneinfo.ZoneInfo("Asia/Shanghai")


# Months ------------------------------------------------------------------------------------
# A month is the date of its first day; these helpers are pure.


def first_of_month(day):
    return day.replace(day=1)


def add_months(month, count):
    index = month.year * 12 + month.month - 1 + count
    return datetime.date(index // 12, index % 12 + 1, 1)


def last_day_of(month):
    return add_months(month, 1) - datetime.timedelta(days=1)


def month_starts_at(month):
    """The first moment of `month` in Asia/Shanghai, as an aware datetime."""
    return datetime.datetime.combine(month, datetime.time.min, MONTHLY_TIME_ZONE)


def due_passed_at(month):
    """The moment `month`'s summary becomes late: midnight after its last day, Asia/Shanghai."""
    return month_starts_at(add_months(month, 1))


def is_late(submitted_at, month):
    return submitted_at >= due_passed_at(month)


def local_today(now=None):
    return timezone.localtime(now or timezone.now(), MONTHLY_TIME_ZONE).date()


# Choices -----------------------------------------------------------------------------------


class MonthlyRecipient(models.TextChoices):
    """The two bodies every summary goes to; the values are the roles that answer for them."""

    SAFETY_OFFICE = Role.SAFETY_OFFICE.value, _("市安办")
    MARKET_BUREAU = Role.MARKET_BUREAU.value, _("市市场监督管理局")

    @classmethod
    def for_user(cls, user):
        """The recipient `user` answers for, or None."""
        role = getattr(user, "role", None)
        return cls(role) if role in cls.values else None


class MonthlyReporterKind(models.TextChoices):
    TOWN = "town", _("镇（街道）")
    DEPARTMENT = "department", _("市有关单位")


class MonthlyFigure(models.TextChoices):
    """The month's figures, in the order the form and the print show them."""

    NEW_ENTRIES = "new_entries", _("新增登记培训需求（人次）")
    TRAINED = "trained", _("完成培训（人次）")
    CERTIFIED = "certified", _("培训取证（人次）")
    REVIEWS = "reviews", _("完成复审（本）")
    INSPECTIONS = "inspections", _("执法检查（家次）")
    VIOLATIONS = "violations", _("发现违法违规（人次）")
    CASES = "cases", _("立案查处（起）")

    @property
    def prefilled_field(self):
        return f"{self.value}_prefilled"

    @property
    def note_field(self):
        return f"{self.value}_note"


class MonthlyGridState(models.TextChoices):
    """A reporter's month in the completeness grid."""

    NOT_DUE = "not_due", _("未到期")
    MISSING = "missing", _("未报送")
    ON_TIME = "on_time", _("按时报送")
    LATE = "late", _("逾期报送")
    RETURNED = "returned", _("已退回")
    RECEIVED = "received", _("已签收")

    @property
    def colour(self):
        return MONTHLY_STATE_COLOURS[self]

    @property
    def short_label(self):
        """Two characters for a grid cell."""
        return MONTHLY_STATE_SHORT_LABELS[self]


MONTHLY_STATE_COLOURS = {
    MonthlyGridState.NOT_DUE: "grey",
    MonthlyGridState.MISSING: "red",
    MonthlyGridState.ON_TIME: "green",
    MonthlyGridState.LATE: "amber",
    MonthlyGridState.RETURNED: "red",
    MonthlyGridState.RECEIVED: "blue",
}


MONTHLY_STATE_SHORT_LABELS = {
    MonthlyGridState.NOT_DUE: _("未到"),
    MonthlyGridState.MISSING: _("未报"),
    MonthlyGridState.ON_TIME: _("按时"),
    MonthlyGridState.LATE: _("逾期"),
    MonthlyGridState.RETURNED: _("退回"),
    MonthlyGridState.RECEIVED: _("签收"),
}


def monthly_grid_state(status, late, month, now=None):
    """The grid cell of a summary in `status` (None: no summary) for `month`, as of `now`.

    Precedence: returned by either recipient → returned; received by both → received; else
    submitted on time or late by its newest version's time; nothing submitted (no summary or a
    draft) → missing once the due moment has passed, not due before.
    """
    if status == MonthlySummary.Status.RETURNED:
        return MonthlyGridState.RETURNED
    if status == MonthlySummary.Status.RECEIVED:
        return MonthlyGridState.RECEIVED
    if status == MonthlySummary.Status.SUBMITTED:
        return MonthlyGridState.LATE if late else MonthlyGridState.ON_TIME
    if (now or timezone.now()) >= due_passed_at(month):
        return MonthlyGridState.MISSING
    return MonthlyGridState.NOT_DUE


class IllegalMonthlyTransition(Exception):
    """A monthly summary, or a recipient's answer to it, was asked for a move its state forbids."""


# Models ------------------------------------------------------------------------------------


class MonthlySummaryQuerySet(models.QuerySet):
    def for_user(self, user):
        """A reporter sees its own summaries (drafts included); the two recipients and the
        emergency bureau see every summary once submitted; anyone else nothing."""
        if not getattr(user, "is_authenticated", False):
            return self.none()
        role = getattr(user, "role", None)
        if role == Role.TOWN_CLERK:
            return self.filter(town_id=user.town_id)
        if role == Role.DEPARTMENT:
            return self.filter(department_id=user.department_id)
        if role in (Role.SAFETY_OFFICE, Role.MARKET_BUREAU, Role.EMERGENCY_BUREAU):
            return self.sent()
        return self.none()

    def sent(self):
        return self.exclude(status=MonthlySummary.Status.DRAFT)

    def of_reporter(self, reporter):
        if isinstance(reporter, Town):
            return self.filter(town=reporter)
        return self.filter(department=reporter)

    def with_answers(self):
        """Annotate `<recipient>_answer`: each recipient's answer status to the newest version."""
        annotations = {}
        for recipient in MonthlyRecipient:
            answers = MonthlyAnswer.objects.filter(
                version__summary=OuterRef("pk"), version__number=OuterRef("version"), recipient=recipient
            )
            annotations[f"{recipient.value}_answer"] = Subquery(answers.values("status")[:1])
        return self.annotate(**annotations)


class MonthlySummary(models.Model):
    """One reporter's work summary for one month: the draft being written and where it stands.

    `version`, `submitted_at` and `is_late` describe the newest submitted version (0, empty and
    False before the first submission), so the grid reads one row per reporter and month.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿")
        SUBMITTED = "submitted", _("已报送")
        RETURNED = "returned", _("已退回")
        RECEIVED = "received", _("已签收")

    # Submitted → returned as soon as either recipient returns it, → received when both have.
    TRANSITIONS = {
        Status.DRAFT: {Status.SUBMITTED},
        Status.SUBMITTED: {Status.RETURNED, Status.RECEIVED},
        Status.RETURNED: {Status.SUBMITTED},
        Status.RECEIVED: set(),
    }
    EDITABLE = {Status.DRAFT, Status.RETURNED}

    town = models.ForeignKey(
        "registry.Town", verbose_name=_("镇（街道）"), null=True, blank=True, related_name="monthly_summaries",
        on_delete=models.PROTECT,
    )
    department = models.ForeignKey(
        "registry.Department", verbose_name=_("市有关单位"), null=True, blank=True, related_name="monthly_summaries",
        on_delete=models.PROTECT,
    )
    month = models.DateField(_("月份"), help_text=_("该月第一天"))
    status = models.CharField(_("状态"), max_length=12, choices=Status.choices, default=Status.DRAFT)
    version = models.PositiveIntegerField(_("最新版本"), default=0)
    submitted_at = models.DateTimeField(_("报送时间"), null=True, blank=True)
    is_late = models.BooleanField(_("逾期报送"), default=False)

    work_done = models.TextField(_("本月工作开展情况"), blank=True)
    problems = models.TextField(_("存在问题"), blank=True)
    next_plan = models.TextField(_("下月工作计划"), blank=True)

    # Each figure: what the ledger said when last saved, what the reporter reports, and why they differ.
    new_entries_prefilled = models.PositiveIntegerField(_("新增登记培训需求（系统数）"), default=0)
    new_entries = models.PositiveIntegerField(_("新增登记培训需求（人次）"), default=0)
    new_entries_note = models.CharField(_("新增登记更正说明"), max_length=200, blank=True)
    trained_prefilled = models.PositiveIntegerField(_("完成培训（系统数）"), default=0)
    trained = models.PositiveIntegerField(_("完成培训（人次）"), default=0)
    trained_note = models.CharField(_("完成培训更正说明"), max_length=200, blank=True)
    certified_prefilled = models.PositiveIntegerField(_("培训取证（系统数）"), default=0)
    certified = models.PositiveIntegerField(_("培训取证（人次）"), default=0)
    certified_note = models.CharField(_("培训取证更正说明"), max_length=200, blank=True)
    reviews_prefilled = models.PositiveIntegerField(_("完成复审（系统数）"), default=0)
    reviews = models.PositiveIntegerField(_("完成复审（本）"), default=0)
    reviews_note = models.CharField(_("完成复审更正说明"), max_length=200, blank=True)
    inspections_prefilled = models.PositiveIntegerField(_("执法检查（系统数）"), default=0)
    inspections = models.PositiveIntegerField(_("执法检查（家次）"), default=0)
    inspections_note = models.CharField(_("执法检查更正说明"), max_length=200, blank=True)
    violations_prefilled = models.PositiveIntegerField(_("发现违法违规（系统数）"), default=0)
    violations = models.PositiveIntegerField(_("发现违法违规（人次）"), default=0)
    violations_note = models.CharField(_("发现违法违规更正说明"), max_length=200, blank=True)
    cases_prefilled = models.PositiveIntegerField(_("立案查处（系统数）"), default=0)
    cases = models.PositiveIntegerField(_("立案查处（起）"), default=0)
    cases_note = models.CharField(_("立案查处更正说明"), max_length=200, blank=True)

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("填写人"), null=True, related_name="+", on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = MonthlySummaryQuerySet.as_manager()

    class Meta:
        ordering = ["-month", "town__order", "department__order", "pk"]
        verbose_name = _("月度工作总结")
        verbose_name_plural = _("月度工作总结")
        constraints = [
            models.CheckConstraint(
                condition=Q(town__isnull=False, department__isnull=True) | Q(town__isnull=True, department__isnull=False),
                name="monthly_summary_has_one_reporter",
            ),
            models.UniqueConstraint(
                fields=["town", "month"], condition=Q(town__isnull=False), name="one_monthly_summary_per_town"
            ),
            models.UniqueConstraint(
                fields=["department", "month"], condition=Q(department__isnull=False),
                name="one_monthly_summary_per_department",
            ),
        ]
        indexes = [models.Index(fields=["month", "status"])]

    def __str__(self):
        return _("%(reporter)s %(year)s年%(month)s月工作总结") % {
            "reporter": self.reporter, "year": self.month.year, "month": self.month.month
        }

    @property
    def reporter(self):
        return self.town if self.town_id else self.department

    @property
    def reporter_kind(self):
        return MonthlyReporterKind.TOWN if self.town_id else MonthlyReporterKind.DEPARTMENT

    @property
    def due_on(self):
        return last_day_of(self.month)

    @property
    def is_editable(self):
        return self.status in self.EDITABLE

    def grid_state(self, now=None):
        return monthly_grid_state(self.status, self.is_late, self.month, now)

    def figure_rows(self):
        """(figure, prefilled, reported, note) for each figure, in the form's order."""
        return [
            (figure, getattr(self, figure.prefilled_field), getattr(self, figure.value), getattr(self, figure.note_field))
            for figure in MonthlyFigure
        ]

    def frozen_figures(self):
        """The figures as a version keeps them."""
        return {
            figure.value: {"prefilled": prefilled, "reported": reported, "note": note}
            for figure, prefilled, reported, note in self.figure_rows()
        }

    def can_move_to(self, status):
        return status in self.TRANSITIONS[self.Status(self.status)]

    def _move_to(self, status):
        if not self.can_move_to(status):
            raise IllegalMonthlyTransition(
                _("工作总结状态不能从“%(old)s”变为“%(new)s”。")
                % {"old": self.get_status_display(), "new": self.Status(status).label}
            )
        self.status = status

    def mark_submitted(self, submitted_at):
        """Move to submitted as a new version; the caller freezes that version (see the service)."""
        self._move_to(self.Status.SUBMITTED)
        self.version += 1
        self.submitted_at = submitted_at
        self.is_late = is_late(submitted_at, self.month)
        self.save(update_fields=["status", "version", "submitted_at", "is_late", "updated_at"])

    mark_submitted.alters_data = True

    def settle(self, answer_statuses):
        """Follow the recipients' answers to the newest version: any returned → returned, all
        received → received, otherwise stay. Returns True when the status changed."""
        if self.status != self.Status.SUBMITTED:
            return False
        if MonthlyAnswer.Status.RETURNED in answer_statuses:
            self._move_to(self.Status.RETURNED)
        elif answer_statuses and all(s == MonthlyAnswer.Status.RECEIVED for s in answer_statuses):
            self._move_to(self.Status.RECEIVED)
        else:
            return False
        self.save(update_fields=["status", "updated_at"])
        return True

    settle.alters_data = True


class MonthlySummaryVersion(models.Model):
    """One submitted version of a monthly summary: narrative and figures frozen as sent."""

    summary = models.ForeignKey(MonthlySummary, verbose_name=_("工作总结"), related_name="versions",
                                on_delete=models.CASCADE)
    number = models.PositiveIntegerField(_("版本"))
    work_done = models.TextField(_("本月工作开展情况"), blank=True)
    problems = models.TextField(_("存在问题"), blank=True)
    next_plan = models.TextField(_("下月工作计划"), blank=True)
    figures = models.JSONField(_("数据"), default=dict, help_text=_("各项数字：系统预填数、报送数、更正说明"))
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("报送人"), null=True, related_name="+", on_delete=models.SET_NULL
    )
    submitted_at = models.DateTimeField(_("报送时间"))
    is_late = models.BooleanField(_("逾期报送"), default=False)

    class Meta:
        ordering = ["summary", "-number"]
        verbose_name = _("月度工作总结版本")
        verbose_name_plural = _("月度工作总结版本")
        constraints = [models.UniqueConstraint(fields=["summary", "number"], name="one_monthly_version_per_number")]

    def __str__(self):
        return _("%(summary)s 第%(number)s版") % {"summary": self.summary, "number": self.number}

    def figure_rows(self):
        rows = []
        for figure in MonthlyFigure:
            kept = self.figures.get(figure.value, {})
            rows.append((figure, kept.get("prefilled", 0), kept.get("reported", 0), kept.get("note", "")))
        return rows


class MonthlyAnswer(models.Model):
    """One recipient's answer to one submitted version: pending, received, or returned with a reason."""

    class Status(models.TextChoices):
        PENDING = "pending", _("待签收")
        RECEIVED = "received", _("已签收")
        RETURNED = "returned", _("已退回")
        SUPERSEDED = "superseded", _("已被新版本替代")

    # Every answer but pending is final; a resubmission supersedes what was still pending.
    TRANSITIONS = {
        Status.PENDING: {Status.RECEIVED, Status.RETURNED, Status.SUPERSEDED},
        Status.RECEIVED: set(),
        Status.RETURNED: set(),
        Status.SUPERSEDED: set(),
    }

    version = models.ForeignKey(MonthlySummaryVersion, verbose_name=_("版本"), related_name="answers",
                                on_delete=models.CASCADE)
    recipient = models.CharField(_("接收单位"), max_length=20, choices=MonthlyRecipient.choices)
    status = models.CharField(_("状态"), max_length=12, choices=Status.choices, default=Status.PENDING)
    reason = models.TextField(_("退回原因"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("处理人"), null=True, blank=True, related_name="+",
        on_delete=models.SET_NULL,
    )
    answered_at = models.DateTimeField(_("处理时间"), null=True, blank=True)

    class Meta:
        ordering = ["version", "recipient"]
        verbose_name = _("月度工作总结签收")
        verbose_name_plural = _("月度工作总结签收")
        constraints = [models.UniqueConstraint(fields=["version", "recipient"], name="one_monthly_answer_per_recipient")]

    def __str__(self):
        return f"{self.version} {self.get_recipient_display()} {self.get_status_display()}"

    def can_move_to(self, status):
        return status in self.TRANSITIONS[self.Status(self.status)]

    def _move_to(self, status):
        if not self.can_move_to(status):
            raise IllegalMonthlyTransition(
                _("%(recipient)s的处理状态不能从“%(old)s”变为“%(new)s”。")
                % {"recipient": self.get_recipient_display(), "old": self.get_status_display(),
                   "new": self.Status(status).label}
            )
        self.status = status

    def receive(self, user):
        self._move_to(self.Status.RECEIVED)
        self.answered_by = user
        self.answered_at = timezone.now()
        self.save(update_fields=["status", "answered_by", "answered_at"])

    receive.alters_data = True

    def return_for_correction(self, user, reason):
        self._move_to(self.Status.RETURNED)
        self.reason = reason
        self.answered_by = user
        self.answered_at = timezone.now()
        self.save(update_fields=["status", "reason", "answered_by", "answered_at"])

    return_for_correction.alters_data = True

    def supersede(self):
        self._move_to(self.Status.SUPERSEDED)
        self.save(update_fields=["status"])

    supersede.alters_data = True
