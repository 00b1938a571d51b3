"""曝光: the safety office picks violations and publishes them, without personal data."""

import datetime

import pytest
from django.urls import reverse

from campaigns.choices import FindingResult, MeasureKind
from campaigns.models import ExposureEntry, Finding, Measure
from tests.campaigns.test_enforcement_helpers import make_inspection, queries_for, status_for
from tests.factories import UnitFactory, WorkerFactory, category, town

pytestmark = pytest.mark.django_db
TODAY = datetime.date.today()


@pytest.fixture
def violation():
    unit = UnitFactory(town=town("安海"), name="晋江市安海鞋业有限公司")
    inspection = make_inspection(unit)
    for name, result in (("王大锤", FindingResult.NO_CERTIFICATE), ("李小花", FindingResult.NO_CERTIFICATE),
                         ("赵铁柱", FindingResult.FORGED), ("钱多多", FindingResult.CERTIFIED)):
        Finding.objects.create(inspection=inspection, worker=WorkerFactory(unit=unit, name=name), result=result,
                               category=category("op-1-2"))
    Measure.objects.create(inspection=inspection, kind=MeasureKind.RECTIFY_ORDER, deadline=datetime.date(2019, 10, 1))
    Measure.objects.create(inspection=inspection, kind=MeasureKind.FINE, fine_amount=20000)
    return inspection


@pytest.mark.parametrize("role, expected", [
    ("qingyang_clerk", 403), ("anhai_clerk", 403), ("safety_office", 200), ("emergency_bureau", 403),
    ("market_bureau", 403), ("department_user", 403), ("anonymous", 302),
])
def test_exposure_pages_by_role(client, personas, violation, role, expected):
    entry = ExposureEntry.objects.create(inspection=violation, violation="无证上岗", measure="罚款", published_on=TODAY)
    for url in (reverse("campaigns:exposure_list"), reverse("campaigns:exposure_candidates"),
                reverse("campaigns:exposure_create", args=[violation.pk]), reverse("campaigns:exposure_edit", args=[entry.pk])):
        assert status_for(client, personas[role], "get", url) == expected, url


def test_candidates_are_inspections_with_violations_measures_or_refusals(client, safety_office, violation):
    clean = make_inspection(UnitFactory())
    Finding.objects.create(inspection=clean, worker=WorkerFactory(unit=clean.unit), result=FindingResult.CERTIFIED)
    refused = make_inspection(UnitFactory(), refused_cooperation=True)
    client.force_login(safety_office)
    response = client.get(reverse("campaigns:exposure_candidates"))
    rows = {inspection.pk: inspection for inspection in response.context["page_obj"]}
    assert set(rows) == {violation.pk, refused.pk}
    assert rows[violation.pk].violation_summary == "无证上岗 2 人；持假证 1 人"
    assert rows[violation.pk].measure_summary == "责令限期整改（期限 2019-10-01）；罚款 20000 元"
    assert rows[refused.pk].violation_summary == "拒不配合检查"


def test_choosing_a_violation_prefills_counts_not_names(client, safety_office, violation):
    client.force_login(safety_office)
    url = reverse("campaigns:exposure_create", args=[violation.pk])
    form = client.get(url).context["form"]
    assert form.initial["violation"] == "无证上岗 2 人；持假证 1 人"
    data = {"violation": form.initial["violation"], "measure": form.initial["measure"], "published_on": TODAY.isoformat(),
            "medium": "晋江经济报", "is_published": "on"}
    assert client.post(url, data).status_code == 302
    entry = ExposureEntry.objects.get()
    assert entry.chosen_by == safety_office and entry.medium == "晋江经济报" and entry.is_published


@pytest.mark.parametrize("text, message", [
    ("王大锤无证上岗", "不得含从业人员姓名（王大锤）"),
    ("持证人身份证 35058219900101001X", "不得含身份证号码或手机号码"),
    ("联系 13800001234", "不得含身份证号码或手机号码"),
])
def test_published_texts_may_not_carry_personal_data(client, safety_office, violation, text, message):
    client.force_login(safety_office)
    data = {"violation": text, "measure": "罚款", "published_on": TODAY.isoformat(), "medium": "电视台"}
    response = client.post(reverse("campaigns:exposure_create", args=[violation.pk]), data)
    assert message in response.content.decode() and text in response.content.decode()  # shown again to correct
    assert not ExposureEntry.objects.exists()
    data["measure"], data["violation"] = text, "无证上岗"
    assert message in client.post(reverse("campaigns:exposure_create", args=[violation.pk]), data).content.decode()


def test_an_entry_can_be_withdrawn(client, safety_office, violation):
    entry = ExposureEntry.objects.create(inspection=violation, violation="无证上岗", measure="罚款", published_on=TODAY)
    client.force_login(safety_office)
    data = {"violation": "无证上岗", "measure": "罚款", "published_on": TODAY.isoformat(), "medium": ""}
    client.post(reverse("campaigns:exposure_edit", args=[entry.pk]), data)
    entry.refresh_from_db()
    assert not entry.is_published
    assert client.get(reverse("campaigns:exposure_list"), {"published": "no"}).context["page_obj"].paginator.count == 1


def test_exposure_pages_run_a_fixed_number_of_queries(client, safety_office, violation):
    client.force_login(safety_office)
    ExposureEntry.objects.create(inspection=violation, violation="无证上岗", measure="罚款", published_on=TODAY)
    few = {name: queries_for(client, reverse(name)) for name in ("campaigns:exposure_list", "campaigns:exposure_candidates")}
    for _ in range(4):
        inspection = make_inspection(UnitFactory())
        Finding.objects.create(inspection=inspection, worker=WorkerFactory(unit=inspection.unit), result=FindingResult.FORGED)
        Measure.objects.create(inspection=inspection, kind=MeasureKind.CASE_FILED)
        ExposureEntry.objects.create(inspection=inspection, violation="持假证", measure="立案", published_on=TODAY)
    assert {name: queries_for(client, reverse(name)) for name in few} == few
