"""Units (生产经营单位): list, detail, create, edit, archive."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from ..filters.units import UnitFilter
from ..forms.units import UnitForm
from ..models import Certificate, TrainingNeed, Unit, Worker
from ..permissions import ledger_reader_required, require_editor

PAGE_SIZE = 50
NEEDS_SHOWN = 50


@ledger_reader_required
def unit_list(request):
    # by name by default: the name_key index serves a page without sorting the whole city
    units = Unit.objects.for_user(request.user).select_related("town").order_by("name_key", "pk")
    filterset = UnitFilter(request.GET, queryset=units, request=request)
    page = Paginator(filterset.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "registry/unit_list.html", {"filter": filterset, "page_obj": page})


@ledger_reader_required
def unit_detail(request, pk):
    user = request.user
    unit = get_object_or_404(Unit.objects.for_user(user).select_related("town"), pk=pk)
    certificates = Certificate.objects.for_user(user).with_status().select_related("category")
    workers = (
        Worker.objects.for_user(user)
        .filter(unit=unit)
        .order_by("-is_active", "name", "pk")
        .prefetch_related(Prefetch("certificates", queryset=certificates.order_by("category__order", "pk")))
    )
    needs = (
        TrainingNeed.objects.for_user(user).open().filter(worker__unit=unit).select_related("worker", "category__parent")
    )
    context = {
        "unit": unit,
        "page_obj": Paginator(workers, PAGE_SIZE).get_page(request.GET.get("page")),
        "needs": needs[:NEEDS_SHOWN],
        "needs_shown": NEEDS_SHOWN,
    }
    return render(request, "registry/unit_detail.html", context)


def _saved(request, form, unit, message):
    for warning in form.warnings:
        messages.warning(request, warning)
    messages.success(request, message % {"name": unit.name})
    return redirect("registry:unit_detail", pk=unit.pk)


@ledger_reader_required
def unit_create(request):
    require_editor(request)
    form = UnitForm(request.POST or None, instance=Unit(town=request.user.town))
    if form.is_valid():
        return _saved(request, form, form.save(), _("已登记单位“%(name)s”。"))
    return render(request, "registry/unit_form.html", {"form": form})


@ledger_reader_required
def unit_edit(request, pk):
    unit = get_object_or_404(Unit.objects.for_user(request.user).select_related("town"), pk=pk)
    require_editor(request)
    form = UnitForm(request.POST or None, instance=unit)
    if form.is_valid() and form.save_or_refuse():
        return _saved(request, form, unit, _("已保存单位“%(name)s”。"))
    return render(request, "registry/unit_form.html", {"form": form, "unit": unit})


@ledger_reader_required
@require_http_methods(["GET", "POST"])
def unit_archive(request, pk):
    """GET asks for confirmation; POST archives. The unit stays reachable and keeps its history."""
    unit = get_object_or_404(Unit.objects.for_user(request.user).select_related("town"), pk=pk)
    require_editor(request)
    if request.method == "POST":
        if unit.is_active:
            unit.archive()
        messages.success(request, _("单位“%(name)s”已归档，不再出现在单位列表中。") % {"name": unit.name})
        return redirect("registry:unit_detail", pk=unit.pk)
    workers = Worker.objects.filter(unit=unit, is_active=True).count()
    return render(request, "registry/unit_archive.html", {"unit": unit, "active_workers": workers})
