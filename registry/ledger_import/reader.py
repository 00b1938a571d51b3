"""File bytes → sheets of cell rows, for .xlsx, .xls and .csv ledgers.

The format is told by the bytes, not the file name: towns send .xls files that are really
.xlsx (WPS does this) and .csv files saved from Excel in GBK. Row index 0 of a sheet is the
row Excel shows as 1, so every message can name the row the clerk sees.
"""

import csv
import io
from dataclasses import dataclass, field
from pathlib import PurePath

from django.utils.translation import gettext as _
from python_calamine import CalamineError, CalamineWorkbook, SheetTypeEnum, SheetVisibleEnum

ZIP_MAGIC = b"PK\x03\x04"
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
UTF8_BOM = b"\xef\xbb\xbf"
UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")


class UnreadableFile(Exception):
    """The bytes are not a spreadsheet or text table this importer can read; the message says why."""


@dataclass
class Sheet:
    name: str
    rows: list  # list of lists of cell values ('' for empty), rows[0] is Excel's row 1
    hidden: bool = False
    merged: list = field(default_factory=list)  # ((first_row, first_col), (last_row, last_col)), 0-based


def read_sheets(content, file_name):
    """Every sheet of the file with vertically merged cells filled down from their top cell."""
    if not content:
        raise UnreadableFile(_("文件是空的。"))
    if content.startswith(ZIP_MAGIC) or content.startswith(OLE2_MAGIC):
        return _read_workbook(content)
    suffix = PurePath(file_name or "").suffix.lower()
    if suffix in (".xlsx", ".xlsm", ".xls", ".et"):
        raise UnreadableFile(_("文件扩展名是%(suffix)s，但内容不是Excel表格，请用Excel或WPS另存为.xlsx后再导入。") % {"suffix": suffix})
    return [_read_csv(content, file_name)]


def _read_workbook(content):
    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(content))
    except (CalamineError, ValueError, OSError) as error:
        raise UnreadableFile(_("无法读取Excel文件（%(error)s），请用Excel或WPS另存为.xlsx后再导入。") % {"error": error}) from None
    sheets = []
    try:
        for index, meta in enumerate(workbook.sheets_metadata):
            if meta.typ != SheetTypeEnum.WorkSheet:
                continue  # chart sheets and macro sheets hold no rows
            calamine_sheet = workbook.get_sheet_by_index(index)
            # skip_empty_area=False keeps absolute positions: rows[i] is Excel row i + 1
            rows = calamine_sheet.to_python(skip_empty_area=False)
            merged = list(calamine_sheet.merged_cell_ranges or [])
            fill_merged_down(rows, merged)
            hidden = meta.visible != SheetVisibleEnum.Visible
            sheets.append(Sheet(name=meta.name, rows=rows, hidden=hidden, merged=merged))
    except CalamineError as error:
        raise UnreadableFile(_("无法读取Excel文件（%(error)s）。") % {"error": error}) from None
    finally:
        workbook.close()
    return sheets


def fill_merged_down(rows, merged):
    """Copy the top cell of each merged range into the rows below it, column by column.

    Clerks merge one unit name over all its workers; after this every row carries its unit.
    Horizontal spans (a title merged across the table) copy only blanks and change nothing.
    """
    for (first_row, first_col), (last_row, last_col) in merged:
        if last_row <= first_row or first_row >= len(rows):
            continue
        top = rows[first_row]
        columns = range(first_col, min(last_col + 1, len(top)))
        for row in rows[first_row + 1 : last_row + 1]:
            for col in columns:
                if col < len(row) and (row[col] == "" or row[col] is None):
                    row[col] = top[col]


def decode_text(content):
    """UTF-8 (with or without BOM), UTF-16 with BOM (Excel's "Unicode text"), else GB18030 (⊃ GBK)."""
    if content.startswith(UTF8_BOM):
        return content[len(UTF8_BOM) :].decode("utf-8", errors="replace")
    if content.startswith(UTF16_BOMS):
        return content.decode("utf-16")
    try:
        return content.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return content.decode("gb18030")
    except UnicodeDecodeError:
        raise UnreadableFile(_("无法识别文件的文字编码，请另存为UTF-8或GBK编码的CSV，或.xlsx文件。")) from None


def _delimiter(text):
    sample = text[:20000].splitlines()[:30]
    counts = {delimiter: sum(line.count(delimiter) for line in sample) for delimiter in (",", "\t", ";")}
    best = max(counts, key=counts.get)
    return best if counts[best] else ","


def _read_csv(content, file_name):
    text = decode_text(content)
    if "\x00" in text:
        raise UnreadableFile(_("文件不是表格文件，请上传.xlsx、.xls或.csv文件。"))
    rows = [list(row) for row in csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text))]
    width = max((len(row) for row in rows), default=0)
    for row in rows:
        row.extend([""] * (width - len(row)))
    return Sheet(name=PurePath(file_name or "ledger.csv").stem, rows=rows)
