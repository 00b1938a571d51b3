"""Who each valid row of one town is, and which units, workers and needs are new.

The town's ledger is read in a few set-based queries (its units, its workers, their open
needs, and the file's ID numbers city-wide), then every row is matched in memory.
"""

from django.utils.translation import gettext as _

from registry.models import TrainingNeed, Unit, Worker

from .plan import NewNeed, NewUnit, NewWorker
from .results import RowStatus

QUERY_CHUNK = 5000  # parameters per IN (…): well under SQLite's and PostgreSQL's limits


def chunks(values):
    for start in range(0, len(values), QUERY_CHUNK):
        yield values[start : start + QUERY_CHUNK]


class TownPlanner:
    def __init__(self, analyser, town, rows):
        self.analyser, self.plan, self.town, self.rows = analyser, analyser.plan, town, rows
        self.units = {}  # name key → pk or NewUnit
        self.db_by_id = {}  # ID number → (pk, name, town pk, unit pk)
        self.db_by_person = {}  # (name, mobile) → (pk, ID number, unit pk), first registered wins
        self.open_needs = set()  # (worker pk, category pk, kind)
        self.new_by_id, self.new_by_person = {}, {}  # → (NewWorker, first outcome)
        self.planned = {}  # (worker pk or NewWorker id, category pk, kind) → first outcome

    def load(self):
        # Keys, not joins: right after a large import PostgreSQL's statistics are stale, and a
        # join planned for empty tables runs for minutes where index look-ups take milliseconds.
        town = self.town
        unit_pks = []
        units = Unit.objects.filter(town=town).order_by("-is_active", "pk").values_list("pk", "name_key")
        for pk, key in units:
            self.units.setdefault(key, pk)
            unit_pks.append(pk)
        worker_pks = []
        for chunk in chunks(unit_pks):
            workers = Worker.objects.filter(unit_id__in=chunk).order_by("-is_active", "pk")
            for pk, name, mobile, id_number, unit_pk in workers.values_list("pk", "name", "mobile", "id_number", "unit_id"):
                worker_pks.append(pk)
                if id_number:
                    self.db_by_id[id_number] = (pk, name, town.pk, unit_pk)
                if mobile:
                    self.db_by_person.setdefault((name, mobile), (pk, id_number, unit_pk))
        # an ID number is unique city-wide: look for the file's numbers in the other towns too
        wanted = sorted({row.id_number for row in self.rows if row.id_number} - set(self.db_by_id))
        for chunk in chunks(wanted):
            found = Worker.objects.filter(id_number__in=chunk).exclude(id_number="")
            for pk, name, id_number, town_pk, unit_pk in found.values_list("pk", "name", "id_number", "town_id", "unit_id"):
                self.db_by_id[id_number] = (pk, name, town_pk, unit_pk)
        for chunk in chunks(worker_pks):
            needs = TrainingNeed.objects.open().filter(worker_id__in=chunk)
            self.open_needs.update(needs.values_list("worker_id", "category_id", "kind"))

    def run(self):
        self.load()
        # rows with an ID number first, so a row of the same person without one joins them
        for row in sorted(self.rows, key=lambda row: not row.id_number):
            worker = self.worker_for(row)
            if worker is not None:
                self.entries_for(row, worker)

    def unit_for(self, row):
        unit = self.units.get(row.unit_key)
        if unit is None:
            unit = self.units[row.unit_key] = NewUnit(self.town.pk, row.unit_name, row.unit_key)
            self.plan.units.append(unit)
            row.outcome.new_unit = True
        return unit

    def new_worker(self, row):
        worker = NewWorker(self.town.pk, self.unit_for(row), row.name, row.id_number, row.mobile)
        self.plan.workers.append(worker)
        row.outcome.new_worker = True
        if row.id_number:
            self.new_by_id[row.id_number] = (worker, row.outcome)
        if row.mobile:
            self.new_by_person.setdefault((row.name, row.mobile), (worker, row.outcome))
        return worker

    def worker_for(self, row):
        """The pk of a worker in the ledger, a NewWorker, or None after an error."""
        if not row.id_number:
            known = self.db_by_person.get((row.name, row.mobile))
            if known:
                self.check_unit(row, known[2])
                return known[0]
            planned = self.new_by_person.get((row.name, row.mobile))
            return planned[0] if planned else self.new_worker(row)
        analyser, outcome, column = self.analyser, row.outcome, row.columns.column("id_number")
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
        planned = self.new_by_id.get(row.id_number)
        if planned:
            worker, first = planned
            if worker.name != row.name:
                analyser.error(outcome, column, _("与第%(row)s行身份证号码相同但姓名不同，请核对。") % {"row": first.row})
                return None
            return worker
        known = self.db_by_person.get((row.name, row.mobile)) if row.mobile else None
        if known and not known[1] and known[0] not in self.plan.id_numbers:
            # the same name and mobile were entered before without an ID number: record it now
            pk, _id, unit_pk = known
            self.plan.id_numbers[pk] = row.id_number
            analyser.warn(outcome, _("已按姓名和手机号码匹配到台账中的人员，并补登身份证号码。"))
            self.check_unit(row, unit_pk)
            return pk
        return self.new_worker(row)

    def check_unit(self, row, unit_pk):
        if self.units.get(row.unit_key) != unit_pk:
            self.analyser.warn(row.outcome, _("该人员已登记在本镇（街道）的其他单位，培训需求记在原登记人员名下。"))

    def entries_for(self, row, worker):
        outcome = row.outcome
        in_ledger = isinstance(worker, int)
        worker_ref = worker if in_ledger else id(worker)
        for category_id, kind in row.entries:
            if in_ledger and (worker, category_id, kind) in self.open_needs:
                continue
            key = (worker_ref, category_id, kind)
            first = self.planned.get(key)
            if first is not None:
                if first is not outcome:
                    self.analyser.warn(
                        outcome, _("与第%(row)s行的培训需求相同（同一人员、类别和类型），只登记一次。") % {"row": first.row}
                    )
                continue
            self.planned[key] = outcome
            self.plan.needs.append(NewNeed(self.town.pk, worker, category_id, kind, row.note))
            outcome.new_entries += 1
        if outcome.status != RowStatus.ERROR:
            outcome.status = RowStatus.NEW if outcome.new_entries else RowStatus.EXISTS
