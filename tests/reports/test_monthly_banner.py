"""The reporter's home-page banner: from three days before the due day until the summary is submitted."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from reports.models import MonthlySummary
from reports.monthly import banner_notices
from reports.monthly_services import return_monthly_summary, submit_monthly_summary
from tests.factories import department, town

pytestmark = pytest.mark.django_db

JUNE = datetime.date(2019, 6, 1)


def kinds(user, today):
    return [(notice.kind, notice.month) for notice in banner_notices(user, today=today)]


def summary_for(reporter, month=JUNE, **fields):
    key = "town" if reporter.__class__.__name__ == "Town" else "department"
    return MonthlySummary.objects.create(month=month, work_done="做了", next_plan="计划", **{key: reporter}, **fields)


@pytest.fixture
def may_filed(qingyang_clerk, department_user):
    """May is filed, so only June's reminders show."""
    submit_monthly_summary(qingyang_clerk, summary_for(town("青阳"), datetime.date(2019, 5, 1)))
    submit_monthly_summary(department_user, summary_for(department("住建局"), datetime.date(2019, 5, 1)))


@pytest.mark.parametrize(
    "today, shown",
    [
        (datetime.date(2019, 6, 26), False),  # four days before 30 June
        (datetime.date(2019, 6, 27), True),  # three days before
        (datetime.date(2019, 6, 30), True),  # the due day
    ],
)
def test_the_banner_shows_from_three_days_before_the_due_day(qingyang_clerk, may_filed, today, shown):
    assert kinds(qingyang_clerk, today) == ([("due_soon", JUNE)] if shown else [])


def test_a_short_month_counts_back_from_its_own_last_day(qingyang_clerk):
    submit_monthly_summary(qingyang_clerk, summary_for(town("青阳"), datetime.date(2019, 1, 1)))
    assert kinds(qingyang_clerk, datetime.date(2019, 2, 24)) == []
    assert kinds(qingyang_clerk, datetime.date(2019, 2, 25)) == [("due_soon", datetime.date(2019, 2, 1))]


def test_a_draft_does_not_stop_the_banner_and_submitting_does(qingyang_clerk, may_filed):
    summary = summary_for(town("青阳"))
    assert kinds(qingyang_clerk, datetime.date(2019, 6, 28)) == [("due_soon", JUNE)]
    assert banner_notices(qingyang_clerk, today=datetime.date(2019, 6, 28))[0].summary_id == summary.pk
    submit_monthly_summary(qingyang_clerk, summary)
    assert kinds(qingyang_clerk, datetime.date(2019, 6, 28)) == []


def test_after_the_due_day_the_unsubmitted_month_stays_until_it_is_submitted(qingyang_clerk, may_filed):
    assert kinds(qingyang_clerk, datetime.date(2019, 7, 1)) == [("overdue", JUNE)]
    submit_monthly_summary(qingyang_clerk, summary_for(town("青阳")))
    assert kinds(qingyang_clerk, datetime.date(2019, 7, 1)) == []


def test_a_returned_summary_asks_to_be_submitted_again(qingyang_clerk, safety_office, may_filed):
    summary = summary_for(town("青阳"))
    submit_monthly_summary(qingyang_clerk, summary)
    return_monthly_summary(safety_office, summary, "补充")
    assert kinds(qingyang_clerk, datetime.date(2019, 6, 29)) == [("returned", JUNE)]


def test_a_department_gets_its_own_banner(department_user, may_filed):
    assert kinds(department_user, datetime.date(2019, 6, 28)) == [("due_soon", JUNE)]


def test_the_city_roles_get_no_banner(safety_office, market_bureau, emergency_bureau):
    for user in (safety_office, market_bureau, emergency_bureau):
        assert banner_notices(user, today=datetime.date(2019, 6, 30)) == []


def test_another_towns_summary_does_not_silence_mine(qingyang_clerk, anhai_clerk, may_filed):
    submit_monthly_summary(anhai_clerk, summary_for(town("安海")))
    assert kinds(qingyang_clerk, datetime.date(2019, 6, 28)) == [("due_soon", JUNE)]


# On the home page -------------------------------------------------------------------------


@pytest.fixture
def on_28_june(monkeypatch):
    monkeypatch.setattr("reports.monthly.local_today", lambda now=None: datetime.date(2019, 6, 28))


def test_the_home_page_shows_the_banner_with_a_link(client, qingyang_clerk, may_filed, on_28_june):
    client.force_login(qingyang_clerk)
    body = client.get(reverse("home")).content.decode()
    assert "本月工作总结将于6月30日到期，尚未报送" in body
    assert reverse("reports:monthly_start", args=[2019, 6]) in body


def test_the_banner_is_gone_from_the_home_page_once_submitted(client, qingyang_clerk, may_filed, on_28_june):
    submit_monthly_summary(qingyang_clerk, summary_for(town("青阳")))
    client.force_login(qingyang_clerk)
    assert "monthly-banner" not in client.get(reverse("home")).content.decode()


def test_the_home_page_of_a_city_role_has_no_banner(client, safety_office, on_28_june):
    client.force_login(safety_office)
    assert "monthly-banner" not in client.get(reverse("home")).content.decode()


def test_pages_without_the_banner_do_not_query_for_it(client, qingyang_clerk):
    client.force_login(qingyang_clerk)
    with CaptureQueriesContext(connection) as queries:
        client.get(reverse("registry:unit_list"))
    assert not any("reports_monthlysummary" in q["sql"] for q in queries.captured_queries)
