"""/units/<id>/: the unit, its workers with certificate status chips, open needs and history."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from registry.choices import NeedStatus
from tests.factories import CertificateFactory, TrainingNeedFactory, UnitFactory, WorkerFactory, category, town

pytestmark = pytest.mark.django_db


@pytest.fixture
def unit():
    return UnitFactory(town=town("青阳"), name="青阳鞋业有限公司")


@pytest.fixture
def electrician(unit):
    worker = WorkerFactory(unit=unit, name="王电工", mobile="13850123459", id_number="35058219900101001X")
    CertificateFactory(worker=worker, category=category("op-1-2"))
    return worker


@pytest.fixture
def forklift_driver(unit):
    worker = WorkerFactory(unit=unit, name="李叉车")
    TrainingNeedFactory(worker=worker, category=category("se-9-n1"))
    TrainingNeedFactory(worker=worker, category=category("se-6-q2"), status=NeedStatus.CERTIFIED)
    return worker


def url(unit):
    return reverse("registry:unit_detail", args=[unit.pk])


@pytest.mark.parametrize(
    "persona, status",
    [("qingyang_clerk", 200), ("anhai_clerk", 404), ("safety_office", 200), ("emergency_bureau", 200),
     ("market_bureau", 200), ("department_user", 403)],
)
def test_who_may_open_a_unit(client, request, unit, persona, status):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(url(unit)).status_code == status


def test_anonymous_is_sent_to_sign_in(client, unit):
    response = client.get(url(unit))
    assert response.status_code == 302 and reverse("login") in response["Location"]


def test_the_clerk_sees_workers_with_status_chips_and_personal_data(client, qingyang_clerk, electrician, forklift_driver):
    client.force_login(qingyang_clerk)
    page = client.get(url(electrician.unit)).content.decode()
    assert "王电工" in page and "李叉车" in page
    assert '低压电工作业 <span class="chip green">有效</span>' in page
    assert '<span class="chip red">无证书</span>' in page
    assert "13850123459" in page and "35058219900101001X" in page


def test_a_bureau_sees_its_schemes_workers_with_personal_data_masked(client, market_bureau, electrician, forklift_driver):
    client.force_login(market_bureau)
    page = client.get(url(electrician.unit)).content.decode()
    assert "李叉车" in page and "王电工" not in page
    assert forklift_driver.masked_mobile in page and forklift_driver.mobile not in page


def test_the_open_training_needs_are_listed_with_their_attachment(client, qingyang_clerk, forklift_driver):
    client.force_login(qingyang_clerk)
    response = client.get(url(forklift_driver.unit))
    assert [need.category.key for need in response.context["needs"]] == ["se-9-n1"]
    assert "附件2" in response.content.decode()


def test_a_clerk_gets_a_link_to_add_a_worker_to_this_unit(client, qingyang_clerk, safety_office, unit):
    link = f'{reverse("registry:worker_create")}?unit={unit.pk}'
    client.force_login(qingyang_clerk)
    assert link in client.get(url(unit)).content.decode()
    client.force_login(safety_office)
    assert link not in client.get(url(unit)).content.decode()


def test_the_history_shows_who_changed_what(client, qingyang_clerk, unit):
    client.force_login(qingyang_clerk)
    edit = reverse("registry:unit_edit", args=[unit.pk])
    form = client.get(edit).context["form"]
    client.post(edit, {"name": "青阳制鞋有限公司", "credit_code": unit.credit_code, "version": form.initial["version"]})
    page = client.get(url(unit)).content.decode()
    assert "qingyang" in page
    assert "单位名称：<del>青阳鞋业有限公司</del> → 青阳制鞋有限公司" in page


def test_an_archived_unit_stays_reachable_and_shows_as_archived(client, qingyang_clerk, unit):
    unit.archive()
    client.force_login(qingyang_clerk)
    page = client.get(url(unit)).content.decode()
    assert "该单位已归档" in page and "在册：<del>是</del> → 否" in page


@pytest.mark.parametrize("persona", ["qingyang_clerk", "emergency_bureau"])
def test_the_query_count_does_not_grow_with_rows(client, request, persona, electrician, django_assert_max_num_queries):
    client.force_login(request.getfixturevalue(persona))
    with CaptureQueriesContext(connection) as few:
        client.get(url(electrician.unit))
    for n in range(10):
        worker = WorkerFactory(unit=electrician.unit)
        CertificateFactory(worker=worker, category=category("op-2-1"))
        CertificateFactory(worker=worker, issued_on=datetime.date.today() - datetime.timedelta(days=3000))
        TrainingNeedFactory(worker=worker)
    electrician.unit.industry = "制鞋"
    electrician.unit.save()
    with django_assert_max_num_queries(len(few)):
        client.get(url(electrician.unit))
