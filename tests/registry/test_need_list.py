import datetime

import pytest
from django.urls import reverse

from registry.choices import NeedKind, NeedSource, NeedStatus
from tests.factories import TrainingNeedFactory, UnitFactory, WorkerFactory, category, town

pytestmark = pytest.mark.django_db
URL = reverse("registry:need_list")


@pytest.fixture
def ledger():
    """青阳: an electrician need (Attachment 1), a forklift review need (Attachment 2), a certified
    welding need; 安海: a crane need."""
    unit = UnitFactory(town=town("青阳"), name="晋江市青阳鞋业有限公司")
    wang = WorkerFactory(unit=unit, name="王建国", mobile="13905951234")
    li = WorkerFactory(unit=unit, name="李娜", mobile="13800000001")
    chen = WorkerFactory(unit=UnitFactory(town=town("安海"), name="安海机械厂"), name="陈安海")
    return {
        "electrician": TrainingNeedFactory(worker=wang, category=category("op-1")),
        "forklift": TrainingNeedFactory(worker=li, category=category("se-9-n1"), kind=NeedKind.REVIEW,
                                        source=NeedSource.DUE_REVIEW),
        "welding": TrainingNeedFactory(worker=wang, category=category("op-2-1"), status=NeedStatus.CERTIFIED),
        "crane": TrainingNeedFactory(worker=chen, category=category("se-6-q2")),
        "unit": unit,
    }


def rows(response):
    return sorted(need.form_category_text for need in response.context["page_obj"])


def test_anonymous_is_sent_to_sign_in(client):
    assert reverse("login") in client.get(URL)["Location"]


def test_a_department_user_gets_403(client, department_user):
    client.force_login(department_user)
    assert client.get(URL).status_code == 403


def test_a_clerk_sees_the_open_needs_of_their_town_with_the_attachment_each_belongs_to(client, qingyang_clerk, ledger):
    client.force_login(qingyang_clerk)
    response = client.get(URL)
    assert rows(response) == ["场（厂）内专用机动车辆（叉车司机）（复审）", "电工"]
    html = response.content.decode()
    assert "附件1" in html and "附件2" in html
    assert "陈安海" not in html and "安海机械厂" not in html


def test_another_towns_needs_never_appear_in_a_clerks_search(client, qingyang_clerk, ledger):
    client.force_login(qingyang_clerk)
    assert rows(client.get(URL, {"q": "陈安海"})) == []
    assert rows(client.get(URL, {"q": "安海机械"})) == []


def test_the_form_filter_gives_the_rows_of_one_attachment(client, qingyang_clerk, ledger):
    client.force_login(qingyang_clerk)
    assert rows(client.get(URL, {"form": "1"})) == ["电工"]
    assert rows(client.get(URL, {"form": "2"})) == ["场（厂）内专用机动车辆（叉车司机）（复审）"]


def test_the_kind_filter(client, qingyang_clerk, ledger):
    client.force_login(qingyang_clerk)
    assert rows(client.get(URL, {"kind": "review"})) == ["场（厂）内专用机动车辆（叉车司机）（复审）"]


def test_open_needs_are_the_default_and_other_statuses_can_be_chosen(client, qingyang_clerk, ledger):
    client.force_login(qingyang_clerk)
    assert rows(client.get(URL, {"status": "certified"})) == ["焊工（熔化焊接与热切割作业）"]
    assert len(rows(client.get(URL, {"status": "all"}))) == 3


def test_the_category_filter_takes_a_class_for_all_its_items(client, safety_office, ledger):
    client.force_login(safety_office)
    assert rows(client.get(URL, {"category": category("se-9").pk})) == ["场（厂）内专用机动车辆（叉车司机）（复审）"]
    assert rows(client.get(URL, {"category": category("op-1").pk})) == ["电工"]


def test_the_unit_and_source_filters(client, qingyang_clerk, ledger):
    client.force_login(qingyang_clerk)
    assert len(rows(client.get(URL, {"unit": ledger["unit"].pk}))) == 2
    assert rows(client.get(URL, {"source": "due_review"})) == ["场（厂）内专用机动车辆（叉车司机）（复审）"]


def test_the_search_finds_needs_by_worker_mobile_or_unit(client, qingyang_clerk, ledger):
    client.force_login(qingyang_clerk)
    assert rows(client.get(URL, {"q": "王建国"})) == ["电工"]
    assert rows(client.get(URL, {"q": "+86 138 0000 0001"})) == ["场（厂）内专用机动车辆（叉车司机）（复审）"]
    assert len(rows(client.get(URL, {"q": "青阳鞋业"}))) == 2


def test_the_closing_dates_bound_the_needs_closed_within_them(client, qingyang_clerk, ledger):
    """办结日期自/至, both days included: the dashboard's 本期取证/复审办结 is these rows."""
    day = datetime.date(2024, 5, 10)
    ledger["welding"].closed_on = day
    ledger["welding"].save()
    unit = ledger["unit"]
    TrainingNeedFactory(worker__unit=unit, category=category("op-1-1"), status=NeedStatus.CERTIFIED,
                        closed_on=day - datetime.timedelta(days=1))
    TrainingNeedFactory(worker__unit=unit, category=category("op-3-1"), status=NeedStatus.CANCELLED, closed_on=day)
    client.force_login(qingyang_clerk)
    within = {"status": "certified", "closed_from": day.isoformat(), "closed_to": day.isoformat()}
    assert rows(client.get(URL, within)) == ["焊工（熔化焊接与热切割作业）"]
    assert len(rows(client.get(URL, {**within, "closed_from": "2024-05-09"}))) == 2
    assert rows(client.get(URL, {**within, "closed_to": "2024-05-09", "closed_from": ""})) == ["电工（高压电工作业）"]
    assert rows(client.get(URL, {"status": "all", "closed_from": day.isoformat()})) == [
        "焊工（熔化焊接与热切割作业）", "高处作业（登高架设作业）"]
    assert rows(client.get(URL, {"closed_from": "2024-05-11"})) == []  # open needs have no closing date


def test_a_bad_closing_date_is_shown_on_the_form_in_chinese(client, qingyang_clerk, ledger):
    client.force_login(qingyang_clerk)
    response = client.get(URL, {"status": "certified", "closed_from": "2024-02-30", "closed_to": "昨天"})
    assert response.status_code == 200
    errors = response.context["filter"].form.errors
    assert errors["closed_from"] == ["输入一个有效的日期。"] and errors["closed_to"] == ["输入一个有效的日期。"]
    assert "输入一个有效的日期。" in response.content.decode()
    assert rows(response) == ["焊工（熔化焊接与热切割作业）"]  # the other filters still apply


def test_a_clerks_closing_dates_stay_in_their_town(client, anhai_clerk, ledger):
    closed = datetime.date(2024, 5, 10)
    TrainingNeedFactory(worker=ledger["welding"].worker, category=category("op-1-1"), status=NeedStatus.CERTIFIED,
                        closed_on=closed)
    client.force_login(anhai_clerk)
    assert rows(client.get(URL, {"status": "certified", "closed_from": "2024-01-01", "closed_to": "2024-12-31"})) == []


def test_the_safety_office_sees_every_town_and_can_filter_one(client, safety_office, ledger):
    client.force_login(safety_office)
    assert len(rows(client.get(URL))) == 3
    assert rows(client.get(URL, {"town": town("安海").pk})) == ["起重机械（起重机司机）"]


def test_a_bureau_sees_its_schemes_needs_with_masked_mobiles(client, market_bureau, emergency_bureau, ledger):
    client.force_login(market_bureau)
    response = client.get(URL)
    assert rows(response) == ["场（厂）内专用机动车辆（叉车司机）（复审）", "起重机械（起重机司机）"]
    assert "138****0001" in response.content.decode() and "13800000001" not in response.content.decode()
    client.force_login(emergency_bureau)
    assert rows(client.get(URL)) == ["电工"]


def test_needs_of_archived_workers_leave_the_list_as_they_leave_the_attachments(client, qingyang_clerk, ledger):
    ledger["electrician"].worker.archive()
    client.force_login(qingyang_clerk)
    assert rows(client.get(URL)) == ["场（厂）内专用机动车辆（叉车司机）（复审）"]


def test_the_list_sorts_and_paginates(client, qingyang_clerk, ledger):
    TrainingNeedFactory.create_batch(50, worker__unit=ledger["unit"], category=category("op-3-1"))
    client.force_login(qingyang_clerk)
    response = client.get(URL, {"o": "-category"})
    orders = [need.category.order for need in response.context["page_obj"]]
    assert len(orders) == 50 and orders == sorted(orders, reverse=True)
    assert len(client.get(URL, {"o": "-category", "page": 2}).context["page_obj"]) == 2


def test_the_list_runs_the_same_number_of_queries_for_many_rows(client, qingyang_clerk, django_assert_max_num_queries):
    client.force_login(qingyang_clerk)
    unit = UnitFactory(town=town("青阳"))
    TrainingNeedFactory.create_batch(2, worker__unit=unit)
    params = {"q": "张", "form": "1", "category": category("op-1").pk}
    with django_assert_max_num_queries(12) as few:
        client.get(URL, params)
    TrainingNeedFactory.create_batch(40, worker__unit=unit)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert len(client.get(URL, params).context["page_obj"]) == 42
