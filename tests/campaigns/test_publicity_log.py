import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from campaigns.choices import PublicityChannel
from campaigns.models import PublicityRecord
from tests.factories import department, town

from .conftest import ROLES, count_queries, is_login_redirect

pytestmark = pytest.mark.django_db


def record(campaign, *, town_name=None, dept=None, channel=PublicityChannel.WECHAT, reach=100, title="宣传"):
    return PublicityRecord.objects.create(
        campaign=campaign, town=town(town_name) if town_name else None, department=department(dept) if dept else None,
        channel=channel, published_on=campaign.starts_on, title=title, reach=reach,
    )


@pytest.fixture
def log(running):
    return {
        "qingyang_tv": record(running, town_name="青阳", channel=PublicityChannel.TV, reach=5000, title="电视专题"),
        "qingyang_wechat": record(running, town_name="青阳", reach=1200, title="公众号推文"),
        "anhai_meeting": record(running, town_name="安海", channel=PublicityChannel.MEETING, reach=80, title="动员会"),
        "zhujian_poster": record(running, dept="住建局", channel=PublicityChannel.POSTER, reach=300, title="工地海报"),
        "yingji_wechat": record(running, dept="应急局", reach=2500, title="应急局推文"),
    }


VISIBLE = {
    "qingyang_clerk": {"qingyang_tv", "qingyang_wechat"},
    "anhai_clerk": {"anhai_meeting"},
    "department_user": {"zhujian_poster"},
    "safety_office": {"qingyang_tv", "qingyang_wechat", "anhai_meeting", "zhujian_poster", "yingji_wechat"},
}
VISIBLE["emergency_bureau"] = VISIBLE["market_bureau"] = VISIBLE["safety_office"]


@pytest.mark.parametrize("role", ROLES)
def test_each_role_lists_the_publicity_in_its_scope(sign_in, role, log):
    response = sign_in(role).get(reverse("campaigns:publicity_list"))
    if role == "anonymous":
        assert is_login_redirect(response)
        return
    assert response.status_code == 200
    assert {r.title for r in response.context["page_obj"]} == {log[key].title for key in VISIBLE[role]}
    assert response.context["can_record"] == (role in ("qingyang_clerk", "anhai_clerk", "department_user"))


def test_totals_by_town_and_by_channel(sign_in, log):
    response = sign_in("safety_office").get(reverse("campaigns:publicity_list"))
    totals = response.context["totals"]
    by_reporter = {(r["town__name"] or r["department__name"]): (r["n"], r["reach"]) for r in totals["by_reporter"]}
    assert by_reporter == {"青阳街道": (2, 6200), "安海镇": (1, 80), "住建局": (1, 300), "应急局": (1, 2500)}
    by_channel = {r["label"]: (r["n"], r["reach"]) for r in totals["by_channel"]}
    assert by_channel == {"电视": (1, 5000), "微信公众号": (2, 3700), "会议": (1, 80), "海报/横幅": (1, 300)}
    assert list(by_reporter)[:2] == ["青阳街道", "安海镇"]  # towns in their order, then departments


def test_the_totals_follow_the_filters(sign_in, log):
    response = sign_in("safety_office").get(reverse("campaigns:publicity_list"), {"channel": "wechat"})
    assert [(r["label"], r["n"]) for r in response.context["totals"]["by_channel"]] == [("微信公众号", 2)]
    response = sign_in("safety_office").get(reverse("campaigns:publicity_list"), {"town": town("青阳").pk})
    assert response.context["page_obj"].paginator.count == 2
    response = sign_in("safety_office").get(reverse("campaigns:publicity_list"), {"q": "推文"})
    assert response.context["page_obj"].paginator.count == 2


def test_a_clerks_totals_are_their_towns(sign_in, log):
    response = sign_in("qingyang_clerk").get(reverse("campaigns:publicity_list"))
    assert [(r["town__name"], r["n"]) for r in response.context["totals"]["by_reporter"]] == [("青阳街道", 2)]
    assert "town" not in response.context["filter"].form.fields


def test_the_list_runs_a_fixed_number_of_queries(client, safety_office, running):
    client.force_login(safety_office)
    record(running, town_name="青阳")
    few = count_queries(client, reverse("campaigns:publicity_list"))
    for name in ("安海", "磁灶", "陈埭"):
        record(running, town_name=name, channel=PublicityChannel.NEWSPAPER)
    record(running, dept="住建局")
    assert count_queries(client, reverse("campaigns:publicity_list")) == few


# recording ------------------------------------------------------------------------------------

def form_data(campaign, **overrides):
    data = {"campaign": campaign.pk, "channel": "tv", "published_on": campaign.starts_on.isoformat(),
            "title": "晋江电视台专题报道", "reach": "20000", "note": ""}
    return {**data, **overrides}


@pytest.mark.parametrize("role", ROLES)
def test_towns_and_departments_record_their_own_publicity(sign_in, role, running):
    client = sign_in(role)
    get = client.get(reverse("campaigns:publicity_create"))
    post = client.post(reverse("campaigns:publicity_create"), form_data(running))
    if role == "anonymous":
        assert is_login_redirect(get) and is_login_redirect(post)
        assert not PublicityRecord.objects.exists()
    elif role in ("qingyang_clerk", "anhai_clerk", "department_user"):
        assert get.status_code == 200 and post.status_code == 302
        saved = PublicityRecord.objects.get()
        user = get.wsgi_request.user
        assert (saved.town, saved.department, saved.recorded_by) == (user.town, user.department, user)
        assert saved.reach == 20000 and saved.campaign == running
    else:
        assert get.status_code == 403 and post.status_code == 403
        assert not PublicityRecord.objects.exists()


def test_the_form_defaults_to_the_current_campaign(sign_in, running):
    response = sign_in("qingyang_clerk").get(reverse("campaigns:publicity_create"))
    assert response.context["form"].initial["campaign"] == running.pk


def test_the_form_explains_its_errors_and_keeps_what_was_typed(sign_in, running):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    response = sign_in("qingyang_clerk").post(reverse("campaigns:publicity_create"), form_data(
        running, published_on=tomorrow.isoformat(), title="", note="村居宣传栏", channel="carrier-pigeon"))
    errors = response.context["form"].errors
    assert errors["published_on"] == ["宣传日期不能晚于今天。"]
    assert "title" in errors and "channel" in errors
    assert "村居宣传栏" in response.content.decode()
    assert not PublicityRecord.objects.exists()


@pytest.mark.parametrize("role,status", [
    ("qingyang_clerk", 200), ("anhai_clerk", 404), ("safety_office", 403), ("emergency_bureau", 403),
    ("market_bureau", 403), ("department_user", 404), ("anonymous", 302),
])
def test_only_the_owner_edits_a_record(sign_in, role, status, log):
    target = log["qingyang_tv"]
    client = sign_in(role)
    url = reverse("campaigns:publicity_edit", args=[target.pk])
    assert client.get(url).status_code == status
    response = client.post(url, form_data(target.campaign, title="改过的标题"))
    assert response.status_code == (302 if status == 200 else status)
    target.refresh_from_db()
    assert (target.title == "改过的标题") == (role == "qingyang_clerk")
    assert target.town == town("青阳")


def test_a_department_edits_its_own_record(sign_in, log):
    target = log["zhujian_poster"]
    response = sign_in("department_user").post(reverse("campaigns:publicity_edit", args=[target.pk]),
                                               form_data(target.campaign, title="工地海报（更新）"))
    assert response.status_code == 302
    target.refresh_from_db()
    assert target.title == "工地海报（更新）" and target.department == department("住建局") and target.town is None
