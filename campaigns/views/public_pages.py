"""一公开: pages anyone may read without signing in — published draws and the exposure list.

Nothing personal about workers appears here: units, towns, dates, violations and measures as
counts and kinds, and the names of the law-enforcement officers (who act in public office).
"""

from io import BytesIO

from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from reports.xlsx.attachment import set_value

from ..enforcement_services import verify_draw
from ..forms.enforcement import PublicDrawFilter, PublicExposureFilter
from ..models import ExposureEntry, RandomDraw
from .draw_pages import drawn_rows

PAGE_SIZE = 50
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def published_draws():
    return RandomDraw.objects.filter(published_at__isnull=False).select_related("town").defer("population")


def public_draw_list(request):
    filterset = PublicDrawFilter(request.GET or None, queryset=published_draws().order_by("-published_at", "-pk"))
    page = Paginator(filterset.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "campaigns/public_draw_list.html", {"filterset": filterset, "page_obj": page})


def public_draw_detail(request, pk):
    draw = get_object_or_404(RandomDraw.objects.filter(published_at__isnull=False).select_related("town"), pk=pk)
    return render(request, "campaigns/public_draw_detail.html", {
        "draw": draw,
        "drawn_rows": drawn_rows(draw),
        "inspectors": draw.result.get("inspectors", []),
        "population_units": len(draw.population.get("units", [])),
        "verification": verify_draw(draw),
    })


def published_exposure():
    """The entries on the public list: published, and their day has come."""
    return ExposureEntry.objects.filter(is_published=True, published_on__lte=timezone.localdate()).select_related(
        "inspection__unit__town"
    )


def public_exposure_list(request):
    filterset = PublicExposureFilter(request.GET or None, queryset=published_exposure())
    page = Paginator(filterset.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "campaigns/public_exposure_list.html", {"filterset": filterset, "page_obj": page})


EXPOSURE_COLUMNS = (
    (_("序号"), 6), (_("单位名称"), 36), (_("镇（街道）"), 16), (_("违法行为"), 40), (_("处理结果"), 40),
    (_("检查日期"), 12), (_("曝光日期"), 12), (_("曝光媒体"), 16),
)


def exposure_workbook(entries, output):
    """The exposure list as one sheet for the media: every value a plain value, never a formula."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("曝光名单")
    set_value(sheet.cell(row=1, column=1), _("特种作业和特种设备作业人员无证上岗等违法行为曝光名单"))
    sheet.cell(row=1, column=1).font = Font(bold=True, size=14)
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(EXPOSURE_COLUMNS))
    for column, (title, width) in enumerate(EXPOSURE_COLUMNS, start=1):
        set_value(sheet.cell(row=2, column=column), title).font = Font(bold=True)
        sheet.column_dimensions[sheet.cell(row=2, column=column).column_letter].width = width
    for number, entry in enumerate(entries, start=1):
        values = (
            number, entry.inspection.unit.name, entry.inspection.unit.town.name, entry.violation, entry.measure,
            entry.inspection.inspected_on.isoformat(), entry.published_on.isoformat(), entry.medium,
        )
        for column, value in enumerate(values, start=1):
            set_value(sheet.cell(row=number + 2, column=column), value).alignment = Alignment(wrap_text=True, vertical="top")
    sheet.freeze_panes = "A3"
    sheet.print_title_rows = "2:2"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    workbook.save(output)


def public_exposure_xlsx(request):
    filterset = PublicExposureFilter(request.GET or None, queryset=published_exposure())
    buffer = BytesIO()
    exposure_workbook(filterset.qs, buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX_TYPE)
    filename = f"exposure-{timezone.localdate():%Y%m%d}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
