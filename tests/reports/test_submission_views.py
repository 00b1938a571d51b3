"""Submission pages: the clerk's page and submit-with-preview, the city's grid, a submission's detail
with its frozen rows and file, accept and return-with-reason — for every role."""

import datetime
import zoneinfo
from urllib.parse import quote

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from registry.choices import NeedStatus
from reports.models import Submission
from reports.services import accept_submission, return_submission, submit_attachment
from tests.factories import TrainingNeedFactory, UnitFactory, UserFactory, WorkerFactory, category, town

from .helpers import QINGYANG_FORM_1, load, table_rows

pytestmark = pytest.mark.django_db
SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
GRID = reverse("reports:submission_grid")
TOWN = reverse("reports:submission_town")


@pytest.fixture
def clock(monkeypatch):
    """The time the pages and services see: before the survey deadline unless moved."""

    def set_now(*args):
        moment = datetime.datetime(*args, tzinfo=SHANGHAI)
        monkeypatch.setattr("django.utils.timezone.now", lambda: moment)
        return moment

    set_now(2019, 6, 28, 9, 30)
    return set_now


@pytest.fixture
def submitted(qingyang_ledger, qingyang_clerk, campaign, clock):
    """青阳's Attachment 1, version 1, on time."""
    return submit_attachment(qingyang_clerk, campaign, 1).submission


def create_url(form, campaign=None):
    url = reverse("reports:submission_create", args=[form])
    return f"{url}?campaign={campaign.pk}" if campaign else url


def detail_url(submission):
    return reverse("reports:submission_detail", args=[submission.pk])


def post_submit(client, campaign, form=1, previous=0, date="2019-06-28"):
    return client.post(create_url(form, campaign), {"campaign": campaign.pk, "report_date": date, "previous": previous})


# --- the clerk's page ----------------------------------------------------------------------------------


def test_anonymous_is_sent_to_sign_in_everywhere(client, submitted):
    urls = [GRID, TOWN, create_url(1), detail_url(submitted), reverse("reports:submission_download", args=[submitted.pk])]
    for url in urls:
        assert reverse("login") in client.get(url)["Location"]
    for name in ("submission_accept", "submission_return"):
        assert reverse("login") in client.post(reverse(f"reports:{name}", args=[submitted.pk]))["Location"]


def test_a_department_gets_403_everywhere(client, department_user, submitted):
    client.force_login(department_user)
    for url in (GRID, TOWN, create_url(1), detail_url(submitted), reverse("reports:submission_download", args=[submitted.pk])):
        assert client.get(url).status_code == 403
    assert client.post(reverse("reports:submission_accept", args=[submitted.pk])).status_code == 403


def test_a_clerk_sees_both_attachments_not_yet_submitted(client, qingyang_clerk, qingyang_ledger, campaign, clock):
    client.force_login(qingyang_clerk)
    response = client.get(TOWN)
    cards = response.context["cards"]
    assert [(card["form"].number, card["state"], card["rows_now"]) for card in cards] == [
        (1, "not_submitted", 3), (2, "not_submitted", 2)
    ]
    html = response.content.decode()
    assert "报送附件1" in html and "报送附件2" in html and "未报送" in html
    assert create_url(1, campaign) in html
    assert "2019年7月1日" in html


def test_a_clerks_page_shows_each_version_with_its_state(client, qingyang_clerk, submitted, campaign, safety_office):
    return_submission(safety_office, submitted, "缺少电工的复审人员")
    client.force_login(qingyang_clerk)
    html = client.get(TOWN).content.decode()
    assert "已退回" in html and "缺少电工的复审人员" in html and "重新报送附件1" in html
    assert reverse("reports:submission_download", args=[submitted.pk]) in html
    assert detail_url(submitted) in html


@pytest.mark.parametrize("persona", ["safety_office", "emergency_bureau", "market_bureau"])
def test_city_roles_are_sent_from_the_clerks_page_to_the_grid(client, personas, persona):
    client.force_login(personas[persona])
    assert client.get(TOWN)["Location"] == GRID


# --- submitting ------------------------------------------------------------------------------------------


def test_submitting_first_shows_the_rows_to_be_frozen(client, qingyang_clerk, qingyang_ledger, campaign, clock):
    client.force_login(qingyang_clerk)
    response = client.get(create_url(1, campaign))
    assert response.status_code == 200
    assert [tuple(row) for row in response.context["page_obj"]] == QINGYANG_FORM_1
    assert response.context["submit_form"]["report_date"].value() == datetime.date(2019, 6, 28)
    # a browser's date input only shows an ISO date
    assert 'type="date" name="report_date" value="2019-06-28"' in response.content.decode()
    assert not Submission.objects.exists()


def test_confirming_submits_on_time_and_freezes_the_rows(client, qingyang_clerk, qingyang_ledger, campaign, clock):
    client.force_login(qingyang_clerk)
    response = post_submit(client, campaign)
    submission = Submission.objects.get()
    assert response["Location"] == detail_url(submission)
    assert (submission.version, submission.on_time, submission.row_count) == (1, True, 3)
    assert submission.report_date == datetime.date(2019, 6, 28)
    page = client.get(response["Location"])
    assert "已报送附件1第1版（3行）。" in page.content.decode()
    frozen = [(r.number, r.unit_name, r.worker_name, r.category_text, r.mobile) for r in page.context["page_obj"]]
    assert frozen == QINGYANG_FORM_1


def test_a_late_submission_is_marked_late(client, qingyang_clerk, qingyang_ledger, campaign, clock):
    clock(2019, 7, 2, 8, 0)
    client.force_login(qingyang_clerk)
    page = client.get(post_submit(client, campaign)["Location"]).content.decode()
    assert Submission.objects.get().is_late
    assert "记为逾期报送" in page


def test_a_second_click_does_not_submit_twice(client, qingyang_clerk, qingyang_ledger, campaign, clock):
    client.force_login(qingyang_clerk)
    post_submit(client, campaign, previous=0)
    response = post_submit(client, campaign, previous=0)
    assert Submission.objects.count() == 1
    assert "没有重复报送" in client.get(response["Location"]).content.decode()


def test_a_resubmission_is_a_new_version_and_keeps_the_earlier_one(client, qingyang_clerk, submitted, campaign, safety_office):
    return_submission(safety_office, submitted, "缺少复审人员")
    client.force_login(qingyang_clerk)
    assert client.get(create_url(1, campaign)).context["submit_form"]["previous"].value() == 1
    post_submit(client, campaign, previous=1)
    versions = list(Submission.objects.order_by("version").values_list("version", "status"))
    assert versions == [(1, Submission.Status.RETURNED), (2, Submission.Status.SUBMITTED)]


def test_an_accepted_form_cannot_be_submitted_again(client, qingyang_clerk, submitted, campaign, safety_office):
    accept_submission(safety_office, submitted)
    client.force_login(qingyang_clerk)
    response = client.get(create_url(1, campaign))
    assert response.status_code == 302
    assert "该附件已审核通过，不能重新报送。" in client.get(response["Location"]).content.decode()
    post_submit(client, campaign, previous=1)
    assert Submission.objects.count() == 1


def test_the_date_on_the_form_is_required_in_chinese(client, qingyang_clerk, qingyang_ledger, campaign, clock):
    client.force_login(qingyang_clerk)
    response = post_submit(client, campaign, date="")
    assert response.status_code == 200
    assert response.context["submit_form"].errors["report_date"] == ["请填写报送时间。"]
    assert not Submission.objects.exists()


@pytest.mark.parametrize("persona", ["safety_office", "emergency_bureau", "market_bureau"])
def test_only_a_clerk_submits(client, personas, persona, campaign, qingyang_ledger):
    client.force_login(personas[persona])
    assert client.get(create_url(1, campaign)).status_code == 403
    assert post_submit(client, campaign).status_code == 403
    assert not Submission.objects.exists()


def test_there_is_no_attachment_3_to_submit(client, qingyang_clerk, campaign):
    client.force_login(qingyang_clerk)
    assert client.get(create_url(3, campaign)).status_code == 404


# --- the grid -----------------------------------------------------------------------------------------------


def test_the_safety_office_sees_every_town_and_both_forms(
    client, safety_office, submitted, anhai_clerk, anhai_ledger, campaign, clock
):
    clock(2019, 7, 3, 10, 0)
    late = submit_attachment(anhai_clerk, campaign, 2).submission
    client.force_login(safety_office)
    response = client.get(GRID)
    rows = {row.town.short_name: [cell.state for cell in row.cells] for row in response.context["rows"]}
    assert len(rows) == 20
    assert rows["青阳"] == ["on_time", "not_submitted"]
    assert rows["安海"] == ["not_submitted", "late"]
    html = response.content.decode()
    assert detail_url(submitted) in html and detail_url(late) in html
    assert "按时报送" in html and "逾期报送" in html and "未报送" in html


def test_returned_and_accepted_show_in_the_grid(client, safety_office, submitted, anhai_clerk, anhai_ledger, campaign):
    other = submit_attachment(anhai_clerk, campaign, 1).submission
    return_submission(safety_office, submitted, "请补充")
    accept_submission(safety_office, other)
    client.force_login(safety_office)
    rows = {row.town.short_name: row.cells[0].state for row in client.get(GRID).context["rows"]}
    assert (rows["青阳"], rows["安海"]) == ("returned", "accepted")


@pytest.mark.parametrize("persona, form", [("emergency_bureau", 1), ("market_bureau", 2)])
def test_a_bureau_reads_its_own_attachments_column(client, personas, persona, form, submitted):
    client.force_login(personas[persona])
    response = client.get(GRID)
    assert [f.number for f in response.context["forms"]] == [form]
    assert all(len(row.cells) == 1 and row.cells[0].form == form for row in response.context["rows"])
    assert (detail_url(submitted) in response.content.decode()) == (form == 1)


def test_a_clerk_is_sent_to_their_towns_page(client, qingyang_clerk):
    client.force_login(qingyang_clerk)
    assert client.get(GRID)["Location"] == TOWN


def test_the_grid_runs_the_same_number_of_queries_for_many_submissions(
    client, safety_office, submitted, campaign, django_assert_max_num_queries
):
    client.force_login(safety_office)
    with CaptureQueriesContext(connection) as few:
        client.get(GRID)
    for short_name in ("安海", "磁灶", "陈埭"):
        TrainingNeedFactory(worker=WorkerFactory(unit=UnitFactory(town=town(short_name))), category=category("op-1"))
        clerk = UserFactory(role="town_clerk", town=town(short_name))
        submit_attachment(clerk, campaign, 1)
        submit_attachment(clerk, campaign, 2)
    with django_assert_max_num_queries(len(few)):
        client.get(GRID)


# --- a submission's detail, file, accept and return -------------------------------------------------------


def test_the_clerk_reads_their_submission_and_its_frozen_rows(client, qingyang_clerk, submitted, qingyang_ledger):
    # a ledger edit after submitting changes nothing in the submission
    qingyang_ledger["wang_height"].status = NeedStatus.CANCELLED
    qingyang_ledger["wang_height"].save()
    client.force_login(qingyang_clerk)
    response = client.get(detail_url(submitted))
    assert response.status_code == 200
    assert len(response.context["page_obj"]) == 3 and not response.context["can_review"]
    assert "13900000003" in response.content.decode()


def test_another_towns_clerk_gets_404(client, anhai_clerk, submitted):
    client.force_login(anhai_clerk)
    assert client.get(detail_url(submitted)).status_code == 404
    assert client.get(reverse("reports:submission_download", args=[submitted.pk])).status_code == 404
    assert client.post(reverse("reports:submission_accept", args=[submitted.pk])).status_code == 404


def test_a_bureau_reads_its_schemes_submissions_with_mobiles_masked(client, emergency_bureau, market_bureau, submitted):
    client.force_login(emergency_bureau)
    response = client.get(detail_url(submitted))
    html = response.content.decode()
    assert response.status_code == 200 and "139****0003" in html and "13900000003" not in html
    assert not response.context["can_review"]
    client.force_login(market_bureau)
    assert client.get(detail_url(submitted)).status_code == 404


def test_the_frozen_workbook_is_downloaded_as_submitted(client, qingyang_clerk, submitted):
    client.force_login(qingyang_clerk)
    response = client.get(reverse("reports:submission_download", args=[submitted.pk]))
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert response["Content-Disposition"] == (
        f"attachment; filename=\"submission_{submitted.town_id}_form1_v1.xlsx\"; "
        f"filename*=UTF-8''{quote('青阳街道_附件1_特种作业人员情况汇总表_第1版.xlsx')}"
    )
    assert response.content == bytes(Submission.objects.get().content)
    assert table_rows(load(response.content).active) == QINGYANG_FORM_1


def test_the_safety_office_accepts(client, safety_office, submitted):
    client.force_login(safety_office)
    page = client.get(detail_url(submitted))
    assert page.context["can_review"] and "审核通过" in page.content.decode()
    response = client.post(reverse("reports:submission_accept", args=[submitted.pk]))
    assert response["Location"] == detail_url(submitted)
    submitted.refresh_from_db()
    assert submitted.status == Submission.Status.ACCEPTED and submitted.reviewed_by == safety_office
    # once answered, the answer cannot be given again
    client.post(reverse("reports:submission_return", args=[submitted.pk]), {"reason": "再看看"})
    submitted.refresh_from_db()
    assert submitted.status == Submission.Status.ACCEPTED


def test_returning_needs_a_reason_in_chinese(client, safety_office, submitted):
    client.force_login(safety_office)
    response = client.post(reverse("reports:submission_return", args=[submitted.pk]), {"reason": "   "})
    assert response.status_code == 200
    assert response.context["return_form"].errors["reason"] == ["退回时必须填写原因。"]
    submitted.refresh_from_db()
    assert submitted.status == Submission.Status.SUBMITTED


def test_the_safety_office_returns_with_a_reason_the_clerk_then_reads(client, safety_office, qingyang_clerk, submitted):
    client.force_login(safety_office)
    response = client.post(reverse("reports:submission_return", args=[submitted.pk]), {"reason": "缺少焊工复审人员"})
    assert response["Location"] == detail_url(submitted)
    submitted.refresh_from_db()
    assert (submitted.status, submitted.reason) == (Submission.Status.RETURNED, "缺少焊工复审人员")
    client.force_login(qingyang_clerk)
    assert "缺少焊工复审人员" in client.get(detail_url(submitted)).content.decode()
    assert "缺少焊工复审人员" in client.get(TOWN).content.decode()


@pytest.mark.parametrize("persona", ["qingyang_clerk", "emergency_bureau"])
def test_those_who_may_read_but_not_answer_get_403(client, personas, persona, submitted):
    client.force_login(personas[persona])
    assert client.post(reverse("reports:submission_accept", args=[submitted.pk])).status_code == 403
    assert client.post(reverse("reports:submission_return", args=[submitted.pk]), {"reason": "x"}).status_code == 403
    submitted.refresh_from_db()
    assert submitted.status == Submission.Status.SUBMITTED


def test_answering_is_a_post(client, safety_office, submitted):
    client.force_login(safety_office)
    assert client.get(reverse("reports:submission_accept", args=[submitted.pk])).status_code == 405


def test_the_detail_runs_the_same_number_of_queries_for_many_rows(
    client, safety_office, qingyang_clerk, qingyang_ledger, campaign, clock, django_assert_max_num_queries
):
    few = submit_attachment(qingyang_clerk, campaign, 1).submission
    unit = UnitFactory(town=town("青阳"))
    for _ in range(30):
        TrainingNeedFactory(worker=WorkerFactory(unit=unit), category=category("op-1"))
    many = submit_attachment(qingyang_clerk, campaign, 1).submission
    client.force_login(safety_office)
    with CaptureQueriesContext(connection) as queries:
        client.get(detail_url(few))
    with django_assert_max_num_queries(len(queries)):
        client.get(detail_url(many))


def test_the_clerks_pages_run_the_same_number_of_queries_for_many_versions(
    client, qingyang_clerk, qingyang_ledger, campaign, clock, django_assert_max_num_queries
):
    client.force_login(qingyang_clerk)
    submit_attachment(qingyang_clerk, campaign, 1)
    with CaptureQueriesContext(connection) as town_page:
        client.get(TOWN)
    with CaptureQueriesContext(connection) as create_page:
        client.get(create_url(1, campaign))
    for _ in range(4):
        submit_attachment(qingyang_clerk, campaign, 1)
        submit_attachment(qingyang_clerk, campaign, 2)
    unit = UnitFactory(town=town("青阳"))
    for _ in range(20):
        TrainingNeedFactory(worker=WorkerFactory(unit=unit), category=category("op-1"))
    with django_assert_max_num_queries(len(town_page)):
        client.get(TOWN)
    with django_assert_max_num_queries(len(create_page)):
        client.get(create_url(1, campaign))
