"""Writes that span several models and must happen all together or not at all."""

import datetime
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from .choices import NeedKind, NeedSource, NeedStatus, Verification
from .models import Certificate, TrainingNeed, Worker, today


class NeedChanged(Exception):
    """The need was saved by someone else after the page was opened."""

    def __init__(self, current_version):
        super().__init__(current_version)
        self.current_version = current_version


class NeedClosed(Exception):
    """The need is already certified or cancelled: no result can be recorded on it."""


@dataclass
class IssueResult:
    need: TrainingNeed
    certificate: Certificate
    reviewed: bool  # True: a review was recorded on the certificate held; False: a new certificate


@transaction.atomic
def issue_certificate_from_need(need, certificate=None, *, exam_on, trained_on=None, expected_version=None):
    """Record a passed exam: `certificate` (unsaved, for the need's worker) is issued and the
    need closes as certified, both or neither.

    A review need that points at the certificate under review records the review on that
    certificate (moving its next review date) instead of issuing a second one; `certificate`
    is then not needed. Raises NeedChanged when `expected_version` is given and the need moved
    on, NeedClosed when it is no longer open, ValidationError when the certificate is not for
    the need's worker and category (an item of it, when the need is on a class) or is invalid.
    `need` is updated in place.
    """
    locked = TrainingNeed.objects.select_for_update().select_related("category").get(pk=need.pk)
    if expected_version is not None and locked.version != expected_version:
        raise NeedChanged(locked.version)
    if not locked.is_open:
        raise NeedClosed(_("该培训需求已办结，不能再登记结果。"))

    reviewed = locked.kind == NeedKind.REVIEW and locked.certificate_id is not None
    if reviewed:
        certificate = Certificate.objects.select_for_update().select_related("category").get(pk=locked.certificate_id)
        certificate.record_review(exam_on)
    else:
        if certificate is None:
            raise ValidationError(_("考试通过须填写所发证书。"))
        if certificate.worker_id != locked.worker_id:
            raise ValidationError({"worker": _("证书持证人必须是该培训需求的人员。")})
        if certificate.category_id != locked.category_id and certificate.category.parent_id != locked.category_id:
            raise ValidationError({"category": _("发证项目必须属于需求的培训类别。")})
        certificate.compute_dates()
        certificate.full_clean()
        certificate.save()

    locked.status = NeedStatus.CERTIFIED
    locked.certificate = certificate
    locked.exam_on = exam_on
    locked.trained_on = trained_on or locked.trained_on
    locked.closed_on = today()
    locked.version += 1
    locked.save()
    for field in ("status", "certificate", "exam_on", "trained_on", "closed_on", "version"):
        setattr(need, field, getattr(locked, field))
    return IssueResult(need=need, certificate=certificate, reviewed=reviewed)


@dataclass
class DueReviewPlan:
    certificates: list
    already_open: int  # certificates left out because an open review need exists

    @property
    def count(self):
        return len(self.certificates)


def plan_due_review_needs(town, days, include_overdue=False, on=None):
    """The certificates of `town` that would get a review need: due within `days` days.

    One per worker and item, leaving out certificates superseded by a later one of the same
    item (a renewal), certificates found forged, workers that were archived, and those that
    already have an open review need for that worker and item.
    """
    on = on or today()
    superseded = Certificate.objects.filter(
        worker=OuterRef("worker_id"), category=OuterRef("category_id"), valid_until__gt=OuterRef("valid_until")
    )
    due = (
        Certificate.objects.filter(town=town, worker__is_active=True)
        .exclude(verification=Verification.FORGED)
        .exclude(Exists(superseded))
    )
    if include_overdue:
        due = due.filter(valid_until__gte=on, next_review_on__lte=on + datetime.timedelta(days=days))
    else:
        due = due.review_due_within(days, on)
    open_review = TrainingNeed.objects.open().filter(
        worker=OuterRef("worker_id"), category=OuterRef("category_id"), kind=NeedKind.REVIEW
    )
    due = due.annotate(has_open_review=Exists(open_review)).order_by("worker_id", "category_id", "-valid_until", "-pk")
    chosen, seen, already_open = [], set(), 0
    for certificate in due.only("pk", "worker_id", "category_id", "valid_until"):
        key = (certificate.worker_id, certificate.category_id)
        if key in seen:
            continue
        seen.add(key)
        if certificate.has_open_review:
            already_open += 1
        else:
            chosen.append(certificate)
    return DueReviewPlan(certificates=chosen, already_open=already_open)


@transaction.atomic
def create_due_review_needs(town, days, user=None, include_overdue=False, on=None):
    """Create a review need (source: due review) for every certificate of `town` due within `days`.

    Returns the plan that was carried out; its `count` is the number of needs created. The
    needs are written with their history records in one transaction: all or none.
    """
    plan = plan_due_review_needs(town, days, include_overdue=include_overdue, on=on)
    needs = [
        TrainingNeed(
            worker_id=certificate.worker_id,
            town_id=certificate.town_id,
            category_id=certificate.category_id,
            kind=NeedKind.REVIEW,
            source=NeedSource.DUE_REVIEW,
            certificate_id=certificate.pk,
        )
        for certificate in plan.certificates
    ]
    bulk_create_with_history(needs, TrainingNeed, batch_size=500, default_user=user)
    # bulk_create skips TrainingNeed.save(), which keeps what the workers carry from their needs
    Worker.objects.filter(pk__in={need.worker_id for need in needs}).refresh_derived()
    return plan
