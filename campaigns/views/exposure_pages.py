"""曝光: the safety office picks violations found by inspections and publishes them (no personal data)."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from registry.permissions import roles_required

from ..choices import FindingResult, MeasureKind
from ..forms.enforcement import ExposureCandidateFilter, ExposureFilter, ExposureForm
from ..models import ExposureEntry, Finding, Inspection, Measure
from .enforcement import count_of, with_counts
from .enforcement_access import EXPOSURE_ROLES

PAGE_SIZE = 50


def violation_text(result_counts, refused=False):
    """无证上岗 2 人；持假证 1 人 … from {result: count}; no names, only counts."""
    parts = [
        _("%(what)s %(n)d 人") % {"what": result.label, "n": result_counts[result]}
        for result in FindingResult
        if result != FindingResult.CERTIFIED and result_counts.get(result)
    ]
    if refused:
        parts.append(_("拒不配合检查"))
    return "；".join(parts)


def measure_text(measures):
    """责令限期整改（期限 2019-10-01）；罚款 20000 元 … from the inspection's measures."""
    parts = []
    for measure in measures:
        if measure.kind == MeasureKind.RECTIFY_ORDER and measure.deadline:
            parts.append(_("责令限期整改（期限 %(day)s）") % {"day": measure.deadline.isoformat()})
        elif measure.kind == MeasureKind.FINE and measure.fine_amount:
            parts.append(_("罚款 %(amount)s 元") % {"amount": format(measure.fine_amount.normalize(), "f")})
        else:
            parts.append(measure.get_kind_display())
    return "；".join(parts)


def _summaries(inspections):
    """{inspection id: (result counts, measures)} for a page of inspections, in two queries."""
    ids = [inspection.pk for inspection in inspections]
    counts, measures = {}, {}
    rows = Finding.objects.filter(inspection__in=ids).order_by().values_list("inspection", "result").annotate(n=Count("pk"))
    for inspection_id, result, n in rows:
        counts.setdefault(inspection_id, {})[result] = n
    for measure in Measure.objects.filter(inspection__in=ids).order_by("pk"):
        measures.setdefault(measure.inspection_id, []).append(measure)
    return counts, measures


@roles_required(*EXPOSURE_ROLES)
def exposure_list(request):
    entries = ExposureEntry.objects.select_related("inspection__unit__town", "chosen_by")
    filterset = ExposureFilter(request.GET or None, queryset=entries)
    page = Paginator(filterset.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "campaigns/exposure_list.html", {"filterset": filterset, "page_obj": page})


@roles_required(*EXPOSURE_ROLES)
def exposure_candidates(request):
    """Inspections that found violations, took measures or met a refusal: what can be exposed."""
    inspections = with_counts(Inspection.objects.for_user(request.user)).filter(
        Q(violation_count__gt=0) | Q(measure_count__gt=0) | Q(refused_cooperation=True)
    ).annotate(exposure_count=count_of(ExposureEntry.objects.all())).select_related("unit__town")
    filterset = ExposureCandidateFilter(request.GET or None, queryset=inspections)
    page = Paginator(filterset.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    counts, measures = _summaries(page.object_list)
    for inspection in page.object_list:
        inspection.violation_summary = violation_text(counts.get(inspection.pk, {}), inspection.refused_cooperation)
        inspection.measure_summary = measure_text(measures.get(inspection.pk, []))
    return render(request, "campaigns/exposure_candidates.html", {"filterset": filterset, "page_obj": page})


@roles_required(*EXPOSURE_ROLES)
def exposure_create(request, inspection_pk):
    inspection = get_object_or_404(Inspection.objects.for_user(request.user).select_related("unit__town"), pk=inspection_pk)
    counts, measures = _summaries([inspection])
    initial = {
        "violation": violation_text(counts.get(inspection.pk, {}), inspection.refused_cooperation),
        "measure": measure_text(measures.get(inspection.pk, [])),
        "published_on": timezone.localdate(),
        "is_published": True,
    }
    form = ExposureForm(request.POST or None, inspection=inspection, initial=initial)
    if request.method == "POST" and form.is_valid():
        entry = form.save(commit=False)
        entry.chosen_by = request.user
        entry.save()
        messages.success(request, _("已选入曝光名单。"))
        return redirect("campaigns:exposure_list")
    return render(request, "campaigns/exposure_form.html", {"form": form, "inspection": inspection, "entry": None})


@roles_required(*EXPOSURE_ROLES)
def exposure_edit(request, pk):
    entry = get_object_or_404(ExposureEntry.objects.select_related("inspection__unit__town"), pk=pk)
    form = ExposureForm(request.POST or None, instance=entry, inspection=entry.inspection)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("曝光条目已保存。"))
        return redirect("campaigns:exposure_list")
    return render(request, "campaigns/exposure_form.html", {"form": form, "inspection": entry.inspection, "entry": entry})
