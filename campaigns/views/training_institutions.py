"""Phase 3 (集中培训): the qualified training institutions and the categories each may train."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from registry.choices import Role
from registry.models import CertificateCategory, TrainingInstitution
from registry.permissions import ledger_reader_required

from ..filters import TrainingInstitutionFilter
from ..forms.programme import TrainingInstitutionForm
from .programme_access import is_safety_office, require_role

PAGE_SIZE = 50


@ledger_reader_required
def training_institution_list(request):
    institutions = TrainingInstitution.objects.prefetch_related(
        Prefetch("categories", queryset=CertificateCategory.objects.order_by("-scheme", "order"))
    )
    filterset = TrainingInstitutionFilter(request.GET, queryset=institutions)
    context = {
        "filter": filterset,
        "page_obj": Paginator(filterset.qs, PAGE_SIZE).get_page(request.GET.get("page")),
        "can_manage": is_safety_office(request.user),
    }
    return render(request, "campaigns/training_institution_list.html", context)


@ledger_reader_required
def training_institution_create(request):
    require_role(request.user, Role.SAFETY_OFFICE)
    form = TrainingInstitutionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        institution = form.save()
        messages.success(request, _("已添加培训机构：%(name)s。") % {"name": institution.name})
        return redirect("campaigns:training_institution_list")
    return render(request, "campaigns/training_institution_form.html", {"form": form})


@ledger_reader_required
def training_institution_edit(request, pk):
    institution = get_object_or_404(TrainingInstitution, pk=pk)
    require_role(request.user, Role.SAFETY_OFFICE)
    form = TrainingInstitutionForm(request.POST or None, instance=institution)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("已保存培训机构：%(name)s。") % {"name": institution.name})
        return redirect("campaigns:training_institution_list")
    return render(request, "campaigns/training_institution_form.html", {"form": form, "institution": institution})
