"""Writing a plan: units, then workers, then training needs, in batches, with their history.

`bulk_create` skips `save()`, so the analysis has already set what `save()` would (unit
`name_key`, normalised names, mobiles and ID numbers). History rows are written in bulk too,
all stamped with the importing user, one time and the file name as the reason.
"""

from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from registry.models import TrainingNeed, Unit, Worker

BATCH_SIZE = 2000


def write_plan(plan, ledger_import, user=None):
    """Create what the plan holds; the caller wraps this in transaction.atomic()."""
    history = {
        "batch_size": BATCH_SIZE,
        "default_user": user if getattr(user, "pk", None) else None,
        # simple_history keeps at most 100 characters of reason
        "default_change_reason": f"导入台账：{ledger_import.file_name}"[:100],
        "default_date": timezone.now(),
    }
    create_units(plan.units, history)
    create_workers(plan.workers, history)
    record_id_numbers(plan.id_numbers, history)
    create_needs(plan.needs, ledger_import, history)


def create_units(units, history):
    if units:
        bulk_create_with_history(units, Unit, **history)


def create_workers(workers, history):
    # each worker's unit may have been created a moment ago: Django copies its new pk when saving
    if workers:
        bulk_create_with_history(workers, Worker, **history)


def record_id_numbers(id_numbers, history):
    """ID numbers for workers first entered with name and mobile only."""
    if not id_numbers:
        return
    now = history["default_date"]
    workers = list(Worker.objects.filter(pk__in=list(id_numbers)))
    for worker in workers:
        worker.id_number = id_numbers[worker.pk]
        worker.version += 1
        worker.updated_at = now
    bulk_update_with_history(workers, Worker, ["id_number", "version", "updated_at"], **history)


def create_needs(needs, ledger_import, history):
    for need in needs:
        need.ledger_import = ledger_import
    if needs:
        bulk_create_with_history(needs, TrainingNeed, **history)
