"""/certificates/: every certificate a role may see, its status computed from the dates as a coloured chip."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from registry.models import add_years
from tests.factories import CertificateFactory, UnitFactory, WorkerFactory, category, town

pytestmark = pytest.mark.django_db
URL = reverse("registry:certificate_list")
TODAY = datetime.date.today()


def days_ago(days):
    return TODAY - datetime.timedelta(days=days)


@pytest.fixture
def ledger():
    """青阳: one electrician certificate in each status and a forklift certificate; 安海: one welder."""
    qingyang = UnitFactory(town=town("青阳"), name="青阳鞋业")

    def certificate(name, key="op-1-2", issued_on=days_ago(200), **kwargs):
        worker = WorkerFactory(unit=qingyang, name=name)
        return CertificateFactory(worker=worker, category=category(key), issued_on=issued_on, **kwargs)

    three_years_ago = add_years(TODAY, -3)
    return {
        "valid": certificate("甲有效"),
        "due_soon": certificate("乙将复审", issued_on=three_years_ago + datetime.timedelta(days=30)),
        "overdue": certificate("丙逾期", issued_on=three_years_ago - datetime.timedelta(days=30)),
        "expired": certificate("丁过期", issued_on=add_years(TODAY, -7)),
        "forklift": certificate("戊叉车", key="se-9-n1", number="闽N1-2020-001"),
        "anhai": CertificateFactory(worker=WorkerFactory(unit=UnitFactory(town=town("安海")), name="己安海"),
                                    category=category("op-2-1")),
    }


def holders(response):
    return sorted(certificate.worker.name for certificate in response.context["page_obj"])


def test_anonymous_is_sent_to_sign_in(client):
    assert reverse("login") in client.get(URL)["Location"]


def test_a_department_user_may_not_read_the_ledger(client, department_user):
    client.force_login(department_user)
    assert client.get(URL).status_code == 403


def test_a_clerk_sees_only_their_towns_certificates(client, qingyang_clerk, ledger):
    client.force_login(qingyang_clerk)
    response = client.get(URL)
    assert holders(response) == sorted(["甲有效", "乙将复审", "丙逾期", "丁过期", "戊叉车"])
    assert "town" not in response.context["filter"].form.fields


def test_a_clerks_search_never_finds_another_towns_certificate(client, qingyang_clerk, ledger):
    client.force_login(qingyang_clerk)
    response = client.get(URL, {"q": ledger["anhai"].number})
    assert holders(response) == [] and response.context["page_obj"].paginator.count == 0


def test_the_safety_office_sees_every_town_and_filters_by_town(client, safety_office, ledger):
    client.force_login(safety_office)
    assert len(holders(client.get(URL))) == 6
    assert holders(client.get(URL, {"town": town("安海").pk})) == ["己安海"]


def test_each_bureau_sees_only_its_scheme(client, emergency_bureau, market_bureau, ledger):
    client.force_login(market_bureau)
    response = client.get(URL)
    assert holders(response) == ["戊叉车"] and "scheme" not in response.context["filter"].form.fields
    client.force_login(emergency_bureau)
    assert "戊叉车" not in holders(client.get(URL)) and len(holders(client.get(URL))) == 5


@pytest.mark.parametrize(
    "status, holder, chip",
    [("valid", "甲有效", '<span class="chip green">有效</span>'),
     ("review_due_soon", "乙将复审", '<span class="chip amber">即将复审</span>'),
     ("review_overdue", "丙逾期", '<span class="chip red">逾期未复审</span>'),
     ("expired", "丁过期", '<span class="chip grey">已过期</span>')],
)
def test_the_status_filter_and_chip_come_from_the_dates(client, qingyang_clerk, ledger, status, holder, chip):
    client.force_login(qingyang_clerk)
    response = client.get(URL, {"status": status, "scheme": "special_operation"})
    assert holders(response) == [holder]
    assert chip in response.content.decode()


def test_due_within_lists_reviews_falling_in_the_next_days(client, qingyang_clerk, ledger):
    client.force_login(qingyang_clerk)
    assert holders(client.get(URL, {"due_within": 45})) == ["乙将复审"]
    assert holders(client.get(URL, {"due_within": 10})) == []


def test_a_class_category_finds_its_items(client, safety_office, ledger):
    client.force_login(safety_office)
    assert holders(client.get(URL, {"category": category("op-2").pk})) == ["己安海"]
    assert holders(client.get(URL, {"category": category("se-9-n1").pk})) == ["戊叉车"]


def test_the_unit_filter_names_the_unit(client, safety_office, ledger):
    client.force_login(safety_office)
    unit = ledger["anhai"].worker.unit
    response = client.get(URL, {"unit": unit.pk, "status": "valid"})
    page = response.content.decode()
    assert holders(response) == ["己安海"] and unit.name in page
    assert f'<input type="hidden" name="unit" value="{unit.pk}"' in page
    assert 'href="?status=valid" title="取消按单位筛选"' in page


def test_another_towns_unit_is_not_a_valid_filter_for_a_clerk(client, qingyang_clerk, ledger):
    client.force_login(qingyang_clerk)
    response = client.get(URL, {"unit": ledger["anhai"].worker.unit_id})
    assert "己安海" not in holders(response) and response.context["filter"].errors["unit"]


@pytest.mark.parametrize("query", ["甲有效", "350582", "N1-2020"])
def test_the_search_finds_holder_name_id_number_or_certificate_number(client, qingyang_clerk, ledger, query):
    client.force_login(qingyang_clerk)
    found = holders(client.get(URL, {"q": query}))
    assert found and all(name in {"甲有效", "乙将复审", "丙逾期", "丁过期", "戊叉车"} for name in found)


def test_the_search_by_a_full_id_number_finds_that_holder(client, qingyang_clerk, ledger):
    client.force_login(qingyang_clerk)
    assert holders(client.get(URL, {"q": ledger["overdue"].worker.id_number.lower()})) == ["丙逾期"]


def test_archived_holders_are_left_out_unless_asked_for(client, qingyang_clerk, ledger):
    ledger["valid"].worker.archive()
    client.force_login(qingyang_clerk)
    assert "甲有效" not in holders(client.get(URL))
    assert "甲有效" in holders(client.get(URL, {"holders": "all"}))


def test_id_numbers_are_masked_for_the_bureaus_only(client, qingyang_clerk, emergency_bureau, ledger):
    worker = ledger["valid"].worker
    client.force_login(qingyang_clerk)
    assert worker.id_number in client.get(URL).content.decode()
    client.force_login(emergency_bureau)
    page = client.get(URL).content.decode()
    assert worker.id_number not in page and worker.masked_id_number in page


def test_the_list_sorts_by_next_review_both_ways(client, qingyang_clerk, ledger):
    client.force_login(qingyang_clerk)
    first = client.get(URL, {"o": "review", "scheme": "special_operation"}).context["page_obj"][0]
    last = client.get(URL, {"o": "-review", "scheme": "special_operation"}).context["page_obj"][0]
    assert first.worker.name == "丁过期" and last.worker.name == "甲有效"


def test_the_list_shows_fifty_certificates_a_page(client, qingyang_clerk):
    CertificateFactory.create_batch(51, worker__unit=UnitFactory(town=town("青阳")))
    client.force_login(qingyang_clerk)
    assert len(client.get(URL).context["page_obj"]) == 50
    assert len(client.get(URL, {"page": 2}).context["page_obj"]) == 1


@pytest.mark.parametrize("persona", ["qingyang_clerk", "safety_office", "market_bureau"])
def test_the_query_count_does_not_grow_with_rows(client, request, persona, ledger, django_assert_max_num_queries):
    client.force_login(request.getfixturevalue(persona))
    params = {"status": "valid", "o": "-holder", "unit": ledger["forklift"].worker.unit_id}
    with CaptureQueriesContext(connection) as few:
        client.get(URL, params)
    unit = ledger["forklift"].worker.unit
    CertificateFactory.create_batch(12, worker__unit=unit)
    CertificateFactory.create_batch(12, worker__unit=unit, category=category("se-6-q2"))
    with django_assert_max_num_queries(len(few)):
        client.get(URL, params)
