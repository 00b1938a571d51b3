"""The dashboard's table and the review forecast as workbooks: the rows of reports/summaries.py laid out.

Every cell holds a value — counts as numbers, shares as fractions formatted as percentages,
text as text — never a formula, so a workbook says the same wherever it is opened.
"""

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.worksheet.worksheet import Worksheet

from .attachment import BODY_FONT, BORDER, TITLE_FONT, set_up_page, set_value

HEADER_FONT = Font(name=TITLE_FONT, size=11)
BODY = Font(name=BODY_FONT, size=11)
TOTAL_FONT = Font(name=BODY_FONT, size=11, bold=True)
CENTRE = Alignment(horizontal="center", vertical="center", wrap_text=True)
LEFT = Alignment(horizontal="left", vertical="center")
PERCENT = "0.0%"
TITLE_ROW, NOTE_ROW, HEADER_ROW = 1, 2, 3


def _put(sheet, row, column, value, font=BODY, percent=False):
    cell = sheet.cell(row=row, column=column)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        cell.value = value  # a number: openpyxl only makes formulas of strings
        if percent:
            cell.number_format = PERCENT
    elif value is not None:
        set_value(cell, value)  # text, never a formula
    cell.font, cell.border, cell.alignment = font, BORDER, CENTRE if column > 1 else LEFT
    return cell


def _write_table(sheet, title, note, header, lines, widths):
    """Title, a line saying what was counted, the header, then `lines`: (values, percent flags, is_total)."""
    set_up_page(sheet, widths, f"{HEADER_ROW}:{HEADER_ROW}")
    sheet.page_setup.orientation = Worksheet.ORIENTATION_LANDSCAPE
    last = len(header)
    sheet.cell(row=TITLE_ROW, column=1, value=title).font = Font(name=TITLE_FONT, size=16, bold=True)
    set_value(sheet.cell(row=NOTE_ROW, column=1), note).font = BODY
    sheet.merge_cells(start_row=TITLE_ROW, start_column=1, end_row=TITLE_ROW, end_column=last)
    sheet.merge_cells(start_row=NOTE_ROW, start_column=1, end_row=NOTE_ROW, end_column=last)
    sheet.row_dimensions[HEADER_ROW].height = 36
    for column, label in enumerate(header, 1):
        _put(sheet, HEADER_ROW, column, str(label), HEADER_FONT)
    for row, (values, percents, is_total) in enumerate(lines, HEADER_ROW + 1):
        for column, (value, percent) in enumerate(zip(values, percents), 1):
            _put(sheet, row, column, value, TOTAL_FONT if is_total else BODY, percent)


def dashboard_workbook(table, title, note, output):
    """One sheet: a row per town shown and the city's totals, the columns of the page."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "汇总"
    percents = [False] + [column.share for column in table.columns]
    lines = [([row.town.name, *(row.figures[c.key] for c in table.columns)], percents, False) for row in table.rows]
    lines.append((["全市合计", *(table.totals.figures[c.key] for c in table.columns)], percents, True))
    header = ["镇（街道）", *(column.label for column in table.columns)]
    _write_table(sheet, title, note, header, lines, (16,) + (11,) * len(table.columns))
    workbook.save(output)


def _forecast_lines(lines, totals, first):
    """Each line's leading text cells (`first(line)`), the overdue count, the months and the total; totals last."""
    flags = [False] * (len(first(totals)) + len(totals.values()))
    return [([*first(line), *line.values()], flags, False) for line in lines] + [
        ([*first(totals), *totals.values()], flags, True)
    ]


def forecast_workbook(forecast, title, note, output):
    """Two sheets: the months' reviews due by town, and by training category (form label)."""
    workbook = Workbook()
    months = [f"{month.year}年{month.month}月" for month in forecast.months]
    tail = ["已逾期", *months, "12个月合计"]
    widths = (10,) + (9,) * len(months) + (11,)
    by_town = workbook.active
    by_town.title = "按镇（街道）"
    _write_table(by_town, title, note, ["镇（街道）", *tail],
                 _forecast_lines(forecast.by_town, forecast.town_totals, lambda line: [str(line.label)]),
                 (16, *widths))
    _write_table(workbook.create_sheet("按培训类别"), title, note, ["体系", "培训类别", *tail],
                 _forecast_lines(forecast.by_category, forecast.category_totals,
                                 lambda line: [str(line.group), str(line.label)]),
                 (10, 22, *widths))
    workbook.save(output)
