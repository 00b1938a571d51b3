"""专项执法: inspection records, the findings per worker checked, and the measures with their follow-up."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, IntegerField, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from registry.choices import CertificateStatus, Verification
from registry.models import Certificate, CertificateCategory, Town, TrainingNeed, Worker
from registry.permissions import roles_required

from ..choices import FindingResult
from ..enforcement_services import record_findings
from ..forms.enforcement import (
    FindingFilter,
    FindingFormSet,
    InspectableUnitFilter,
    InspectionFilter,
    InspectionForm,
    MeasureFollowUpForm,
    MeasureForm,
    category_choices,
)
from ..models import Campaign, Finding, IllegalFollowUp, Inspection, Measure
from .enforcement_access import (
    INSPECTION_ROLES,
    assigned_town,
    can_edit_inspection,
    recordable_units,
    require_inspection_editor,
)

PAGE_SIZE = 50


def count_of(queryset):
    """A correlated count of `queryset` rows per inspection, as an annotation."""
    counted = queryset.filter(inspection=OuterRef("pk")).order_by().values("inspection").annotate(n=Count("pk"))
    return Coalesce(Subquery(counted.values("n"), output_field=IntegerField()), 0)


def with_counts(inspections):
    """Inspections annotated with their violation, finding and measure counts (no row multiplication)."""
    return inspections.annotate(
        violation_count=count_of(Finding.objects.exclude(result=FindingResult.CERTIFIED)),
        finding_count=count_of(Finding.objects.all()),
        measure_count=count_of(Measure.objects.all()),
    )


def _inspections_for(user):
    return with_counts(Inspection.objects.for_user(user)).select_related(
        "unit__town", "inspecting_department", "inspecting_town", "random_draw"
    )


@roles_required(*INSPECTION_ROLES)
def inspection_list(request):
    filterset = InspectionFilter(request.GET or None, queryset=_inspections_for(request.user), request=request)
    page = Paginator(filterset.qs.prefetch_related("inspectors"), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "campaigns/inspection_list.html", {
        "filterset": filterset,
        "page_obj": page,
        "assigned_town": assigned_town(request.user),
        "can_record": True,
    })


@roles_required(*INSPECTION_ROLES)
def finding_list(request):
    """Each worker checked in an inspection, one row each: the list behind the dashboard's 违法人次."""
    findings = Finding.objects.for_user(request.user).select_related(
        "inspection__unit__town", "worker", "category"
    ).order_by("-inspection__inspected_on", "-inspection_id", "pk")
    filterset = FindingFilter(request.GET or None, queryset=findings, request=request)
    page = Paginator(filterset.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "campaigns/finding_list.html", {"filterset": filterset, "page_obj": page})


@roles_required(*INSPECTION_ROLES)
def inspection_create(request):
    """Pick a unit (search among those one may inspect), then record the inspection of it."""
    user = request.user
    units = recordable_units(user)
    unit_id = request.POST.get("unit") or request.GET.get("unit")
    if not unit_id:
        return _unit_picker(request, units)
    if not str(unit_id).isdigit():
        raise Http404
    unit = get_object_or_404(units.select_related("town"), pk=unit_id)
    form = InspectionForm(
        request.POST or None, user=user, units=units, unit=unit, initial={"random_draw": request.GET.get("draw")}
    )
    if request.method == "POST" and form.is_valid():
        inspection = form.save(commit=False)
        inspection.recorded_by = user
        inspection.campaign = Campaign.objects.current()
        inspection.save()
        form.save_m2m()
        messages.success(request, _("检查记录已保存，请逐一登记所检查人员的情况。"))
        return redirect("campaigns:inspection_findings", pk=inspection.pk)
    return render(request, "campaigns/inspection_form.html", {"form": form, "unit": unit, "inspection": None})


def _unit_picker(request, units):
    towns = Town.objects.filter(pk__in=units.values("town_id")) if request.user.is_town_clerk else None
    filterset = InspectableUnitFilter(request.GET or None, queryset=units.select_related("town"), towns=towns)
    page = Paginator(filterset.qs.order_by("town__order", "name", "pk"), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "campaigns/inspection_unit_choose.html", {
        "filterset": filterset, "page_obj": page, "assigned_town": assigned_town(request.user),
    })


@roles_required(*INSPECTION_ROLES)
def inspection_detail(request, pk):
    inspection = get_object_or_404(_inspections_for(request.user).prefetch_related("inspectors"), pk=pk)
    can_edit = can_edit_inspection(request.user, inspection)
    findings = inspection.findings.select_related("worker", "category", "certificate", "training_need")
    measures = list(inspection.measures.all())
    for measure in measures:
        measure.follow_up_form = MeasureFollowUpForm(measure=measure, prefix=f"m{measure.pk}") if can_edit and measure.next_statuses() else None
    return render(request, "campaigns/inspection_detail.html", {
        "inspection": inspection,
        "findings": findings,
        "measures": measures,
        "exposures": inspection.exposures.all(),
        "can_edit": can_edit,
        "measure_form": MeasureForm(inspection=inspection) if can_edit else None,
    })


@roles_required(*INSPECTION_ROLES)
def inspection_edit(request, pk):
    inspection = _editable_inspection(request, pk)
    form = InspectionForm(request.POST or None, instance=inspection, user=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("检查记录已保存。"))
        return redirect("campaigns:inspection_detail", pk=inspection.pk)
    return render(request, "campaigns/inspection_form.html", {"form": form, "unit": inspection.unit, "inspection": inspection})


def ledger_suggestion(certificates, open_need, on):
    """What the ledger says about a worker before anyone looks: (result, certificate, category)."""
    good = [c for c in certificates if c.verification != Verification.FORGED and c.status_on(on) in (
        CertificateStatus.VALID, CertificateStatus.REVIEW_DUE_SOON)]
    if good:
        return FindingResult.CERTIFIED, good[0], good[0].category_id
    forged = [c for c in certificates if c.verification == Verification.FORGED]
    if forged:
        return FindingResult.FORGED, forged[0], forged[0].category_id
    lapsed = sorted(certificates, key=lambda c: (c.status_on(on) != CertificateStatus.REVIEW_OVERDUE, -c.valid_until.toordinal()))
    if lapsed:
        return FindingResult.EXPIRED, lapsed[0], lapsed[0].category_id
    return FindingResult.NO_CERTIFICATE, None, open_need.category_id if open_need else None


def _roster(inspection, user):
    """The unit's workers (active, or already found in this inspection) with their ledger facts.

    The inspection opens its unit's roster to whoever may see it, a cross-inspecting clerk
    included; a bureau sees certificates and categories of its own scheme only.
    """
    on = timezone.localdate()
    existing = {f.worker_id: f for f in inspection.findings.all()}
    workers = list(
        Worker.objects.filter(Q(unit=inspection.unit, is_active=True) | Q(pk__in=list(existing))).order_by("name", "pk")
    )
    categories = CertificateCategory.objects.for_user(user)
    certificates = {}
    for certificate in Certificate.objects.filter(worker__in=[w.pk for w in workers], category__in=categories).select_related("category").order_by("-valid_until", "pk"):
        certificates.setdefault(certificate.worker_id, []).append(certificate)
    needs = {}
    for need in TrainingNeed.objects.open().filter(worker__in=[w.pk for w in workers], category__in=categories).order_by("pk"):
        needs.setdefault(need.worker_id, need)
    rows = []
    for worker in workers:
        held = certificates.get(worker.pk, [])
        result, certificate, category = ledger_suggestion(held, needs.get(worker.pk), on)
        finding = existing.get(worker.pk)
        if finding is not None:
            initial = {"worker": worker.pk, "checked": True, "result": finding.result, "category": finding.category_id,
                       "certificate": finding.certificate_id, "verification_method": finding.verification_method,
                       "note": finding.note}
        else:
            initial = {"worker": worker.pk, "checked": False, "result": result, "category": category,
                       "certificate": certificate.pk if certificate else None}
        rows.append({"worker": worker, "certificates": held, "suggested": result, "initial": initial})
    return rows


@roles_required(*INSPECTION_ROLES)
def inspection_findings(request, pk):
    """Every worker of the unit on one page, prefilled from the ledger; saving opens the training needs."""
    inspection = _editable_inspection(request, pk)
    rows = _roster(inspection, request.user)
    formset = FindingFormSet(
        request.POST or None, initial=[row["initial"] for row in rows],
        form_kwargs={"categories": category_choices(request.user)},
    )
    for form, row in zip(formset.forms, rows):
        form.row = row
    if request.method == "POST" and formset.is_valid():
        by_worker = {row["worker"].pk: row for row in rows}
        categories = CertificateCategory.objects.for_user(request.user).in_bulk()
        checked = []
        for data in formset.cleaned_data:
            row = by_worker.get(data.get("worker"))
            if row is None or not data.get("checked"):
                continue
            held = {c.pk: c for c in row["certificates"]}
            checked.append({
                "worker": row["worker"],
                "result": data["result"],
                "category": categories.get(data.get("category")),
                "certificate": held.get(data.get("certificate")),
                "verification_method": data.get("verification_method", ""),
                "note": data.get("note", ""),
            })
        outcome = record_findings(inspection, checked, user=request.user)
        messages.success(request, _("已登记 %(findings)d 人；新生成培训需求 %(opened)d 条，关联已有需求 %(linked)d 条。") % {
            "findings": len(outcome.findings), "opened": len(outcome.needs_opened), "linked": len(outcome.needs_linked)})
        return redirect("campaigns:inspection_detail", pk=inspection.pk)
    return render(request, "campaigns/inspection_findings.html", {"inspection": inspection, "formset": formset})


def _editable_inspection(request, pk):
    inspection = get_object_or_404(Inspection.objects.for_user(request.user).select_related("unit__town"), pk=pk)
    require_inspection_editor(request.user, inspection)
    return inspection


@roles_required(*INSPECTION_ROLES)
def inspection_measure_create(request, pk):
    inspection = _editable_inspection(request, pk)
    form = MeasureForm(request.POST or None, inspection=inspection)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("处理措施已登记。"))
        return redirect("campaigns:inspection_detail", pk=inspection.pk)
    return render(request, "campaigns/inspection_measure_form.html", {"inspection": inspection, "form": form})


@roles_required(*INSPECTION_ROLES)
@require_POST
def inspection_measure_follow_up(request, pk):
    measure = get_object_or_404(
        Measure.objects.filter(inspection__in=Inspection.objects.for_user(request.user)).select_related("inspection__unit"),
        pk=pk,
    )
    require_inspection_editor(request.user, measure.inspection)
    form = MeasureFollowUpForm(request.POST, measure=measure, prefix=f"m{measure.pk}")
    if form.is_valid():
        try:
            measure.follow_up(form.cleaned_data["status"], form.cleaned_data["on"])
        except IllegalFollowUp:
            form.add_error("status", _("该措施当前状态下不能这样跟进。"))
        else:
            messages.success(request, _("跟进情况已登记：%(status)s。") % {"status": measure.get_status_display()})
            return redirect("campaigns:inspection_detail", pk=measure.inspection_id)
    return render(request, "campaigns/inspection_measure_follow_up.html", {"measure": measure, "form": form})
