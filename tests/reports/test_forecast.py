"""The review forecast: certificates whose next review (or renewal) falls due in each of the next 12
months, and those already overdue, by town and by training category; as a page and a workbook.

The day is fixed at 15 June 2026: the window runs from today to 31 May 2027.
"""

import datetime

import pytest
from django.urls import reverse

from registry.models import Certificate
from reports import summaries
from tests.factories import CertificateFactory, UnitFactory, WorkerFactory, category, town
from tests.reports.helpers import load

ON = datetime.date(2026, 6, 15)
D = datetime.date


@pytest.fixture
def forecast_ledger(db):
    qingyang, anhai = UnitFactory(town=town("青阳")), UnitFactory(town=town("安海"))

    def holder(unit, key, **dates):
        return CertificateFactory(worker=WorkerFactory(unit=unit), category=category(key), **dates)

    holder(qingyang, "op-1-2", issued_on=D(2023, 7, 20))  # review 20 July 2026
    holder(qingyang, "op-2-1", issued_on=D(2023, 6, 20))  # review 20 June 2026: this month, after today
    holder(qingyang, "op-1-2", issued_on=D(2023, 6, 10))  # review 10 June 2026: overdue
    holder(qingyang, "op-1-1", issued_on=D(2020, 8, 1), last_reviewed_on=D(2023, 7, 25))  # 25 July 2026
    holder(qingyang, "op-1-2", issued_on=D(2020, 6, 1), last_reviewed_on=D(2023, 6, 30))  # expires 1 June 2026
    holder(anhai, "se-2-g1", issued_on=D(2023, 1, 31), valid_until=D(2027, 1, 31))  # review 1 January 2027
    holder(anhai, "se-9-n1", issued_on=D(2023, 7, 20), valid_until=D(2027, 7, 20))  # 20 June 2027: beyond
    archived = WorkerFactory(unit=qingyang, is_active=False)
    CertificateFactory(worker=archived, category=category("op-1-2"), issued_on=D(2023, 7, 5))  # not counted


def forecast(user, scheme=None):
    return summaries.review_forecast(summaries.Scope(user=user, scheme=scheme, on=ON))


def months(**counts):
    """Twelve month counts from June 2026, given as {"2026_07": n}."""
    starts = summaries.forecast_window(ON)[0]
    return [counts.get(f"{start.year}_{start.month:02d}", 0) for start in starts]


def line(lines, label):
    return next(item for item in lines if str(item.label) == label)


def test_the_window_is_this_month_and_the_next_eleven(db):
    starts, last = summaries.forecast_window(ON)
    assert starts[0] == D(2026, 6, 1) and starts[-1] == D(2027, 5, 1) and len(starts) == 12
    assert last == D(2027, 5, 31)
    assert summaries.forecast_window(D(2026, 12, 31))[0][1] == D(2027, 1, 1)


def test_reviews_due_by_town_and_month(forecast_ledger, safety_office):
    table = forecast(safety_office)
    assert len(table.by_town) == 20
    qingyang, anhai = line(table.by_town, "青阳街道"), line(table.by_town, "安海镇")
    assert qingyang.overdue == 1
    assert qingyang.months == months(**{"2026_06": 1, "2026_07": 2})
    assert qingyang.values() == [1, *months(**{"2026_06": 1, "2026_07": 2}), 3]
    assert (anhai.overdue, anhai.months, anhai.total) == (0, months(**{"2027_01": 1}), 1)
    assert table.town_totals.overdue == 1
    assert table.town_totals.months == months(**{"2026_06": 1, "2026_07": 2, "2027_01": 1})
    assert table.town_totals.total == 4


def test_reviews_due_by_training_category(forecast_ledger, safety_office):
    table = forecast(safety_office)
    assert [(item.group, item.label) for item in table.by_category] == [
        ("特种作业", "电工"), ("特种作业", "焊工"), ("特种设备", "锅炉")]
    electric, welding, boiler = table.by_category
    assert (electric.overdue, electric.months) == (1, months(**{"2026_07": 2}))
    assert welding.months == months(**{"2026_06": 1})
    assert boiler.months == months(**{"2027_01": 1})
    assert table.category_totals.values() == table.town_totals.values()


def test_the_forecast_uses_the_dashboards_definition_of_due(forecast_ledger, safety_office):
    """What falls due by the end of the window is `review_due_within` over the window."""
    within = (summaries.forecast_window(ON)[1] - ON).days
    due = Certificate.objects.filter(worker__is_active=True).review_due_within(within, ON).count()
    overdue = Certificate.objects.filter(worker__is_active=True).review_overdue_on(ON).count()
    table = forecast(safety_office)
    assert (table.town_totals.total, table.town_totals.overdue) == (due, overdue)


@pytest.mark.parametrize("persona, expected", [("emergency_bureau", 3), ("market_bureau", 1)])
def test_a_bureau_forecasts_its_scheme(forecast_ledger, personas, persona, expected):
    user = personas[persona]
    table = forecast(user, scheme=user.scheme)
    assert table.town_totals.total == expected
    assert {item.group for item in table.by_category} == {"特种作业" if user.scheme == "special_operation" else "特种设备"}


def test_a_clerk_forecasts_their_town_with_the_city_totals(forecast_ledger, anhai_clerk):
    table = forecast(anhai_clerk)
    assert [str(item.label) for item in table.by_town] == ["安海镇"]
    assert table.town_totals.total == 4  # the city's
    assert [item.label for item in table.by_category] == ["锅炉"]  # their own town's categories
    assert table.category_totals.total == 1


def test_the_page_and_the_workbook_show_the_same_lines(client, forecast_ledger, safety_office):
    client.force_login(safety_office)
    page = client.get(reverse("reports:forecast"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "12个月合计" in html and "全市合计" in html
    response = client.get(reverse("reports:forecast_xlsx"))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    book = load(response.content)
    assert book.sheetnames == ["按镇（街道）", "按培训类别"]
    forecast_table = page.context["forecast"]
    by_town = list(book["按镇（街道）"].iter_rows(min_row=4, values_only=True))
    assert [row[0] for row in by_town] == [item.label for item in forecast_table.by_town] + ["全市合计"]
    for row, item in zip(by_town, [*forecast_table.by_town, forecast_table.town_totals]):
        assert list(row[1:]) == item.values()
    header = [cell.value for cell in book["按培训类别"][3]]
    assert header[:3] == ["体系", "培训类别", "已逾期"] and header[-1] == "12个月合计" and len(header) == 16
    by_category = list(book["按培训类别"].iter_rows(min_row=4, values_only=True))
    assert [row[:2] for row in by_category[:-1]] == [(item.group, item.label) for item in forecast_table.by_category]
    assert list(by_category[-1][2:]) == forecast_table.category_totals.values()
    for row in book["按镇（街道）"].iter_rows():
        for cell in row:
            assert cell.data_type != "f"


def test_a_clerks_workbook_has_no_other_town(client, forecast_ledger, qingyang_clerk):
    client.force_login(qingyang_clerk)
    book = load(client.get(reverse("reports:forecast_xlsx")).content)
    names = [row[0] for row in book["按镇（街道）"].iter_rows(min_row=4, values_only=True)]
    assert names == ["青阳街道", "全市合计"]
    assert "安海" not in client.get(reverse("reports:forecast")).content.decode()
