"""An exported Attachment 1/2 imports back to the same entries (needs the ledger importer)."""

import io
import json

import pytest
from django.core.management import CommandError, call_command

from registry.choices import NeedKind
from registry.models import TrainingNeed, Unit, Worker
from reports.attachments import command_line_user
from reports.xlsx import export_town_attachment
from tests.factories import TrainingNeedFactory, UnitFactory, WorkerFactory, category, town

pytest.importorskip("registry.ledger_import")


def export(form, path):
    export_town_attachment(command_line_user(), town("青阳"), form, path)
    return path


def import_file(path, *options):
    """Run import_ledger --json; its JSON comes out whether or not it committed."""
    out = io.StringIO()
    try:
        call_command("import_ledger", str(path), "--json", *options, stdout=out)
    except CommandError:
        pass
    return json.loads(out.getvalue())


def entries(short_name="青阳"):
    needs = (
        TrainingNeed.objects.open()
        .filter(worker__unit__town=town(short_name), worker__is_active=True, worker__unit__is_active=True)
        .select_related("worker__unit", "category")
    )
    return sorted((n.worker.unit.name, n.worker.name, n.form_category_text, n.worker.mobile) for n in needs)


@pytest.fixture
def tricky_ledger(qingyang_ledger):
    unit = UnitFactory(town=town("青阳"), name="=晋江市(福建)C电器有限公司")
    worker = WorkerFactory(unit=unit, name="-欧阳娜娜", mobile="15900000007", id_number="")
    TrainingNeedFactory(worker=worker, category=category("op-4-2"), kind=NeedKind.REVIEW)
    TrainingNeedFactory(worker=worker, category=category("se-3-r2"))
    return qingyang_ledger


def test_re_importing_an_export_finds_every_entry_already_there(tricky_ledger, tmp_path):
    for form in (1, 2):
        result = import_file(export(form, tmp_path / f"附件{form}.xlsx"), "--dry-run")
        assert result["errors"] == []
        assert result["entries_created"] == 0


def test_an_export_rebuilds_the_same_entries_in_an_empty_ledger(tricky_ledger, tmp_path):
    expected = entries()
    files = [export(form, tmp_path / f"附件{form}.xlsx") for form in (1, 2)]
    # Wipe 青阳's ledger below the models' archiving deletes, as a fresh installation would be.
    TrainingNeed.objects.filter(worker__unit__town=town("青阳")).delete()
    Worker.objects.filter(unit__town=town("青阳")).delete()
    Unit.objects.filter(town=town("青阳")).delete()
    assert entries() == []

    for path in files:
        result = import_file(path)
        assert result["errors"] == [] and result["committed"] is True
    assert entries() == expected
