"""Attachment 1/2 downloads: a town's form as the notice prints it, and the city workbook.

Which towns and forms a user may have is the reports' own scoping (`visible_forms`,
`Town.objects.for_user`): a form outside a user's schemes is 403, another town is 404.
"""

import io
from urllib.parse import quote

from django import forms
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from registry.choices import Role
from registry.models import Town
from registry.permissions import ledger_reader_required

from .. import attachments
from ..models import visible_forms
from ..xlsx import export_city_workbook, export_town_attachment

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CITY_NAME = "晋江市"


def download_response(content, file_name, ascii_name, content_type=XLSX_CONTENT_TYPE):
    """A file download with a Chinese name (RFC 6266 `filename*`) and a plain one for old clients."""
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(file_name)}"
    response["Content-Length"] = str(len(content))
    response["Cache-Control"] = "private, no-store"
    return response


# everyone with at least one attachment to see: clerks, the safety office, the bureaus
attachment_reader_required = ledger_reader_required


class ReportDateForm(forms.Form):
    """The 报送时间 printed on the form; today when not given."""

    date = forms.DateField(
        label=gettext_lazy("报送时间"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": gettext_lazy("请输入正确的日期，例如 2019-07-01。")},
    )


def _report_date(request):
    """The ?date= of a download, today if none; None when it is not a date."""
    form = ReportDateForm(request.GET)
    if not form.is_valid():
        return None
    return form.cleaned_data.get("date") or timezone.localdate()


def _form_number(form):
    if form not in attachments.FORMS:
        raise Http404
    return form


def _stamp(day):
    return f"{day:%Y%m%d}"


def town_file_name(town, form_def, day):
    return f"{town.name}_附件{form_def.number}_{form_def.title}_{_stamp(day)}.xlsx"


def city_file_name(form_def, day):
    return f"{CITY_NAME}_附件{form_def.number}_{form_def.title}_全市汇总_{_stamp(day)}.xlsx"


@attachment_reader_required
def attachment_list(request):
    """Each town's forms to download, with the rows each would have now; the city workbooks."""
    user = request.user
    date_form = ReportDateForm(request.GET or None)
    chosen = date_form.cleaned_data.get("date") if date_form.is_bound and date_form.is_valid() else None
    day = chosen or timezone.localdate()
    shown = sorted(visible_forms(user))
    counts = {}
    for form in shown:
        per_town = attachments.form_needs(user, form).values("town_id").annotate(n=Count("pk")).order_by()
        for item in per_town:
            counts[item["town_id"], form] = item["n"]
    rows = [
        {
            "town": town,
            "cells": [{"form": attachments.FORMS[form], "rows": counts.get((town.pk, form), 0)} for form in shown],
        }
        for town in Town.objects.for_user(user)
    ]
    context = {
        "date_form": date_form,
        "day": day,
        "date_query": f"?date={chosen.isoformat()}" if chosen else "",
        "forms": [attachments.FORMS[form] for form in shown],
        "rows": rows,
        "city": user.role != Role.TOWN_CLERK,
    }
    return render(request, "reports/attachment_list.html", context)


@attachment_reader_required
def attachment_download(request, town_pk, form):
    """One town's Attachment `form` (.xlsx), as the notice prints it."""
    user, form = request.user, _form_number(form)
    if form not in visible_forms(user):
        raise PermissionDenied
    town = get_object_or_404(Town.objects.for_user(user), pk=town_pk)
    day = _report_date(request)
    if day is None:
        return HttpResponseBadRequest(_("报送时间格式不正确，应为 2019-07-01 这样的日期。"), content_type="text/plain; charset=utf-8")
    buffer = io.BytesIO()
    export_town_attachment(user, town, form, buffer, report_date=day)
    form_def = attachments.FORMS[form]
    return download_response(
        buffer.getvalue(), town_file_name(town, form_def, day), f"attachment{form}_{town.code}_{_stamp(day)}.xlsx"
    )


@attachment_reader_required
def attachment_city(request, form):
    """The city workbook of Attachment `form`: the summary sheet and one sheet per town."""
    user, form = request.user, _form_number(form)
    if user.role == Role.TOWN_CLERK or form not in visible_forms(user):
        raise PermissionDenied
    day = _report_date(request)
    if day is None:
        return HttpResponseBadRequest(_("报送时间格式不正确，应为 2019-07-01 这样的日期。"), content_type="text/plain; charset=utf-8")
    buffer = io.BytesIO()
    export_city_workbook(user, form, buffer, report_date=day)
    form_def = attachments.FORMS[form]
    return download_response(
        buffer.getvalue(), city_file_name(form_def, day), f"attachment{form}_city_{_stamp(day)}.xlsx"
    )
