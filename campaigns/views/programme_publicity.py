"""Phase 1 (动员部署): the publicity log of the towns and the city departments."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from ..filters import PublicityFilter
from ..forms.programme import PublicityForm
from ..models import PublicityRecord
from .programme_access import can_edit_publicity, can_record_publicity
from .programme_figures import publicity_totals

PAGE_SIZE = 50


def _records(user):
    return PublicityRecord.objects.for_user(user).select_related("campaign", "town", "department")


@login_required
def publicity_list(request):
    filterset = PublicityFilter(request.GET, queryset=_records(request.user), request=request)
    records = filterset.qs
    context = {
        "filter": filterset,
        "page_obj": Paginator(records, PAGE_SIZE).get_page(request.GET.get("page")),
        "totals": publicity_totals(records),
        "can_record": can_record_publicity(request.user),
    }
    return render(request, "campaigns/publicity_list.html", context)


@login_required
def publicity_create(request):
    if not can_record_publicity(request.user):
        raise PermissionDenied
    form = PublicityForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        record = form.save()
        messages.success(request, _("已登记宣传：%(title)s。") % {"title": record.title})
        return redirect("campaigns:publicity_list")
    return render(request, "campaigns/publicity_form.html", {"form": form})


@login_required
def publicity_edit(request, pk):
    record = get_object_or_404(_records(request.user), pk=pk)
    if not can_edit_publicity(request.user, record):
        raise PermissionDenied
    form = PublicityForm(request.POST or None, instance=record, user=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("已保存宣传记录：%(title)s。") % {"title": record.title})
        return redirect("campaigns:publicity_list")
    return render(request, "campaigns/publicity_form.html", {"form": form, "record": record})
