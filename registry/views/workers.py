"""Worker pages: list, detail, create (with a certificate and a training need), edit, archive."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ..filters.workers import WorkerFilter
from ..forms.certificates import CertificateForm
from ..forms.needs import TrainingNeedForm
from ..forms.workers import WorkerForm
from ..models import Certificate, TrainingNeed, Unit, Worker
from ..permissions import ledger_reader_required, require_editor

PAGE_SIZE = 50


def _certificates(user):
    return Certificate.objects.for_user(user).select_related("category").order_by("category__order", "-valid_until")


def _needs(user):
    return TrainingNeed.objects.for_user(user).select_related("category").order_by("-created_at", "-pk")


def _with_worker(certificate, worker):
    certificate.worker = worker
    return certificate


@ledger_reader_required
def worker_list(request):
    user = request.user
    filterset = WorkerFilter(request.GET, queryset=Worker.objects.for_user(user), request=request)
    rows = filterset.qs.prefetch_related(
        # units by prefetch, not a join: the page's sort then runs on the worker table alone
        "unit__town",
        Prefetch("certificates", queryset=_certificates(user), to_attr="shown_certificates"),
        Prefetch("training_needs", queryset=_needs(user).open(), to_attr="open_needs"),
    )
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "registry/worker_list.html", {"filter": filterset, "page_obj": page})


@ledger_reader_required
def worker_detail(request, pk):
    user = request.user
    worker = get_object_or_404(Worker.objects.for_user(user).select_related("unit__town"), pk=pk)
    context = {
        "worker": worker,
        # the worker is known: give it to each certificate rather than fetch it again per row
        "certificates": [_with_worker(c, worker) for c in _certificates(user).filter(worker=worker)],
        "needs": _needs(user).filter(worker=worker).select_related("institution"),
    }
    return render(request, "registry/worker_detail.html", context)


@ledger_reader_required
def worker_create(request):
    """The worker, and optionally a certificate and a training need, saved together or not at all."""
    require_editor(request)
    user = request.user
    data = request.POST if request.method == "POST" else None
    initial = {}
    if request.GET.get("unit", "").isdigit():
        initial["unit"] = Unit.objects.for_user(user).active().filter(pk=request.GET["unit"]).first()
    form = WorkerForm(data, user=user, initial=initial)
    # optional sections: left untouched, they are neither validated nor saved
    certificate_form = CertificateForm(data, user=user, prefix="certificate", empty_permitted=True,
                                       use_required_attribute=False)
    need_form = TrainingNeedForm(data, user=user, prefix="need", empty_permitted=True, use_required_attribute=False)
    if request.method == "POST":
        sections = [f for f in (certificate_form, need_form) if f.has_changed()]
        if all([form.is_valid(), *[f.is_valid() for f in sections]]):
            with transaction.atomic():
                worker = form.save()
                for section in sections:
                    section.instance.worker = section.worker = worker
                    section.save()
            messages.success(request, _("已登记从业人员“%(name)s”。") % {"name": worker.name})
            if certificate_form in sections:
                for warning in certificate_form.number_warnings(worker):
                    messages.warning(request, warning)
            return redirect("registry:worker_detail", pk=worker.pk)
    context = {"form": form, "certificate_form": certificate_form, "need_form": need_form}
    return render(request, "registry/worker_form.html", context)


@ledger_reader_required
def worker_edit(request, pk):
    user = request.user
    worker = get_object_or_404(Worker.objects.for_user(user), pk=pk)
    require_editor(request)
    form = WorkerForm(request.POST or None, instance=worker, user=user)
    if request.method == "POST" and form.is_valid() and form.save_or_refuse():
        messages.success(request, _("已保存。"))
        return redirect("registry:worker_detail", pk=worker.pk)
    return render(request, "registry/worker_form.html", {"form": form, "worker": worker})


@ledger_reader_required
@require_POST
def worker_archive(request, pk):
    worker = get_object_or_404(Worker.objects.for_user(request.user), pk=pk)
    require_editor(request)
    worker.archive()
    messages.success(request, _("已将“%(name)s”归档；其证书、培训需求和修改记录均保留。") % {"name": worker.name})
    return redirect("registry:worker_detail", pk=worker.pk)
