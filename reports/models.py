"""Submissions (报送) of Attachment 1 and 2: a town's form frozen as it was sent to the safety office.

A submission keeps the workbook's bytes and its rows, so later ledger edits never change what
was submitted. Its status moves through an explicit transition map; a resubmission is a new
version and every earlier one is kept.
"""

import datetime
import zoneinfo

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from registry.choices import Role

# The notice's deadlines are days in Jinjiang: a form is on time until the end of the due day there.
DEADLINE_TIME_ZONE = zoneinfo.ZoneInfo("Asia/Shanghai")


class Form(models.IntegerChoices):
    ATTACHMENT_1 = 1, _("附件1 特种作业人员情况汇总表")
    ATTACHMENT_2 = 2, _("附件2 特种设备作业人员情况汇总表")


def visible_forms(user):
    """The attachments a user may see: a bureau sees its own scheme's, a department none."""
    if not getattr(user, "is_authenticated", False):
        return set()
    return {
        Role.TOWN_CLERK: {1, 2},
        Role.SAFETY_OFFICE: {1, 2},
        Role.EMERGENCY_BUREAU: {1},
        Role.MARKET_BUREAU: {2},
    }.get(getattr(user, "role", None), set())


def deadline_passed(submitted_at, due_on):
    """True when `submitted_at` falls after the end of `due_on` in Asia/Shanghai (no due day: never)."""
    if due_on is None:
        return False
    end_of_day = datetime.datetime.combine(due_on + datetime.timedelta(days=1), datetime.time.min, DEADLINE_TIME_ZONE)
    return submitted_at >= end_of_day


class SubmissionState(models.TextChoices):
    """A town's form in the safety office's grid: its newest version's state."""

    NOT_SUBMITTED = "not_submitted", _("未报送")
    ON_TIME = "on_time", _("按时报送")
    LATE = "late", _("逾期报送")
    RETURNED = "returned", _("已退回")
    ACCEPTED = "accepted", _("已通过")


class IllegalTransition(Exception):
    """A submission was asked to move to a status its current status does not lead to."""


class SubmissionQuerySet(models.QuerySet):
    def for_user(self, user):
        forms = visible_forms(user)
        if not forms:
            return self.none()
        if user.role == Role.TOWN_CLERK:
            return self.filter(town_id=user.town_id)
        return self.filter(form__in=sorted(forms))

    def without_file(self):
        """Lists never need the workbook's bytes."""
        return self.defer("content")

    def latest_versions(self):
        """Only the newest version of each town's form in each campaign."""
        newer = Submission.objects.filter(
            town=models.OuterRef("town"),
            campaign=models.OuterRef("campaign"),
            form=models.OuterRef("form"),
            version__gt=models.OuterRef("version"),
        )
        return self.filter(~models.Exists(newer))


class Submission(models.Model):
    """One version of a town's Attachment 1 or 2 submitted for a campaign."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("已报送")
        ACCEPTED = "accepted", _("已通过")
        RETURNED = "returned", _("已退回")
        SUPERSEDED = "superseded", _("已被新版本替代")

    # Accepted, returned and superseded are final: a returned form is corrected by a new version.
    TRANSITIONS = {
        Status.SUBMITTED: {Status.ACCEPTED, Status.RETURNED, Status.SUPERSEDED},
        Status.ACCEPTED: set(),
        Status.RETURNED: set(),
        Status.SUPERSEDED: set(),
    }

    town = models.ForeignKey(
        "registry.Town", verbose_name=_("镇（街道）"), related_name="submissions", on_delete=models.PROTECT
    )
    campaign = models.ForeignKey(
        "campaigns.Campaign", verbose_name=_("专项行动"), related_name="submissions", on_delete=models.PROTECT
    )
    form = models.PositiveSmallIntegerField(_("附件"), choices=Form.choices)
    version = models.PositiveIntegerField(_("版本"))
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("报送人"), null=True, related_name="+", on_delete=models.SET_NULL
    )
    submitted_at = models.DateTimeField(_("报送时间"))
    report_date = models.DateField(_("表上报送日期"))
    due_on = models.DateField(_("截止日期"), null=True, blank=True, help_text=_("报送时检查摸底阶段的截止日期"))
    is_late = models.BooleanField(_("逾期报送"), default=False)
    file_name = models.CharField(_("文件名"), max_length=255)
    content = models.BinaryField(_("报送文件"))
    row_count = models.PositiveIntegerField(_("行数"), default=0)
    status = models.CharField(_("状态"), max_length=12, choices=Status.choices, default=Status.SUBMITTED)
    reason = models.TextField(_("退回原因"), blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("审核人"), null=True, blank=True, related_name="+",
        on_delete=models.SET_NULL,
    )
    reviewed_at = models.DateTimeField(_("审核时间"), null=True, blank=True)

    objects = SubmissionQuerySet.as_manager()

    class Meta:
        ordering = ["campaign", "town__order", "form", "-version"]
        verbose_name = _("报送")
        verbose_name_plural = _("报送")
        constraints = [
            models.UniqueConstraint(fields=["town", "campaign", "form", "version"], name="one_submission_per_version"),
            models.CheckConstraint(condition=Q(form__in=[1, 2]), name="submission_form_is_1_or_2"),
        ]

    def __str__(self):
        return f"{self.town} 附件{self.form} 第{self.version}版"

    @property
    def on_time(self):
        return not self.is_late

    @property
    def grid_state(self):
        if self.status == self.Status.ACCEPTED:
            return SubmissionState.ACCEPTED
        if self.status == self.Status.RETURNED:
            return SubmissionState.RETURNED
        return SubmissionState.LATE if self.is_late else SubmissionState.ON_TIME

    def judge_timeliness(self, due_on):
        self.due_on = due_on
        self.is_late = deadline_passed(self.submitted_at, due_on)

    def can_move_to(self, status):
        return status in self.TRANSITIONS[self.status]

    def _move_to(self, status):
        if not self.can_move_to(status):
            raise IllegalTransition(
                _("报送状态不能从“%(old)s”变为“%(new)s”。")
                % {"old": self.get_status_display(), "new": self.Status(status).label}
            )
        self.status = status

    def accept(self, user):
        self._move_to(self.Status.ACCEPTED)
        self.reviewed_by = user
        self.reviewed_at = timezone.now()
        self.save(update_fields=["status", "reviewed_by", "reviewed_at"])

    accept.alters_data = True

    def return_for_correction(self, user, reason):
        self._move_to(self.Status.RETURNED)
        self.reason = reason
        self.reviewed_by = user
        self.reviewed_at = timezone.now()
        self.save(update_fields=["status", "reason", "reviewed_by", "reviewed_at"])

    return_for_correction.alters_data = True

    def supersede(self):
        self._move_to(self.Status.SUPERSEDED)
        self.save(update_fields=["status"])

    supersede.alters_data = True


class SubmissionRow(models.Model):
    """One row of a submitted form, copied from the ledger at submission time."""

    submission = models.ForeignKey(Submission, related_name="rows", on_delete=models.CASCADE)
    number = models.PositiveIntegerField(_("序号"))
    unit_name = models.CharField(_("生产经营单位名称"), max_length=200)
    worker_name = models.CharField(_("从业人员姓名"), max_length=50)
    category_text = models.CharField(_("培训类别"), max_length=200)
    mobile = models.CharField(_("手机号码"), max_length=30, blank=True)

    class Meta:
        ordering = ["submission", "number"]
        verbose_name = _("报送行")
        verbose_name_plural = _("报送行")
        constraints = [models.UniqueConstraint(fields=["submission", "number"], name="one_row_per_number")]

    def __str__(self):
        return f"{self.number} {self.unit_name} {self.worker_name}"


from .monthly_models import *  # noqa: E402,F401,F403
