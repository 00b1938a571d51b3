"""Writing a plan: units, then workers, then training needs, each with its history rows.

`save()` is not called, so the analysis has already done what it would (unit `name_key`,
normalised names, mobiles and ID numbers); every other column takes the model field's
default, read from the model, so a field added later is written too. History rows carry the
importing user, one time and the file name as the reason, as `save()` would have recorded.

On PostgreSQL rows go in with COPY, their ids drawn from the table's sequence beforehand: at
50,000 rows model instances and INSERT compilation cost several times reading the file, COPY
a fraction of it. Other databases use simple_history's `bulk_create_with_history`.
"""

from dataclasses import dataclass

from django.db import connection
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from registry.choices import NeedSource
from registry.models import TrainingNeed, Unit, Worker

BATCH_SIZE = 2000


@dataclass
class Stamp:
    now: object
    user: object  # User or None
    reason: str

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
    )
    insert(Unit, plan.units, ("town_id", "name", "name_key"), lambda u: (u.town_id, u.name, u.name_key), stamp)
    insert(
        Worker, plan.workers, ("unit_id", "name", "id_number", "mobile"),
        lambda w: (w.unit_id, w.name, w.id_number, w.mobile), stamp,
    )
    record_id_numbers(plan.id_numbers, stamp)
    insert(
        TrainingNeed, plan.needs, ("worker_id", "category_id", "kind", "source", "note", "ledger_import_id"),
        lambda n: (n.worker_id, n.category_id, n.kind, NeedSource.IMPORTED, n.note, ledger_import.pk), stamp,
    )


def insert(model, records, names, values, stamp):
    """One row and one history row per record, whose `pk` is set. `values(record)` lines up with `names`."""
    if not records:
        return
    if connection.vendor == "postgresql":
        _copy_insert(model, records, names, values, stamp)
    else:
        _orm_insert(model, records, names, values, stamp)


def _orm_insert(model, records, names, values, stamp):
    objects = [model(**dict(zip(names, values(record)))) for record in records]
    bulk_create_with_history(
        objects, model, batch_size=BATCH_SIZE, default_user=stamp.user, default_change_reason=stamp.reason,
        default_date=stamp.now,
    )
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
    defaults = _defaults(model, set(names), stamp.now)
    attnames = [meta.pk.attname, *names, *(field.attname for field, _value in defaults)]
    by_attname = {field.attname: field for field in meta.concrete_fields}
    columns = [by_attname[attname].column for attname in attnames]
    suffix = tuple(value for _field, value in defaults)
    pks = _next_ids(meta.db_table, meta.pk.column, len(records))
    rows = []
    for pk, record in zip(pks, records):
        record.pk = pk
        rows.append((pk, *values(record), *suffix))
    _copy(meta.db_table, columns, rows)

    history = model.history.model
    position = {attname: index for index, attname in enumerate(attnames)}
    copied, constant = [], []
    for field in history._meta.concrete_fields:
        if field.primary_key:
            continue  # history_id comes from its own sequence
        if field.attname in position:
            copied.append(field)
        else:
            value = {
                "history_date": stamp.now,
                "history_change_reason": stamp.reason,
                "history_type": "+",
                "history_user_id": stamp.user_id,
            }.get(field.attname, field.get_default())
            constant.append((field, field.get_db_prep_save(value, connection)))
    indexes = [position[field.attname] for field in copied]
    tail = tuple(value for _field, value in constant)
    _copy(
        history._meta.db_table,
        [field.column for field in copied] + [field.column for field, _value in constant],
        [tuple(row[index] for index in indexes) + tail for row in rows],
    )


def _next_ids(table, column, count):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [connection.ops.quote_name(table), column, count],
        )
        return [pk for (pk,) in cursor.fetchall()]


def _copy(table, columns, rows):
    quote = connection.ops.quote_name
    statement = f"COPY {quote(table)} ({', '.join(quote(column) for column in columns)}) FROM STDIN"
    with connection.cursor() as cursor, cursor.copy(statement) as copy:
        for row in rows:
            copy.write_row(row)


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
