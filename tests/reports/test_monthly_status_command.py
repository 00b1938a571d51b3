"""monthly_status: one month's grid on the command line, as text or as one JSON object."""

import datetime
import io
import json
import zoneinfo

import pytest
from django.core.management import CommandError, call_command

from reports.models import MonthlySummary
from reports.monthly_services import return_monthly_summary, submit_monthly_summary
from tests.factories import UserFactory, department, town

pytestmark = pytest.mark.django_db

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
JUNE = datetime.date(2019, 6, 1)


def run(*args):
    out = io.StringIO()
    call_command("monthly_status", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def june(safety_office):
    clerk = UserFactory(role="town_clerk", town=town("青阳"))
    summary = MonthlySummary.objects.create(town=town("青阳"), month=JUNE, work_done="做了", next_plan="计划")
    submit_monthly_summary(clerk, summary, now=datetime.datetime(2019, 6, 30, 20, tzinfo=SHANGHAI))
    clerk = UserFactory(role="town_clerk", town=town("安海"))
    summary = MonthlySummary.objects.create(town=town("安海"), month=JUNE, work_done="做了", next_plan="计划")
    submit_monthly_summary(clerk, summary, now=datetime.datetime(2019, 7, 1, 8, tzinfo=SHANGHAI))
    user = UserFactory(role="department", department=department("法院"))
    summary = MonthlySummary.objects.create(department=department("法院"), month=JUNE, work_done="a", next_plan="b")
    submit_monthly_summary(user, summary, now=datetime.datetime(2019, 6, 10, tzinfo=SHANGHAI))
    return_monthly_summary(safety_office, summary, "补充")


def test_json_is_one_object_with_a_row_per_reporter(june):
    data = json.loads(run("--month", "2019-06", "--json"))
    assert set(data) == {"month", "rows"} and data["month"] == "2019-06"
    rows = data["rows"]
    assert len(rows) == 64
    assert all(set(row) == {"reporter", "kind", "status"} for row in rows)
    assert [row["kind"] for row in rows] == ["town"] * 20 + ["department"] * 44
    assert rows[0] == {"reporter": "青阳街道", "kind": "town", "status": "on_time"}
    by_name = {row["reporter"]: row["status"] for row in rows}
    assert by_name["安海镇"] == "late"
    assert by_name["法院"] == "returned"
    assert by_name["梅岭街道"] == "missing" and by_name["联通公司"] == "missing"
    assert {row["status"] for row in rows} <= {"not_due", "missing", "on_time", "late", "returned", "received"}


def test_the_order_is_the_same_every_time(june):
    assert run("--month", "2019-06", "--json") == run("--month", "2019-06", "--json")


def test_a_month_not_yet_over_is_not_due():
    data = json.loads(run("--month", "2099-01", "--json"))
    assert {row["status"] for row in data["rows"]} == {"not_due"}


def test_a_single_digit_month_is_accepted_and_printed_with_two():
    assert json.loads(run("--month", "2019-6", "--json"))["month"] == "2019-06"


def test_the_text_lists_every_reporter_and_the_totals(june):
    text = run("--month", "2019-06")
    assert "2019年6月" in text
    assert "青阳街道" in text and "联通公司" in text and "按时报送" in text and "逾期报送" in text
    assert "合计 64 家" in text


@pytest.mark.parametrize("bad", ["2019-13", "2019/06", "June", "", "2019-00"])
def test_a_bad_month_is_a_chinese_error(bad):
    with pytest.raises(CommandError, match="月份"):
        run("--month", bad)
