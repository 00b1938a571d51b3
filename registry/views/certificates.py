"""Certificates: list with computed status, add to a worker, edit, record a review (复审)."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from ..filters.certificates import CertificateFilter
from ..forms.certificates import CertificateEditForm, CertificateForm, CertificateReviewForm
from ..models import Certificate, Worker
from ..permissions import ledger_reader_required, require_editor

PAGE_SIZE = 50


def _certificate(request, pk):
    return get_object_or_404(
        Certificate.objects.for_user(request.user).select_related("worker__unit__town", "category"), pk=pk
    )


def _saved(request, form, certificate, message):
    for warning in form.warnings:
        messages.warning(request, warning)
    messages.success(request, message % {"name": certificate.worker.name, "category": certificate.category.name})
    return redirect("registry:worker_detail", pk=certificate.worker_id)


@ledger_reader_required
def certificate_list(request):
    certificates = (
        Certificate.objects.for_user(request.user).with_status().select_related("worker__unit__town", "category")
    )
    filterset = CertificateFilter(request.GET, queryset=certificates, request=request)
    page = Paginator(filterset.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "registry/certificate_list.html", {"filter": filterset, "page_obj": page})


@ledger_reader_required
def certificate_create(request, worker_pk):
    worker = get_object_or_404(Worker.objects.for_user(request.user).select_related("unit__town"), pk=worker_pk)
    require_editor(request)
    form = CertificateForm(request.POST or None, user=request.user, worker=worker)
    if form.is_valid():
        return _saved(request, form, form.save(), _("已为%(name)s登记“%(category)s”证书。"))
    return render(request, "registry/certificate_form.html", {"form": form, "worker": worker})


@ledger_reader_required
def certificate_edit(request, pk):
    certificate = _certificate(request, pk)
    require_editor(request)
    form = CertificateEditForm(request.POST or None, instance=certificate, user=request.user)
    if form.is_valid() and form.save_or_refuse():
        return _saved(request, form, certificate, _("已保存%(name)s的“%(category)s”证书。"))
    context = {"form": form, "worker": certificate.worker, "certificate": certificate}
    return render(request, "registry/certificate_form.html", context)


@ledger_reader_required
def certificate_review(request, pk):
    """Record a passed review; the row is re-read under a lock so a concurrent edit is kept, not overwritten."""
    certificate = _certificate(request, pk)
    require_editor(request)
    form = CertificateReviewForm(request.POST or None, certificate=certificate)
    if form.is_valid():
        with transaction.atomic():
            locked = Certificate.objects.select_for_update(of=("self",)).select_related("category", "worker").get(pk=pk)
            before = locked.next_review_on
            form.record(locked)
        messages.success(request, _("已记录%(name)s的复审：下次复审日期由%(before)s改为%(after)s，有效期至%(until)s。") % {
            "name": locked.worker.name, "before": before.isoformat(), "after": locked.next_review_on.isoformat(),
            "until": locked.valid_until.isoformat(),
        })
        return redirect("registry:worker_detail", pk=locked.worker_id)
    return render(request, "registry/certificate_review.html", {"form": form, "certificate": certificate})
