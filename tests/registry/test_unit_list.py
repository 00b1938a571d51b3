"""/units/: the units a role may see, with worker counts, one search box, filters, sorting, pages."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from registry.models import Unit
from tests.factories import CertificateFactory, TrainingNeedFactory, UnitFactory, WorkerFactory, category, town

pytestmark = pytest.mark.django_db
URL = reverse("registry:unit_list")


@pytest.fixture
def ledger():
    """青阳: a shoe factory with one certified and one uncertified worker, a certified print shop;
    安海: a forklift yard with one worker who only needs training."""
    shoes = UnitFactory(town=town("青阳"), name="晋江市青阳（福建）鞋业有限公司", industry="制鞋")
    CertificateFactory(worker=WorkerFactory(unit=shoes))
    WorkerFactory(unit=shoes)
    prints = UnitFactory(town=town("青阳"), name="青阳印刷厂", industry="印刷")
    CertificateFactory(worker=WorkerFactory(unit=prints))
    yard = UnitFactory(town=town("安海"), name="安海叉车场", industry="物流")
    TrainingNeedFactory(worker=WorkerFactory(unit=yard), category=category("se-9-n1"))
    return {"shoes": shoes, "prints": prints, "yard": yard}


def names(response):
    return [unit.name for unit in response.context["page_obj"]]


def test_anonymous_is_sent_to_sign_in(client):
    response = client.get(URL)
    assert response.status_code == 302 and reverse("login") in response["Location"]


def test_a_department_user_may_not_read_the_ledger(client, department_user):
    client.force_login(department_user)
    assert client.get(URL).status_code == 403


def test_a_clerk_sees_their_towns_units_with_worker_counts(client, qingyang_clerk, ledger):
    client.force_login(qingyang_clerk)
    response = client.get(URL)
    assert response.status_code == 200
    rows = {unit.name: (unit.worker_count, unit.uncertified_count) for unit in response.context["page_obj"]}
    assert rows == {"晋江市青阳(福建)鞋业有限公司": (2, 1), "青阳印刷厂": (1, 0)}
    assert "town" not in response.context["filter"].form.fields
    assert "安海叉车场" not in response.content.decode()


def test_a_clerks_search_never_finds_another_towns_unit(client, qingyang_clerk, ledger):
    client.force_login(qingyang_clerk)
    response = client.get(URL, {"q": "安海叉车场", "town": town("安海").pk})
    assert names(response) == [] and response.context["page_obj"].paginator.count == 0


def test_the_safety_office_sees_every_town_and_filters_by_town(client, safety_office, ledger):
    client.force_login(safety_office)
    assert len(names(client.get(URL))) == 3
    assert names(client.get(URL, {"town": town("安海").pk})) == ["安海叉车场"]


def test_the_counts_are_the_units_own_for_every_city_role(client, market_bureau, emergency_bureau, ledger):
    for user in (market_bureau, emergency_bureau):
        client.force_login(user)
        rows = {unit.name: (unit.worker_count, unit.uncertified_count) for unit in client.get(URL).context["page_obj"]}
        assert rows == {"晋江市青阳(福建)鞋业有限公司": (2, 1), "青阳印刷厂": (1, 0), "安海叉车场": (1, 1)}


@pytest.mark.parametrize("ordering", ["workers", "-uncertified"])
def test_sorting_by_a_count_gives_the_same_counts(client, safety_office, ledger, ordering):
    ledger["shoes"].workers.first().archive()
    client.force_login(safety_office)
    counts = {unit.name: (unit.worker_count, unit.uncertified_count) for unit in client.get(URL).context["page_obj"]}
    response = client.get(URL, {"o": ordering})
    assert {unit.name: (unit.worker_count, unit.uncertified_count) for unit in response.context["page_obj"]} == counts
    assert response.context["page_obj"].paginator.count == 3


def test_the_search_matches_names_after_normalisation(client, qingyang_clerk, ledger):
    client.force_login(qingyang_clerk)
    assert names(client.get(URL, {"q": "青阳（福建） 鞋业"})) == ["晋江市青阳(福建)鞋业有限公司"]


def test_the_search_matches_a_credit_code(client, qingyang_clerk, ledger):
    client.force_login(qingyang_clerk)
    code = ledger["prints"].credit_code
    assert names(client.get(URL, {"q": code.lower()})) == ["青阳印刷厂"]


def test_the_uncertified_filter_finds_units_with_a_worker_without_a_valid_certificate(client, qingyang_clerk, ledger):
    client.force_login(qingyang_clerk)
    assert names(client.get(URL, {"uncertified": "yes"})) == ["晋江市青阳(福建)鞋业有限公司"]
    assert names(client.get(URL, {"uncertified": "no"})) == ["青阳印刷厂"]


def test_the_industry_filter(client, safety_office, ledger):
    client.force_login(safety_office)
    assert names(client.get(URL, {"industry": "印刷"})) == ["青阳印刷厂"]


def test_archived_units_leave_the_default_list_but_the_archived_filter_finds_them(client, qingyang_clerk, ledger):
    ledger["prints"].archive()
    client.force_login(qingyang_clerk)
    assert names(client.get(URL)) == ["晋江市青阳(福建)鞋业有限公司"]
    response = client.get(URL, {"state": "archived"})
    assert names(response) == ["青阳印刷厂"] and "已归档" in response.content.decode()
    assert len(names(client.get(URL, {"state": "all"}))) == 2


def test_the_list_sorts_by_any_column_both_ways(client, qingyang_clerk, ledger):
    client.force_login(qingyang_clerk)
    assert names(client.get(URL, {"o": "-uncertified"}))[0] == "晋江市青阳(福建)鞋业有限公司"
    assert names(client.get(URL, {"o": "uncertified"}))[0] == "青阳印刷厂"
    assert names(client.get(URL, {"o": "-name"})) == sorted(names(client.get(URL, {"o": "name"})), reverse=True)


def test_the_list_shows_fifty_units_a_page(client, qingyang_clerk):
    UnitFactory.create_batch(51, town=town("青阳"))
    client.force_login(qingyang_clerk)
    assert len(client.get(URL).context["page_obj"]) == 50
    assert len(client.get(URL, {"page": 2}).context["page_obj"]) == 1


@pytest.mark.parametrize("persona", ["qingyang_clerk", "safety_office", "market_bureau"])
@pytest.mark.parametrize("ordering", ["", "-workers"])
def test_the_query_count_does_not_grow_with_rows(client, request, persona, ordering, ledger, django_assert_max_num_queries):
    client.force_login(request.getfixturevalue(persona))
    with CaptureQueriesContext(connection) as few:
        client.get(URL, {"uncertified": "yes", "o": ordering})
    for _ in range(12):
        unit = UnitFactory(town=town("青阳"))
        CertificateFactory(worker=WorkerFactory(unit=unit), category=category("se-9-n1"))
        WorkerFactory(unit=unit)
    assert Unit.objects.count() == 15
    with django_assert_max_num_queries(len(few)):
        client.get(URL, {"uncertified": "yes", "o": ordering})
