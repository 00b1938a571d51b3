"""Sheets → each row's outcome and the plan of what a commit creates.

Nothing here writes. Cleaning results are memoised per cell text (units, categories repeat
by thousands) and the ledger is read by `planner.TownPlanner` in a few set-based queries per
town, so a 50,000-row ledger costs the same handful of queries as a ten-row one.
"""

import hashlib
from dataclasses import dataclass

from django.utils.translation import gettext as _

from registry import validators
from registry.choices import Role
from registry.models import Town, TrainingNeed

from .cleaning import (
    CategoryCatalogue,
    CellError,
    category_messages,
    cell_text,
    clean_id_number,
    clean_mobile,
    clean_note,
    clean_person_name,
    clean_unit_name,
    form_scheme,
    is_blank,
)
from .plan import Plan
from .planner import TownPlanner
from .reader import UnreadableFile, read_sheets
from .results import ImportResult, RowOutcome, RowStatus, SheetInfo
from .table import find_table


@dataclass(slots=True)
class CleanRow:
    outcome: object
    columns: object  # Table
    unit_name: str
    unit_key: str
    name: str
    mobile: str
    id_number: str
    note: str
    entries: list  # (category pk, NeedKind)


def analyse(content, file_name, *, user=None, town=None, form=None, skip_invalid=False, dry_run=False, catalogue=None):
    """Read and check a ledger file; returns (ImportResult with every row's outcome, Plan)."""
    result = ImportResult(
        file_name=file_name, checksum=hashlib.sha256(content).hexdigest(), dry_run=dry_run, skip_invalid=skip_invalid
    )
    plan = Plan()
    try:
        sheets = read_sheets(content, file_name)
    except UnreadableFile as error:
        result.error("", 0, "", error)
        return result, plan
    _Analyser(result, plan, user=user, town=town, form=form, catalogue=catalogue).run(sheets)
    result.planned_units, result.planned_workers = len(plan.units), len(plan.workers)
    result.planned_entries = len(plan.needs)
    return result, plan


class _Analyser:
    def __init__(self, result, plan, *, user, town, form, catalogue):
        self.result, self.plan, self.user = result, plan, user
        self.town, self.form = town, int(form) if form else None
        self.catalogue = catalogue or CategoryCatalogue.load()
        self.seen = {}  # (town, form, row content) → first outcome
        self.valid = {}  # town pk → [CleanRow]
        self.towns = {}
        self.entry_labels = {}
        self.units = {}  # cell value → (name, key) or CellError
        self.categories = {}  # (cell value, scheme) → (entries, messages)

    def run(self, sheets):
        tables = []
        for sheet in sheets:
            info = SheetInfo(name=sheet.name)
            self.result.sheets.append(info)
            if sheet.hidden:
                info.skipped = _("隐藏的工作表")
            else:
                table = find_table(sheet)
                info.skipped = table.skipped
            if info.skipped:
                if len(sheets) > 1:
                    self.result.warn(sheet.name, 0, _("工作表“%(sheet)s”未导入：%(why)s。") % {"sheet": sheet.name, "why": info.skipped})
                continue
            tables.append((info, table))
        if not tables:
            if not sheets:
                why = _("文件中没有工作表")
            elif len(sheets) == 1:
                why = self.result.sheets[0].skipped
            else:
                why = _("没有一个工作表含有台账表格")
            self.result.error(sheets[0].name if sheets else "", 0, "", _("文件中没有找到台账：%(why)s。") % {"why": why})
            return
        for info, table in tables:
            self._sheet(info, table)
        for town_pk, rows in self.valid.items():
            TownPlanner(self, self.towns[town_pk], rows).run()

    # --- sheet level ---------------------------------------------------------------------

    def _sheet(self, info, table):
        info.header_row, info.reported_on = table.header_row, table.reported_on
        missing = table.missing_fields()
        if missing:
            self.result.error(table.sheet, table.header_row, "", _("表头缺少“%(columns)s”列。") % {"columns": "”“".join(missing)})
            info.skipped = _("表头不完整")
            return
        town = self._decide_town(table)
        form = self._decide_form(table)
        if town is None or form is None:
            info.skipped = _("无法确定镇（街道）或附件")
            return
        info.town, info.form = town, form
        self.towns[town.pk] = town
        scheme = form_scheme(form)
        for data in table.rows:
            info.rows += 1
            self._row(table, town, form, scheme, data)

    def _decide_town(self, table):
        line_town = None
        if table.town_text:
            line_town = Town.objects.resolve(table.town_text)
            if line_town is None:
                self.result.error(
                    table.sheet, table.town_row, "",
                    _("“%(text)s镇（街道）”不是晋江市的镇（街道）。") % {"text": table.town_text},
                )
                return None
        sheet_town = Town.objects.resolve(table.sheet) if not line_town else None
        found, row = (line_town, table.town_row) if line_town else (sheet_town, table.header_row)
        explicit = self.town
        if explicit is not None:
            if found is not None and found.pk != explicit.pk:
                if getattr(self.user, "role", None) == Role.TOWN_CLERK:
                    message = _("该表是%(found)s的台账，您只能导入%(own)s的台账。")
                else:
                    message = _("该表是%(found)s的台账，与指定的%(own)s不一致。")
                self.result.error(table.sheet, row, "", message % {"found": found.name, "own": explicit.name})
                return None
            return explicit
        if found is None:
            self.result.error(
                table.sheet, table.header_row, "",
                _("无法确定镇（街道）：表头上方没有填写“____镇（街道）”，工作表名也不是镇（街道）名称，请指定镇（街道）。"),
            )
        return found

    def _decide_form(self, table):
        if self.form:
            if table.form and table.form != self.form:
                self.result.error(
                    table.sheet, table.form_row, "",
                    _("表名“%(title)s”是附件%(found)s，与指定的附件%(form)s不一致。")
                    % {"title": table.form_text, "found": table.form, "form": self.form},
                )
                return None
            return self.form
        if table.form:
            return table.form
        # no title: the categories tell which catalogue the sheet is about
        counts = {}
        for data in table.rows:
            if is_blank(data.values.get("category")):
                continue
            for found, _kind, _text in self.catalogue.parse(data.values["category"]).entries:
                for scheme in found:
                    counts[scheme] = counts.get(scheme, 0) + 1
        ranked = sorted(counts.items(), key=lambda item: -item[1])
        if not ranked or len(ranked) > 1 and ranked[0][1] == ranked[1][1]:
            self.result.error(
                table.sheet, table.header_row, "",
                _("无法判断是附件1（特种作业）还是附件2（特种设备）：表头上方没有表名，请写明表名或指定附件。"),
            )
            return None
        form = 1 if form_scheme(1) == ranked[0][0] else 2
        self.result.warn(table.sheet, table.header_row, _("表头上方没有表名，按培训类别判断为附件%(form)s。") % {"form": form})
        return form

    # --- row level -----------------------------------------------------------------------

    def _row(self, table, town, form, scheme, data):
        values = data.values
        outcome = _outcome(table.sheet, data)
        self.result.rows.append(outcome)
        key = (town.pk, form, data.content)
        first = self.seen.get(key)
        if first is not None:
            outcome.status = RowStatus.DUPLICATE
            message = _("与第%(row)s行内容相同（序号除外），只导入一次。") % {"row": first.row}
            if first.sheet != table.sheet:
                message = _("与工作表“%(sheet)s”第%(row)s行内容相同（序号除外），只导入一次。") % {
                    "sheet": first.sheet, "row": first.row,
                }
            self.warn(outcome, message)
            _show_as_written(outcome, values)
            return
        self.seen[key] = outcome
        errors = []  # (column, message)
        unit = self.unit(values["unit"])
        if isinstance(unit, CellError):
            errors.append((table.column("unit"), str(unit)))
            unit_name = unit_key = ""
        else:
            unit_name, unit_key = unit
            outcome.unit = unit_name
        name = mobile = id_number = ""
        try:
            name = outcome.name = clean_person_name(values["name"])
        except CellError as error:
            errors.append((table.column("name"), str(error)))
        if "mobile" in values:
            try:
                mobile = clean_mobile(values["mobile"])
                outcome.mobile = mobile
            except CellError as error:
                errors.append((table.column("mobile"), str(error)))
        if "id_number" in values:
            try:
                id_number, legacy = clean_id_number(values["id_number"])
                outcome.id_number = id_number
                if legacy:
                    self.warn(outcome, legacy)
            except CellError as error:
                errors.append((table.column("id_number"), str(error)))
        if not mobile and not id_number and not errors_in(errors, table, ("mobile", "id_number")):
            errors.append((table.column("mobile"), _("手机号码为空（未填身份证号码时必须填写手机号码）。")))
        entries, labels, messages = self.category(values["category"], scheme)
        errors.extend((table.column("category"), message) for message in messages)
        outcome.entries = labels
        if data.unit_filled:
            self.warn(outcome, _("生产经营单位名称为空，已沿用上一行的单位。"))
        if errors:
            for column, message in errors:
                self.error(outcome, column, message)
            _show_as_written(outcome, values)
            return
        note = clean_note(values["note"]) if "note" in values else ""
        self.valid.setdefault(town.pk, []).append(
            CleanRow(outcome, table, unit_name, unit_key, name, mobile, id_number, note, entries)
        )

    def unit(self, value):
        """(name, matching key) of a unit cell, or the CellError; the same units recur row after row."""
        cache_key = (value.__class__, value)
        if cache_key not in self.units:
            try:
                name = clean_unit_name(value)
                self.units[cache_key] = (name, validators.unit_name_key(name))
            except CellError as error:
                self.units[cache_key] = error
        return self.units[cache_key]

    def category(self, value, scheme):
        """([(category pk, kind)], their labels, messages) for a 培训类别 cell, memoised."""
        cache_key = (value.__class__, value, scheme)
        if cache_key not in self.categories:
            if is_blank(value):
                self.categories[cache_key] = ([], [], [_("培训类别为空。")])
            else:
                entries, messages = category_messages(self.catalogue, self.catalogue.parse(value), scheme)
                self.categories[cache_key] = (
                    [(category.pk, kind) for category, kind in entries],
                    [self.entry_label(category, kind) for category, kind in entries],
                    messages,
                )
        return self.categories[cache_key]

    def entry_label(self, category, kind):
        key = (category.pk, kind)
        if key not in self.entry_labels:
            self.entry_labels[key] = TrainingNeed(category=category, kind=kind).form_category_text
        return self.entry_labels[key]

    def error(self, outcome, column, message):
        outcome.status = RowStatus.ERROR
        outcome.messages.append(str(message))
        self.result.error(outcome.sheet, outcome.row, column, message)

    def warn(self, outcome, message):
        outcome.messages.append(str(message))
        self.result.warn(outcome.sheet, outcome.row, message)


def errors_in(errors, table, names):
    columns = {table.column(name) for name in names}
    return any(column in columns for column, _message in errors)


def _outcome(sheet, data):
    category = data.values["category"]
    return RowOutcome(sheet=sheet, row=data.number, category=category if category.__class__ is str else cell_text(category))


def _show_as_written(outcome, values):
    """A row that is not imported shows its cells as written where cleaning gave nothing."""
    for name in ("unit", "name", "mobile", "id_number"):
        if not getattr(outcome, name) and name in values:
            setattr(outcome, name, cell_text(values[name]))
