"""Sheets → each row's outcome and the plan of what a commit creates.

Nothing here writes. The database is read in a few set-based queries per town (its units,
its workers, their open needs, and the file's ID numbers city-wide) so a 50,000-row ledger
costs the same handful of queries as a ten-row one.
"""

import hashlib
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from registry import validators
from registry.choices import NeedSource, Role
from registry.models import Town, TrainingNeed, Unit, Worker

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
from .reader import UnreadableFile, read_sheets
from .results import ImportResult, RowOutcome, RowStatus, SheetInfo
from .table import find_table

QUERY_CHUNK = 5000  # parameters per IN (…): well under SQLite's and PostgreSQL's limits


@dataclass
class Plan:
    units: list = field(default_factory=list)  # unsaved Unit
    workers: list = field(default_factory=list)  # unsaved Worker (unit may be an unsaved Unit)
    needs: list = field(default_factory=list)  # unsaved TrainingNeed (worker may be unsaved)
    id_numbers: dict = field(default_factory=dict)  # existing worker pk → ID number to record


@dataclass
class CleanRow:
    outcome: object
    columns: object  # Table
    unit_name: str
    name: str
    mobile: str
    id_number: str
    note: str
    entries: list  # (CertificateCategory, NeedKind)


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
            why = self.result.sheets[0].skipped if len(sheets) == 1 else _("没有一个工作表含有台账表格")
            self.result.error(sheets[0].name if sheets else "", 0, "", _("文件中没有找到台账：%(why)s。") % {"why": why})
            return
        for info, table in tables:
            self._sheet(info, table)
        for town_pk, rows in self.valid.items():
            _TownPlanner(self, self.towns[town_pk], rows).run()

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
            return
        self.seen[key] = outcome
        errors = []
        cleaned = {}
        for name, cleaner in (("unit", clean_unit_name), ("name", clean_person_name), ("mobile", clean_mobile)):
            if name not in table.columns:
                cleaned[name] = ""
                continue
            try:
                cleaned[name] = cleaner(values[name])
            except CellError as error:
                errors.append((table.column(name), str(error)))
                cleaned[name] = ""
        id_number = ""
        if "id_number" in table.columns:
            try:
                id_number, legacy = clean_id_number(values["id_number"])
                if legacy:
                    self.warn(outcome, legacy)
            except CellError as error:
                errors.append((table.column("id_number"), str(error)))
        if not cleaned["mobile"] and not id_number and not errors_in(errors, table, ("mobile", "id_number")):
            errors.append((table.column("mobile"), _("手机号码为空（未填身份证号码时必须填写手机号码）。")))
        entries = []
        if is_blank(values["category"]):
            errors.append((table.column("category"), _("培训类别为空。")))
        else:
            parsed = self.catalogue.parse(values["category"])
            entries, messages = category_messages(self.catalogue, parsed, scheme)
            errors.extend((table.column("category"), message) for message in messages)
        outcome.unit, outcome.name = cleaned["unit"] or outcome.unit, cleaned["name"] or outcome.name
        outcome.mobile, outcome.id_number = cleaned["mobile"] or outcome.mobile, id_number or outcome.id_number
        outcome.entries = [self.entry_label(category, kind) for category, kind in entries]
        if data.unit_filled:
            self.warn(outcome, _("生产经营单位名称为空，已沿用上一行的单位。"))
        if errors:
            for column, message in errors:
                self.error(outcome, column, message)
            return
        note = clean_note(values["note"]) if "note" in table.columns else ""
        self.valid.setdefault(town.pk, []).append(
            CleanRow(outcome, table, cleaned["unit"], cleaned["name"], cleaned["mobile"], id_number, note, entries)
        )

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
    values = data.values
    return RowOutcome(
        sheet=sheet,
        row=data.number,
        unit=cell_text(values.get("unit")),
        name=cell_text(values.get("name")),
        mobile=cell_text(values.get("mobile")),
        id_number=cell_text(values.get("id_number")),
        category=cell_text(values.get("category")),
    )


class _TownPlanner:
    """Who each valid row of one town is, and which units, workers and needs are new."""

    def __init__(self, analyser, town, rows):
        self.analyser, self.plan, self.town, self.rows = analyser, analyser.plan, town, rows
        self.units = {}  # name key → pk or unsaved Unit
        self.db_by_id = {}  # ID number → (pk, name, town pk, unit pk)
        self.db_by_person = {}  # (name, mobile) → (pk, ID number, unit pk), first registered wins
        self.open_needs = set()  # (worker pk, category pk, kind)
        self.new_by_id, self.new_by_person = {}, {}  # → unsaved Worker
        self.planned = {}  # (worker ref, category pk, kind) → first outcome

    def load(self):
        town = self.town
        for pk, key in Unit.objects.filter(town=town).order_by("-is_active", "pk").values_list("pk", "name_key"):
            self.units.setdefault(key, pk)
        workers = Worker.objects.filter(unit__town=town).order_by("-is_active", "pk")
        for pk, name, mobile, id_number, unit_pk in workers.values_list("pk", "name", "mobile", "id_number", "unit_id"):
            if id_number:
                self.db_by_id[id_number] = (pk, name, town.pk, unit_pk)
            if mobile:
                self.db_by_person.setdefault((name, mobile), (pk, id_number, unit_pk))
        # an ID number is unique city-wide: look for the file's numbers in the other towns too
        wanted = sorted({row.id_number for row in self.rows if row.id_number} - set(self.db_by_id))
        for start in range(0, len(wanted), QUERY_CHUNK):
            chunk = wanted[start : start + QUERY_CHUNK]
            found = Worker.objects.filter(id_number__in=chunk).values_list("pk", "name", "id_number", "unit__town_id", "unit_id")
            for pk, name, id_number, town_pk, unit_pk in found:
                self.db_by_id[id_number] = (pk, name, town_pk, unit_pk)
        needs = TrainingNeed.objects.open().filter(worker__unit__town=town)
        self.open_needs = set(needs.values_list("worker_id", "category_id", "kind"))

    def run(self):
        self.load()
        # rows with an ID number first, so a row of the same person without one joins them
        for row in sorted(self.rows, key=lambda row: not row.id_number):
            worker = self.worker_for(row)
            if worker is not None:
                self.entries_for(row, worker)

    def unit_for(self, row):
        key = validators.unit_name_key(row.unit_name)
        if key not in self.units:
            unit = Unit(town=self.town, name=row.unit_name, name_key=key)
            self.plan.units.append(unit)
            self.units[key] = unit
            row.outcome.new_unit = True
        return self.units[key]

    def new_worker(self, row):
        unit = self.unit_for(row)
        worker = Worker(name=row.name, id_number=row.id_number, mobile=row.mobile)
        if isinstance(unit, Unit):
            worker.unit = unit
        else:
            worker.unit_id = unit
        self.plan.workers.append(worker)
        row.outcome.new_worker = True
        if row.id_number:
            self.new_by_id[row.id_number] = (worker, row.outcome)
        if row.mobile:
            self.new_by_person.setdefault((row.name, row.mobile), (worker, row.outcome))
        return worker

    def worker_for(self, row):
        """A worker pk (in the ledger), an unsaved Worker (new), or None after an error."""
        analyser, outcome, column = self.analyser, row.outcome, row.columns.column("id_number")
        person = (row.name, row.mobile)
        if row.id_number:
            known = self.db_by_id.get(row.id_number)
            if known:
                pk, name, town_pk, unit_pk = known
                if town_pk != self.town.pk:
                    analyser.error(outcome, column, _("该身份证号码已登记在其他镇（街道）的单位，请与市安办核实。"))
                    return None
                if name != row.name:
                    analyser.error(outcome, column, _("该身份证号码在台账中登记的姓名与本行姓名不一致，请核对。"))
                    return None
                self.check_unit(row, unit_pk)
                return pk
            if row.id_number in self.new_by_id:
                worker, first = self.new_by_id[row.id_number]
                if worker.name != row.name:
                    analyser.error(
                        outcome, column, _("与第%(row)s行身份证号码相同但姓名不同，请核对。") % {"row": first.row}
                    )
                    return None
                return worker
            known = self.db_by_person.get(person) if row.mobile else None
            if known and not known[1]:
                pk, _id, unit_pk = known
                if pk not in self.plan.id_numbers:
                    # the same name and mobile were entered before without an ID number: record it now
                    self.plan.id_numbers[pk] = row.id_number
                    analyser.warn(outcome, _("已按姓名和手机号码匹配到台账中的人员，并补登身份证号码。"))
                    self.check_unit(row, unit_pk)
                    return pk
            return self.new_worker(row)
        known = self.db_by_person.get(person)
        if known:
            self.check_unit(row, known[2])
            return known[0]
        if person in self.new_by_person:
            return self.new_by_person[person][0]
        return self.new_worker(row)

    def check_unit(self, row, unit_pk):
        unit = self.units.get(validators.unit_name_key(row.unit_name))
        if unit != unit_pk:
            self.analyser.warn(row.outcome, _("该人员已登记在本镇（街道）的其他单位，培训需求记在原登记人员名下。"))

    def entries_for(self, row, worker):
        outcome = row.outcome
        worker_ref = worker if isinstance(worker, int) else id(worker)
        for category, kind in row.entries:
            key = (worker_ref, category.pk, kind)
            if isinstance(worker, int) and (worker, category.pk, kind) in self.open_needs:
                continue
            if key in self.planned:
                first = self.planned[key]
                if first is not outcome:
                    self.analyser.warn(
                        outcome,
                        _("与第%(row)s行的培训需求相同（同一人员、类别和类型），只登记一次。") % {"row": first.row},
                    )
                continue
            self.planned[key] = outcome
            need = TrainingNeed(category=category, kind=kind, source=NeedSource.IMPORTED, note=row.note)
            if isinstance(worker, int):
                need.worker_id = worker
            else:
                need.worker = worker
            self.plan.needs.append(need)
            outcome.new_entries += 1
        if outcome.status != RowStatus.ERROR:
            outcome.status = RowStatus.NEW if outcome.new_entries else RowStatus.EXISTS
