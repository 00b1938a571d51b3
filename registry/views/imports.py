"""Importing a town's Attachment 1/2 ledger in the browser: upload → preview → confirm → result.

Nothing lives in one process between the steps: the upload keeps the file's bytes and the
preview's findings in a LedgerImport row; the preview page reads that row (or, for a row
without stored outcomes, analyses its bytes again); confirming commits from the kept bytes
with the row locked, so a second click or a second process cannot import the file twice.
"""

from collections import namedtuple

from django.contrib import messages
from django.core.paginator import Paginator
from django.db import transaction
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ..choices import Role
from ..forms.imports import ImportConfirmForm, LedgerImportFilter, LedgerUploadForm, row_counts, valid_row_count
from ..ledger_import import ImportStateError, RowStatus, commit_import, discard_import, preview_import
from ..models import LedgerImport, TrainingNeed
from ..permissions import roles_required

PAGE_SIZE = 50
ROWS_PER_PAGE = 100
PLACES_SHOWN = 30  # rows listed under one error message
WARNINGS_SHOWN = 200
OUTCOMES_KEY = "row_outcomes"  # the preview's per-row outcomes, kept in the import's report

STATUS_COLOURS = {
    RowStatus.NEW: "green",
    RowStatus.EXISTS: "grey",
    RowStatus.DUPLICATE: "amber",
    RowStatus.ERROR: "red",
}


class Outcome(namedtuple(
    "Outcome", "sheet row unit name mobile id_number category status entries new_entries new_worker new_unit messages"
)):
    """One row's outcome as the preview kept it."""

    @property
    def status_label(self):
        return RowStatus(self.status).label

    @property
    def status_colour(self):
        return STATUS_COLOURS[self.status]


IMPORT_STATUS_COLOURS = {
    LedgerImport.Status.PREVIEWED: "blue",
    LedgerImport.Status.COMMITTED: "green",
    LedgerImport.Status.REJECTED: "red",
    LedgerImport.Status.DISCARDED: "grey",
}


# bureaus and departments get 403
importer_required = roles_required(Role.TOWN_CLERK, Role.SAFETY_OFFICE)


def _imports(user):
    return LedgerImport.objects.for_user(user)


def _listed(user):
    return _imports(user).defer("content", "report").select_related("uploaded_by", "town")


# --- outcomes kept between the requests ------------------------------------------------------


def _outcome_list(result):
    return [
        [o.sheet, o.row, o.unit, o.name, o.mobile, o.id_number, o.category, str(o.status), o.entries, o.new_entries,
         o.new_worker, o.new_unit, o.messages]
        for o in result.rows
    ]


def _keep_outcomes(result):
    """Store every row's outcome with the import, so the preview's pages need no second analysis."""
    record = result.ledger_import
    record.report = {**record.report, OUTCOMES_KEY: _outcome_list(result)}
    LedgerImport.objects.filter(pk=record.pk).update(report=record.report)


def _outcomes(request, record):
    stored = record.report.get(OUTCOMES_KEY) if isinstance(record.report, dict) else None
    if stored is None:
        # kept by another path (or an older version): read the kept bytes again, writing nothing
        result = preview_import(
            bytes(record.content), record.file_name, user=request.user, town=record.town, form=record.form,
            skip_invalid=record.skip_invalid, keep=False,
        )
        stored = _outcome_list(result)
    return [Outcome(*values) for values in stored]


# --- what the pages show ------------------------------------------------------------------------


def _issue_groups(issues, totals=None):
    """[(message, count, places)] most frequent first; `totals` are the exact counts when the list is capped."""
    groups = {}
    for issue in issues:
        count, places = groups.get(issue["message"], (0, []))
        if len(places) < PLACES_SHOWN:
            places.append(issue)
        groups[issue["message"]] = (count + 1, places)
    for message, count in (totals or {}).items():
        if message in groups:
            groups[message] = (max(count, groups[message][0]), groups[message][1])
    return sorted(((m, c, p) for m, (c, p) in groups.items()), key=lambda group: -group[1])


def _report_context(record):
    report = record.report if isinstance(record.report, dict) else {}
    totals = {group["message"]: group["count"] for group in report.get("error_groups", [])}
    counts = row_counts(record)
    sheets = report.get("sheets", [])
    return {
        "report": report,
        "planned": report.get("planned", {}),
        "row_counts": {status: counts.get(status.value, 0) for status in RowStatus},
        "error_rows": counts.get(RowStatus.ERROR.value, 0),
        "valid_rows": valid_row_count(record),
        "error_groups": _issue_groups(report.get("errors", []), totals),
        "warnings": report.get("warnings", [])[:WARNINGS_SHOWN],
        "sheets": sheets,
        "many_sheets": len(sheets) > 1,
        "status_colour": IMPORT_STATUS_COLOURS.get(record.status, "grey"),
    }


def _preview_page(request, record, confirm_form=None):
    outcomes = _outcomes(request, record)
    counts = row_counts(record)
    shown = request.GET.get("status", "")
    if shown in RowStatus.values:
        outcomes = [outcome for outcome in outcomes if outcome.status == shown]
    else:
        shown = ""
    context = {
        "record": record,
        "confirm_form": confirm_form or ImportConfirmForm(ledger_import=record),
        "page_obj": Paginator(outcomes, ROWS_PER_PAGE).get_page(request.GET.get("page")),
        "shown_status": shown,
        "status_filters": [(status.value, status.label, counts.get(status.value, 0)) for status in RowStatus],
        **_report_context(record),
    }
    return render(request, "registry/import_preview.html", context)


# --- the pages --------------------------------------------------------------------------------------


@importer_required
def import_list(request):
    filterset = LedgerImportFilter(request.GET, queryset=_listed(request.user), request=request)
    page = Paginator(filterset.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    for record in page:
        record.status_colour = IMPORT_STATUS_COLOURS.get(record.status, "grey")
    return render(request, "registry/import_list.html", {"filter": filterset, "page_obj": page})


@importer_required
def import_upload(request):
    data = (request.POST, request.FILES) if request.method == "POST" else (None, None)
    form = LedgerUploadForm(*data, user=request.user)
    if form.is_valid():
        upload = form.cleaned_data["file"]
        result = preview_import(
            upload.read(), upload.name, user=request.user, town=form.import_town(),
            form=form.cleaned_data["form"], skip_invalid=form.cleaned_data["skip_invalid"],
        )
        _keep_outcomes(result)
        url = reverse("registry:import_preview", args=[result.ledger_import.pk])
        if request.headers.get("x-requested-with") == "XMLHttpRequest":
            # import.js sent the file with upload progress; it follows this address itself
            return JsonResponse({"redirect": url})
        return redirect(url)
    return render(request, "registry/import_upload.html", {"form": form})


@importer_required
def import_preview(request, pk):
    record = get_object_or_404(_imports(request.user).select_related("uploaded_by", "town"), pk=pk)
    if record.status != LedgerImport.Status.PREVIEWED:
        return redirect("registry:import_result", pk=record.pk)
    return _preview_page(request, record)


@importer_required
@require_POST
def import_confirm(request, pk):
    """Commit a preview, once: the row stays locked while the kept bytes are imported."""
    with transaction.atomic():
        record = get_object_or_404(_imports(request.user).select_for_update(), pk=pk)
        if record.status != LedgerImport.Status.PREVIEWED:
            messages.info(request, _("该导入已处理（%(status)s），没有重复导入。") % {"status": record.get_status_display()})
            return redirect("registry:import_result", pk=record.pk)
        form = ImportConfirmForm(request.POST, ledger_import=record)
        if form.is_valid():
            try:
                result = commit_import(record, user=request.user, skip_invalid=form.cleaned_data["skip_invalid"])
            except ImportStateError as error:
                messages.info(request, str(error))
                return redirect("registry:import_result", pk=record.pk)
    if not form.is_valid():
        record = get_object_or_404(_imports(request.user).select_related("uploaded_by", "town"), pk=pk)
        return _preview_page(request, record, confirm_form=form)
    if result.committed:
        messages.success(
            request,
            _("导入完成：新增培训需求 %(entries)s 条、人员 %(workers)s 人、单位 %(units)s 个。")
            % {"entries": result.entries_created, "workers": result.workers_created, "units": result.units_created},
        )
    else:
        messages.error(request, _("未导入：重新检查时发现错误（台账可能已被修改），请修改文件后重新上传。"))
    return redirect("registry:import_result", pk=pk)


@importer_required
@require_POST
def import_discard(request, pk):
    with transaction.atomic():
        record = get_object_or_404(_imports(request.user).select_for_update(), pk=pk)
        if record.status != LedgerImport.Status.PREVIEWED:
            messages.info(request, _("该导入已处理（%(status)s），不能放弃。") % {"status": record.get_status_display()})
            return redirect("registry:import_result", pk=record.pk)
        discard_import(record)
        # the outcomes repeat the file's personal data: they go with its bytes
        report = {key: value for key, value in record.report.items() if key != OUTCOMES_KEY}
        LedgerImport.objects.filter(pk=record.pk).update(report=report)
    messages.success(request, _("已放弃导入“%(name)s”，台账没有任何改动。") % {"name": record.file_name})
    return redirect("registry:import_list")


@importer_required
def import_result(request, pk):
    record = get_object_or_404(_imports(request.user).defer("content").select_related("uploaded_by", "town"), pk=pk)
    if record.status == LedgerImport.Status.PREVIEWED:
        return redirect("registry:import_preview", pk=record.pk)
    needs = (
        TrainingNeed.objects.for_user(request.user)
        .filter(ledger_import=record)
        .select_related("worker__unit", "category")
        .order_by("worker__unit__name", "worker__name", "pk")
    )
    context = {
        "record": record,
        "page_obj": Paginator(needs, PAGE_SIZE).get_page(request.GET.get("page")),
        **_report_context(record),
    }
    return render(request, "registry/import_result.html", context)
