"""What the ledger keeps beside what a clerk types: each worker's, certificate's and need's town
(the unit's), and each worker's standing dates (the last day they hold a certificate of each
scheme in good standing). The city's figures and every town's lists read them, so they must
follow every change: a move, a new or renewed certificate, a forgery found, a bulk write.
"""

import datetime

import pytest
from django.db.models import Exists, OuterRef

from registry import demo
from registry.choices import CertificateStatus, Scheme, Verification
from registry.ledger_import import import_ledger
from registry.models import Certificate, TrainingNeed, Worker, today
from registry.services import create_due_review_needs
from tests.factories import (
    CertificateFactory,
    TrainingNeedFactory,
    UnitFactory,
    WorkerFactory,
    category,
    town,
)

from .ledger_import.builders import attachment, xlsx_bytes

pytestmark = pytest.mark.django_db
DAY = datetime.timedelta(days=1)


def assert_consistent():
    """Every stored town and standing date is what the units and certificates say."""
    for worker in Worker.objects.select_related("unit"):
        assert worker.town_id == worker.unit.town_id, worker
    for model in (Certificate, TrainingNeed):
        for row in model.objects.select_related("worker"):
            assert row.town_id == row.worker.town_id, row
    for worker in Worker.objects.all():
        expected = {}
        for scheme in Scheme:
            ends = [min(c.valid_until, c.next_review_on) for c in worker.certificates.filter(category__scheme=scheme)
                    if c.verification != Verification.FORGED]
            expected[scheme] = max(ends) if ends else None
        assert (worker.operation_standing_until, worker.equipment_standing_until) == (
            expected[Scheme.SPECIAL_OPERATION], expected[Scheme.SPECIAL_EQUIPMENT]), worker
        for scheme in Scheme:
            holds = (worker.certificates.filter(category__scheme=scheme).exists()
                     or worker.training_needs.filter(category__scheme=scheme).exists())
            assert Worker.objects.in_scheme(scheme).filter(pk=worker.pk).exists() == holds, (worker, scheme)


def certified_by_certificates(on):
    """Workers holding a certificate in good standing on `on`, read from the certificates themselves."""
    good = Certificate.objects.in_good_standing(on).filter(worker=OuterRef("pk"))
    return set(Worker.objects.filter(Exists(good)).values_list("pk", flat=True))


# --- town ---------------------------------------------------------------------------------


def test_a_new_worker_their_certificate_and_need_carry_the_units_town():
    worker = WorkerFactory(unit=UnitFactory(town=town("安海")))
    certificate = CertificateFactory(worker=worker)
    need = TrainingNeedFactory(worker=worker)
    assert worker.town == certificate.town == need.town == town("安海")


def test_a_worker_moved_to_another_towns_unit_takes_certificates_and_needs_along():
    worker = WorkerFactory(unit=UnitFactory(town=town("青阳")))
    certificate, need = CertificateFactory(worker=worker), TrainingNeedFactory(worker=worker)
    worker.unit = UnitFactory(town=town("陈埭"))
    worker.save()
    certificate.refresh_from_db(), need.refresh_from_db(), worker.refresh_from_db()
    assert worker.town == certificate.town == need.town == town("陈埭")


def test_a_unit_moved_to_another_town_takes_its_workers_certificates_and_needs_along():
    unit = UnitFactory(town=town("青阳"))
    worker = WorkerFactory(unit=unit)
    CertificateFactory(worker=worker), TrainingNeedFactory(worker=worker)
    unit.town = town("磁灶")
    unit.save()
    assert_consistent()
    assert Worker.objects.get(pk=worker.pk).town == town("磁灶")


def test_imported_workers_and_needs_carry_the_towns_of_the_import(safety_office):
    content = xlsx_bytes({"Sheet1": attachment(1, town="安海", rows=[
        [1, "晋江市甲鞋业有限公司", "李娜", "电工、焊工", "13850123459"],
        [2, "晋江市乙机械有限公司", "王五", "高处作业", "13850123460"],
    ])})
    result = import_ledger(content, "安海.xlsx", user=safety_office)
    assert result.committed and result.entries_created == 3
    assert set(Worker.objects.values_list("town__short_name", flat=True)) == {"安海"}
    assert set(TrainingNeed.objects.values_list("town__short_name", flat=True)) == {"安海"}
    assert_consistent()


def test_review_needs_created_for_due_certificates_carry_the_town(safety_office):
    worker = WorkerFactory(unit=UnitFactory(town=town("青阳")))
    # special operations: reviewed every 3 years; issued 3 years ago less a month, the review is due
    CertificateFactory(worker=worker, issued_on=today().replace(year=today().year - 3) + 30 * DAY)
    plan = create_due_review_needs(town("青阳"), 90, user=safety_office)
    assert plan.count == 1
    assert TrainingNeed.objects.get().town == town("青阳")


def test_seed_demo_writes_every_town_and_standing_date():
    demo.seed(workers=120, seed=3)
    assert_consistent()


# --- standing dates -----------------------------------------------------------------------


def test_a_worker_without_certificates_has_no_standing():
    worker = WorkerFactory()
    TrainingNeedFactory(worker=worker)
    worker.refresh_from_db()
    assert (worker.operation_standing_until, worker.equipment_standing_until) == (None, None)
    assert not Worker.objects.certified().exists()


def test_standing_lasts_to_the_earlier_of_expiry_and_next_review_of_the_best_certificate():
    worker = WorkerFactory()
    older = CertificateFactory(worker=worker, issued_on=today() - 800 * DAY)  # next review 3 years after issue
    newer = CertificateFactory(worker=worker, category=category("op-2-1"), issued_on=today() - 10 * DAY)
    boiler = CertificateFactory(worker=worker, category=category("se-2-g1"), issued_on=today() - 10 * DAY)
    worker.refresh_from_db()
    assert worker.operation_standing_until == max(min(c.valid_until, c.next_review_on) for c in (older, newer))
    assert worker.equipment_standing_until == min(boiler.valid_until, boiler.next_review_on)


def test_a_certificate_found_forged_no_longer_counts():
    certificate = CertificateFactory()
    assert Worker.objects.certified().count() == 1
    certificate.verification = Verification.FORGED
    certificate.save()
    assert Worker.objects.certified().count() == 0
    assert Worker.objects.uncertified().count() == 1


def test_a_review_recorded_extends_the_standing():
    certificate = CertificateFactory(issued_on=today() - (3 * 365 + 20) * DAY)
    assert certificate.status == CertificateStatus.REVIEW_OVERDUE
    assert not Worker.objects.certified().exists()
    certificate.record_review(today())
    assert Worker.objects.certified().get() == certificate.worker


def test_saving_a_worker_loaded_before_a_certificate_was_added_keeps_the_new_standing():
    worker = WorkerFactory()
    stale = Worker.objects.get(pk=worker.pk)
    CertificateFactory(worker=worker)
    stale.mobile = "13911112222"
    stale.save()
    assert Worker.objects.certified().get().mobile == "13911112222"


@pytest.mark.parametrize("offset", [-400, -1, 0, 1, 30, 400, 2000])
def test_certified_from_standing_dates_equals_certified_from_certificates(offset):
    """Certificates in every state, of both schemes, some forged; judged on days around today."""
    for days_ago, key in [(10, "op-1-2"), (400, "op-2-1"), (3 * 365 - 5, "op-1-2"), (3 * 365 + 40, "op-1-2"),
                          (7 * 365, "op-2-1"), (100, "se-2-g1"), (4 * 365 - 20, "se-2-g1"), (5 * 365, "se-2-g1")]:
        CertificateFactory(category=category(key), issued_on=today() - days_ago * DAY)
    forged = CertificateFactory(issued_on=today() - 5 * DAY)
    forged.verification = Verification.FORGED
    forged.save()
    WorkerFactory()  # no certificate at all
    on = today() + offset * DAY
    expected = certified_by_certificates(on)
    assert set(Worker.objects.certified(on).values_list("pk", flat=True)) == expected
    assert set(Worker.objects.uncertified(on).values_list("pk", flat=True)) == (
        set(Worker.objects.values_list("pk", flat=True)) - expected)
    for scheme in Scheme:
        good = Certificate.objects.in_good_standing(on).filter(worker=OuterRef("pk"), category__scheme=scheme)
        assert set(Worker.objects.certified(on, scheme).values_list("pk", flat=True)) == set(
            Worker.objects.filter(Exists(good)).values_list("pk", flat=True))


# --- schemes ------------------------------------------------------------------------------


def test_a_worker_joins_a_scheme_with_a_certificate_or_a_need_of_it():
    worker = WorkerFactory()
    assert not Worker.objects.in_scheme(Scheme.SPECIAL_OPERATION).exists()
    TrainingNeedFactory(worker=worker, category=category("se-9-n1"))
    assert list(Worker.objects.in_scheme(Scheme.SPECIAL_EQUIPMENT)) == [worker]
    assert not Worker.objects.in_scheme(Scheme.SPECIAL_OPERATION).exists()
    CertificateFactory(worker=worker, category=category("op-1-2"))
    assert list(Worker.objects.in_scheme(Scheme.SPECIAL_OPERATION)) == [worker]


def test_importing_a_need_for_a_worker_already_in_the_ledger_brings_them_into_its_scheme(safety_office):
    worker = WorkerFactory(unit=UnitFactory(town=town("安海"), name="晋江市甲鞋业有限公司"), name="李娜",
                           mobile="13850123459", id_number="")
    CertificateFactory(worker=worker, category=category("op-1-2"))
    content = xlsx_bytes({"Sheet1": attachment(2, town="安海", rows=[
        [1, "晋江市甲鞋业有限公司", "李娜", "叉车司机", "13850123459"],
    ])})
    result = import_ledger(content, "安海.xlsx", user=safety_office)
    assert result.committed and result.workers_created == 0 and result.entries_created == 1
    assert set(Worker.objects.in_scheme(Scheme.SPECIAL_EQUIPMENT)) == {worker}
    assert_consistent()
