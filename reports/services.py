"""Submitting Attachment 1/2 (报送) and the safety office's answer: writes that span models, atomically."""

import io
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from campaigns.choices import PhaseKind
from registry.choices import Role
from registry.models import Town

from . import attachments
from .models import IllegalTransition, Submission, SubmissionRow
from .xlsx.attachment import attachment_workbook


@dataclass(frozen=True)
class SubmitResult:
    submission: Submission
    row_count: int
    superseded: Submission | None


@dataclass(frozen=True)
class ReviewResult:
    submission: Submission


class StaleSubmission(Exception):
    """Another version was submitted since the clerk looked: `newest` is its number; nothing was submitted."""

    def __init__(self, newest):
        super().__init__(newest)
        self.newest = newest


def survey_due_on(campaign):
    """The day Attachment 1/2 are due: the survey phase's deadline (its last day if none); None if no such phase."""
    phase = campaign.phases.filter(kind=PhaseKind.SURVEY).first()
    return phase.due_on if phase else None


def submission_file_name(town, form, version):
    return f"{town.name}_附件{form.number}_{form.title}_第{version}版.xlsx"


@transaction.atomic
def submit_attachment(user, campaign, form, date=None, seen_version=None):
    """A town clerk submits the town's Attachment `form` for `campaign`, as the ledger stands now.

    The workbook and its rows are frozen in the submission, so later ledger edits do not change
    them. A resubmission is a new version; an earlier version not yet reviewed is superseded, a
    returned one stays returned, and an accepted form cannot be submitted again
    (`IllegalTransition`). `date` is the 报送时间 printed on the form (today if not given).
    `seen_version`, when given, is the newest version the clerk saw (0: none): if the newest is
    another by the time the town is locked, `StaleSubmission`, so a second click does not resubmit.
    """
    if getattr(user, "role", None) != Role.TOWN_CLERK:
        raise PermissionDenied(_("只有镇（街道）安办可以报送附件。"))
    form_def = attachments.get_form(form)
    # Locking the town serialises one town's submissions, so two clicks cannot share a version number.
    town = Town.objects.select_for_update().get(pk=user.town_id)
    previous = (
        Submission.objects.without_file()
        .filter(town=town, campaign=campaign, form=form_def.number)
        .order_by("-version")
        .first()
    )
    newest = previous.version if previous else 0
    if seen_version is not None and newest != seen_version:
        raise StaleSubmission(newest)
    superseded = None
    if previous is not None:
        if previous.status == Submission.Status.ACCEPTED:
            raise IllegalTransition(_("该附件已审核通过，不能重新报送。"))
        if previous.can_move_to(Submission.Status.SUPERSEDED):
            previous.supersede()
            superseded = previous

    now = timezone.now()
    report_date = date or timezone.localdate(now)
    rows = list(attachments.attachment_rows(user, town, form_def.number))
    buffer = io.BytesIO()
    attachment_workbook(form_def, town, report_date, rows, buffer)
    version = previous.version + 1 if previous else 1
    submission = Submission(
        town=town,
        campaign=campaign,
        form=form_def.number,
        version=version,
        submitted_by=user,
        submitted_at=now,
        report_date=report_date,
        file_name=submission_file_name(town, form_def, version),
        content=buffer.getvalue(),
        row_count=len(rows),
    )
    submission.judge_timeliness(survey_due_on(campaign))
    submission.save()
    SubmissionRow.objects.bulk_create(
        (
            SubmissionRow(
                submission=submission,
                number=row.number,
                unit_name=row.unit_name,
                worker_name=row.worker_name,
                category_text=row.category_text,
                mobile=row.mobile,
            )
            for row in rows
        ),
        batch_size=2000,
    )
    return SubmitResult(submission=submission, row_count=len(rows), superseded=superseded)


def _check_reviewer(user):
    if getattr(user, "role", None) != Role.SAFETY_OFFICE:
        raise PermissionDenied(_("只有市安办可以审核报送。"))


def _locked(submission):
    return Submission.objects.without_file().select_for_update().get(pk=submission.pk)


@transaction.atomic
def accept_submission(user, submission):
    """The safety office accepts a submitted form; `IllegalTransition` if it is not awaiting review."""
    _check_reviewer(user)
    locked = _locked(submission)
    locked.accept(user)
    return ReviewResult(submission=locked)


@transaction.atomic
def return_submission(user, submission, reason):
    """The safety office returns a submitted form to the town with a reason (required)."""
    _check_reviewer(user)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("退回时必须填写原因。")})
    locked = _locked(submission)
    locked.return_for_correction(user, reason)
    return ReviewResult(submission=locked)
