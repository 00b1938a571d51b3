"""Submitting a monthly work summary and the recipients' answers: writes that span models, atomically."""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .monthly import reporter_of
from .monthly_models import (
    IllegalMonthlyTransition,
    MonthlyAnswer,
    MonthlyRecipient,
    MonthlySummary,
    MonthlySummaryVersion,
)


@dataclass(frozen=True)
class MonthlySubmitResult:
    summary: MonthlySummary
    version: MonthlySummaryVersion
    superseded: int  # answers to the previous version that were still pending


@dataclass(frozen=True)
class MonthlyAnswerResult:
    summary: MonthlySummary
    answer: MonthlyAnswer


# The narrative a submission needs, each with what to say when it is blank; the summary form
# requires the same fields when "保存并报送" is pressed.
REQUIRED_FOR_SUBMIT = {
    "work_done": gettext_lazy("报送前请填写本月工作开展情况。"),
    "next_plan": gettext_lazy("报送前请填写下月工作计划。"),
}


def missing_for_submit(summary):
    """The narrative a summary still lacks before it can be submitted, as {field: message}."""
    return {name: str(message) for name, message in REQUIRED_FOR_SUBMIT.items() if not getattr(summary, name).strip()}


def _check_reporter(user, summary):
    reporter = reporter_of(user)
    if reporter is None or reporter != summary.reporter:
        raise PermissionDenied(_("只有报送单位本身可以报送该工作总结。"))


@transaction.atomic
def submit_monthly_summary(user, summary, now=None):
    """The reporter submits its summary as it is saved: a new version, frozen, sent to both recipients.

    Late when submitted after the end of the month's last day (Asia/Shanghai). A draft or a
    returned summary may be submitted; anything else raises `IllegalMonthlyTransition`. Answers
    to the previous version still pending are superseded; its received or returned answers stay
    as they were. `summary` is updated in place.
    """
    _check_reporter(user, summary)
    locked = MonthlySummary.objects.select_for_update().get(pk=summary.pk)
    if not locked.can_move_to(MonthlySummary.Status.SUBMITTED):
        raise IllegalMonthlyTransition(
            _("该工作总结当前状态为“%(status)s”，不能报送。") % {"status": locked.get_status_display()}
        )
    errors = missing_for_submit(locked)
    if errors:
        raise ValidationError(errors)
    pending = list(
        MonthlyAnswer.objects.select_for_update(of=("self",))
        .filter(version__summary=locked, version__number=locked.version, status=MonthlyAnswer.Status.PENDING)
        .order_by("pk")
    )
    for answer in pending:
        answer.supersede()
    submitted_at = now or timezone.now()
    locked.mark_submitted(submitted_at)
    version = MonthlySummaryVersion.objects.create(
        summary=locked,
        number=locked.version,
        work_done=locked.work_done,
        problems=locked.problems,
        next_plan=locked.next_plan,
        figures=locked.frozen_figures(),
        submitted_by=user,
        submitted_at=submitted_at,
        is_late=locked.is_late,
    )
    MonthlyAnswer.objects.bulk_create(MonthlyAnswer(version=version, recipient=r) for r in MonthlyRecipient)
    for name in ("status", "version", "submitted_at", "is_late", "updated_at"):
        setattr(summary, name, getattr(locked, name))
    return MonthlySubmitResult(summary=summary, version=version, superseded=len(pending))


def _recipient(user):
    recipient = MonthlyRecipient.for_user(user)
    if recipient is None:
        raise PermissionDenied(_("只有市安办和市市场监督管理局可以签收或退回工作总结。"))
    return recipient


def _pending_answer(recipient, summary):
    """The locked summary and the answer `recipient` owes to its newest version."""
    locked = MonthlySummary.objects.select_for_update().get(pk=summary.pk)
    # Lock the answer row only: the default ordering would join the summary's reporter tables.
    answer = (
        MonthlyAnswer.objects.select_for_update(of=("self",))
        .filter(version__summary=locked, version__number=locked.version, recipient=recipient)
        .order_by("pk")
        .first()
    )
    if answer is None:
        raise IllegalMonthlyTransition(_("该工作总结尚未报送。"))
    return locked, answer


def _settle(summary, locked):
    statuses = list(
        MonthlyAnswer.objects.filter(version__summary=locked, version__number=locked.version).values_list(
            "status", flat=True
        )
    )
    locked.settle(statuses)
    summary.status = locked.status
    summary.updated_at = locked.updated_at


@transaction.atomic
def receive_monthly_summary(user, summary):
    """A recipient signs for the newest version; once both have, the summary is received."""
    locked, answer = _pending_answer(_recipient(user), summary)
    answer.receive(user)
    _settle(summary, locked)
    return MonthlyAnswerResult(summary=summary, answer=answer)


@transaction.atomic
def return_monthly_summary(user, summary, reason):
    """A recipient returns the newest version with a reason (required); the reporter may then
    correct it and submit again."""
    recipient = _recipient(user)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("退回时必须填写原因。")})
    locked, answer = _pending_answer(recipient, summary)
    answer.return_for_correction(user, reason)
    _settle(summary, locked)
    return MonthlyAnswerResult(summary=summary, answer=answer)
