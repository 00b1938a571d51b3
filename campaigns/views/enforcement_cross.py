"""交叉互检: the plan in which every town inspects another town and none inspects itself."""

from django.contrib import messages
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from registry.permissions import roles_required

from ..enforcement_services import SelfInspection, generate_cross_inspection_plan, new_seed, reassign_cross_inspection
from ..forms.enforcement import CrossPairForm, CrossPlanForm
from ..models import Campaign, CrossInspectionPair, CrossInspectionPlan, Inspection
from .enforcement_access import INSPECTION_ROLES, PLAN_EDITORS, assigned_town, current_plan

RECENT_PLANS = 10


def _plan_page(request, plan, form=None):
    pairs = list(plan.pairs.select_related("inspecting_town", "inspected_town")) if plan else []
    if plan is not None:
        # how many inspections each town has made, in the plan's campaign, of the town assigned to it
        made = Inspection.objects.filter(is_cross_inspection=True, campaign=plan.campaign_id).order_by()
        made = {(town, unit_town): n for town, unit_town, n in made.values_list("inspecting_town", "unit__town").annotate(n=Count("pk"))}
        for pair in pairs:
            pair.inspections_made = made.get((pair.inspecting_town_id, pair.inspected_town_id), 0)
    user = request.user
    return render(request, "campaigns/cross_plan.html", {
        "plan": plan,
        "pairs": pairs,
        "is_current": plan is not None and plan == current_plan(),
        "plans": CrossInspectionPlan.objects.select_related("campaign", "created_by")[:RECENT_PLANS],
        "assigned_town": assigned_town(user, plan) if plan else None,
        "inspected_by": next((p.inspecting_town for p in pairs if p.inspected_town_id == user.town_id), None),
        "can_edit": user.role in PLAN_EDITORS,
        "form": form or (CrossPlanForm() if user.role in PLAN_EDITORS else None),
    })


@roles_required(*INSPECTION_ROLES)
def cross_plan(request):
    """The plan in force; a clerk reads "本镇（街道）检查：X"."""
    return _plan_page(request, current_plan())


@roles_required(*INSPECTION_ROLES)
def cross_plan_detail(request, pk):
    return _plan_page(request, get_object_or_404(CrossInspectionPlan.objects.select_related("campaign"), pk=pk))


@roles_required(*PLAN_EDITORS)
@require_POST
def cross_plan_create(request):
    form = CrossPlanForm(request.POST)
    campaign = Campaign.objects.current()
    if campaign is None:
        form.add_error(None, _("尚无专项行动，无法生成交叉互检安排。"))
    if not form.is_valid():
        return _plan_page(request, current_plan(), form=form)
    seed = form.cleaned_data["seed"] if form.cleaned_data["seed"] is not None else new_seed()
    plan = generate_cross_inspection_plan(campaign, seed, user=request.user)
    messages.success(request, _("已生成交叉互检安排（随机种子 %(seed)s），各镇（街道）均不检查本镇（街道）。") % {"seed": seed})
    return redirect("campaigns:cross_plan_detail", pk=plan.pk)


@roles_required(*PLAN_EDITORS)
def cross_pair_edit(request, pk):
    pair = get_object_or_404(CrossInspectionPair.objects.select_related("plan", "inspecting_town", "inspected_town"), pk=pk)
    form = CrossPairForm(request.POST or None, pair=pair)
    if request.method == "POST" and form.is_valid():
        try:
            result = reassign_cross_inspection(pair, form.cleaned_data["inspected_town"])
        except SelfInspection:
            form.add_error("inspected_town", _("调整后会有镇（街道）检查本镇（街道），请另选。"))
        else:
            if result.swapped is not None:
                messages.success(request, _("已调整：%(a)s 检查 %(b)s；%(c)s 改为检查 %(d)s（对调）。") % {
                    "a": result.pair.inspecting_town, "b": result.pair.inspected_town,
                    "c": result.swapped.inspecting_town, "d": result.swapped.inspected_town})
            return redirect("campaigns:cross_plan_detail", pk=pair.plan_id)
    return render(request, "campaigns/cross_pair_form.html", {"pair": pair, "form": form})
