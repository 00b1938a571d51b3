import datetime

import pytest
from django.urls import reverse

from registry.choices import NeedKind, Verification
from tests.factories import CertificateFactory, TrainingNeedFactory, UnitFactory, WorkerFactory, category, town

pytestmark = pytest.mark.django_db
URL = reverse("registry:worker_list")
TODAY = datetime.date.today()


@pytest.fixture
def ledger():
    """In 青阳: an electrician with a valid certificate, a forklift driver with a need only.
    In 安海: a welder with an expired certificate."""
    qingyang_unit = UnitFactory(town=town("青阳"), name="晋江市青阳鞋业有限公司")
    electrician = WorkerFactory(unit=qingyang_unit, name="王建国", mobile="13905951234", id_number="35058219900101001X")
    CertificateFactory(worker=electrician, category=category("op-1-2"))
    forklift = WorkerFactory(unit=qingyang_unit, name="李娜", mobile="13800000001")
    TrainingNeedFactory(worker=forklift, category=category("se-9-n1"))
    welder = WorkerFactory(unit=UnitFactory(town=town("安海")), name="陈安海", mobile="13700000002")
    CertificateFactory(worker=welder, category=category("op-2-1"), issued_on=TODAY - datetime.timedelta(days=7 * 365))
    return {"electrician": electrician, "forklift": forklift, "welder": welder, "unit": qingyang_unit}


def names(response):
    return sorted(worker.name for worker in response.context["page_obj"])


def test_anonymous_is_sent_to_sign_in(client):
    response = client.get(URL)
    assert response.status_code == 302 and reverse("login") in response["Location"]


def test_a_department_user_gets_403(client, department_user):
    client.force_login(department_user)
    assert client.get(URL).status_code == 403


def test_a_clerk_lists_their_towns_workers_only(client, qingyang_clerk, ledger):
    client.force_login(qingyang_clerk)
    response = client.get(URL)
    assert names(response) == ["李娜", "王建国"]
    assert response.context["page_obj"].paginator.count == 2
    assert "陈安海" not in response.content.decode()


def test_another_towns_worker_never_appears_in_a_clerks_search(client, qingyang_clerk, ledger):
    client.force_login(qingyang_clerk)
    assert names(client.get(URL, {"q": "陈安海"})) == []
    assert names(client.get(URL, {"q": "13700000002"})) == []


def test_a_clerk_has_no_town_filter_and_cannot_widen_their_scope(client, qingyang_clerk, ledger):
    client.force_login(qingyang_clerk)
    response = client.get(URL, {"town": town("安海").pk})
    assert "town" not in response.context["filter"].form.fields
    assert names(response) == ["李娜", "王建国"]


def test_the_safety_office_sees_every_town_and_can_filter_one(client, safety_office, ledger):
    client.force_login(safety_office)
    assert names(client.get(URL)) == ["李娜", "王建国", "陈安海"]
    assert names(client.get(URL, {"town": town("安海").pk})) == ["陈安海"]


def test_a_bureau_sees_the_workers_of_its_scheme_with_masked_mobiles(client, market_bureau, emergency_bureau, ledger):
    client.force_login(market_bureau)
    response = client.get(URL)
    assert names(response) == ["李娜"]
    assert "138****0001" in response.content.decode() and "13800000001" not in response.content.decode()
    client.force_login(emergency_bureau)
    assert names(client.get(URL)) == ["王建国", "陈安海"]


def test_the_clerk_and_the_safety_office_see_mobiles_in_full(client, qingyang_clerk, safety_office, ledger):
    for user in (qingyang_clerk, safety_office):
        client.force_login(user)
        assert "13905951234" in client.get(URL).content.decode()


@pytest.mark.parametrize(
    "query, expected",
    [
        ("王建国", ["王建国"]),
        ("王 建", ["王建国"]),
        ("35058219900101001x", ["王建国"]),
        ("３５０５８２１９９００１０１００１Ｘ", ["王建国"]),
        ("001X", ["王建国"]),
        ("+86 139 0595 1234", ["王建国"]),
        ("139-0595-1234", ["王建国"]),
        ("1234", ["王建国"]),
        ("张", []),
    ],
)
def test_the_search_finds_a_worker_by_name_id_number_or_mobile_as_typed(client, qingyang_clerk, ledger, query, expected):
    client.force_login(qingyang_clerk)
    assert names(client.get(URL, {"q": query})) == expected


def test_the_unit_filter_lists_the_clerks_active_units(client, qingyang_clerk, ledger):
    other = UnitFactory(town=town("青阳"))
    WorkerFactory(unit=other, name="赵六")
    client.force_login(qingyang_clerk)
    response = client.get(URL, {"unit": ledger["unit"].pk})
    assert names(response) == ["李娜", "王建国"]
    assert set(response.context["filter"].form.fields["unit"].queryset) == {ledger["unit"], other}


def test_a_unit_of_another_town_is_not_a_valid_filter(client, qingyang_clerk, ledger):
    client.force_login(qingyang_clerk)
    response = client.get(URL, {"unit": ledger["welder"].unit.pk})
    assert "unit" in response.context["filter"].form.errors
    assert "陈安海" not in response.content.decode()


def test_the_scheme_filter_matches_certificates_and_needs(client, qingyang_clerk, ledger):
    client.force_login(qingyang_clerk)
    assert names(client.get(URL, {"scheme": "special_equipment"})) == ["李娜"]
    assert names(client.get(URL, {"scheme": "special_operation"})) == ["王建国"]


def test_the_category_filter_takes_a_class_for_all_its_items(client, qingyang_clerk, ledger):
    client.force_login(qingyang_clerk)
    assert names(client.get(URL, {"category": category("op-1").pk})) == ["王建国"]
    assert names(client.get(URL, {"category": category("op-1-1").pk})) == []
    assert names(client.get(URL, {"category": category("se-9-n1").pk})) == ["李娜"]


@pytest.mark.parametrize(
    "issued_days_ago, status",
    [(200, "valid"), (3 * 365 - 30, "review_due_soon"), (3 * 365 + 30, "review_overdue"), (7 * 365, "expired")],
)
def test_the_status_filter_finds_workers_by_certificate_status(client, safety_office, issued_days_ago, status):
    worker = WorkerFactory(name="状态人")
    CertificateFactory(worker=worker, issued_on=TODAY - datetime.timedelta(days=issued_days_ago))
    WorkerFactory(name="无证人")
    client.force_login(safety_office)
    assert names(client.get(URL, {"status": status})) == ["状态人"]


def test_the_status_filter_finds_workers_without_any_certificate(client, qingyang_clerk, ledger):
    client.force_login(qingyang_clerk)
    assert names(client.get(URL, {"status": "none"})) == ["李娜"]


def test_status_and_scheme_together_ask_about_that_schemes_certificates(client, qingyang_clerk, ledger):
    client.force_login(qingyang_clerk)
    assert names(client.get(URL, {"status": "valid", "scheme": "special_equipment"})) == []
    assert names(client.get(URL, {"status": "none", "scheme": "special_equipment"})) == ["李娜"]


def test_the_need_kind_filter_finds_open_needs(client, qingyang_clerk, ledger):
    TrainingNeedFactory(worker=ledger["electrician"], category=category("op-1-2"), kind=NeedKind.REVIEW)
    client.force_login(qingyang_clerk)
    assert names(client.get(URL, {"need_kind": "initial"})) == ["李娜"]
    assert names(client.get(URL, {"need_kind": "review"})) == ["王建国"]


def test_the_standing_filter_tells_workers_holding_a_certificate_in_good_standing(client, safety_office, ledger):
    """持有效证书: a certificate valid and not overdue for review, not forged (the dashboard's 持证在岗)."""
    overdue = WorkerFactory(unit=ledger["unit"], name="逾期人")
    CertificateFactory(worker=overdue, category=category("op-1-2"), issued_on=TODAY - datetime.timedelta(days=3 * 365 + 30))
    forged = WorkerFactory(unit=ledger["unit"], name="假证人")
    CertificateFactory(worker=forged, category=category("se-9-n1"), verification=Verification.FORGED)
    due = WorkerFactory(unit=ledger["unit"], name="将复审人")  # due soon: still in good standing
    CertificateFactory(worker=due, category=category("op-1-2"), issued_on=TODAY - datetime.timedelta(days=3 * 365 - 30))
    client.force_login(safety_office)
    assert names(client.get(URL, {"standing": "certified"})) == ["将复审人", "王建国"]
    assert names(client.get(URL, {"standing": "uncertified"})) == ["假证人", "李娜", "逾期人", "陈安海"]


def test_the_standing_filter_asks_about_the_chosen_scheme_and_category(client, safety_office, ledger):
    CertificateFactory(worker=ledger["forklift"], category=category("se-9-n1"))
    client.force_login(safety_office)
    # the electrician holds a special-operation certificate only, the forklift driver now a special-equipment one
    assert names(client.get(URL, {"standing": "certified", "scheme": "special_operation"})) == ["王建国"]
    assert names(client.get(URL, {"standing": "certified", "scheme": "special_equipment"})) == ["李娜"]
    assert names(client.get(URL, {"standing": "uncertified", "scheme": "special_operation"})) == ["陈安海"]
    assert names(client.get(URL, {"standing": "certified", "category": category("op-1").pk})) == ["王建国"]
    assert names(client.get(URL, {"standing": "certified", "category": category("op-2").pk})) == []
    assert names(client.get(URL, {"standing": "uncertified", "category": category("op-2-1").pk})) == ["陈安海"]


def test_a_bureau_asks_about_its_own_schemes_certificates(client, emergency_bureau, market_bureau, ledger):
    CertificateFactory(worker=ledger["forklift"], category=category("se-9-n1"))
    CertificateFactory(worker=ledger["welder"], category=category("se-2-g1"))  # a valid boiler certificate
    client.force_login(emergency_bureau)
    assert names(client.get(URL, {"standing": "certified"})) == ["王建国"]
    assert names(client.get(URL, {"standing": "uncertified"})) == ["陈安海"]  # the boiler certificate is not its scheme's
    client.force_login(market_bureau)
    assert names(client.get(URL, {"standing": "certified"})) == ["李娜", "陈安海"]
    assert names(client.get(URL, {"standing": "uncertified", "scheme": "special_operation"})) == []


def test_a_clerks_standing_filter_stays_in_their_town(client, qingyang_clerk, anhai_clerk, ledger):
    client.force_login(qingyang_clerk)
    assert names(client.get(URL, {"standing": "certified"})) == ["王建国"]
    assert names(client.get(URL, {"standing": "uncertified"})) == ["李娜"]
    client.force_login(anhai_clerk)
    assert names(client.get(URL, {"standing": "certified"})) == []
    assert names(client.get(URL, {"standing": "uncertified"})) == ["陈安海"]


def test_an_unknown_standing_is_an_error_on_the_form_not_a_crash(client, qingyang_clerk, ledger):
    client.force_login(qingyang_clerk)
    response = client.get(URL, {"standing": "maybe"})
    assert response.status_code == 200
    assert "选择一个有效的选项" in response.content.decode()
    assert names(response) == ["李娜", "王建国"]


def test_archived_workers_leave_the_list_but_can_be_shown(client, qingyang_clerk, ledger):
    ledger["forklift"].archive()
    client.force_login(qingyang_clerk)
    assert names(client.get(URL)) == ["王建国"]
    assert names(client.get(URL, {"state": "archived"})) == ["李娜"]
    assert names(client.get(URL, {"state": "all"})) == ["李娜", "王建国"]


def test_the_list_sorts_by_the_o_parameter(client, safety_office, ledger):
    client.force_login(safety_office)
    response = client.get(URL, {"o": "-town"})
    assert [w.name for w in response.context["page_obj"]][0] == "陈安海"
    response = client.get(URL, {"o": "unit"})
    assert [w.unit.name for w in response.context["page_obj"]] == sorted(w.unit.name for w in response.context["page_obj"])


def test_rows_show_unit_and_certificate_status_chips(client, qingyang_clerk, ledger):
    client.force_login(qingyang_clerk)
    html = client.get(URL).content.decode()
    assert "晋江市青阳鞋业有限公司" in html
    assert '<span class="chip green">有效</span>' in html
    assert '<span class="chip red">无证书</span>' in html
    assert "场（厂）内专用机动车辆（叉车司机）" in html


def test_the_list_paginates_fifty_a_page(client, qingyang_clerk):
    WorkerFactory.create_batch(51, unit=UnitFactory(town=town("青阳")))
    client.force_login(qingyang_clerk)
    assert len(client.get(URL).context["page_obj"]) == 50
    assert len(client.get(URL, {"page": 2}).context["page_obj"]) == 1


def test_the_list_runs_the_same_number_of_queries_for_many_rows(client, qingyang_clerk, django_assert_max_num_queries):
    unit = UnitFactory(town=town("青阳"))

    def add(count):
        for worker in WorkerFactory.create_batch(count, unit=unit):
            CertificateFactory(worker=worker)
            TrainingNeedFactory(worker=worker, category=category("op-1-1"))

    client.force_login(qingyang_clerk)
    add(2)
    params = {"q": "张", "status": "valid", "standing": "certified", "need_kind": "initial",
              "category": category("op-1").pk}
    with django_assert_max_num_queries(12) as few:
        client.get(URL, params)
    add(40)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert len(client.get(URL, params).context["page_obj"]) == 42
