"""Measures after an inspection (责令限期整改, 罚款, 立案查处, 移交司法机关) and their follow-up with dates."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from campaigns.choices import MeasureKind, MeasureStatus
from campaigns.models import IllegalFollowUp, Measure
from tests.campaigns.test_enforcement_helpers import make_inspection, status_for
from tests.factories import UnitFactory, department, town

pytestmark = pytest.mark.django_db
TODAY = datetime.date.today()


@pytest.fixture
def inspection():
    return make_inspection(UnitFactory(town=town("青阳")), inspected_on=TODAY - datetime.timedelta(days=30))


def create_url(inspection):
    return reverse("campaigns:inspection_measure_create", args=[inspection.pk])


def follow_up_url(measure):
    return reverse("campaigns:inspection_measure_follow_up", args=[measure.pk])


def test_an_order_to_rectify_needs_a_deadline_and_a_fine_an_amount(client, qingyang_clerk, inspection):
    client.force_login(qingyang_clerk)
    response = client.post(create_url(inspection), {"kind": MeasureKind.RECTIFY_ORDER, "note": "限期"})
    assert "责令整改须填写整改期限" in response.content.decode() and 'value="限期"' in response.content.decode()
    response = client.post(create_url(inspection), {"kind": MeasureKind.FINE})
    assert "罚款须填写金额" in response.content.decode()
    early = (inspection.inspected_on - datetime.timedelta(days=1)).isoformat()
    response = client.post(create_url(inspection), {"kind": MeasureKind.RECTIFY_ORDER, "deadline": early})
    assert "整改期限不能早于检查日期" in response.content.decode()
    assert not Measure.objects.exists()
    deadline = (TODAY + datetime.timedelta(days=15)).isoformat()
    assert client.post(create_url(inspection), {"kind": MeasureKind.RECTIFY_ORDER, "deadline": deadline}).status_code == 302
    assert client.post(create_url(inspection), {"kind": MeasureKind.FINE, "fine_amount": "20000"}).status_code == 302
    assert client.post(create_url(inspection), {"kind": MeasureKind.CASE_FILED, "case_number": "晋应急罚〔2019〕1号"}).status_code == 302
    assert client.post(create_url(inspection), {"kind": MeasureKind.JUDICIAL_REFERRAL}).status_code == 302
    assert [m.kind for m in inspection.measures.all()] == [
        MeasureKind.RECTIFY_ORDER, MeasureKind.FINE, MeasureKind.CASE_FILED, MeasureKind.JUDICIAL_REFERRAL]
    assert inspection.measures.get(kind=MeasureKind.FINE).fine_amount == Decimal("20000")


def test_follow_up_keeps_the_date_of_each_step(client, qingyang_clerk, inspection):
    measure = Measure.objects.create(inspection=inspection, kind=MeasureKind.RECTIFY_ORDER, deadline=TODAY)
    client.force_login(qingyang_clerk)
    steps = [(MeasureStatus.RECTIFIED, 20), (MeasureStatus.RECHECKED, 10), (MeasureStatus.CLOSED, 0)]
    for status, days_ago in steps:
        day = (TODAY - datetime.timedelta(days=days_ago)).isoformat()
        response = client.post(follow_up_url(measure), {f"m{measure.pk}-status": status, f"m{measure.pk}-on": day})
        assert response.status_code == 302
    measure.refresh_from_db()
    assert measure.status == MeasureStatus.CLOSED
    assert (measure.rectified_on, measure.rechecked_on, measure.closed_on) == (
        TODAY - datetime.timedelta(days=20), TODAY - datetime.timedelta(days=10), TODAY)
    assert measure.followed_up_on == TODAY
    page = client.get(reverse("campaigns:inspection_detail", args=[inspection.pk])).content.decode()
    assert (TODAY - datetime.timedelta(days=20)).isoformat() in page and "已结案" in page


def test_a_fine_may_be_closed_straight_away_but_a_closed_measure_goes_nowhere(client, qingyang_clerk, inspection):
    measure = Measure.objects.create(inspection=inspection, kind=MeasureKind.FINE, fine_amount=5000)
    client.force_login(qingyang_clerk)
    day = TODAY.isoformat()
    client.post(follow_up_url(measure), {f"m{measure.pk}-status": MeasureStatus.CLOSED, f"m{measure.pk}-on": day})
    measure.refresh_from_db()
    assert measure.status == MeasureStatus.CLOSED and measure.closed_on == TODAY
    response = client.post(follow_up_url(measure), {f"m{measure.pk}-status": MeasureStatus.RECTIFIED, f"m{measure.pk}-on": day})
    assert response.status_code == 200 and response.context["form"].errors
    with pytest.raises(IllegalFollowUp):
        measure.follow_up(MeasureStatus.RECTIFIED, TODAY)


def test_follow_up_dates_must_make_sense(client, qingyang_clerk, inspection):
    measure = Measure.objects.create(inspection=inspection, kind=MeasureKind.RECTIFY_ORDER, deadline=TODAY)
    client.force_login(qingyang_clerk)
    for day, message in [
        (TODAY + datetime.timedelta(days=1), "日期不能晚于今天"),
        (inspection.inspected_on - datetime.timedelta(days=1), "日期不能早于检查日期"),
    ]:
        response = client.post(follow_up_url(measure), {f"m{measure.pk}-status": "rectified", f"m{measure.pk}-on": day.isoformat()})
        assert message in response.content.decode()
    measure.follow_up(MeasureStatus.RECTIFIED, TODAY)
    response = client.post(follow_up_url(measure), {
        f"m{measure.pk}-status": "rechecked", f"m{measure.pk}-on": (TODAY - datetime.timedelta(days=1)).isoformat()})
    assert "日期不能早于上一次跟进" in response.content.decode()


@pytest.mark.parametrize("role, expected", [
    ("qingyang_clerk", 302), ("anhai_clerk", 404), ("safety_office", 302), ("emergency_bureau", 302),
    ("market_bureau", 302), ("department_user", 403), ("anonymous", 302),
])
def test_measures_by_role(client, personas, inspection, role, expected):
    data = {"kind": MeasureKind.CASE_FILED}
    assert status_for(client, personas[role], "post", create_url(inspection), data) == expected
    measure = Measure.objects.create(inspection=inspection, kind=MeasureKind.JUDICIAL_REFERRAL)
    data = {f"m{measure.pk}-status": MeasureStatus.CLOSED, f"m{measure.pk}-on": TODAY.isoformat()}
    assert status_for(client, personas[role], "post", follow_up_url(measure), data) == expected
    measure.refresh_from_db()
    assert (measure.status == MeasureStatus.CLOSED) == (expected == 302 and role != "anonymous")


def test_a_clerk_reads_but_cannot_change_the_citys_measures(client, qingyang_clerk):
    inspection = make_inspection(UnitFactory(town=town("青阳")), inspecting_town=None, inspecting_department=department("应急局"))
    measure = Measure.objects.create(inspection=inspection, kind=MeasureKind.CASE_FILED)
    client.force_login(qingyang_clerk)
    assert client.get(reverse("campaigns:inspection_detail", args=[inspection.pk])).status_code == 200
    assert client.get(create_url(inspection)).status_code == 403
    assert client.post(follow_up_url(measure), {}).status_code == 403
