"""The figures a monthly summary is pre-filled with, against counts worked out by hand.

June 2019 in 青阳, with rows on both sides of every boundary (the month's first and last moment
in Jinjiang, other towns, statuses that do not count), and the inspections of 住建局.
"""

import datetime
import zoneinfo

import pytest

from campaigns.choices import FindingResult, MeasureKind
from campaigns.models import Finding, Inspection, Measure
from registry.choices import NeedStatus
from registry.models import TrainingNeed
from reports.monthly import prefilled_figures
from tests.factories import CertificateFactory, TrainingNeedFactory, UnitFactory, WorkerFactory, department, town

pytestmark = pytest.mark.django_db

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
JUNE = datetime.date(2019, 6, 1)


def need_in(town_name, **fields):
    created_at = fields.pop("created_at", None)
    need = TrainingNeedFactory(worker=WorkerFactory(unit=UnitFactory(town=town(town_name))), **fields)
    if created_at:
        TrainingNeed.objects.filter(pk=need.pk).update(created_at=created_at)
    return need


def at(*args, tz=SHANGHAI):
    return datetime.datetime(*args, tzinfo=tz)


@pytest.fixture
def ledger():
    early = at(2019, 5, 10)
    # New entries: registered within June in Jinjiang time.
    need_in("青阳", created_at=at(2019, 6, 1, 0, 0))  # counts
    need_in("青阳", created_at=at(2019, 6, 30, 23, 59, 59))  # counts
    need_in("青阳", created_at=at(2019, 5, 31, 23, 59, 59))  # May
    need_in("青阳", created_at=at(2019, 6, 30, 16, 0, tz=datetime.timezone.utc))  # 1 July 00:00 in Jinjiang
    need_in("安海", created_at=at(2019, 6, 15))  # another town
    # Trained: training finished in June, whatever happened next.
    need_in("青阳", created_at=early, status=NeedStatus.TRAINED, trained_on=datetime.date(2019, 6, 15))
    need_in("青阳", created_at=early, status=NeedStatus.TRAINED, trained_on=datetime.date(2019, 5, 31))
    need_in("青阳", created_at=early, status=NeedStatus.CERTIFIED, trained_on=datetime.date(2019, 6, 30),
            closed_on=datetime.date(2019, 7, 1))  # trained in June, certified in July
    # Certified: closed as certified in June.
    need_in("青阳", created_at=early, status=NeedStatus.CERTIFIED, closed_on=datetime.date(2019, 6, 10))
    need_in("青阳", created_at=early, status=NeedStatus.CANCELLED, closed_on=datetime.date(2019, 6, 10))
    need_in("安海", created_at=early, status=NeedStatus.CERTIFIED, closed_on=datetime.date(2019, 6, 10))
    # Reviews: certificates whose last review was recorded in June.
    issued = datetime.date(2017, 1, 1)
    qingyang_worker = WorkerFactory(unit=UnitFactory(town=town("青阳")))
    CertificateFactory(worker=qingyang_worker, issued_on=issued, last_reviewed_on=datetime.date(2019, 6, 1))
    CertificateFactory(worker=qingyang_worker, issued_on=issued, last_reviewed_on=datetime.date(2019, 6, 30))
    CertificateFactory(worker=qingyang_worker, issued_on=issued, last_reviewed_on=datetime.date(2019, 7, 1))
    CertificateFactory(worker=qingyang_worker, issued_on=issued)
    CertificateFactory(worker=WorkerFactory(unit=UnitFactory(town=town("安海"))), issued_on=issued,
                       last_reviewed_on=datetime.date(2019, 6, 20))

    # Inspections.
    qingyang_unit, anhai_unit = UnitFactory(town=town("青阳")), UnitFactory(town=town("安海"))
    zhujian = department("住建局")

    def inspection(unit, day, results=(), measures=(), **fields):
        made = Inspection.objects.create(unit=unit, inspected_on=day, **fields)
        for result in results:
            Finding.objects.create(inspection=made, worker=WorkerFactory(unit=unit), result=result)
        for kind in measures:
            Measure.objects.create(inspection=made, kind=kind)
        return made

    inspection(
        qingyang_unit, datetime.date(2019, 6, 5),
        results=[FindingResult.NO_CERTIFICATE, FindingResult.NO_CERTIFICATE, FindingResult.CERTIFIED,
                 FindingResult.FORGED],
        measures=[MeasureKind.CASE_FILED, MeasureKind.CASE_FILED, MeasureKind.FINE],
        inspecting_department=zhujian,
    )
    inspection(qingyang_unit, datetime.date(2019, 6, 30), inspecting_town=town("安海"), is_cross_inspection=True)
    inspection(qingyang_unit, datetime.date(2019, 7, 1), results=[FindingResult.NO_CERTIFICATE],
               measures=[MeasureKind.CASE_FILED], inspecting_department=zhujian)
    inspection(anhai_unit, datetime.date(2019, 6, 15), results=[FindingResult.EXPIRED],
               measures=[MeasureKind.CASE_FILED, MeasureKind.JUDICIAL_REFERRAL], inspecting_department=zhujian)
    # A forgery check's finding belongs to no inspection and is not an inspection's violation.
    Finding.objects.create(worker=WorkerFactory(unit=qingyang_unit), result=FindingResult.FORGED)


def test_a_towns_figures_count_its_month_in_jinjiang_time(ledger):
    assert prefilled_figures(town("青阳"), JUNE) == {
        "new_entries": 2,
        "trained": 2,
        "certified": 1,
        "reviews": 2,
        "inspections": 2,
        "violations": 3,
        "cases": 2,
    }


def test_another_town_counts_only_its_own_rows(ledger):
    assert prefilled_figures(town("安海"), JUNE) == {
        "new_entries": 1,
        "trained": 0,
        "certified": 1,
        "reviews": 1,
        "inspections": 1,
        "violations": 1,
        "cases": 1,
    }


def test_a_department_counts_the_inspections_it_made_and_nothing_of_the_ledger(ledger):
    assert prefilled_figures(department("住建局"), JUNE) == {
        "new_entries": 0,
        "trained": 0,
        "certified": 0,
        "reviews": 0,
        "inspections": 2,
        "violations": 4,
        "cases": 3,
    }


def test_a_department_that_inspected_nothing_has_zeros(ledger):
    assert set(prefilled_figures(department("法院"), JUNE).values()) == {0}


def test_the_next_month_sees_the_rows_on_its_side_of_the_boundary(ledger):
    figures = prefilled_figures(town("青阳"), datetime.date(2019, 7, 1))
    assert figures["new_entries"] == 1 and figures["trained"] == 0 and figures["certified"] == 1
    assert figures["reviews"] == 1
    assert figures["inspections"] == 1 and figures["violations"] == 1 and figures["cases"] == 1


def test_the_figures_take_a_fixed_number_of_queries(ledger, django_assert_num_queries):
    qingyang, zhujian = town("青阳"), department("住建局")
    with django_assert_num_queries(3):
        prefilled_figures(qingyang, JUNE)
    with django_assert_num_queries(1):
        prefilled_figures(zhujian, JUNE)
