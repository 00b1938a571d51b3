"""双随机 draws in the browser: the safety office and the bureaus draw, verify and publish."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from registry.permissions import roles_required

from ..draws import DrawError
from ..enforcement_services import make_random_draw, new_seed, verify_draw
from ..forms.enforcement import DrawFilter, DrawForm
from ..models import Campaign, RandomDraw
from .enforcement import with_counts
from .enforcement_access import DRAW_ROLES

PAGE_SIZE = 30


@roles_required(*DRAW_ROLES)
def draw_list(request):
    draws = RandomDraw.objects.select_related("town", "department", "drawn_by").defer("population")
    filterset = DrawFilter(request.GET or None, queryset=draws)
    page = Paginator(filterset.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "campaigns/draw_list.html", {"filterset": filterset, "page_obj": page})


@roles_required(*DRAW_ROLES)
def draw_create(request):
    form = DrawForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            result = make_random_draw(
                seed=data["seed"] if data["seed"] is not None else new_seed(),
                unit_count=data["unit_count"], inspector_count=data["inspector_count"], town=data["town"],
                department=data["department"], inspector_town=data["inspector_town"], weighted=data["weighted"],
                campaign=Campaign.objects.current(), user=request.user,
            )
        except DrawError as error:
            field = "unit_count" if error.what == "units" else "inspector_count"
            form.add_error(field, _("超过可抽取的数量（%(available)d）。") % {"available": error.available})
        else:
            messages.success(request, _("抽取完成。核对无误后可公开结果。"))
            return redirect("campaigns:draw_detail", pk=result.random_draw.pk)
    return render(request, "campaigns/draw_form.html", {"form": form})


def drawn_rows(draw):
    """The drawn units as stored, each with the latest inspection made of it from this draw (one query)."""
    inspections = {i.unit_id: i for i in with_counts(draw.inspections.all()).order_by("inspected_on", "pk")}
    return [{"unit": unit, "inspection": inspections.get(unit["id"])} for unit in draw.result.get("units", [])]


def _draw_context(draw):
    return {
        "draw": draw,
        "drawn_rows": drawn_rows(draw),
        "inspectors": draw.result.get("inspectors", []),
        "population_units": len(draw.population.get("units", [])),
        "population_inspectors": len(draw.population.get("inspectors", [])),
        "population_weighted": len(draw.population.get("weighted_units", [])),
        "population_conflicts": len(draw.population.get("conflicts", [])),
    }


@roles_required(*DRAW_ROLES)
def draw_detail(request, pk):
    draw = get_object_or_404(RandomDraw.objects.select_related("town", "department", "drawn_by", "campaign"), pk=pk)
    return render(request, "campaigns/draw_detail.html", _draw_context(draw))


@roles_required(*DRAW_ROLES)
def draw_verify(request, pk):
    """Re-run the draw from its stored seed and population and compare; say whether the registry moved on."""
    draw = get_object_or_404(RandomDraw.objects.select_related("town", "department"), pk=pk)
    verification = verify_draw(draw, compare_with_registry=True)
    context = _draw_context(draw)
    context["verification"] = verification
    return render(request, "campaigns/draw_verify.html", context)


@roles_required(*DRAW_ROLES)
@require_POST
def draw_publish(request, pk):
    draw = get_object_or_404(RandomDraw, pk=pk)
    if request.POST.get("action") == "withdraw":
        draw.published_at = None
        messages.success(request, _("已撤回公开。"))
    elif draw.published_at is None:
        draw.published_at = timezone.now()
        messages.success(request, _("抽取结果已公开。"))
    draw.save(update_fields=["published_at"])
    return redirect("campaigns:draw_detail", pk=draw.pk)
