"""Inspection records: who may record what, the cross-inspection flag, the form's rules."""

import datetime

import pytest
from django.urls import reverse

from campaigns.enforcement_services import make_random_draw
from campaigns.models import Inspection, Measure
from tests.campaigns.test_enforcement_helpers import (  # noqa: F401  (plan is a fixture)
    ROLES,
    make_inspection,
    make_inspector,
    plan,
    queries_for,
    status_for,
)
from tests.factories import UnitFactory, WorkerFactory, department, town

pytestmark = pytest.mark.django_db

YESTERDAY = datetime.date.today() - datetime.timedelta(days=1)


@pytest.fixture
def units():
    return {name: UnitFactory(town=town(name), name=f"{name}测试厂") for name in ("青阳", "安海", "磁灶")}


def form_data(unit, **overrides):
    data = {"unit": unit.pk, "inspected_on": YESTERDAY.isoformat(), "inspector_names": "林一、陈二", "place": "车间"}
    data.update(overrides)
    return data


@pytest.mark.parametrize("url_name", ["inspection_list", "inspection_create"])
@pytest.mark.parametrize("role, expected", [
    ("qingyang_clerk", 200), ("anhai_clerk", 200), ("safety_office", 200), ("emergency_bureau", 200),
    ("market_bureau", 200), ("department_user", 403), ("anonymous", 302),
])
def test_list_and_unit_picker_by_role(client, personas, url_name, role, expected):
    assert status_for(client, personas[role], "get", reverse(f"campaigns:{url_name}")) == expected


@pytest.mark.parametrize("role, unit_town, expected", [
    ("qingyang_clerk", "青阳", 200), ("qingyang_clerk", "安海", 200), ("qingyang_clerk", "磁灶", 404),
    ("anhai_clerk", "青阳", 404), ("anhai_clerk", "磁灶", 200),
    ("safety_office", "磁灶", 200), ("emergency_bureau", "青阳", 200), ("market_bureau", "安海", 200),
    ("department_user", "青阳", 403), ("anonymous", "青阳", 302),
])
def test_a_clerk_records_own_units_and_the_one_town_the_plan_assigns(client, personas, plan, units, role, unit_town, expected):
    url = reverse("campaigns:inspection_create") + f"?unit={units[unit_town].pk}"
    assert status_for(client, personas[role], "get", url) == expected


def test_the_unit_picker_lists_only_units_a_clerk_may_inspect(client, qingyang_clerk, plan, units):
    client.force_login(qingyang_clerk)
    response = client.get(reverse("campaigns:inspection_create"))
    names = [unit.name for unit in response.context["page_obj"]]
    assert sorted(names) == ["安海测试厂", "青阳测试厂"]
    assert "本镇（街道）检查：安海镇" in response.content.decode()


def test_a_clerk_records_an_inspection_made_by_their_town(client, qingyang_clerk, units):
    client.force_login(qingyang_clerk)
    response = client.post(reverse("campaigns:inspection_create"), form_data(units["青阳"]))
    inspection = Inspection.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("campaigns:inspection_findings", args=[inspection.pk])
    assert inspection.inspecting_town == town("青阳") and inspection.recorded_by == qingyang_clerk
    assert not inspection.is_cross_inspection and inspection.campaign is not None


def test_a_cross_inspection_is_flagged_when_the_inspecting_town_differs(client, qingyang_clerk, safety_office, plan, units):
    client.force_login(qingyang_clerk)
    client.post(reverse("campaigns:inspection_create"), form_data(units["安海"]))
    assert Inspection.objects.get(unit=units["安海"]).is_cross_inspection
    client.force_login(safety_office)
    client.post(reverse("campaigns:inspection_create"), form_data(units["磁灶"], inspecting_department=department("应急局").pk))
    assert not Inspection.objects.get(unit=units["磁灶"]).is_cross_inspection
    client.post(reverse("campaigns:inspection_create"), form_data(units["青阳"], inspecting_town=town("灵源").pk))
    assert Inspection.objects.get(unit=units["青阳"]).is_cross_inspection


def test_a_clerk_cannot_post_another_towns_unit(client, qingyang_clerk, units):
    client.force_login(qingyang_clerk)
    response = client.post(reverse("campaigns:inspection_create"), form_data(units["磁灶"]))
    assert response.status_code == 404 and not Inspection.objects.exists()


def test_at_least_two_inspectors_from_the_list_or_by_name(client, safety_office, units):
    client.force_login(safety_office)
    one = make_inspector("王执法")
    data = form_data(units["青阳"], inspector_names="林一", inspecting_department=department("应急局").pk)
    response = client.post(reverse("campaigns:inspection_create"), data)
    assert response.status_code == 200 and "至少须有两名执法人员" in response.content.decode()
    assert response.context["form"]["place"].value() == "车间"  # what was typed is kept
    data["inspectors"] = [one.pk]
    assert client.post(reverse("campaigns:inspection_create"), data).status_code == 302
    assert list(Inspection.objects.get().inspectors.all()) == [one]


def test_a_refusal_must_be_referred_to_a_city_department(client, safety_office, units):
    client.force_login(safety_office)
    data = form_data(units["青阳"], inspecting_department=department("应急局").pk, refused_cooperation="on")
    response = client.post(reverse("campaigns:inspection_create"), data)
    assert "须上报市直有关主管部门" in response.content.decode()
    data["referred_to"] = department("住建局").pk
    assert client.post(reverse("campaigns:inspection_create"), data).status_code == 302
    assert Inspection.objects.get().referred_to == department("住建局")


def test_the_city_must_say_who_inspected_and_dates_cannot_be_future(client, safety_office, units):
    client.force_login(safety_office)
    tomorrow = (datetime.date.today() + datetime.timedelta(days=1)).isoformat()
    response = client.post(reverse("campaigns:inspection_create"), form_data(units["青阳"], inspected_on=tomorrow))
    content = response.content.decode()
    assert "请填写检查部门或检查镇（街道）" in content and "检查日期不能晚于今天" in content
    assert not Inspection.objects.exists()


def test_a_bureau_defaults_to_its_own_department(client, market_bureau, units):
    client.force_login(market_bureau)
    response = client.get(reverse("campaigns:inspection_create") + f"?unit={units['青阳'].pk}")
    assert response.context["form"].initial["inspecting_department"] == department("市场监管局")


def test_a_random_draw_link_must_have_drawn_the_unit(client, safety_office, units):
    drawn = make_random_draw(seed=1, unit_count=1, town=town("青阳")).random_draw
    client.force_login(safety_office)
    data = form_data(units["青阳"], inspecting_department=department("应急局").pk, random_draw=drawn.pk)
    assert client.post(reverse("campaigns:inspection_create"), data).status_code == 302
    assert Inspection.objects.get().random_draw == drawn
    data = form_data(units["安海"], inspecting_department=department("应急局").pk, random_draw=drawn.pk)
    assert "random_draw" in client.post(reverse("campaigns:inspection_create"), data).context["form"].errors


@pytest.fixture
def inspections(plan, units):
    return {
        "own": make_inspection(units["青阳"], inspecting_town=town("青阳")),
        "cross": make_inspection(units["安海"], inspecting_town=town("青阳"), is_cross_inspection=True),
        "city": make_inspection(units["青阳"], inspecting_town=None, inspecting_department=department("应急局")),
        "elsewhere": make_inspection(units["磁灶"], inspecting_town=town("磁灶")),
    }


@pytest.mark.parametrize("role, which, detail, edit", [
    ("qingyang_clerk", "own", 200, 200), ("qingyang_clerk", "cross", 200, 200),
    ("qingyang_clerk", "city", 200, 403), ("qingyang_clerk", "elsewhere", 404, 404),
    ("anhai_clerk", "cross", 200, 403), ("anhai_clerk", "own", 404, 404),
    ("safety_office", "elsewhere", 200, 200), ("emergency_bureau", "own", 200, 200), ("market_bureau", "cross", 200, 200),
    ("department_user", "own", 403, 403), ("anonymous", "own", 302, 302),
])
def test_detail_and_edit_by_role(client, personas, inspections, role, which, detail, edit):
    pk = inspections[which].pk
    assert status_for(client, personas[role], "get", reverse("campaigns:inspection_detail", args=[pk])) == detail
    assert status_for(client, personas[role], "get", reverse("campaigns:inspection_edit", args=[pk])) == edit


def test_a_clerk_lists_their_towns_units_and_their_cross_inspections(client, qingyang_clerk, anhai_clerk, inspections):
    client.force_login(qingyang_clerk)
    response = client.get(reverse("campaigns:inspection_list"))
    assert {i.pk for i in response.context["page_obj"]} == {inspections[k].pk for k in ("own", "cross", "city")}
    assert "本镇（街道）检查：安海镇" in response.content.decode()
    client.force_login(anhai_clerk)
    response = client.get(reverse("campaigns:inspection_list"))
    assert {i.pk for i in response.context["page_obj"]} == {inspections["cross"].pk}
    assert "本镇（街道）检查：磁灶镇" in response.content.decode()


def test_the_list_filters(client, safety_office, inspections):
    client.force_login(safety_office)
    url = reverse("campaigns:inspection_list")
    assert client.get(url, {"cross": "yes"}).context["page_obj"].paginator.count == 1
    assert client.get(url, {"town": town("磁灶").pk}).context["page_obj"].paginator.count == 1
    assert client.get(url, {"q": "青阳测试"}).context["page_obj"].paginator.count == 2
    assert client.get(url, {"outcome": "clean"}).context["page_obj"].paginator.count == 4


def test_the_cases_outcome_lists_each_inspection_that_led_to_a_case_or_a_referral_once(client, safety_office, inspections):
    Measure.objects.create(inspection=inspections["own"], kind="case_filed")
    Measure.objects.create(inspection=inspections["own"], kind="judicial_referral")
    Measure.objects.create(inspection=inspections["cross"], kind="judicial_referral")
    Measure.objects.create(inspection=inspections["city"], kind="fine", fine_amount=200)
    Measure.objects.create(inspection=inspections["elsewhere"], kind="rectify_order", deadline=YESTERDAY)
    client.force_login(safety_office)
    response = client.get(reverse("campaigns:inspection_list"), {"outcome": "cases"})
    assert [i.pk for i in response.context["page_obj"]] == [inspections["cross"].pk, inspections["own"].pk]
    assert "立案/移送" in response.content.decode()


def test_a_clerk_tells_their_towns_units_from_their_inspections_elsewhere(client, qingyang_clerk, anhai_clerk, inspections):
    url = reverse("campaigns:inspection_list")
    client.force_login(qingyang_clerk)
    own = client.get(url, {"inspected": "own"})
    assert {i.pk for i in own.context["page_obj"]} == {inspections["own"].pk, inspections["city"].pk}
    assert {i.pk for i in client.get(url, {"inspected": "other"}).context["page_obj"]} == {inspections["cross"].pk}
    assert "本镇（街道）的单位" in own.content.decode()
    client.force_login(anhai_clerk)
    assert {i.pk for i in client.get(url, {"inspected": "own"}).context["page_obj"]} == {inspections["cross"].pk}
    assert not client.get(url, {"inspected": "other"}).context["page_obj"].object_list


def test_the_city_roles_have_a_town_filter_instead(client, safety_office, inspections):
    client.force_login(safety_office)
    response = client.get(reverse("campaigns:inspection_list"), {"inspected": "own"})
    assert "inspected" not in response.context["filterset"].form.fields
    assert response.context["page_obj"].paginator.count == 4


def test_a_bad_date_is_shown_on_the_filter_form_in_chinese(client, qingyang_clerk, inspections):
    client.force_login(qingyang_clerk)
    response = client.get(reverse("campaigns:inspection_list"), {"date_from": "2024-02-30", "outcome": "cases"})
    assert response.status_code == 200
    assert response.context["filterset"].form.errors["date_from"] == ["输入一个有效的日期。"]
    assert "输入一个有效的日期。" in response.content.decode()


def test_editing_keeps_the_unit_and_recomputes_the_flag(client, safety_office, inspections):
    inspection = inspections["city"]
    client.force_login(safety_office)
    data = {"inspected_on": YESTERDAY.isoformat(), "inspecting_town": town("西园").pk, "inspector_names": "甲、乙"}
    assert client.post(reverse("campaigns:inspection_edit", args=[inspection.pk]), data).status_code == 302
    inspection.refresh_from_db()
    assert inspection.inspecting_town == town("西园") and inspection.is_cross_inspection


def test_pages_run_a_fixed_number_of_queries(client, safety_office, units):
    client.force_login(safety_office)
    inspector = make_inspector("王执法")
    for unit in units.values():
        make_inspection(unit).inspectors.add(inspector)
        WorkerFactory(unit=unit)
    list_url = reverse("campaigns:inspection_list")
    few = queries_for(client, list_url)
    for _ in range(5):
        make_inspection(units["青阳"]).inspectors.add(make_inspector("李执法"))
    assert queries_for(client, list_url) == few
    picker = reverse("campaigns:inspection_create")
    few = queries_for(client, picker)
    UnitFactory.create_batch(4)
    assert queries_for(client, picker) == few
