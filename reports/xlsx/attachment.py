"""Attachment 1 and 2 laid out as the notice prints them, and the city workbook.

The rows come from reports/attachments.py; this module only lays them out. Workbooks are
written in openpyxl's write-only mode so a town of 50,000 rows streams to the file in near
constant memory: every setting that lands before the rows (column widths, frozen panes, the
fit-to-page flag) is made before the first row is appended.
"""

import copy

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

from ..attachments import HEADER, report_date_text, town_line

BODY_FONT = "宋体"
TITLE_FONT = "黑体"
COLUMN_WIDTHS = (7, 42, 13, 32, 16)  # 序号 单位名称 姓名 培训类别 手机号码, in characters of the default font
LAST_COLUMN = "E"
HEADER_ROW = 5


class FormSheet(WriteOnlyWorksheet):
    """A write-only sheet whose rows are given as ready cells.

    openpyxl's own `append` turns each value into a fresh cell and throws away a styled one
    after each use; a form's body has the same five styles on every row, so its five cells are
    made once and refilled row after row (each row is serialised before `append` returns).
    This leans on openpyxl 3.1's `_values_to_row` and `Workbook._add_sheet` (pyproject pins
    openpyxl below 3.2); the layout tests read every file back and would catch a change.
    """

    def _values_to_row(self, cells, row_idx):
        for column, cell in enumerate(cells, 1):
            if cell is None:
                continue
            cell.row = row_idx
            cell.column = column
            yield cell


def add_form_sheet(workbook, title):
    sheet = FormSheet(parent=workbook, title=title)
    workbook._add_sheet(sheet)
    return sheet


def clean_text(value):
    """Text for a cell: None → '', characters Excel forbids removed."""
    if value is None:
        return ""
    return ILLEGAL_CHARACTERS_RE.sub("", str(value))


def set_value(cell, value):
    """Numbers stay numbers; everything else is a string cell, never a formula or an error code."""
    if isinstance(value, int) and not isinstance(value, bool):
        cell._value = value
        cell.data_type = "n"
    else:
        cell._value = clean_text(value)
        cell.data_type = "s"
    return cell


_THIN = Side(style="thin", color="000000")
BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)


class Styles:
    """The few cell styles of a form, each made once per sheet and copied onto cells."""

    def __init__(self, sheet):
        self.sheet = sheet
        self._templates = {}

    def define(self, name, font, alignment=None, border=None, number_format=None):
        cell = WriteOnlyCell(self.sheet)
        cell.font = font
        if alignment is not None:
            cell.alignment = alignment
        if border is not None:
            cell.border = border
        if number_format is not None:
            cell.number_format = number_format
        self._templates[name] = cell._style

    def cell(self, name, value=None):
        cell = WriteOnlyCell(self.sheet)
        cell._style = copy.copy(self._templates[name])
        return set_value(cell, value)


def define_form_styles(styles):
    centre = Alignment(horizontal="center", vertical="center", wrap_text=True)
    left = Alignment(horizontal="left", vertical="center", wrap_text=True)
    styles.define("heading", Font(name=TITLE_FONT, size=14), Alignment(horizontal="left", vertical="center"))
    styles.define("title", Font(name=TITLE_FONT, size=20, bold=True), Alignment(horizontal="center", vertical="center"))
    styles.define("line", Font(name=BODY_FONT, size=12), Alignment(horizontal="left", vertical="center"))
    styles.define("header", Font(name=TITLE_FONT, size=12), centre, BORDER)
    styles.define("body_centre", Font(name=BODY_FONT, size=11), centre, BORDER)
    styles.define("body_left", Font(name=BODY_FONT, size=11), left, BORDER)
    styles.define("body_text", Font(name=BODY_FONT, size=11), centre, BORDER, number_format="@")
    styles.define("note", Font(name=BODY_FONT, size=11), Alignment(horizontal="left", vertical="top", wrap_text=True))


def set_up_page(sheet, widths, header_rows):
    """A4 portrait, fitted to one page wide, the header rows repeated on every printed page."""
    for index, width in enumerate(widths):
        sheet.column_dimensions[get_column_letter(index + 1)].width = width
    sheet.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    sheet.page_setup.paperSize = Worksheet.PAPERSIZE_A4
    sheet.page_setup.orientation = Worksheet.ORIENTATION_PORTRAIT
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.print_options.horizontalCentered = True
    sheet.page_margins.left = sheet.page_margins.right = 0.5
    sheet.page_margins.top = sheet.page_margins.bottom = 0.75
    sheet.print_title_rows = header_rows
    sheet.oddFooter.center.text = "第 &P 页，共 &N 页"
    sheet.freeze_panes = f"A{int(header_rows.split(':')[-1]) + 1}"


def write_form_sheet(sheet, form, town, report_date, rows):
    """Lay out one town's form on a fresh sheet; returns the number of rows written.

    A1 附件N · A2 the title, merged across the table · A3 the town line · A4 报送时间 ·
    A5 the header (repeated on each printed page) · the numbered rows · the note under the table.
    """
    styles = Styles(sheet)
    define_form_styles(styles)
    set_up_page(sheet, COLUMN_WIDTHS, f"{HEADER_ROW}:{HEADER_ROW}")
    sheet.row_dimensions[2].height = 40
    sheet.row_dimensions[3].height = 22
    sheet.row_dimensions[4].height = 22
    sheet.row_dimensions[HEADER_ROW].height = 24

    sheet.append([styles.cell("heading", form.heading)])
    sheet.append([styles.cell("title", form.title)])
    sheet.append([styles.cell("line", town_line(town))])
    sheet.append([styles.cell("line", report_date_text(report_date))])
    sheet.append([styles.cell("header", text) for text in HEADER])
    for row in range(2, 5):
        sheet.merged_cells.add(f"A{row}:{LAST_COLUMN}{row}")

    # One set of body cells refilled for every row: the hot loop of a 50,000-row export.
    body = [
        styles.cell("body_centre"),
        styles.cell("body_left"),
        styles.cell("body_centre"),
        styles.cell("body_left"),
        styles.cell("body_text"),
    ]
    number_cell, unit_cell, worker_cell, category_cell, mobile_cell = body
    number_cell.data_type = "n"
    for cell in body[1:]:
        cell.data_type = "s"
    count = 0
    for number, unit_name, worker_name, category_text, mobile in rows:
        count += 1
        number_cell._value = number
        unit_cell._value = clean_text(unit_name)
        worker_cell._value = clean_text(worker_name)
        category_cell._value = clean_text(category_text)
        mobile_cell._value = clean_text(mobile)
        sheet.append(body)

    note_row = HEADER_ROW + count + 1
    sheet.row_dimensions[note_row].height = 36
    sheet.append([styles.cell("note", form.note)])
    sheet.merged_cells.add(f"A{note_row}:{LAST_COLUMN}{note_row}")
    return count


def attachment_workbook(form, town, report_date, rows, output):
    """Write one town's Attachment `form` to `output` (a path or a binary file); returns the row count."""
    workbook = Workbook(write_only=True)
    sheet = add_form_sheet(workbook, town.name)
    count = write_form_sheet(sheet, form, town, report_date, rows)
    workbook.save(output)
    return count


def write_summary_sheet(sheet, summary, report_date):
    """Town × form label with initial (取证) and review (复审) counts, town totals and a city total."""
    styles = Styles(sheet)
    define_form_styles(styles)
    columns = 2 + 2 * len(summary.labels) + 3
    last_column = get_column_letter(columns)
    set_up_page(sheet, (6, 16) + (9,) * (columns - 2), "3:4")
    sheet.page_setup.orientation = Worksheet.ORIENTATION_LANDSCAPE
    sheet.row_dimensions[1].height = 36
    sheet.row_dimensions[3].height = 36

    sheet.append([styles.cell("title", f"{summary.form.title}（全市汇总）")])
    sheet.append([styles.cell("line", report_date_text(report_date))])
    top = [styles.cell("header", "序号"), styles.cell("header", "镇（街道）")]
    sub = [styles.cell("header"), styles.cell("header")]
    for label in [*summary.labels, "合计"]:
        top += [styles.cell("header", label), styles.cell("header")]
        sub += [styles.cell("header", "取证"), styles.cell("header", "复审")]
    top.append(styles.cell("header"))
    sub.append(styles.cell("header", "小计"))
    sheet.append(top)
    sheet.append(sub)
    sheet.merged_cells.add(f"A1:{last_column}1")
    sheet.merged_cells.add(f"A2:{last_column}2")
    sheet.merged_cells.add("A3:A4")
    sheet.merged_cells.add("B3:B4")
    for index in range(len(summary.labels)):
        first = 3 + 2 * index
        sheet.merged_cells.add(f"{get_column_letter(first)}3:{get_column_letter(first + 1)}3")
    sheet.merged_cells.add(f"{get_column_letter(columns - 2)}3:{last_column}3")

    def counts(line):
        values = []
        for label in summary.labels:
            values += [line.initial(label), line.review(label)]
        return values + [line.initial_total, line.review_total, line.total]

    for number, line in enumerate(summary.lines, 1):
        sheet.append(
            [styles.cell("body_centre", number), styles.cell("body_centre", line.town.name)]
            + [styles.cell("body_centre", value) for value in counts(line)]
        )
    total_row = 5 + len(summary.lines)
    sheet.append(
        [styles.cell("header", "合计"), styles.cell("header")] + [styles.cell("header", v) for v in counts(summary.totals)]
    )
    sheet.merged_cells.add(f"A{total_row}:B{total_row}")


def city_workbook(form, summary, town_rows, report_date, output):
    """The city workbook: the summary sheet, then one sheet per town laid out as the town's form.

    `town_rows` is [(town, rows)] in sheet order; returns the number of rows written.
    """
    workbook = Workbook(write_only=True)
    write_summary_sheet(add_form_sheet(workbook, "汇总"), summary, report_date)
    total = 0
    for town, rows in town_rows:
        total += write_form_sheet(add_form_sheet(workbook, town.name), form, town, report_date, rows)
    workbook.save(output)
    return total
