"""Finding the ledger table in a sheet: the lines above it, the header row, the data rows.

A sheet as towns fill it: "附件1", the title, the town line "青阳镇（街道）", "报送时间：…", then
the header 序号 | 生产经营单位名称 | 从业人员姓名 | 培训类别 | 手机号码 (in many spellings, with
extra columns), the rows, and below them the note, totals and signature lines.
"""

import datetime
import re
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from openpyxl.utils import get_column_letter

from .cleaning import cell_text, compact, is_blank

HEADER_SCAN_ROWS = 30

# Each field's header words, most specific first; compared after `header_key`.
HEADER_WORDS = {
    "seq": ("序号", "编号", "序"),
    "unit": ("生产经营单位名称", "生产经营单位", "单位名称", "企业名称", "公司名称", "工作单位", "所在单位", "用人单位", "单位"),
    "name": ("从业人员姓名", "作业人员姓名", "人员姓名", "员工姓名", "姓名", "从业人员", "作业人员"),
    "category": (
        "培训类别", "培训类型", "培训项目", "培训工种", "作业类别", "作业项目", "操作项目", "准操项目",
        "证书类别", "工种", "类别", "项目",
    ),
    "mobile": ("手机号码", "手机号", "手机", "移动电话", "联系电话", "联系方式", "电话号码", "电话"),
    "id_number": ("身份证号码", "身份证号", "身份证", "公民身份号码", "身份号码", "证件号码"),
    "cert_number": ("证书编号", "证书号码", "证书号", "操作证号", "证号"),
    "note": ("备注", "说明"),
    "gender": ("性别",),
}
# When no word matches exactly, a header containing one of these still says what it holds.
HEADER_FRAGMENTS = (
    ("id_number", "身份证"), ("mobile", "手机"), ("cert_number", "证书编号"), ("name", "姓名"),
    ("unit", "单位名称"), ("category", "培训类别"), ("category", "工种"), ("note", "备注"),
)
REQUIRED_FIELDS = ("unit", "name", "category")
FIELD_LABELS = {
    "unit": "生产经营单位名称",
    "name": "从业人员姓名",
    "category": "培训类别",
    "mobile": "手机号码",
    "id_number": "身份证号码",
}
SIGNATURE_WORDS = (
    "填表人", "填报人", "制表人", "审核人", "审批人", "负责人", "单位负责人", "分管领导", "联系人",
    "联系电话", "填表日期", "填报日期", "报送日期", "报送时间", "签字", "盖章",
)
TOTAL_WORDS = ("合计", "总计", "小计", "共计")
_TOWN_MARK = "镇(街道)"


def header_key(value):
    """手机号码（必填） → 手机号码, 从业人员 姓名 → 从业人员姓名, *姓名 → 姓名."""
    text = compact(cell_text(value))
    text = re.sub(r"\([^()]*\)", "", text)
    return text.strip("*:：")


def field_of_header(value):
    key = header_key(value)
    if not key:
        return None, 99
    for name, words in HEADER_WORDS.items():
        if key in words:
            return name, words.index(key)
    for name, fragment in HEADER_FRAGMENTS:
        if fragment in key:
            return name, 50
    return None, 99


@dataclass
class Column:
    index: int
    header: str  # the header text as the file has it, or the column letter when it is blank


@dataclass
class DataRow:
    number: int  # as Excel shows it
    values: dict  # field → raw cell value
    content: tuple  # every cell but 序号, normalised: two rows alike here are the same row
    unit_filled: bool = False  # the unit cell was blank and the unit above was used


@dataclass
class Table:
    sheet: str
    header_row: int = 0
    columns: dict = field(default_factory=dict)  # field → Column
    form: int | None = None
    form_row: int = 0
    form_text: str = ""
    town_text: str = ""
    town_row: int = 0
    reported_on: datetime.date | None = None
    rows: list = field(default_factory=list)
    skipped: str = ""  # why the sheet holds no table

    def column(self, name):
        column = self.columns.get(name)
        return column.header if column else FIELD_LABELS.get(name, "")

    def missing_fields(self):
        missing = [name for name in REQUIRED_FIELDS if name not in self.columns]
        if "mobile" not in self.columns and "id_number" not in self.columns:
            missing.append("mobile")
        return [FIELD_LABELS[name] for name in missing]


def find_table(sheet):
    """The sheet's table, or a Table whose `skipped` says why there is none."""
    table = Table(sheet=sheet.name)
    rows = sheet.rows
    if not any(any(not is_blank(value) for value in row) for row in rows):
        table.skipped = _("工作表是空的")
        return table
    header_index = None
    for index, row in enumerate(rows[:HEADER_SCAN_ROWS]):
        columns = _header_columns(row)
        found = set(columns)
        if {"name", "category"} <= found and found & {"unit", "mobile", "id_number"}:
            header_index, table.columns = index, columns
            break
    if header_index is None:
        table.skipped = _("前%(count)s行中没有找到表头（需有“从业人员姓名”“培训类别”等列）") % {"count": HEADER_SCAN_ROWS}
        return table
    table.header_row = header_index + 1
    _read_preamble(table, rows[:header_index])
    table.rows = list(_data_rows(table, rows, header_index))
    return table


def _header_columns(row):
    best = {}
    for index, value in enumerate(row):
        name, rank = field_of_header(value)
        if name and (name not in best or rank < best[name][0]):
            # as the clerk sees it in the file (not NFKC-folded), on one line
            header = " ".join(str(value).split()) if isinstance(value, str) else cell_text(value)
            header = header or get_column_letter(index + 1)
            best[name] = (rank, Column(index=index, header=header))
    return {name: column for name, (rank, column) in best.items()}


def _read_preamble(table, rows):
    """Form from the title (or 附件N), town from the line "____镇（街道）", 报送时间."""
    attachment = None
    for index, row in enumerate(rows):
        for col, value in enumerate(row):
            text = compact(cell_text(value))
            if not text:
                continue
            if table.form is None:
                form = _form_of_title(text)
                if form:
                    table.form, table.form_row, table.form_text = form, index + 1, cell_text(value)
            match = re.match(r"^附件([12一二])", text)
            if match and attachment is None:
                attachment = (1 if match.group(1) in "1一" else 2, index + 1, cell_text(value))
            if _TOWN_MARK in text and not table.town_row:
                table.town_row = index + 1
                before = text.split(_TOWN_MARK, 1)[0]
                before = re.split(r"[:：]", before)[-1]
                table.town_text = before.replace("_", "").replace("-", "")
            if "报送时间" in text or "报送日期" in text or "填报日期" in text:
                table.reported_on = _date_in(text) or _date_in(row[col + 1] if col + 1 < len(row) else None)
    if table.form is None and attachment:
        table.form, table.form_row, table.form_text = attachment


def _form_of_title(text):
    """特种设备作业人员情况汇总表 → 2, 特种作业人员情况汇总表 → 1 (and the titles towns make up)."""
    if "特种设备作业人员" in text or "特种设备" in text and "表" in text:
        return 2
    if "特种作业人员" in text or "特种作业" in text and "表" in text:
        return 1
    return None


def _date_in(value):
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    match = re.search(r"(\d{4})\D{1,3}(\d{1,2})\D{1,3}(\d{1,2})", compact(cell_text(value)))
    if match:
        try:
            return datetime.date(*(int(part) for part in match.groups()))
        except ValueError:
            return None
    return None


_SIGNATURE_LINE = re.compile(r"^(?:%s)\s*(?:[:：(（]|$)" % "|".join(SIGNATURE_WORDS), re.MULTILINE)


def _is_furniture(texts):
    """Note, totals and signature lines: not data, skipped without a word.

    `texts` are the row's non-empty cells, stripped; one regex over the joined cells keeps
    this cheap enough for every row of a 50,000-row sheet.
    """
    words = [text for text in texts if text.__class__ is str]
    if not words:
        return False
    first = texts[0]
    if first.__class__ is str and first.startswith(("注", "说明")):
        rest = first[1:].lstrip() if first[0] == "注" else first[2:].lstrip()
        if not rest or rest[0] in ":：1１.、(（":
            return True
    for text in words[:3]:
        if text.startswith(TOTAL_WORDS):
            return True
    return bool(_SIGNATURE_LINE.search("\n".join(words)))


def _stripped(value):
    if value.__class__ is str:
        return value.strip()
    return "" if value is None else value


def _data_rows(table, rows, header_index):
    columns = table.columns
    seq_index = columns["seq"].index if "seq" in columns else None
    header = [_stripped(value) for value in rows[header_index]]
    name_index = columns["name"].index
    unit_column = columns.get("unit")
    person_indexes = [columns[name].index for name in ("name", "category", "mobile", "id_number") if name in columns]
    previous_unit = None
    for index in range(header_index + 1, len(rows)):
        row = rows[index]
        texts = [value.strip() if value.__class__ is str else ("" if value is None else value) for value in row]
        present = [text for text in texts if text != ""]
        if not present or _is_furniture(present):
            continue
        if texts[name_index] == header[name_index] and all(texts[c.index] == header[c.index] for c in columns.values()):
            continue  # the header repeated on a printed page
        if all(texts[i] == "" for i in person_indexes):
            continue  # a numbered but empty form row, or a unit with nobody listed
        values = {name: row[column.index] for name, column in columns.items()}
        unit_filled = False
        if unit_column is not None:
            if texts[unit_column.index] == "":
                if previous_unit is not None:
                    values["unit"], unit_filled = previous_unit, True
                    texts[unit_column.index] = _stripped(previous_unit)
            else:
                previous_unit = values["unit"]
        if seq_index is not None:
            del texts[seq_index]
        yield DataRow(number=index + 1, values=values, content=tuple(texts), unit_filled=unit_filled)
