"""The list of trainees enrolled in classes (参训记录): who sees which rows, and its filters.

It is the list behind the dashboard's 本期培训人次: scoped as the needs are (a clerk, their town's
trainees in whichever class; a bureau, its scheme's; the safety office, all), one row per enrolment.
"""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from campaigns.choices import ExamResult
from campaigns.models import Enrolment
from tests.factories import TrainingNeedFactory, UnitFactory, WorkerFactory, category, town

from .conftest import count_queries, make_class

pytestmark = pytest.mark.django_db

URL = reverse("campaigns:attendance_list")
TODAY = timezone.localdate()
DAY = datetime.timedelta(days=1)


def trainee(training_class, town_name, name, key, attended=True, exam_result=ExamResult.PENDING, unit=None):
    unit = unit or UnitFactory(town=town(town_name), name=f"{town_name}{name}的工厂")
    need = TrainingNeedFactory(worker=WorkerFactory(unit=unit, name=name), category=category(key))
    return Enrolment.objects.create(training_class=training_class, need=need, attended=attended,
                                    exam_result=exam_result)


@pytest.fixture
def enrolments(school, quanzhou):
    """Two classes that ended ten days ago (one of each scheme, the electricians' held in 安海), one that
    ended 200 days ago; trainees of 青阳, 安海 and 磁灶 who came, stayed away or are not yet recorded."""
    electric = make_class(school, "op-1-2", town_name="安海", name="低压电工班")
    forklift = make_class(quanzhou, "se-9-n1", name="叉车司机班")
    old = make_class(quanzhou, "se-9-n1", name="旧叉车班", starts_on=TODAY - 210 * DAY, ends_on=TODAY - 200 * DAY,
                     exam_on=TODAY - 195 * DAY)
    return {
        "passed": trainee(electric, "青阳", "电工甲", "op-1-2", exam_result=ExamResult.PASSED),
        "failed": trainee(forklift, "青阳", "叉车乙", "se-9-n1", exam_result=ExamResult.FAILED),
        "absent": trainee(electric, "青阳", "缺席丙", "op-1-2", attended=False, exam_result=ExamResult.ABSENT),
        "unrecorded": trainee(forklift, "青阳", "待定丁", "se-9-n1", attended=None),
        "anhai": trainee(electric, "安海", "安海戊", "op-1-2"),
        "anhai_old": trainee(old, "安海", "旧班己", "se-9-n1", exam_result=ExamResult.PASSED),
        "cizao": trainee(forklift, "磁灶", "磁灶庚", "se-9-n1"),
    }


EVERYONE = ["叉车乙", "安海戊", "待定丁", "旧班己", "电工甲", "磁灶庚", "缺席丙"]


def listed(client, user, **params):
    client.force_login(user)
    response = client.get(URL, params)
    assert response.status_code == 200
    return sorted(enrolment.need.worker.name for enrolment in response.context["page_obj"])


def form_fields(client, user):
    client.force_login(user)
    return client.get(URL).context["filterset"].form.fields


def test_anonymous_is_sent_to_sign_in(client):
    response = client.get(URL)
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_a_city_department_may_not_see_it(client, department_user, enrolments):
    client.force_login(department_user)
    assert client.get(URL).status_code == 403
    assert not Enrolment.objects.for_user(department_user).exists()


def test_the_safety_office_sees_every_towns_trainees(client, safety_office, enrolments):
    assert listed(client, safety_office) == EVERYONE
    assert {"town", "scheme", "date_from", "date_to", "attended", "q"} <= set(form_fields(client, safety_office))


@pytest.mark.parametrize("persona, expected", [
    ("emergency_bureau", ["安海戊", "电工甲", "缺席丙"]),
    ("market_bureau", ["叉车乙", "待定丁", "旧班己", "磁灶庚"]),
])
def test_a_bureau_sees_its_own_schemes_trainees(client, personas, enrolments, persona, expected):
    user = personas[persona]
    assert listed(client, user) == expected
    other = "special_equipment" if user.scheme == "special_operation" else "special_operation"
    assert listed(client, user, scheme=other) == expected  # no scheme filter to widen it
    fields = form_fields(client, user)
    assert "scheme" not in fields and "town" in fields
    assert listed(client, user, town=town("安海").pk) == [name for name in expected if name in ("安海戊", "旧班己")]


def test_a_clerk_sees_their_towns_trainees_in_any_class(client, qingyang_clerk, anhai_clerk, enrolments):
    # 青阳's electricians trained in the class held in 安海 are 青阳's; 安海's clerk sees only their own trainee there
    assert listed(client, qingyang_clerk) == ["叉车乙", "待定丁", "电工甲", "缺席丙"]
    assert listed(client, anhai_clerk) == ["安海戊", "旧班己"]


def test_a_clerk_cannot_ask_for_another_town(client, qingyang_clerk, enrolments):
    assert listed(client, qingyang_clerk, town=town("磁灶").pk) == ["叉车乙", "待定丁", "电工甲", "缺席丙"]
    fields = form_fields(client, qingyang_clerk)
    assert "town" not in fields and "scheme" in fields  # a clerk's town has trainees of both schemes
    assert listed(client, qingyang_clerk, scheme="special_operation") == ["电工甲", "缺席丙"]


def test_the_town_and_scheme_filters(client, safety_office, enrolments):
    assert listed(client, safety_office, town=town("安海").pk) == ["安海戊", "旧班己"]
    assert listed(client, safety_office, town=town("磁灶").pk) == ["磁灶庚"]
    assert listed(client, safety_office, scheme="special_operation") == ["安海戊", "电工甲", "缺席丙"]
    assert listed(client, safety_office, scheme="special_equipment", town=town("青阳").pk) == ["叉车乙", "待定丁"]


def test_the_date_range_is_on_the_class_end_date(client, safety_office, enrolments):
    assert listed(client, safety_office, date_from=(TODAY - 10 * DAY).isoformat()) == [
        "叉车乙", "安海戊", "待定丁", "电工甲", "磁灶庚", "缺席丙"]
    assert listed(client, safety_office, date_from=(TODAY - 9 * DAY).isoformat()) == []
    assert listed(client, safety_office, date_to=(TODAY - 200 * DAY).isoformat()) == ["旧班己"]
    assert listed(client, safety_office, date_to=(TODAY - 201 * DAY).isoformat()) == []
    # the class started 210 days ago: a range holding its start but not its end leaves it out
    assert listed(client, safety_office, date_from=(TODAY - 210 * DAY).isoformat(),
                  date_to=(TODAY - 205 * DAY).isoformat()) == []


def test_the_attended_filter(client, safety_office, enrolments):
    assert listed(client, safety_office, attended="yes") == ["叉车乙", "安海戊", "旧班己", "电工甲", "磁灶庚"]
    assert listed(client, safety_office, attended="no") == ["缺席丙"]
    assert listed(client, safety_office, attended="unrecorded") == ["待定丁"]
    assert listed(client, safety_office, attended="") == EVERYONE


def test_the_filters_together_as_the_dashboard_links_them(client, safety_office, enrolments):
    assert listed(client, safety_office, town=town("青阳").pk, scheme="special_equipment", attended="yes",
                  date_from=(TODAY - 30 * DAY).isoformat(), date_to=TODAY.isoformat()) == ["叉车乙"]


def test_the_search_finds_a_worker_or_a_unit(client, safety_office, qingyang_clerk, enrolments):
    assert listed(client, safety_office, q="电工甲") == ["电工甲"]
    assert listed(client, safety_office, q="电 工 甲") == ["电工甲"]  # a name's spaces do not matter
    assert listed(client, safety_office, q="安海安海戊的工厂") == ["安海戊"]
    assert listed(client, safety_office, q="的工厂") == EVERYONE
    assert listed(client, qingyang_clerk, q="安海戊") == []  # another town's trainee stays out of reach


def test_bad_filter_input_is_shown_on_the_form_in_chinese(client, safety_office, enrolments):
    client.force_login(safety_office)
    response = client.get(URL, {"date_from": "2024-13-01", "date_to": "昨天", "attended": "nonsense", "town": "x",
                                "scheme": "both", "page": "many"})
    assert response.status_code == 200
    errors = response.context["filterset"].form.errors
    assert errors["date_from"] == ["输入一个有效的日期。"] and errors["date_to"] == ["输入一个有效的日期。"]
    assert "选择一个有效的选项" in errors["attended"][0] and "选择一个有效的选项" in errors["scheme"][0]
    assert "town" in errors
    html = response.content.decode()
    assert "输入一个有效的日期。" in html
    assert response.context["page_obj"].paginator.count == 7  # the bad filters narrow nothing


def test_the_page_is_in_chinese_and_links_each_row_to_its_class(client, qingyang_clerk, enrolments):
    client.force_login(qingyang_clerk)
    html = client.get(URL).content.decode()
    assert "<h1>参训记录" in html and "共 4 人次" in html
    for heading in ("从业人员", "单位", "镇（街道）", "培训类别", "培训班", "培训机构", "培训时间", "参训", "考试结果",
                    "培训结束日期自", "体系"):
        assert f">{heading}<" in html, heading
    assert "低压电工班" in html and "福建省特检院泉州分院" in html and "青阳电工甲的工厂" in html
    assert "合格" in html and "不合格" in html and "缺考" in html and "未登记" in html and "未参训" in html
    assert reverse("campaigns:training_class_detail", args=[enrolments["passed"].training_class_id]) in html
    assert "安海戊" not in html and "磁灶" not in html
    empty = client.get(URL, {"q": "无此人"}).content.decode()
    assert "没有符合条件的参训记录。" in empty


def test_the_training_pages_link_to_it(client, qingyang_clerk, running, enrolments):
    client.force_login(qingyang_clerk)
    for page in ("campaigns:training_class_list", "campaigns:training_progress"):
        assert f'href="{URL}"' in client.get(reverse(page)).content.decode(), page


def test_the_page_runs_a_fixed_number_of_queries(client, personas, school, enrolments):
    users = [personas[name] for name in ("safety_office", "emergency_bureau", "qingyang_clerk")]
    few = {}
    for user in users:
        client.force_login(user)
        few[user.pk] = count_queries(client, URL, {"attended": "yes"})
    more = make_class(school, "op-1-2", name="加开电工班")
    unit = UnitFactory(town=town("青阳"))
    for number in range(60):  # beyond one page
        trainee(more, "青阳", f"新学员{number}", "op-1-2", unit=unit)
    for user in users:
        client.force_login(user)
        assert count_queries(client, URL, {"attended": "yes"}) == few[user.pk], user.role
        assert count_queries(client, URL, {"attended": "yes", "page": "2"}) == few[user.pk], user.role
    client.force_login(personas["qingyang_clerk"])
    page = client.get(URL).context["page_obj"]
    assert page.paginator.count == 64 and page.paginator.num_pages == 2 and len(page) == 50
