"""The reporter's pages: the list of its months, start or continue a summary, edit, submit, and its detail."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from registry.choices import NeedStatus
from reports.models import MonthlyAnswer, MonthlySummary, MonthlySummaryVersion
from reports.monthly_services import return_monthly_summary, submit_monthly_summary
from tests.factories import TrainingNeedFactory, UnitFactory, WorkerFactory, department, town

pytestmark = pytest.mark.django_db

JUNE = datetime.date(2019, 6, 1)
START_JUNE = reverse("reports:monthly_start", args=[2019, 6])


def summary_for(reporter, month=JUNE, **fields):
    key = "town" if reporter.__class__.__name__ == "Town" else "department"
    defaults = {"work_done": "检查企业 8 家。", "next_plan": "组织电工培训。"}
    defaults.update(fields)
    return MonthlySummary.objects.create(month=month, **{key: reporter}, **defaults)


def form_data(**overrides):
    data = {"work_done": "检查企业 8 家。", "problems": "", "next_plan": "组织电工培训。", "action": "save"}
    for name in ("new_entries", "trained", "certified", "reviews", "inspections", "violations", "cases"):
        data[name] = 0
        data[f"{name}_note"] = ""
    data.update(overrides)
    return data


@pytest.fixture
def june_ledger():
    """Two of 青阳's needs certified in June: the certified figure is pre-filled with 2."""
    for _ in range(2):
        TrainingNeedFactory(worker=WorkerFactory(unit=UnitFactory(town=town("青阳"))),
                            status=NeedStatus.CERTIFIED, closed_on=datetime.date(2019, 6, 12))


# Who may use the reporter's pages ----------------------------------------------------------


@pytest.mark.parametrize("persona", ["qingyang_clerk", "department_user"])
def test_a_reporter_lists_its_months(client, personas, persona):
    client.force_login(personas[persona])
    response = client.get(reverse("reports:monthly_list"))
    assert response.status_code == 200
    assert len(response.context["rows"]) == 12
    assert response.context["rows"][0]["month"] == timezone.localdate().replace(day=1)


@pytest.mark.parametrize("persona", ["safety_office", "market_bureau", "emergency_bureau"])
def test_the_city_roles_file_nothing(client, personas, persona):
    client.force_login(personas[persona])
    assert client.get(reverse("reports:monthly_list")).status_code == 403
    assert client.get(START_JUNE).status_code == 403


def test_anonymous_is_sent_to_sign_in(client):
    for url in (reverse("reports:monthly_list"), START_JUNE):
        response = client.get(url)
        assert response.status_code == 302 and reverse("login") in response["Location"]


def test_the_list_shows_only_my_towns_summaries_with_older_ones(client, qingyang_clerk):
    mine = summary_for(town("青阳"), datetime.date(2018, 1, 1))
    summary_for(town("安海"))
    client.force_login(qingyang_clerk)
    rows = client.get(reverse("reports:monthly_list")).context["rows"]
    summaries = [row["summary"] for row in rows if row["summary"]]
    assert summaries == [mine] and rows[-1]["month"] == datetime.date(2018, 1, 1)


def test_the_list_runs_the_same_number_of_queries_for_many_summaries(client, qingyang_clerk,
                                                                     django_assert_max_num_queries):
    client.force_login(qingyang_clerk)
    with django_assert_max_num_queries(15) as few:
        client.get(reverse("reports:monthly_list"))
    for month in range(1, 13):
        summary = summary_for(town("青阳"), datetime.date(2018, month, 1))
        submit_monthly_summary(qingyang_clerk, summary)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("reports:monthly_list"))


# Starting and editing ---------------------------------------------------------------------


def test_starting_a_month_shows_the_figures_pre_filled_and_saves_nothing(client, qingyang_clerk, june_ledger):
    client.force_login(qingyang_clerk)
    response = client.get(START_JUNE)
    assert response.status_code == 200
    form = response.context["form"]
    assert form.initial["certified"] == 2 and form.prefilled["certified"] == 2
    assert not MonthlySummary.objects.exists()


def test_saving_a_draft_keeps_both_the_pre_filled_and_the_reported_figures(client, qingyang_clerk, june_ledger):
    client.force_login(qingyang_clerk)
    response = client.post(START_JUNE, form_data(certified=3, certified_note="另有 1 人在外地取证"))
    summary = MonthlySummary.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("reports:monthly_edit", args=[summary.pk])
    assert summary.status == MonthlySummary.Status.DRAFT and summary.town == town("青阳")
    assert (summary.certified_prefilled, summary.certified, summary.certified_note) == (2, 3, "另有 1 人在外地取证")
    assert summary.created_by == qingyang_clerk


def test_a_corrected_figure_needs_a_note_and_the_form_keeps_what_was_typed(client, qingyang_clerk, june_ledger):
    client.force_login(qingyang_clerk)
    response = client.post(START_JUNE, form_data(certified=5, work_done="我写的内容"))
    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors["certified_note"] == ["与系统预填数 2 不同，请说明更正原因。"]
    body = response.content.decode()
    assert "与系统预填数 2 不同，请说明更正原因。" in body and "我写的内容" in body and 'value="5"' in body
    assert not MonthlySummary.objects.exists()


def test_a_figure_must_be_a_whole_number_not_below_zero(client, qingyang_clerk):
    client.force_login(qingyang_clerk)
    response = client.post(START_JUNE, form_data(trained=-1, reviews="", cases="三"))
    errors = response.context["form"].errors
    assert errors["trained"] == ["不能小于 0。"]
    assert errors["reviews"] == ["请填写数字（没有请填 0）。"]
    assert errors["cases"] == ["请填写整数。"]


def test_an_uncorrected_figure_follows_the_ledger_when_the_draft_is_reopened(client, qingyang_clerk):
    summary = summary_for(town("青阳"), certified_prefilled=0, certified=0, trained_prefilled=0, trained=4,
                          trained_note="手工统计")
    TrainingNeedFactory(worker=WorkerFactory(unit=UnitFactory(town=town("青阳"))),
                        status=NeedStatus.CERTIFIED, closed_on=datetime.date(2019, 6, 12))
    client.force_login(qingyang_clerk)
    form = client.get(reverse("reports:monthly_edit", args=[summary.pk])).context["form"]
    assert form.initial["certified"] == 1  # follows the ledger
    assert form.initial["trained"] == 4  # the correction stays


def test_starting_a_month_that_has_a_summary_continues_it(client, qingyang_clerk, safety_office):
    summary = summary_for(town("青阳"))
    client.force_login(qingyang_clerk)
    assert client.get(START_JUNE)["Location"] == reverse("reports:monthly_edit", args=[summary.pk])
    submit_monthly_summary(qingyang_clerk, summary)
    assert client.get(START_JUNE)["Location"] == reverse("reports:monthly_detail", args=[summary.pk])


def test_a_future_month_cannot_be_started(client, qingyang_clerk):
    client.force_login(qingyang_clerk)
    future = timezone.localdate() + datetime.timedelta(days=40)
    assert client.get(reverse("reports:monthly_start", args=[future.year, future.month])).status_code == 404
    assert client.get(reverse("reports:monthly_start", args=[2019, 13])).status_code == 404


def test_a_department_starts_with_its_inspections_and_zero_ledger_figures(client, department_user):
    client.force_login(department_user)
    client.post(START_JUNE, form_data())
    summary = MonthlySummary.objects.get()
    assert summary.department == department("住建局") and summary.town is None


def test_a_submitted_summary_cannot_be_edited(client, qingyang_clerk):
    summary = summary_for(town("青阳"))
    submit_monthly_summary(qingyang_clerk, summary)
    client.force_login(qingyang_clerk)
    response = client.post(reverse("reports:monthly_edit", args=[summary.pk]), form_data(work_done="改"))
    assert response.status_code == 302 and response["Location"] == reverse("reports:monthly_detail", args=[summary.pk])
    summary.refresh_from_db()
    assert summary.work_done == "检查企业 8 家。"


# Submitting -------------------------------------------------------------------------------


def test_save_and_submit_in_one_go(client, qingyang_clerk, june_ledger):
    client.force_login(qingyang_clerk)
    response = client.post(START_JUNE, form_data(certified=2, action="submit"))
    summary = MonthlySummary.objects.get()
    assert response["Location"] == reverse("reports:monthly_detail", args=[summary.pk])
    assert summary.status == MonthlySummary.Status.SUBMITTED and summary.version == 1
    assert summary.is_late  # June 2019 is long over
    assert MonthlyAnswer.objects.filter(version__summary=summary).count() == 2


def test_submitting_needs_the_narrative_next_to_its_fields(client, qingyang_clerk):
    client.force_login(qingyang_clerk)
    response = client.post(START_JUNE, form_data(work_done="", next_plan="", action="submit"))
    errors = response.context["form"].errors
    assert errors["work_done"] == ["报送前请填写本月工作开展情况。"]
    assert errors["next_plan"] == ["报送前请填写下月工作计划。"]
    # a draft may be saved without it
    client.post(START_JUNE, form_data(work_done="", next_plan=""))
    assert MonthlySummary.objects.get().status == MonthlySummary.Status.DRAFT


def test_the_submit_page_confirms_then_submits(client, qingyang_clerk):
    summary = summary_for(town("青阳"))
    client.force_login(qingyang_clerk)
    url = reverse("reports:monthly_submit", args=[summary.pk])
    response = client.get(url)
    assert response.status_code == 200 and response.context["will_be_late"] is True
    assert "将记为逾期报送" in response.content.decode()
    client.post(url)
    summary.refresh_from_db()
    assert summary.status == MonthlySummary.Status.SUBMITTED


def test_the_submit_page_sends_an_incomplete_draft_back_to_editing(client, qingyang_clerk):
    summary = summary_for(town("青阳"), next_plan="")
    client.force_login(qingyang_clerk)
    url = reverse("reports:monthly_submit", args=[summary.pk])
    assert "报送前请填写下月工作计划。" in client.get(url).content.decode()
    response = client.post(url)
    assert response["Location"] == reverse("reports:monthly_edit", args=[summary.pk])
    summary.refresh_from_db()
    assert summary.status == MonthlySummary.Status.DRAFT


def test_submitting_twice_is_refused_with_a_message(client, qingyang_clerk):
    summary = summary_for(town("青阳"))
    client.force_login(qingyang_clerk)
    url = reverse("reports:monthly_submit", args=[summary.pk])
    client.post(url)
    response = client.post(url, follow=True)
    assert "不能报送" in response.content.decode()
    assert MonthlySummaryVersion.objects.filter(summary=summary).count() == 1


def test_a_returned_summary_is_corrected_and_submitted_again(client, qingyang_clerk, market_bureau):
    summary = summary_for(town("青阳"))
    submit_monthly_summary(qingyang_clerk, summary)
    return_monthly_summary(market_bureau, summary, "请补充电梯作业人员情况")
    client.force_login(qingyang_clerk)
    edit = reverse("reports:monthly_edit", args=[summary.pk])
    assert "请补充电梯作业人员情况" in client.get(edit).content.decode()
    client.post(edit, form_data(work_done="已补充电梯作业人员情况", action="submit"))
    summary.refresh_from_db()
    assert summary.status == MonthlySummary.Status.SUBMITTED and summary.version == 2
    assert list(summary.versions.order_by("number").values_list("work_done", flat=True)) == [
        "检查企业 8 家。", "已补充电梯作业人员情况"]


# Scoping of the reporter's pages ----------------------------------------------------------


@pytest.mark.parametrize("name", ["monthly_edit", "monthly_submit", "monthly_detail"])
def test_another_towns_or_departments_summary_is_not_found(client, anhai_clerk, department_user, name):
    summary = summary_for(town("青阳"))
    for user in (anhai_clerk, department_user):
        client.force_login(user)
        assert client.get(reverse(f"reports:{name}", args=[summary.pk])).status_code == 404


@pytest.mark.parametrize("name", ["monthly_edit", "monthly_submit", "monthly_detail"])
def test_another_departments_summary_is_not_found_by_a_clerk(client, qingyang_clerk, name):
    summary = summary_for(department("住建局"))
    client.force_login(qingyang_clerk)
    assert client.get(reverse(f"reports:{name}", args=[summary.pk])).status_code == 404


@pytest.mark.parametrize("persona", ["safety_office", "market_bureau", "emergency_bureau"])
def test_a_draft_is_invisible_to_the_city(client, personas, persona):
    summary = summary_for(town("青阳"))
    client.force_login(personas[persona])
    for name in ("monthly_detail", "monthly_edit", "monthly_submit"):
        assert client.get(reverse(f"reports:{name}", args=[summary.pk])).status_code in (403, 404)
    assert client.get(reverse("reports:monthly_detail", args=[summary.pk])).status_code == 404


@pytest.mark.parametrize("persona", ["safety_office", "market_bureau", "emergency_bureau"])
def test_the_city_may_read_a_submitted_summary_but_not_edit_it(client, personas, qingyang_clerk, persona):
    summary = summary_for(town("青阳"))
    submit_monthly_summary(qingyang_clerk, summary)
    client.force_login(personas[persona])
    assert client.get(reverse("reports:monthly_detail", args=[summary.pk])).status_code == 200
    assert client.post(reverse("reports:monthly_edit", args=[summary.pk]), form_data()).status_code == 403
    assert client.post(reverse("reports:monthly_submit", args=[summary.pk])).status_code == 403
