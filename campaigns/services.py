"""Training (phase 3, 集中培训): writes that span classes, enrolments, needs and certificates.

Each function runs inside one transaction and returns a small result object; a failure
leaves nothing behind. Enforcement has its own module (enforcement_services.py).
"""

from dataclasses import dataclass

from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_update_with_history

from registry.choices import NeedKind, NeedStatus, Scheme
from registry.models import Certificate, TrainingInstitution, TrainingNeed, today
from registry.services import IssueResult, NeedClosed, issue_certificate_from_need

from .choices import ExamResult
from .models import Enrolment, TrainingClass


class ClassFull(Exception):
    """More needs were chosen than the class has places left."""

    def __init__(self, free):
        super().__init__(free)
        self.free = free


class NotEligible(Exception):
    """A chosen need may not be enrolled in this class (closed, another category, waiting for another exam, or
    an item the class's institution is not qualified to train)."""


class ResultLocked(Exception):
    """The trainee passed (a certificate was issued) or the need was closed: the result cannot change."""


def category_matches(category, prefix=""):
    """Needs a class on `category` trains: the category itself, its items, and the class it belongs to.

    A need entered on a class (电工作业) is trained by a class on one of its items (低压电工作业),
    and a need on an item by a class on its class.
    """
    condition = Q(**{f"{prefix}category": category}) | Q(**{f"{prefix}category__parent": category})
    if category.parent_id:
        condition |= Q(**{f"{prefix}category": category.parent_id})
    return condition


def qualification_matches(training_class):
    """Needs the class's institution is qualified to train, as a condition on TrainingNeed.

    The institution must be qualified (`TrainingInstitution.categories`) for the item the need is
    trained in, or for the class that item belongs to: a qualification for 电工作业 covers
    低压电工作业, one for 高压电工作业 does not. The item trained is the need's own category,
    except for a need entered on a class (电工作业) in a class on one of its items (低压电工作业),
    which is trained, and certified, in the class's item. A need on a class in a class on that same
    class asks for the whole class: a qualification for one of its items is not enough.

    An institution with no categories is qualified for nothing: qualifications are what the safety
    office records for an institution, and none recorded means none shown, as for creating a class
    (`forms.programme.is_qualified`). Such a legacy class takes no needs until its institution's
    categories are filled in.

    One subquery on the institution's categories; no query of its own.
    """
    qualified = TrainingInstitution.categories.through.objects.filter(
        traininginstitution_id=training_class.institution_id
    ).values("certificatecategory_id")
    condition = Q(category__in=qualified) | Q(category__parent__in=qualified)
    category = training_class.category
    if category.parent_id:
        item_qualified = qualified.filter(certificatecategory_id__in=[category.pk, category.parent_id])
        condition |= Q(Exists(item_qualified), category=category.parent_id)
    return condition


def _takeable(training_class, needs):
    """Of `needs`, the open ones of active workers in a matching category, not in this class already and
    not waiting for another class's exam; the institution's qualification aside."""
    waiting = Enrolment.objects.filter(need=OuterRef("pk")).filter(
        Q(exam_result=ExamResult.PENDING) | Q(training_class=training_class)
    )
    matching = needs.open().filter(category_matches(training_class.category), worker__is_active=True)
    return matching.exclude(Exists(waiting))


def eligible_needs(training_class, needs):
    """Of `needs`, the ones this class may take: open needs of active workers, in a matching category
    (`category_matches`) the class's institution is qualified to train (`qualification_matches`), not
    in this class already and not waiting for another class's exam.

    Both the enrolment page's candidates and `enrol_needs` go through here.
    """
    return _takeable(training_class, needs).filter(qualification_matches(training_class))


def _refusal(training_class, refused):
    """Why the needs `refused` (ids) may not join the class, naming each worker and item."""
    refused = TrainingNeed.objects.filter(pk__in=refused)
    unqualified = set(_takeable(training_class, refused).values_list("pk", flat=True))
    named = {True: [], False: []}
    for need in refused.select_related("worker", "category").order_by("pk"):
        named[need.pk in unqualified].append(
            _("%(name)s（%(item)s）") % {"name": need.worker.name, "item": need.category.name}
        )
    reasons = []
    if named[True]:
        reasons.append(
            _("培训机构“%(institution)s”不具备以下培训需求所需项目的培训资质，不能报名本班：%(needs)s。")
            % {"institution": training_class.institution.name, "needs": "、".join(named[True])}
        )
    if named[False]:
        reasons.append(
            _("以下培训需求不能报名本班（已办结、类别不符或正等待其他班考试）：%(needs)s。")
            % {"needs": "、".join(named[False])}
        )
    return "".join(reasons) + _("本次未报名任何人员，请刷新后重试。")


@dataclass
class EnrolResult:
    training_class: TrainingClass
    enrolments: list

    @property
    def count(self):
        return len(self.enrolments)


@transaction.atomic
def enrol_needs(training_class, needs, *, user=None, on=None):
    """Enrol `needs` into the class; each need becomes registered with the class's institution.

    The class row is locked so two clerks enrolling at once cannot overfill it. Raises
    NotEligible, naming each refused worker and item, when any need may not join this class
    (`eligible_needs`), and ClassFull when the places left are fewer than the needs chosen;
    then nothing is written, for any need of the batch.
    """
    locked = (
        TrainingClass.objects.select_for_update(of=("self",))
        .select_related("institution", "category")
        .get(pk=training_class.pk)
    )
    wanted = {need.pk for need in needs}
    chosen = eligible_needs(locked, TrainingNeed.objects.filter(pk__in=wanted))
    chosen = list(chosen.select_for_update(of=("self",)).order_by("pk"))
    if len(chosen) != len(wanted):
        raise NotEligible(_refusal(locked, wanted - {need.pk for need in chosen}))
    free = locked.capacity - locked.enrolments.count()
    if len(chosen) > free:
        raise ClassFull(free)
    enrolments = Enrolment.objects.bulk_create(
        Enrolment(training_class=locked, need=need, enrolled_by=user) for need in chosen
    )
    now = timezone.now()
    for need in chosen:
        need.status = NeedStatus.REGISTERED
        need.institution_id = locked.institution_id
        need.registered_on = on or today()
        need.version += 1
        need.updated_at = now
    bulk_update_with_history(
        chosen, TrainingNeed, ["status", "institution", "registered_on", "version", "updated_at"], default_user=user
    )
    return EnrolResult(training_class=locked, enrolments=enrolments)


@dataclass
class TraineeResult:
    enrolment: Enrolment
    issued: IssueResult | None = None  # set when the trainee passed
    need_status: str = ""


@transaction.atomic
def record_trainee_result(enrolment, *, attended, exam_result, exam_on=None, item=None, number="", user=None):
    """Record one trainee's attendance and exam result, in one step.

    A pass issues the certificate (or records the review on the certificate under review)
    and closes the need as certified; a fail leaves the need open as failed, for a later
    class; absence from the exam leaves it registered. Raises ResultLocked when the trainee
    already passed or the need was closed, and lets the certificate's ValidationError through.
    """
    enrolment = (
        Enrolment.objects.select_for_update(of=("self",))
        .select_related("training_class", "need__worker")
        .get(pk=enrolment.pk)
    )
    need, training_class = enrolment.need, enrolment.training_class
    if enrolment.exam_result == ExamResult.PASSED or not need.is_open:
        raise ResultLocked(_("%(name)s的结果已登记发证或需求已办结，不能再修改。") % {"name": need.worker.name})
    took_part = attended or exam_result in (ExamResult.PASSED, ExamResult.FAILED)
    trained_on = min(day for day in (training_class.ends_on, exam_on) if day) if took_part else None
    result = TraineeResult(enrolment=enrolment)
    if exam_result == ExamResult.PASSED:
        # a certificate is for one catalogue item: the class's item when the need is on a class
        certificate = Certificate(worker=need.worker, category=item or need.category, number=number, issued_on=exam_on)
        try:
            result.issued = issue_certificate_from_need(need, certificate, exam_on=exam_on, trained_on=trained_on)
        except NeedClosed as closed:
            raise ResultLocked(str(closed)) from closed
        enrolment.certificate = result.issued.certificate
        attended = True
    else:
        if exam_result == ExamResult.FAILED:
            need.status, need.exam_on = NeedStatus.FAILED, exam_on
            attended = True if attended is None else attended
        elif exam_result == ExamResult.PENDING and attended:
            need.status = NeedStatus.TRAINED
        else:
            need.status = NeedStatus.REGISTERED
        need.trained_on = trained_on or need.trained_on
        need.institution_id = training_class.institution_id
        need.version += 1
        if user is not None:
            need._history_user = user
        need.save()
    enrolment.attended = attended
    enrolment.exam_result = exam_result
    enrolment.exam_on = exam_on if exam_result in (ExamResult.PASSED, ExamResult.FAILED) else None
    enrolment.save(update_fields=["attended", "exam_result", "exam_on", "certificate"])
    result.need_status = need.status
    return result


def default_certificate_number(need):
    """Special-operation certificates are numbered "T" + the holder's ID number; others have no known format.

    A review of a certificate held issues no new number.
    """
    if need.kind == NeedKind.REVIEW and need.certificate_id:
        return ""
    if need.category.scheme == Scheme.SPECIAL_OPERATION and need.worker.id_number:
        return f"T{need.worker.id_number}"
    return ""
