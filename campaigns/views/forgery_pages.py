"""Forgery signals for the bureaus, each in its scheme (the safety office sees both), and their checks."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from registry.choices import Verification
from registry.models import Certificate
from registry.permissions import roles_required
from registry.templatetags.registry_tags import sees_personal_data

from ..choices import ForgerySignal
from ..enforcement_services import confirm_certificate_forged, confirm_certificate_genuine
from ..forgery import flagged_certificates, signal_counts, signals_of, with_signals
from ..forms.enforcement import ForgeryCheckForm, ForgerySignalFilter
from ..models import ForgeryCheck
from .enforcement_access import FORGERY_ROLES

PAGE_SIZE = 50
RECENT_CHECKS = 20


@roles_required(*FORGERY_ROLES)
def forgery_signals(request):
    flagged = flagged_certificates(request.user).select_related("worker__unit__town", "category")
    filterset = ForgerySignalFilter(request.GET or None, queryset=flagged, request=request)
    page = Paginator(filterset.qs.order_by("number", "pk"), PAGE_SIZE).get_page(request.GET.get("page"))
    for certificate in page.object_list:
        certificate.signal_list = signals_of(certificate)
        certificate.check_form = ForgeryCheckForm(initial={"signal": certificate.signal_list[0]}, prefix=f"c{certificate.pk}")
    counts = signal_counts(flagged)
    recent = ForgeryCheck.objects.filter(certificate__in=Certificate.objects.for_user(request.user))
    return render(request, "campaigns/forgery_signals.html", {
        "filterset": filterset,
        "page_obj": page,
        "figures": [(signal, counts[signal.value]) for signal in ForgerySignal],
        "recent_checks": recent.select_related("certificate__worker", "certificate__category", "checked_by")[:RECENT_CHECKS],
        "full_personal_data": sees_personal_data(request.user),
    })


@roles_required(*FORGERY_ROLES)
def forgery_check(request, pk):
    """Record how a flagged certificate was checked: genuine (it leaves the lists) or forged (a finding and a need)."""
    certificate = get_object_or_404(
        with_signals(Certificate.objects.for_user(request.user)).select_related("worker__unit__town", "category"), pk=pk
    )
    certificate.signal_list = signals_of(certificate)
    form = ForgeryCheckForm(
        request.POST or None, prefix=f"c{certificate.pk}",
        initial={"signal": (certificate.signal_list or [ForgerySignal.SHARED_NUMBER])[0]},
    )
    checked = certificate.verification != Verification.UNVERIFIED
    if request.method == "POST" and checked:
        form.add_error(None, _("该证书已核验（%(state)s），无需再次核验。") % {"state": certificate.get_verification_display()})
    elif request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        arguments = {"signal": data["signal"], "method": data["method"], "note": data["note"], "user": request.user}
        if data["outcome"] == ForgeryCheck.Outcome.GENUINE:
            confirm_certificate_genuine(certificate, **arguments)
            messages.success(request, _("已记录：证书 %(number)s 核验为真，移出疑点名单。") % {"number": certificate.number})
        else:
            result = confirm_certificate_forged(certificate, **arguments)
            messages.success(request, _("已记录：证书 %(number)s 确认伪造；已登记持假证情况，%(need)s。") % {
                "number": certificate.number,
                "need": _("并生成培训需求（取证）") if result.need_created else _("该人员已有未办结的培训需求"),
            })
        return redirect("campaigns:forgery_signals")
    return render(request, "campaigns/forgery_check.html", {
        "certificate": certificate,
        "form": form,
        "checked": checked,
        "checks": certificate.forgery_checks.select_related("checked_by"),
        "full_personal_data": sees_personal_data(request.user),
    })
