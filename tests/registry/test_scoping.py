"""`for_user` is the only way to ledger data: each role sees exactly its part."""

import pytest

from registry.models import Certificate, LedgerImport, Town, TrainingNeed, Unit, Worker
from tests.factories import CertificateFactory, TrainingNeedFactory, UnitFactory, WorkerFactory, category, town

pytestmark = pytest.mark.django_db


@pytest.fixture
def ledger():
    """One worker in 青阳 with an electrician certificate, one in 安海 with a forklift need."""
    qingyang_unit = UnitFactory(town=town("青阳"))
    anhai_unit = UnitFactory(town=town("安海"))
    qingyang_worker = WorkerFactory(unit=qingyang_unit)
    anhai_worker = WorkerFactory(unit=anhai_unit)
    return {
        "qingyang_unit": qingyang_unit,
        "anhai_unit": anhai_unit,
        "qingyang_worker": qingyang_worker,
        "anhai_worker": anhai_worker,
        "qingyang_certificate": CertificateFactory(worker=qingyang_worker, category=category("op-1-2")),
        "anhai_need": TrainingNeedFactory(worker=anhai_worker, category=category("se-9-n1")),
    }


def test_a_clerk_sees_only_their_town(qingyang_clerk, ledger):
    assert list(Unit.objects.for_user(qingyang_clerk)) == [ledger["qingyang_unit"]]
    assert list(Worker.objects.for_user(qingyang_clerk)) == [ledger["qingyang_worker"]]
    assert list(Certificate.objects.for_user(qingyang_clerk)) == [ledger["qingyang_certificate"]]
    assert not TrainingNeed.objects.for_user(qingyang_clerk).exists()
    assert list(Town.objects.for_user(qingyang_clerk)) == [town("青阳")]


def test_the_other_clerk_sees_the_other_town(anhai_clerk, ledger):
    assert list(Unit.objects.for_user(anhai_clerk)) == [ledger["anhai_unit"]]
    assert list(Worker.objects.for_user(anhai_clerk)) == [ledger["anhai_worker"]]
    assert not Certificate.objects.for_user(anhai_clerk).exists()
    assert list(TrainingNeed.objects.for_user(anhai_clerk)) == [ledger["anhai_need"]]


def test_the_safety_office_sees_everything(safety_office, ledger):
    assert Unit.objects.for_user(safety_office).count() == 2
    assert Worker.objects.for_user(safety_office).count() == 2
    assert Certificate.objects.for_user(safety_office).count() == 1
    assert TrainingNeed.objects.for_user(safety_office).count() == 1
    assert Town.objects.for_user(safety_office).count() == 20


def test_the_emergency_bureau_sees_special_operations_only(emergency_bureau, ledger):
    assert Unit.objects.for_user(emergency_bureau).count() == 2
    assert list(Worker.objects.for_user(emergency_bureau)) == [ledger["qingyang_worker"]]
    assert list(Certificate.objects.for_user(emergency_bureau)) == [ledger["qingyang_certificate"]]
    assert not TrainingNeed.objects.for_user(emergency_bureau).exists()


def test_the_market_bureau_sees_special_equipment_only(market_bureau, ledger):
    assert list(Worker.objects.for_user(market_bureau)) == [ledger["anhai_worker"]]
    assert not Certificate.objects.for_user(market_bureau).exists()
    assert list(TrainingNeed.objects.for_user(market_bureau)) == [ledger["anhai_need"]]


@pytest.mark.parametrize("persona", ["department_user", "anonymous"])
def test_departments_and_anonymous_see_no_ledger_data(persona, personas, ledger):
    user = personas[persona]
    for model in (Unit, Worker, Certificate, TrainingNeed, LedgerImport):
        assert not model.objects.for_user(user).exists(), model


def test_ledger_imports_are_scoped_to_the_clerks_town(qingyang_clerk, anhai_clerk, safety_office, emergency_bureau):
    LedgerImport.objects.create(town=town("青阳"), file_name="a.xlsx", checksum="0" * 64, content=b"")
    assert LedgerImport.objects.for_user(qingyang_clerk).count() == 1
    assert LedgerImport.objects.for_user(anhai_clerk).count() == 0
    assert LedgerImport.objects.for_user(safety_office).count() == 1
    assert LedgerImport.objects.for_user(emergency_bureau).count() == 0
