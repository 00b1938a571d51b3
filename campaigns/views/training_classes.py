"""Phase 3 (集中培训): training classes, enrolling a town's open needs, and the result grid."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Exists, OuterRef, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from registry.models import TrainingNeed
from registry.permissions import ledger_reader_required

from .. import services
from ..choices import ExamResult
from ..filters import EnrolmentCandidateFilter, TrainingClassFilter
from ..forms.programme import (
    EnrolmentForm,
    ExamDateForm,
    TrainingClassForm,
    qualified_items,
    result_forms,
    results_valid,
)
from ..models import Enrolment, TrainingClass
from .programme_access import can_create_class, can_edit_class, can_enrol, can_record_results

PAGE_SIZE = 50
CANDIDATES_PAGE_SIZE = 100


def _classes(user):
    return TrainingClass.objects.for_user(user).select_related("institution", "category", "town", "campaign")


def _class_with_count(user, pk):
    """The class (404 out of scope) with `enrolled`: every trainee of every town, for its places."""
    return get_object_or_404(_classes(user).annotate(enrolled=Count("enrolments")), pk=pk)


@ledger_reader_required
def training_class_list(request):
    user = request.user
    counts = {"enrolled": Count("enrolments")}
    if user.is_town_clerk:
        counts["own"] = Count("enrolments", filter=Q(enrolments__need__town=user.town_id))
    classes = _classes(user).annotate(**counts).order_by("-starts_on", "-pk")
    filterset = TrainingClassFilter(request.GET, queryset=classes, request=request)
    context = {
        "filter": filterset,
        "page_obj": Paginator(filterset.qs, PAGE_SIZE).get_page(request.GET.get("page")),
        "can_create": can_create_class(user),
    }
    return render(request, "campaigns/training_class_list.html", context)


@ledger_reader_required
def training_class_create(request):
    if not can_create_class(request.user):
        raise PermissionDenied
    form = TrainingClassForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        training_class = form.save()
        messages.success(request, _("已创建培训班：%(name)s。") % {"name": training_class.name})
        return redirect("campaigns:training_class_detail", pk=training_class.pk)
    return render(request, "campaigns/training_class_form.html", {"form": form})


@ledger_reader_required
def training_class_edit(request, pk):
    training_class = _class_with_count(request.user, pk)
    if not can_edit_class(request.user, training_class):
        raise PermissionDenied
    form = TrainingClassForm(request.POST or None, instance=training_class, user=request.user,
                             enrolled=training_class.enrolled)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("已保存培训班：%(name)s。") % {"name": training_class.name})
        return redirect("campaigns:training_class_detail", pk=training_class.pk)
    return render(request, "campaigns/training_class_form.html", {"form": form, "training_class": training_class})


def _trainees(user, training_class):
    """The class's trainees the user may see: a clerk their town's, the city roles all (a bureau its scheme)."""
    return (
        Enrolment.objects.for_user(user)
        .filter(training_class=training_class)
        .select_related("need__worker__unit__town", "need__category", "need__certificate", "certificate__category")
        .order_by("need__town__order", "need__worker__unit__name", "need__worker__name", "pk")
    )


@ledger_reader_required
def training_class_detail(request, pk):
    user = request.user
    training_class = _class_with_count(user, pk)
    trainees = list(_trainees(user, training_class))
    context = {
        "training_class": training_class,
        "trainees": trainees,
        "free": max(training_class.capacity - training_class.enrolled, 0),
        # counted over the trainees listed (the same rows), not by a second query
        "results": {
            "attended": sum(1 for t in trainees if t.attended is True),
            "passed": sum(1 for t in trainees if t.exam_result == ExamResult.PASSED),
            "failed": sum(1 for t in trainees if t.exam_result == ExamResult.FAILED),
            "absent": sum(1 for t in trainees if t.exam_result == ExamResult.ABSENT),
        },
        "can_edit": can_edit_class(user, training_class),
        "can_enrol": can_enrol(user),
        "can_record_results": can_record_results(user) and bool(trainees),
    }
    return render(request, "campaigns/training_class_detail.html", context)


def _posted_need_ids(request):
    return {value for value in request.POST.getlist("needs") if value.isdigit()}


@ledger_reader_required
def enrolment_create(request, pk):
    """The user's open needs this class may take (`services.eligible_needs`: category, the institution's
    qualification, no exam pending elsewhere), with checkboxes; places and eligibility are checked again
    on saving, by the service, which names any worker and item it refuses."""
    user = request.user
    training_class = _class_with_count(user, pk)
    if not can_enrol(user):
        raise PermissionDenied
    scoped = TrainingNeed.objects.for_user(user)
    candidates = services.eligible_needs(training_class, scoped)
    form = EnrolmentForm(request.POST if request.method == "POST" else None, training_class=training_class,
                         needs=scoped, enrolled=training_class.enrolled)
    if request.method == "POST":
        wanted = _posted_need_ids(request)
        if scoped.filter(pk__in=wanted).count() != len(wanted):
            raise Http404  # another town's need, or none at all: never say which
        if form.is_valid():
            try:
                result = services.enrol_needs(training_class, form.cleaned_data["needs"], user=user)
            except services.ClassFull as full:
                form.add_error("needs", _("名额不足：本班仅剩%(free)s个名额。") % {"free": max(full.free, 0)})
            except services.NotEligible as error:
                form.add_error("needs", str(error))
            else:
                messages.success(request, _("已报名 %(n)s 人，培训需求状态改为“已报名”。") % {"n": result.count})
                return redirect("campaigns:training_class_detail", pk=training_class.pk)
    filterset = EnrolmentCandidateFilter(
        request.GET, queryset=candidates.select_related("worker__unit__town", "category").order_by(
            "town__order", "worker__unit__name", "worker__name", "pk"),
        request=request, training_class=training_class,
    )
    context = {
        "training_class": training_class,
        "form": form,
        "filter": filterset,
        "page_obj": Paginator(filterset.qs, CANDIDATES_PAGE_SIZE).get_page(request.GET.get("page")),
        "free": max(training_class.capacity - training_class.enrolled, 0),
        "ticked": _posted_need_ids(request),
        "institution_unqualified": not training_class.institution.categories.exists(),
    }
    return render(request, "campaigns/enrolment_form.html", context)


@ledger_reader_required
def enrolment_results(request, pk):
    """Attendance and exam results per trainee; a pass issues the certificate, one atomic step per trainee."""
    user = request.user
    training_class = _class_with_count(user, pk)
    if not can_record_results(user):
        raise PermissionDenied
    waiting_elsewhere = Enrolment.objects.filter(need=OuterRef("need"), exam_result=ExamResult.PENDING).exclude(
        training_class=training_class
    )
    trainees = list(_trainees(user, training_class).annotate(waiting_elsewhere=Exists(waiting_elsewhere)))
    editable = [
        t for t in trainees if t.exam_result != ExamResult.PASSED and t.need.is_open and not t.waiting_elsewhere
    ]
    locked = [t for t in trainees if t not in editable]
    data = request.POST if request.method == "POST" else None
    date_form = ExamDateForm(data, training_class=training_class)
    rows = result_forms(data, editable, qualified_items(training_class.institution, training_class.category))
    if request.method == "POST" and results_valid(date_form, rows):
        exam_on = date_form.cleaned_data["exam_on"]
        passed = failed = other = 0
        for row in rows:
            if not row.changed_result:
                continue
            try:
                outcome = services.record_trainee_result(
                    row.enrolment, attended=row.cleaned_data["attended"], exam_result=row.cleaned_data["exam_result"],
                    exam_on=exam_on, item=row.certificate_item, number=row.cleaned_data.get("number", ""), user=user,
                )
            except (services.ResultLocked, ValidationError) as error:
                text = "；".join(error.messages) if isinstance(error, ValidationError) else str(error)
                messages.error(request, _("%(name)s：未保存。%(reason)s") % {"name": row.need.worker.name,
                                                                          "reason": text})
                continue
            if outcome.issued:
                passed += 1
            elif outcome.enrolment.exam_result == ExamResult.FAILED:
                failed += 1
            else:
                other += 1
        messages.success(request, _("已保存：合格发证 %(passed)s 人，不合格 %(failed)s 人，其他变更 %(other)s 人。")
                         % {"passed": passed, "failed": failed, "other": other})
        return redirect("campaigns:enrolment_results", pk=training_class.pk)
    context = {"training_class": training_class, "date_form": date_form, "rows": rows, "locked": locked}
    return render(request, "campaigns/enrolment_results.html", context)
