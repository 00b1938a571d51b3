import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from campaigns.choices import PhaseKind, PublicityChannel
from campaigns.models import Campaign, Inspection, Phase, PublicityRecord
from campaigns.views.programme import build_timeline
from registry.choices import NeedStatus
from reports.models import Submission
from tests.factories import TrainingNeedFactory, UnitFactory, WorkerFactory, category, department, town

from .conftest import ROLES, count_queries, is_login_redirect

pytestmark = pytest.mark.django_db


def need_in(town_name, key="op-1-2", **kwargs):
    return TrainingNeedFactory(worker=WorkerFactory(unit=UnitFactory(town=town(town_name))), category=category(key),
                               **kwargs)


def publicity(campaign, town_name=None, dept=None, channel=PublicityChannel.WECHAT, reach=100):
    return PublicityRecord.objects.create(
        campaign=campaign, town=town(town_name) if town_name else None, department=dept, channel=channel,
        published_on=campaign.starts_on, title="持证上岗宣传", reach=reach,
    )


# list -----------------------------------------------------------------------------------------

@pytest.mark.parametrize("role", ROLES)
def test_every_signed_in_role_sees_the_campaign_list(sign_in, role, notice, running):
    response = sign_in(role).get(reverse("campaigns:campaign_list"))
    if role == "anonymous":
        assert is_login_redirect(response)
        return
    assert response.status_code == 200
    assert {c.pk for c in response.context["page_obj"]} == {notice.pk, running.pk}
    assert response.context["current"] == running
    assert ("以此新建" in response.content.decode()) == (role == "safety_office")


def test_the_list_searches_by_name(sign_in, notice, running):
    response = sign_in("safety_office").get(reverse("campaigns:campaign_list"), {"q": "本年度"})
    assert [c.pk for c in response.context["page_obj"]] == [running.pk]


# timeline -------------------------------------------------------------------------------------

def test_the_timeline_places_overlapping_phases_on_one_axis(notice):
    phases = list(notice.phases.all())
    timeline = build_timeline(notice, phases, datetime.date(2019, 7, 1))
    assert (timeline["first"], timeline["last"]) == (datetime.date(2019, 5, 10), datetime.date(2020, 3, 30))
    span = (datetime.date(2020, 3, 30) - datetime.date(2019, 5, 10)).days + 1  # 326 days
    bars = {bar["phase"].kind: bar for bar in timeline["bars"]}
    assert bars[PhaseKind.MOBILISATION]["left"] == "0.00"
    assert bars[PhaseKind.MOBILISATION]["width"] == f"{100 * 21 / span:.2f}"  # 10–30 May, inclusive
    assert bars[PhaseKind.TRAINING]["left"] == f"{100 * 52 / span:.2f}"  # 1 July is day 52
    summary = bars[PhaseKind.SUMMARY]
    assert float(summary["left"]) + float(summary["width"]) == pytest.approx(100, abs=0.01)
    assert bars[PhaseKind.SURVEY]["deadline"] == f"{100 * 52 / span:.2f}"  # Attachment 1/2 due 1 July
    assert [bars[k]["state"] for k in (PhaseKind.MOBILISATION, PhaseKind.SURVEY, PhaseKind.TRAINING,
                                       PhaseKind.ENFORCEMENT)] == ["past", "past", "current", "future"]
    assert timeline["today"] == f"{100 * 52 / span:.2f}"
    assert timeline["ticks"][0]["day"] == datetime.date(2019, 6, 1) and timeline["ticks"][0]["with_year"]


def test_today_outside_the_campaign_has_no_marker(notice):
    timeline = build_timeline(notice, list(notice.phases.all()), datetime.date(2024, 1, 1))
    assert timeline["today"] is None and timeline["today_side"] == "after"


# detail ---------------------------------------------------------------------------------------

@pytest.fixture
def progress_data(running):
    publicity(running, "青阳")
    publicity(running, "青阳", channel=PublicityChannel.TV)
    publicity(running, "安海")
    publicity(running, dept=department("住建局"))
    publicity(running.created_from, "青阳")  # another campaign
    qingyang = [need_in("青阳"), need_in("青阳", "op-2-1"), need_in("青阳", "se-9-n1"),
                need_in("青阳", status=NeedStatus.CERTIFIED)]
    need_in("安海", "op-1-1")
    need_in("安海", "se-6-q2")
    need_in("安海", "se-6-q1")
    Submission.objects.create(town=town("青阳"), campaign=running, form=1, version=1, submitted_at=timezone.now(),
                              report_date=timezone.localdate(), file_name="附件1.xlsx", content=b"x")
    Submission.objects.create(town=town("安海"), campaign=running, form=2, version=1, submitted_at=timezone.now(),
                              report_date=timezone.localdate(), file_name="附件2.xlsx", content=b"x",
                              status=Submission.Status.RETURNED)
    enforcement = running.phases.get(kind=PhaseKind.ENFORCEMENT)
    unit = qingyang[0].worker.unit
    Inspection.objects.create(unit=unit, inspected_on=enforcement.starts_on, inspecting_town=town("安海"),
                              campaign=running)
    Inspection.objects.create(unit=unit, inspected_on=enforcement.starts_on, inspecting_department=department("应急局"))
    Inspection.objects.create(unit=UnitFactory(town=town("安海")), inspected_on=enforcement.starts_on,
                              inspecting_town=town("青阳"), campaign=running)
    return running


def row(response, short_name):
    return next(r for r in response.context["progress"]["rows"] if r["town"].short_name == short_name)


@pytest.mark.parametrize("role", ROLES)
def test_every_role_sees_the_phases_and_its_own_share_of_the_progress(sign_in, role, progress_data):
    response = sign_in(role).get(reverse("campaigns:campaign_detail", args=[progress_data.pk]))
    if role == "anonymous":
        assert is_login_redirect(response)
        return
    assert response.status_code == 200
    text = response.content.decode()
    assert all(name in text for name in ("动员部署", "检查摸底", "集中培训", "专项执法", "总结提升"))
    assert 'id="today-marker"' in text
    progress = response.context["progress"]
    if role == "department_user":
        assert progress is None
    elif role in ("qingyang_clerk", "anhai_clerk"):
        assert len(progress["rows"]) == 1
    else:
        assert len(progress["rows"]) == 20
    assert ("phases/" in text and "/edit/" in text) == (role == "safety_office")


def test_a_clerk_sees_their_towns_row_and_the_city_totals(sign_in, progress_data):
    response = sign_in("qingyang_clerk").get(reverse("campaigns:campaign_detail", args=[progress_data.pk]))
    progress = response.context["progress"]
    qingyang = row(response, "青阳")
    assert [r["town"].short_name for r in progress["rows"]] == ["青阳"]
    assert qingyang["publicity"]["n"] == 2
    assert qingyang["open_counts"] == [2, 1]
    assert [chip["label"] for chip in qingyang["submissions"]] == ["按时报送", "未报送"]
    assert qingyang["training"] == {"registered": 4, "enrolled": 1, "trained": 1, "certified": 1}
    assert qingyang["inspections"]["n"] == 2  # of its units, in the campaign or in the enforcement phase
    totals = progress["totals"]
    assert totals["publicity"]["n"] == 4  # 3 by towns and 1 by a department, this campaign only
    assert totals["open_counts"] == [3, 3]
    assert totals["submitted"] == [{"towns": 1, "of": 20}, {"towns": 0, "of": 20}]  # a returned form does not count
    assert totals["training"]["registered"] == 7 and totals["training"]["certified"] == 1
    assert totals["inspections"]["n"] == 3
    text = response.content.decode()
    assert "安海镇" not in text.split('id="progress"')[1]


def test_the_safety_office_sees_every_town(sign_in, progress_data):
    response = sign_in("safety_office").get(reverse("campaigns:campaign_detail", args=[progress_data.pk]))
    anhai = row(response, "安海")
    assert anhai["publicity"]["n"] == 1 and anhai["open_counts"] == [1, 2] and anhai["inspections"]["n"] == 1
    assert [chip["label"] for chip in anhai["submissions"]] == ["未报送", "已退回"]
    assert "n" not in row(response, "磁灶").get("publicity", {})


def test_a_bureau_sees_its_own_scheme(sign_in, progress_data):
    response = sign_in("market_bureau").get(reverse("campaigns:campaign_detail", args=[progress_data.pk]))
    assert response.context["progress"]["forms"] == [2]
    assert row(response, "安海")["open_counts"] == [2]
    assert row(response, "青阳")["training"]["registered"] == 1
    assert response.context["progress"]["totals"]["open_counts"] == [3]


def test_the_detail_page_runs_a_fixed_number_of_queries(client, safety_office, running):
    client.force_login(safety_office)
    url = reverse("campaigns:campaign_detail", args=[running.pk])
    publicity(running, "青阳")
    need_in("青阳")
    few = count_queries(client, url)
    for name in ("安海", "磁灶", "陈埭", "池店"):
        publicity(running, name)
        need_in(name)
        need_in(name, "se-9-n1")
    assert count_queries(client, url) == few


def test_an_unknown_campaign_is_404(sign_in):
    assert sign_in("safety_office").get(reverse("campaigns:campaign_detail", args=[99999])).status_code == 404


# copy -----------------------------------------------------------------------------------------

@pytest.mark.parametrize("role", ROLES)
def test_only_the_safety_office_copies_a_campaign(sign_in, role, notice):
    client = sign_in(role)
    url = reverse("campaigns:campaign_copy", args=[notice.pk])
    get = client.get(url)
    post = client.post(url, {"name": "2020年专项行动", "starts_on": "2020-05-10"})
    if role == "anonymous":
        assert is_login_redirect(get) and is_login_redirect(post)
    elif role == "safety_office":
        assert get.status_code == 200
        copy = Campaign.objects.get(name="2020年专项行动")
        assert post.status_code == 302 and post["Location"] == reverse("campaigns:campaign_detail", args=[copy.pk])
    else:
        assert get.status_code == 403 and post.status_code == 403
    assert Campaign.objects.filter(name="2020年专项行动").exists() == (role == "safety_office")


def test_a_copy_moves_every_date_by_the_difference_of_the_starts(sign_in, notice):
    sign_in("safety_office").post(reverse("campaigns:campaign_copy", args=[notice.pk]),
                                  {"name": "2020年专项行动", "starts_on": "2020-05-10"})
    copy = Campaign.objects.get(name="2020年专项行动")
    days = datetime.timedelta(days=366)  # 2019-05-10 → 2020-05-10 crosses 29 February
    assert (copy.starts_on, copy.ends_on, copy.created_from) == (notice.starts_on + days, notice.ends_on + days, notice)
    survey = copy.phases.get(kind=PhaseKind.SURVEY)
    assert (survey.ends_on, survey.deadline) == (datetime.date(2020, 6, 30), datetime.date(2020, 7, 1))
    assert copy.phases.count() == 5


def test_a_copy_moves_the_dates_written_in_the_phases_descriptions(sign_in, notice):
    original = {phase.kind: phase.description for phase in notice.phases.all()}
    assert "于2019年7月1日前报送市安办" in original[PhaseKind.SURVEY]
    response = sign_in("safety_office").post(reverse("campaigns:campaign_copy", args=[notice.pk]),
                                             {"name": "2020年专项行动", "starts_on": "2020-05-10"})
    copy = Campaign.objects.get(name="2020年专项行动")
    assert response["Location"] == reverse("campaigns:campaign_detail", args=[copy.pk])
    copied = {phase.kind: phase.description for phase in copy.phases.all()}
    assert copied[PhaseKind.SURVEY] == original[PhaseKind.SURVEY].replace("2019年7月1日", "2020年7月1日")
    assert "2019" not in copied[PhaseKind.SURVEY]
    assert all(copied[kind] == original[kind] for kind in original if kind != PhaseKind.SURVEY)  # no dates in them
    assert copy.document_number == notice.document_number == "晋安办〔2019〕28号"
    # the notice's own campaign keeps its text
    assert notice.phases.get(kind=PhaseKind.SURVEY).description == original[PhaseKind.SURVEY]
    # what was saved is what the phase page then offers to edit
    survey = copy.phases.get(kind=PhaseKind.SURVEY)
    page = sign_in("safety_office").get(reverse("campaigns:phase_edit", args=[survey.pk]))
    assert page.context["form"].initial["description"] == copied[PhaseKind.SURVEY]


def test_a_copy_leaves_document_numbers_and_older_years_in_the_descriptions(notice):
    training = notice.phases.get(kind=PhaseKind.TRAINING)  # 1 July – 31 December 2019
    training.description = ("按晋安办〔2019〕28号要求，依据《特种作业人员安全技术培训考核管理规定》（2015年修正），"
                            "2019年7月1日至12月31日集中培训，11月底前完成首批考核，执行2019版大纲。")
    training.save()
    a_year_later = notice.copy_shifted(366).phases.get(kind=PhaseKind.TRAINING)
    assert a_year_later.description == (
        "按晋安办〔2019〕28号要求，依据《特种作业人员安全技术培训考核管理规定》（2015年修正），"
        "2020年7月1日至12月31日集中培训，11月底前完成首批考核，执行2019版大纲。")
    # half a year on the phase runs 1 January – 2 July 2020: 30 November + 184 days is 1 June, nearest the end of May
    half_a_year = notice.copy_shifted(184).phases.get(kind=PhaseKind.TRAINING)
    assert (half_a_year.starts_on, half_a_year.ends_on) == (datetime.date(2020, 1, 1), datetime.date(2020, 7, 2))
    assert "2020年1月1日至7月2日集中培训，5月底前完成首批考核" in half_a_year.description
    assert "晋安办〔2019〕28号" in half_a_year.description and "（2015年修正）" in half_a_year.description


def test_a_copy_needs_a_new_start_and_keeps_what_was_typed(sign_in, notice):
    response = sign_in("safety_office").post(reverse("campaigns:campaign_copy", args=[notice.pk]),
                                             {"name": "新一轮", "starts_on": "2019-05-10"})
    assert response.status_code == 200
    assert response.context["form"].errors["starts_on"] == ["新的开始日期与原专项行动相同，请填写新一轮行动的开始日期。"]
    assert 'value="新一轮"' in response.content.decode()
    response = sign_in("safety_office").post(reverse("campaigns:campaign_copy", args=[notice.pk]), {"name": ""})
    assert set(response.context["form"].errors) == {"name", "starts_on"}
    assert Campaign.objects.count() == 1


# phase edit -----------------------------------------------------------------------------------

@pytest.mark.parametrize("role", ROLES)
def test_only_the_safety_office_edits_a_phase(sign_in, role, notice):
    phase = notice.phases.get(kind=PhaseKind.TRAINING)
    client = sign_in(role)
    url = reverse("campaigns:phase_edit", args=[phase.pk])
    data = {"starts_on": "2019-07-01", "ends_on": "2020-01-15", "deadline": "", "description": "延长至1月中旬"}
    get, post = client.get(url), client.post(url, data)
    if role == "anonymous":
        assert is_login_redirect(get) and is_login_redirect(post)
    elif role == "safety_office":
        assert get.status_code == 200 and post.status_code == 302
    else:
        assert get.status_code == 403 and post.status_code == 403
    phase.refresh_from_db()
    assert (phase.ends_on == datetime.date(2020, 1, 15)) == (role == "safety_office")


def test_a_phase_cannot_end_before_it_starts(sign_in, notice):
    phase = notice.phases.get(kind=PhaseKind.TRAINING)
    response = sign_in("safety_office").post(reverse("campaigns:phase_edit", args=[phase.pk]), {
        "starts_on": "2019-07-01", "ends_on": "2019-06-01", "deadline": "2019-06-15", "description": "改过的要求"})
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert errors["ends_on"] == ["结束日期不能早于开始日期。"]
    assert errors["deadline"] == ["报送截止日期不能早于开始日期。"]
    assert "改过的要求" in response.content.decode()
    phase.refresh_from_db()
    assert phase.ends_on == datetime.date(2019, 12, 31)


def test_a_phase_moved_beyond_the_campaign_widens_it(sign_in, notice):
    phase = notice.phases.get(kind=PhaseKind.SUMMARY)
    sign_in("safety_office").post(reverse("campaigns:phase_edit", args=[phase.pk]), {
        "starts_on": "2020-03-01", "ends_on": "2020-04-30", "deadline": "2020-04-20", "description": phase.description})
    notice.refresh_from_db()
    assert notice.ends_on == datetime.date(2020, 4, 30)
    assert Phase.objects.get(pk=phase.pk).deadline == datetime.date(2020, 4, 20)
