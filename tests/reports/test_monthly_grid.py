"""The completeness grid: each cell's state at its boundary, the totals, the query count, and the page."""

import datetime
import zoneinfo

import pytest
from django.urls import reverse

from campaigns.models import Campaign
from reports.models import MonthlyGridState, MonthlySummary
from reports.monthly import campaign_months, completeness_grid, last_months
from reports.monthly_models import monthly_grid_state
from reports.monthly_services import receive_monthly_summary, return_monthly_summary, submit_monthly_summary
from tests.factories import UserFactory, department, town

pytestmark = pytest.mark.django_db

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
MAY, JUNE, JULY = datetime.date(2019, 5, 1), datetime.date(2019, 6, 1), datetime.date(2019, 7, 1)
Status = MonthlySummary.Status
State = MonthlyGridState


def at(*args):
    return datetime.datetime(*args, tzinfo=SHANGHAI)


END_OF_JUNE = at(2019, 6, 30, 23, 59, 59, 999999)
JULY_FIRST = at(2019, 7, 1, 0, 0)


# The rule, at its boundaries --------------------------------------------------------------


@pytest.mark.parametrize(
    "status, late, now, state",
    [
        (None, False, END_OF_JUNE, State.NOT_DUE),  # the month's last day is not over
        (None, False, JULY_FIRST, State.MISSING),  # midnight after it: missing
        (Status.DRAFT, False, END_OF_JUNE, State.NOT_DUE),  # a draft is not submitted
        (Status.DRAFT, False, JULY_FIRST, State.MISSING),
        (Status.SUBMITTED, False, at(2019, 6, 20), State.ON_TIME),  # submitted before the month ended
        (Status.SUBMITTED, False, JULY_FIRST, State.ON_TIME),
        (Status.SUBMITTED, True, JULY_FIRST, State.LATE),
        (Status.RETURNED, False, JULY_FIRST, State.RETURNED),
        (Status.RETURNED, True, END_OF_JUNE, State.RETURNED),
        (Status.RECEIVED, True, JULY_FIRST, State.RECEIVED),  # received wins over late
    ],
)
def test_a_cell_state(status, late, now, state):
    assert monthly_grid_state(status, late, JUNE, now) == state


# Built from real summaries ----------------------------------------------------------------


def clerk_of(short_name):
    return UserFactory(role="town_clerk", town=town(short_name))


def submitted(short_name, when, month=JUNE):
    clerk = clerk_of(short_name)
    summary = MonthlySummary.objects.create(town=town(short_name), month=month, work_done="做了", next_plan="计划")
    submit_monthly_summary(clerk, summary, now=when)
    return clerk, summary


@pytest.fixture
def june(safety_office, market_bureau):
    submitted("青阳", at(2019, 6, 30, 23, 59, 59))  # on time, at the last second
    submitted("安海", JULY_FIRST)  # late, at the first second after
    clerk, returned = submitted("梅岭", at(2019, 6, 28))
    return_monthly_summary(safety_office, returned, "补充")
    clerk, resubmitted = submitted("西园", at(2019, 6, 28))
    return_monthly_summary(market_bureau, resubmitted, "补充")
    resubmitted.work_done = "补充后"
    resubmitted.save()
    submit_monthly_summary(clerk, resubmitted, now=at(2019, 7, 2, 9))  # resubmitted after the due day: late
    clerk, resubmitted_in_time = submitted("罗山", at(2019, 6, 20))
    return_monthly_summary(safety_office, resubmitted_in_time, "补充")
    submit_monthly_summary(clerk, resubmitted_in_time, now=at(2019, 6, 29))
    _, by_one = submitted("灵源", at(2019, 6, 28))
    receive_monthly_summary(safety_office, by_one)
    _, by_both = submitted("新塘", at(2019, 7, 5))
    receive_monthly_summary(safety_office, by_both)
    receive_monthly_summary(market_bureau, by_both)
    MonthlySummary.objects.create(town=town("磁灶"), month=JUNE)  # a draft only
    zhujian = UserFactory(role="department", department=department("住建局"))
    summary = MonthlySummary.objects.create(department=department("住建局"), month=JUNE, work_done="a", next_plan="b")
    submit_monthly_summary(zhujian, summary, now=at(2019, 6, 30, 12))


def states(grid, index=0):
    return {row.reporter.name: row.cells[index].state for row in grid.rows}


def test_every_state_from_real_summaries(june):
    grid = completeness_grid([JUNE, JULY], now=at(2019, 7, 10))
    june_states = states(grid, 0)
    assert june_states["青阳街道"] == State.ON_TIME
    assert june_states["安海镇"] == State.LATE
    assert june_states["梅岭街道"] == State.RETURNED
    assert june_states["西园街道"] == State.LATE  # returned, then resubmitted after the due day
    assert june_states["罗山街道"] == State.ON_TIME  # returned, then resubmitted in time
    assert june_states["灵源街道"] == State.ON_TIME  # received by one recipient only
    assert june_states["新塘街道"] == State.RECEIVED  # received by both, though late
    assert june_states["磁灶镇"] == State.MISSING  # a draft is not a submission
    assert june_states["住建局"] == State.ON_TIME
    assert june_states["法院"] == State.MISSING
    assert set(states(grid, 1).values()) == {State.NOT_DUE}  # July is not over on 10 July


def test_one_row_per_reporter_towns_first_in_the_notices_order(june):
    grid = completeness_grid([JUNE], now=at(2019, 7, 10))
    assert len(grid.rows) == 20 + 44
    assert [row.kind for row in grid.rows[:20]] == ["town"] * 20
    assert grid.rows[0].reporter.name == "青阳街道" and grid.rows[20].reporter.name == "法院"
    assert grid.rows[-1].reporter.name == "联通公司"


def test_totals_per_month_and_per_reporter(june):
    grid = completeness_grid([MAY, JUNE, JULY], now=at(2019, 7, 10))
    may, june_totals, july = grid.month_totals
    assert may == {State.MISSING: 64}
    assert june_totals == {State.ON_TIME: 4, State.LATE: 2, State.RETURNED: 1, State.RECEIVED: 1, State.MISSING: 56}
    assert july == {State.NOT_DUE: 64}
    qingyang = grid.rows[0]
    assert qingyang.totals == {State.MISSING: 1, State.ON_TIME: 1, State.NOT_DUE: 1}
    assert qingyang.total_counts == [1, 1, 1, 0, 0, 0]  # not due, missing, on time, late, returned, received
    assert grid.totals[State.MISSING] == 64 + 56
    assert [row[2] for row in grid.state_rows] == [64, 120, 4, 2, 1, 1]


def test_the_grid_takes_three_queries_however_many_summaries(june, django_assert_num_queries):
    months = [MAY, JUNE, JULY]
    with django_assert_num_queries(3):
        completeness_grid(months, now=at(2019, 7, 10))
    submitted("陈埭", at(2019, 5, 30), month=MAY)
    submitted("池店", at(2019, 7, 30), month=JULY)
    with django_assert_num_queries(3):
        completeness_grid(months, now=at(2019, 7, 10))


def test_a_reporter_sees_its_own_row_only(june, qingyang_clerk, department_user, emergency_bureau):
    assert [row.reporter.name for row in completeness_grid([JUNE], user=qingyang_clerk).rows] == ["青阳街道"]
    assert [row.reporter.name for row in completeness_grid([JUNE], user=department_user).rows] == ["住建局"]
    assert len(completeness_grid([JUNE], user=emergency_bureau).rows) == 64


def test_the_kind_narrows_the_rows(june):
    assert len(completeness_grid([JUNE], kind="town").rows) == 20
    assert len(completeness_grid([JUNE], kind="department").rows) == 44


def test_the_months_of_a_campaign_or_the_last_twelve():
    campaign = Campaign.objects.get(document_number="晋安办〔2019〕28号", created_from=None)
    months = campaign_months(campaign)
    assert months[0] == datetime.date(campaign.starts_on.year, campaign.starts_on.month, 1)
    assert months[-1] == datetime.date(campaign.ends_on.year, campaign.ends_on.month, 1)
    twelve = last_months(12, today=datetime.date(2020, 2, 29))
    assert twelve[0] == datetime.date(2019, 3, 1) and twelve[-1] == datetime.date(2020, 2, 1) and len(twelve) == 12


# The page ---------------------------------------------------------------------------------


def grid_page(client, user, **params):
    client.force_login(user)
    return client.get(reverse("reports:monthly_grid"), params)


@pytest.mark.parametrize("persona, rows", [("safety_office", 64), ("market_bureau", 64), ("emergency_bureau", 64),
                                            ("qingyang_clerk", 1), ("department_user", 1)])
def test_who_sees_which_rows_on_the_page(client, personas, persona, rows):
    response = grid_page(client, personas[persona])
    assert response.status_code == 200
    assert len(response.context["grid"].rows) == rows
    assert len(response.context["grid"].months) == 12


def test_the_page_needs_sign_in(client):
    response = client.get(reverse("reports:monthly_grid"))
    assert response.status_code == 302 and reverse("login") in response["Location"]


def test_a_clerk_never_sees_another_towns_name_on_the_grid(client, qingyang_clerk, june):
    body = grid_page(client, qingyang_clerk).content.decode()
    assert "青阳街道" in body and "安海镇" not in body and "住建局" not in body


def test_the_page_shows_a_campaigns_months_and_their_states(client, safety_office, june):
    campaign = Campaign.objects.get(document_number="晋安办〔2019〕28号", created_from=None)
    response = grid_page(client, safety_office, campaign=campaign.pk)
    grid = response.context["grid"]
    assert grid.months == campaign_months(campaign)
    body = response.content.decode()
    assert 'data-reporter="town-%d"' % town("青阳").pk in body
    june_index = grid.months.index(JUNE)
    assert grid.rows[0].cells[june_index].state == State.ON_TIME


def test_the_page_runs_the_same_number_of_queries_with_more_summaries(
    client, safety_office, django_assert_max_num_queries
):
    client.force_login(safety_office)
    url = reverse("reports:monthly_grid")
    with django_assert_max_num_queries(20) as few:
        client.get(url)
    for short_name in ("青阳", "安海", "梅岭", "西园"):
        submitted(short_name, at(2019, 6, 20), month=last_months(12)[0])
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(url)
