"""Importing a town's Attachment 1/2 ledger: one service for the browser and the command line.

- `import_ledger(content, file_name, …)`: check and, unless a dry run, commit in one go (the command).
- `preview_import(…)` keeps the file in a LedgerImport (status previewed) and returns every
  row's outcome; `commit_import(ledger_import, …)` reads the kept bytes again and commits. Nothing
  lives in one process between the two, so any application process may serve either.

A file with any error commits nothing unless `skip_invalid`; a failure half-way commits nothing.
"""

import gc
from contextlib import contextmanager

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from registry.choices import Role
from registry.models import LedgerImport

from .analysis import analyse
from .writer import write_plan


class ImportNotAllowed(PermissionDenied):
    """This user may not import into this town (a view answers 403)."""


class ImportStateError(Exception):
    """The LedgerImport was already committed, rejected or discarded."""


@contextmanager
def collector_paused():
    """Pause Python's cyclic garbage collector for the length of an import.

    An import makes hundreds of thousands of small objects that all live until it ends; the
    collector would walk them again and again (a third of the run time at 50,000 rows).
    Reference counting still frees everything as usual.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def import_town_for(user, town=None):
    """The town an import by `user` goes into (None: taken from the file), or ImportNotAllowed.

    A town clerk imports into their own town only; the safety office into any town; the
    command line without a user runs with the server's own rights.
    """
    if user is None:
        return town
    role = getattr(user, "role", None)
    if not getattr(user, "is_authenticated", False) or role not in (Role.TOWN_CLERK, Role.SAFETY_OFFICE):
        raise ImportNotAllowed(_("只有镇（街道）安办和市安办可以导入台账。"))
    if role == Role.TOWN_CLERK:
        if town is not None and town.pk != user.town_id:
            raise ImportNotAllowed(_("您只能导入本镇（街道）的台账。"))
        return user.town
    return town


@collector_paused()
def import_ledger(content, file_name, *, user=None, town=None, form=None, skip_invalid=False, dry_run=False):
    """Check a ledger file and commit it unless `dry_run`; returns the ImportResult.

    Counts are what was created, or for a dry run what a commit would create.
    """
    town = import_town_for(user, town)
    result, plan = analyse(content, file_name, user=user, town=town, form=form, skip_invalid=skip_invalid, dry_run=dry_run)
    _warn_if_imported_before(result, user)
    if dry_run:
        if result.can_commit:
            _count(result, plan)
        return result
    ledger_import = LedgerImport(
        uploaded_by=_db_user(user), town=town, form=form, file_name=file_name[:255], checksum=result.checksum,
        content=content, skip_invalid=skip_invalid,
    )
    return _commit(result, plan, ledger_import, user)


@collector_paused()
def preview_import(content, file_name, *, user=None, town=None, form=None, skip_invalid=False, keep=True):
    """Every row's outcome without writing the ledger; with `keep` the file is kept for commit_import."""
    town = import_town_for(user, town)
    result, _plan = analyse(content, file_name, user=user, town=town, form=form, skip_invalid=skip_invalid, dry_run=True)
    _warn_if_imported_before(result, user)
    if keep:
        result.ledger_import = LedgerImport.objects.create(
            uploaded_by=_db_user(user), town=town, form=form, file_name=file_name[:255], checksum=result.checksum,
            content=content, skip_invalid=skip_invalid, status=LedgerImport.Status.PREVIEWED,
            **_figures(result),
        )
    return result


@collector_paused()
def commit_import(ledger_import, *, user=None, skip_invalid=None):
    """Commit a previewed file: read again from the kept bytes, since the ledger may have changed."""
    if ledger_import.status != LedgerImport.Status.PREVIEWED:
        raise ImportStateError(_("该导入已处理（%(status)s），不能再次确认。") % {"status": ledger_import.get_status_display()})
    town = import_town_for(user, ledger_import.town)
    if skip_invalid is not None:
        ledger_import.skip_invalid = skip_invalid
    result, plan = analyse(
        bytes(ledger_import.content), ledger_import.file_name, user=user, town=town, form=ledger_import.form,
        skip_invalid=ledger_import.skip_invalid,
    )
    _warn_if_imported_before(result, user, exclude=ledger_import.pk)
    return _commit(result, plan, ledger_import, user)


def discard_import(ledger_import):
    """The clerk did not confirm: keep the record, drop the file's bytes."""
    if ledger_import.status != LedgerImport.Status.PREVIEWED:
        raise ImportStateError(_("该导入已处理，不能放弃。"))
    ledger_import.status = LedgerImport.Status.DISCARDED
    ledger_import.content = b""
    ledger_import.save(update_fields=["status", "content"])


discard_import.alters_data = True


def _commit(result, plan, ledger_import, user):
    result.ledger_import = ledger_import
    if not result.can_commit:
        _reject(ledger_import, result)
        return result
    was_new = ledger_import.pk is None
    try:
        with transaction.atomic():
            ledger_import.status = LedgerImport.Status.COMMITTED
            ledger_import.committed_at = timezone.now()
            towns = {sheet.town for sheet in result.sheets if sheet.town}
            forms = {sheet.form for sheet in result.sheets if sheet.form}
            if ledger_import.town_id is None and len(towns) == 1:
                ledger_import.town = towns.pop()
            if ledger_import.form is None and len(forms) == 1:
                ledger_import.form = forms.pop()
            _count(result, plan)
            result.committed = True
            _record(ledger_import, result)
            ledger_import.save()
            write_plan(plan, ledger_import, user)
    except Exception as error:
        # the transaction is rolled back: the object must not pretend otherwise
        result.committed = False
        result.entries_created = result.workers_created = result.units_created = 0
        ledger_import.committed_at = None
        if was_new:
            ledger_import.pk, ledger_import._state.adding = None, True
        if not isinstance(error, IntegrityError):
            ledger_import.status = LedgerImport.Status.PREVIEWED
            raise
        # another import or a clerk wrote the same entries between our reading and writing
        result.error("", 0, "", _("导入期间台账被他人修改，未导入任何内容，请重新导入。"))
        _reject(ledger_import, result)
        return result
    return result


def _reject(ledger_import, result):
    ledger_import.status = LedgerImport.Status.REJECTED
    _record(ledger_import, result)
    ledger_import.save()


def _count(result, plan):
    result.entries_created, result.workers_created = len(plan.needs), len(plan.workers)
    result.units_created = len(plan.units)


def _figures(result):
    return {
        "rows_total": len(result.rows),
        "entries_created": result.entries_created,
        "workers_created": result.workers_created,
        "units_created": result.units_created,
        "error_count": len(result.errors),
        "warning_count": len(result.warnings),
        "report": result.report(),
    }


def _record(ledger_import, result):
    for name, value in _figures(result).items():
        setattr(ledger_import, name, value)


def _db_user(user):
    return user if getattr(user, "pk", None) else None


def _warn_if_imported_before(result, user, exclude=None):
    earlier = LedgerImport.objects.for_user(user) if user is not None else LedgerImport.objects.all()
    earlier = earlier.filter(checksum=result.checksum, status=LedgerImport.Status.COMMITTED)
    if exclude:
        earlier = earlier.exclude(pk=exclude)
    earlier = earlier.order_by("-committed_at").first()
    if earlier:
        when = timezone.localtime(earlier.committed_at)
        result.warn(
            "", 0, _("该文件已于%(date)s导入过，本次只会新增台账中还没有的内容。") % {"date": f"{when:%Y年%-m月%-d日 %H:%M}"}
        )
