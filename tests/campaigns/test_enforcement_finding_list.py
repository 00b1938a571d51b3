"""The list of workers checked in inspections (人员检查情况): who sees which rows, and its filters.

It is the list behind the dashboard's 违法人次: scoped as the inspections are (a clerk, their
town's units and the inspections their town made elsewhere), a bureau's rows of its own scheme.
"""

import datetime

import pytest
from django.urls import reverse

from campaigns.models import Finding, Inspection
from tests.campaigns.test_enforcement_helpers import make_inspection, queries_for
from tests.factories import UnitFactory, WorkerFactory, category, department, town

pytestmark = pytest.mark.django_db

URL = reverse("campaigns:finding_list")
YESTERDAY = datetime.date.today() - datetime.timedelta(days=1)


def found(inspection, name, result, key):
    worker = WorkerFactory(unit=inspection.unit, name=name)
    return Finding.objects.create(inspection=inspection, worker=worker, result=result, category=category(key))


@pytest.fixture
def findings():
    """青阳 inspects its own unit (three workers, both schemes) and an 安海 unit (交叉互检); 磁灶 its own, long ago.
    A forgery check's finding (no inspection) belongs to no list here."""
    own = make_inspection(UnitFactory(town=town("青阳"), name="青阳测试厂"), inspected_on=YESTERDAY)
    cross = make_inspection(UnitFactory(town=town("安海"), name="安海测试厂"), inspected_on=YESTERDAY,
                            inspecting_town=town("青阳"), is_cross_inspection=True)
    elsewhere = make_inspection(UnitFactory(town=town("磁灶"), name="磁灶测试厂"),
                                inspected_on=YESTERDAY - datetime.timedelta(days=100))
    Finding.objects.create(worker=WorkerFactory(unit=own.unit, name="核验人"), result="forged",
                           category=category("op-1-2"))
    return {
        "certified": found(own, "持证甲", "certified", "op-1-2"),
        "no_certificate": found(own, "无证乙", "no_certificate", "op-2-1"),
        "expired": found(own, "过期丙", "expired", "se-2-g1"),
        "cross": found(cross, "假证丁", "forged", "op-1-2"),
        "elsewhere": found(elsewhere, "无证戊", "no_certificate", "se-9-n1"),
    }


def listed(client, user, **params):
    client.force_login(user)
    response = client.get(URL, params)
    assert response.status_code == 200
    return sorted(finding.worker.name for finding in response.context["page_obj"])


def test_anonymous_is_sent_to_sign_in(client):
    response = client.get(URL)
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_a_city_department_may_not_see_it(client, department_user, findings):
    client.force_login(department_user)
    assert client.get(URL).status_code == 403
    assert not Finding.objects.for_user(department_user).exists()


def test_the_safety_office_sees_every_inspections_findings(client, safety_office, findings):
    assert listed(client, safety_office) == ["假证丁", "持证甲", "无证乙", "无证戊", "过期丙"]


@pytest.mark.parametrize("persona, expected", [
    ("emergency_bureau", ["假证丁", "持证甲", "无证乙"]),
    ("market_bureau", ["无证戊", "过期丙"]),
])
def test_a_bureau_sees_its_own_schemes_findings(client, personas, findings, persona, expected):
    user = personas[persona]
    assert listed(client, user) == expected
    other = "special_equipment" if user.scheme == "special_operation" else "special_operation"
    assert listed(client, user, scheme=other) == expected  # no scheme filter to widen it
    client.force_login(user)
    assert "scheme" not in client.get(URL).context["filterset"].form.fields


def test_a_clerk_sees_their_towns_units_and_their_towns_inspections_elsewhere(
        client, qingyang_clerk, anhai_clerk, findings):
    assert listed(client, qingyang_clerk) == ["假证丁", "持证甲", "无证乙", "过期丙"]
    assert listed(client, qingyang_clerk, inspected="own") == ["持证甲", "无证乙", "过期丙"]
    assert listed(client, qingyang_clerk, inspected="other") == ["假证丁"]
    assert listed(client, anhai_clerk) == ["假证丁"]  # their unit, inspected by 青阳
    assert listed(client, anhai_clerk, inspected="own") == ["假证丁"]
    assert listed(client, anhai_clerk, inspected="other") == []


def test_a_clerk_cannot_ask_for_another_town(client, qingyang_clerk, findings):
    assert listed(client, qingyang_clerk, town=town("磁灶").pk) == ["假证丁", "持证甲", "无证乙", "过期丙"]
    client.force_login(qingyang_clerk)
    fields = client.get(URL).context["filterset"].form.fields
    assert "town" not in fields and "inspected" in fields


def test_the_city_roles_choose_a_town_not_own_or_other(client, safety_office, findings):
    assert listed(client, safety_office, town=town("青阳").pk) == ["持证甲", "无证乙", "过期丙"]
    assert listed(client, safety_office, town=town("安海").pk) == ["假证丁"]
    client.force_login(safety_office)
    assert "inspected" not in client.get(URL).context["filterset"].form.fields


def test_the_result_scheme_and_date_filters(client, safety_office, findings):
    assert listed(client, safety_office, result="violations") == ["假证丁", "无证乙", "无证戊", "过期丙"]
    assert listed(client, safety_office, result="no_certificate") == ["无证乙", "无证戊"]
    assert listed(client, safety_office, scheme="special_equipment") == ["无证戊", "过期丙"]
    assert listed(client, safety_office, date_from=YESTERDAY.isoformat()) == ["假证丁", "持证甲", "无证乙", "过期丙"]
    last_year = YESTERDAY - datetime.timedelta(days=99)
    assert listed(client, safety_office, date_to=last_year.isoformat()) == ["无证戊"]
    assert listed(client, safety_office, result="violations", town=town("青阳").pk, scheme="special_operation",
                  date_from=YESTERDAY.isoformat(), date_to=YESTERDAY.isoformat()) == ["无证乙"]


def test_the_search_finds_a_unit_or_a_worker(client, safety_office, findings):
    assert listed(client, safety_office, q="安海测试") == ["假证丁"]
    assert listed(client, safety_office, q="过期丙") == ["过期丙"]


def test_bad_filter_input_is_shown_on_the_form_in_chinese(client, safety_office, findings):
    client.force_login(safety_office)
    response = client.get(URL, {"date_from": "2024-13-01", "result": "nonsense", "town": "x"})
    assert response.status_code == 200
    errors = response.context["filterset"].form.errors
    assert errors["date_from"] == ["输入一个有效的日期。"]
    assert "选择一个有效的选项" in errors["result"][0] and "town" in errors
    html = response.content.decode()
    assert "输入一个有效的日期。" in html
    assert response.context["page_obj"].paginator.count == 5  # the bad filters narrow nothing


def test_the_page_is_in_chinese_and_links_each_row_to_its_inspection(client, qingyang_clerk, findings):
    client.force_login(qingyang_clerk)
    html = client.get(URL, {"result": "violations"}).content.decode()
    assert "<h1>人员检查情况" in html and "共 3 人次" in html
    assert "无证上岗" in html and "证书过期或逾期未复审" in html and "持假证" in html
    assert reverse("campaigns:inspection_detail", args=[findings["cross"].inspection_id]) in html
    assert "被检查单位" in html and "检查日期自" in html


def test_the_enforcement_pages_link_to_it(client, qingyang_clerk, findings):
    client.force_login(qingyang_clerk)
    assert f'href="{URL}"' in client.get(reverse("campaigns:inspection_list")).content.decode()


def test_the_page_runs_a_fixed_number_of_queries(client, safety_office, qingyang_clerk, findings):
    for user in (safety_office, qingyang_clerk):
        client.force_login(user)
        few = queries_for(client, URL, result="violations")
        for _ in range(3):
            inspection = make_inspection(UnitFactory(town=town("青阳")), inspected_on=YESTERDAY,
                                         inspecting_department=department("应急局"))
            for key in ("op-1-2", "se-9-n1", "op-2-1"):
                found(inspection, "新人", "no_certificate", key)
        assert queries_for(client, URL, result="violations") == few
    assert Inspection.objects.count() == 9
