"""Training-need pages: the rows of a town's Attachment 1/2 and the training pipeline behind them."""

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .. import services
from ..filters.needs import NeedFilter
from ..forms.needs import (
    CAN_CANCEL,
    CAN_RECORD_RESULT,
    CAN_REGISTER,
    DueReviewForm,
    NeedCancelForm,
    NeedRegisterForm,
    NeedResultForm,
    TrainingNeedForm,
)
from ..models import TrainingNeed, Worker
from ..permissions import ledger_reader_required, require_editor

PAGE_SIZE = 50


def _needs(user):
    return TrainingNeed.objects.for_user(user).select_related("worker__unit__town", "category", "institution")


def _rows(needs):
    # workers and units by prefetch, not a join: the page's sort then runs on the need table alone
    return needs.select_related(None).select_related("category", "institution").prefetch_related("worker__unit__town")


def _editable_need(request, pk, allowed):
    """The need for a write: 404 out of scope, 403 read-only; None (with a message) if its status forbids it."""
    need = get_object_or_404(_needs(request.user).select_related("certificate"), pk=pk)
    require_editor(request)
    if need.status not in allowed:
        messages.error(request, _("该培训需求当前状态为“%(status)s”，不能进行此操作。") % {"status": need.get_status_display()})
        return need, False
    return need, True


@ledger_reader_required
def need_list(request):
    # in order of entry; by primary key, which is indexed, where created_at is not
    needs = _needs(request.user).of_active_workers().order_by("pk")
    filterset = NeedFilter(request.GET, queryset=needs, request=request)
    page = Paginator(_rows(filterset.qs), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "registry/need_list.html", {"filter": filterset, "page_obj": page})


@ledger_reader_required
def need_detail(request, pk):
    need = get_object_or_404(_needs(request.user).select_related("certificate__category"), pk=pk)
    context = {
        "need": need,
        "cancel_form": NeedCancelForm(instance=need),
        "can_register": need.status in CAN_REGISTER,
        "can_record_result": need.status in CAN_RECORD_RESULT,
        "can_cancel": need.status in CAN_CANCEL,
    }
    return render(request, "registry/need_detail.html", context)


@ledger_reader_required
def need_create(request, worker_pk):
    worker = get_object_or_404(Worker.objects.for_user(request.user).select_related("unit"), pk=worker_pk)
    require_editor(request)
    if not worker.is_active:
        messages.error(request, _("该人员已归档，不能登记培训需求。"))
        return redirect("registry:worker_detail", pk=worker.pk)
    form = TrainingNeedForm(request.POST or None, user=request.user, worker=worker)
    if request.method == "POST" and form.is_valid():
        need = form.save()
        messages.success(request, _("已登记培训需求“%(text)s”，列入附件%(n)s。") % {"text": need.form_category_text,
                                                                          "n": need.attachment})
        return redirect("registry:worker_detail", pk=worker.pk)
    return render(request, "registry/need_form.html", {"form": form, "worker": worker})


@ledger_reader_required
def need_create_due_reviews(request):
    """One action for the clerk's town: a review need for every certificate due within N days."""
    require_editor(request)
    town = request.user.town
    data = request.POST if request.method == "POST" else (request.GET if "days" in request.GET else None)
    form = DueReviewForm(data, initial={"days": settings.JINJIANG_CERT_REVIEW_HORIZON_DAYS})
    days, include_overdue = settings.JINJIANG_CERT_REVIEW_HORIZON_DAYS, False
    if form.is_bound and form.is_valid():
        days, include_overdue = form.cleaned_data["days"], form.cleaned_data["include_overdue"]
        if request.method == "POST":
            plan = services.create_due_review_needs(town, days, user=request.user, include_overdue=include_overdue)
            messages.success(
                request,
                _("已生成 %(count)s 条复审培训需求（另有 %(skipped)s 张证书已有未办结的复审需求，未重复生成）。")
                % {"count": plan.count, "skipped": plan.already_open},
            )
            return redirect(reverse("registry:need_list") + "?kind=review&source=due_review")
    plan = services.plan_due_review_needs(town, days, include_overdue=include_overdue)
    return render(request, "registry/need_due_reviews.html", {"form": form, "plan": plan, "days": days,
                                                                "include_overdue": include_overdue})


@ledger_reader_required
def need_register(request, pk):
    need, allowed = _editable_need(request, pk, CAN_REGISTER)
    if not allowed:
        return redirect("registry:need_detail", pk=need.pk)
    form = NeedRegisterForm(request.POST or None, instance=need)
    if request.method == "POST" and form.is_valid() and form.save_or_refuse():
        messages.success(request, _("已报名：%(institution)s。") % {"institution": need.institution})
        return redirect("registry:need_detail", pk=need.pk)
    return render(request, "registry/need_step.html", {"form": form, "need": need, "title": _("报名培训")})


@ledger_reader_required
def need_result(request, pk):
    need, allowed = _editable_need(request, pk, CAN_RECORD_RESULT)
    if not allowed:
        return redirect("registry:need_detail", pk=need.pk)
    form = NeedResultForm(request.POST or None, instance=need, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            saved = form.save_or_refuse()
        except services.NeedClosed as closed:
            messages.error(request, str(closed))
            return redirect("registry:need_detail", pk=need.pk)
        if saved:
            result = getattr(form, "result", None)
            if result is None:
                messages.success(request, _("已记录：%(status)s。") % {"status": need.get_status_display()})
            elif result.reviewed:
                messages.success(request, _("复审通过，已记录在证书上，下次复审日期为 %(date)s。")
                                 % {"date": result.certificate.next_review_on})
            else:
                messages.success(request, _("已发证：%(certificate)s。") % {"certificate": result.certificate})
                for warning in form.certificate_form.warnings:
                    messages.warning(request, warning)
            return redirect("registry:need_detail", pk=need.pk)
    return render(request, "registry/need_step.html", {"form": form, "need": need, "title": _("登记培训考试结果")})


@ledger_reader_required
@require_POST
def need_cancel(request, pk):
    need, allowed = _editable_need(request, pk, CAN_CANCEL)
    if allowed:
        form = NeedCancelForm(request.POST, instance=need)
        if form.is_valid() and form.save_or_refuse():
            messages.success(request, _("已撤销该培训需求。"))
        else:
            messages.error(request, " ".join(form.non_field_errors()))
    return redirect("registry:need_detail", pk=need.pk)
