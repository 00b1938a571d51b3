"""Writing a plan: units, then workers, then training needs, each with its history rows.

`save()` is not called, so the analysis has already done what it would (unit `name_key`,
normalised names, mobiles and ID numbers); every other column takes the model field's
default, read from the model, so a field added later is written too. History rows carry the
importing user, one time and the file name as the reason, as `save()` would have recorded.

On PostgreSQL rows go in with COPY, their ids drawn from the table's sequence beforehand: at
50,000 rows model instances and INSERT compilation cost several times reading the file, COPY
a fraction of it. Other databases use simple_history's `bulk_create_with_history`.

Setting JINJIANG_CERT_IMPORT_HISTORY = False leaves out the '+' history rows of imported
units, workers and needs (the LedgerImport record and each need's link to it still say who
imported what and when); on PostgreSQL that saves about a fifth of a large import.
"""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.db import connection
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from registry.choices import NeedSource
from registry.models import SCHEME_FIELDS, CertificateCategory, TrainingNeed, Unit, Worker

from .plan import NewWorker

BATCH_SIZE = 2000


@dataclass
class Stamp:
    now: object
    user: object  # User or None
    reason: str
    history: bool = True

    @property
    def user_id(self):
        return self.user.pk if self.user else None


def write_plan(plan, ledger_import, user=None):
    """Create what the plan holds; the caller wraps this in transaction.atomic()."""
    stamp = Stamp(
        now=timezone.now(),
        user=user if getattr(user, "pk", None) else None,
        # simple_history keeps at most 100 characters of reason
        reason=f"导入台账：{ledger_import.file_name}"[:100],
        history=getattr(settings, "JINJIANG_CERT_IMPORT_HISTORY", True),
    )
    insert(Unit, plan.units, ("town_id", "name", "name_key"), lambda u: (u.town_id, u.name, u.name_key), stamp)
    new_schemes, known_schemes = schemes_joined(plan)
    insert(
        Worker, plan.workers, ("town_id", "unit_id", "name", "id_number", "mobile", *SCHEME_FIELDS.values()),
        lambda w: (w.town_id, w.unit_id, w.name, w.id_number, w.mobile,
                   *(scheme in new_schemes.get(id(w), ()) for scheme in SCHEME_FIELDS)),
        stamp,
    )
    # workers already in the ledger join a scheme with their first need of it (what TrainingNeed.save() keeps)
    for scheme, field in SCHEME_FIELDS.items():
        joining = [pk for pk, schemes in known_schemes.items() if scheme in schemes]
        if joining:
            Worker.objects.filter(pk__in=joining, **{field: False}).update(**{field: True})
    record_id_numbers(plan.id_numbers, stamp)
    insert(
        TrainingNeed, plan.needs,
        ("town_id", "worker_id", "category_id", "kind", "source", "note", "ledger_import_id"),
        lambda n: (n.town_id, n.worker_id, n.category_id, n.kind, NeedSource.IMPORTED, n.note, ledger_import.pk),
        stamp,
    )


def schemes_joined(plan):
    """The schemes of each worker's new needs: ({id(NewWorker): schemes}, {pk of a worker in the ledger: schemes})."""
    scheme_of = dict(CertificateCategory.objects.values_list("pk", "scheme"))
    new, known = {}, {}
    for need in plan.needs:
        worker = need.worker
        joined = new.setdefault(id(worker), set()) if isinstance(worker, NewWorker) else known.setdefault(worker, set())
        joined.add(scheme_of[need.category_id])
    return new, known


def insert(model, records, names, values, stamp):
    """One row (and its history row) per record, whose `pk` is set. `values(record)` lines up with `names`."""
    if not records:
        return
    if connection.vendor == "postgresql":
        _copy_insert(model, records, names, values, stamp)
    else:
        _orm_insert(model, records, names, values, stamp)


def _orm_insert(model, records, names, values, stamp):
    objects = [model(**dict(zip(names, values(record)))) for record in records]
    if stamp.history:
        bulk_create_with_history(
            objects, model, batch_size=BATCH_SIZE, default_user=stamp.user, default_change_reason=stamp.reason,
            default_date=stamp.now,
        )
    else:
        model.objects.bulk_create(objects, batch_size=BATCH_SIZE)
    for record, obj in zip(records, objects):
        record.pk = obj.pk


def _defaults(model, given, now):
    """[(field, database value)] for every concrete column the import does not give."""
    defaults = []
    for field in model._meta.concrete_fields:
        if field.primary_key or field.attname in given:
            continue
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            value = now
        else:
            value = field.get_default()
        defaults.append((field, field.get_db_prep_save(value, connection)))
    return defaults


def _copy_insert(model, records, names, values, stamp):
    meta = model._meta
    by_attname = {field.attname: field for field in meta.concrete_fields}
    varying = [meta.pk.attname, *names]
    defaults = _defaults(model, set(names), stamp.now)
    rows = []
    for pk, record in zip(_next_ids(meta.db_table, meta.pk.column, len(records)), records):
        record.pk = pk
        rows.append((pk, *values(record)))
    lines = _Lines(rows)
    _copy(
        meta.db_table,
        [by_attname[attname].column for attname in varying] + [field.column for field, _value in defaults],
        lines,
        "\t".join(_copy_text(value) for _field, value in defaults),
    )

    if not stamp.history:
        return
    # the history row: the same values (those the history tracks), then constants
    history = model.history.model
    history_fields = {field.attname: field for field in history._meta.concrete_fields if not field.primary_key}
    tracked = [attname for attname in varying if attname in history_fields]
    if tracked != varying:
        indexes = [varying.index(attname) for attname in tracked]
        lines = _Lines([tuple(row[index] for index in indexes) for row in rows])
    known = {field.attname: value for field, value in defaults}
    stamps = {"history_date": stamp.now, "history_change_reason": stamp.reason, "history_type": "+", "history_user_id": stamp.user_id}
    constants = []
    for attname, field in history_fields.items():
        if attname in tracked:
            continue
        if attname in known:
            constants.append((field, known[attname]))
        else:
            constants.append((field, field.get_db_prep_save(stamps.get(attname, field.get_default()), connection)))
    _copy(
        history._meta.db_table,
        [history_fields[attname].column for attname in tracked] + [field.column for field, _value in constants],
        lines,
        "\t".join(_copy_text(value) for _field, value in constants),
    )


_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _copy_text(value):
    """A value in COPY's text format."""
    if value is None:
        return "\\N"
    if value is True or value is False:
        return "t" if value else "f"
    if isinstance(value, str):
        return value.translate(_COPY_ESCAPES)
    if isinstance(value, (datetime.date, datetime.time)):
        return value.isoformat()
    return str(value)


def _next_ids(table, column, count):
    """`count` ids drawn from the table's own sequence, as inserts would have drawn them."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_get_serial_sequence(%s, %s)", [connection.ops.quote_name(table), column])
        sequence = cursor.fetchone()[0]
        # the sequence resolved once: inside the series it would be looked up for every id (10× slower)
        cursor.execute("SELECT array_agg(nextval(%s::regclass)) FROM generate_series(1, %s)", [sequence, count])
        return cursor.fetchone()[0]


class _Lines:
    """Rows rendered in COPY's text format a chunk at a time, each chunk once, so the main
    table and its history share the work and the server inserts one chunk while the next is
    rendered."""

    def __init__(self, rows):
        self.rows, self.rendered = rows, {}

    def __len__(self):
        return len(self.rows)

    def chunk(self, start, size):
        if start not in self.rendered:
            self.rendered[start] = ["\t".join(map(_copy_text, row)) for row in self.rows[start : start + size]]
        return self.rendered[start]


def _copy(table, columns, lines, constant, chunk=5000):
    """COPY rows given as _Lines: each row's own values, then the columns every row shares."""
    quote = connection.ops.quote_name
    statement = f"COPY {quote(table)} ({', '.join(quote(column) for column in columns)}) FROM STDIN"
    tail = f"\t{constant}\n" if constant else "\n"
    with connection.cursor() as cursor, cursor.copy(statement) as copy:
        for start in range(0, len(lines), chunk):
            copy.write(tail.join(lines.chunk(start, chunk)) + tail)


def record_id_numbers(id_numbers, stamp):
    """ID numbers for workers first entered with name and mobile only (few: the ORM will do)."""
    if not id_numbers:
        return
    workers = list(Worker.objects.filter(pk__in=list(id_numbers)))
    for worker in workers:
        worker.id_number = id_numbers[worker.pk]
        worker.version += 1
        worker.updated_at = stamp.now
    bulk_update_with_history(
        workers, Worker, ["id_number", "version", "updated_at"], batch_size=BATCH_SIZE,
        default_user=stamp.user, default_change_reason=stamp.reason, default_date=stamp.now,
    )
