"""What a commit will create, as plain records: model instances cost too much at 50,000 rows.

A record's `pk` is filled in when it is written, so the records that point to it (a worker's
unit, a need's worker) can be written next.
"""

from dataclasses import dataclass, field


@dataclass(slots=True)
class NewUnit:
    town_id: int
    name: str
    name_key: str
    pk: int | None = None


@dataclass(slots=True)
class NewWorker:
    town_id: int  # the unit's (the town the rows were planned for)
    unit: object  # NewUnit, or the pk of a unit in the ledger
    name: str
    id_number: str
    mobile: str
    pk: int | None = None

    @property
    def unit_id(self):
        return self.unit.pk if isinstance(self.unit, NewUnit) else self.unit


@dataclass(slots=True)
class NewNeed:
    town_id: int  # the worker's
    worker: object  # NewWorker, or the pk of a worker in the ledger
    category_id: int
    kind: str
    note: str
    pk: int | None = None

    @property
    def worker_id(self):
        return self.worker.pk if isinstance(self.worker, NewWorker) else self.worker


@dataclass
class Plan:
    units: list = field(default_factory=list)  # NewUnit
    workers: list = field(default_factory=list)  # NewWorker
    needs: list = field(default_factory=list)  # NewNeed
    id_numbers: dict = field(default_factory=dict)  # pk of a worker in the ledger → ID number to record
