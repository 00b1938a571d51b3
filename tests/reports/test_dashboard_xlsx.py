"""The dashboard's table as a workbook: the page's rows and totals, values only (never formulas)."""

import pytest
from django.urls import reverse

from tests.reports.helpers import load
from tests.reports.test_dashboard import dashboard_ledger, running_campaign  # noqa: F401  (fixtures)

HEADER_ROW = 3


@pytest.fixture
def workbook(client, dashboard_ledger, safety_office):
    client.force_login(safety_office)
    response = client.get(reverse("reports:dashboard_xlsx"), {"o": "-workers"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert "attachment;" in response["Content-Disposition"] and ".xlsx" in response["Content-Disposition"]
    page = client.get(reverse("reports:dashboard"), {"o": "-workers"})
    return load(response.content), page.context


def test_the_workbook_holds_the_pages_rows_in_the_pages_order(workbook):
    book, page = workbook
    sheet = book.active
    header = [cell.value for cell in sheet[HEADER_ROW]]
    assert header == ["镇（街道）", *[str(column.label) for column in page["columns"]]]
    rows = list(sheet.iter_rows(min_row=HEADER_ROW + 1, values_only=True))
    assert len(rows) == len(page["rows"]) + 1
    for values, row in zip(rows, page["rows"]):
        assert values[0] == row["town"].name
        assert list(values[1:]) == pytest.approx([cell["value"] for cell in row["cells"]])
    assert rows[0][:3] == ("青阳街道", 2, 5)
    assert rows[-1][0] == "全市合计"
    assert list(rows[-1][1:]) == pytest.approx([cell["value"] for cell in page["totals"]])


def test_the_workbook_says_what_it_counts(workbook):
    book, page = workbook
    sheet = book.active
    assert sheet["A1"].value == "特种作业和特种设备作业人员持证情况汇总"
    assert sheet["A2"].value == page["description"]
    assert sheet.print_title_rows == "$3:$3"  # the header repeats on every printed page
    assert str(sheet.page_setup.paperSize) == sheet.PAPERSIZE_A4
    assert sheet.page_setup.orientation == "landscape"


def test_every_cell_is_a_value_never_a_formula(workbook):
    book, _page = workbook
    sheet = book.active
    share_column = 1 + [str(cell.value) for cell in sheet[HEADER_ROW]].index("持证率")
    for row in sheet.iter_rows(min_row=1):
        for cell in row:
            assert cell.data_type != "f", cell.coordinate
            assert not (isinstance(cell.value, str) and cell.value.startswith("=")), cell.coordinate
    share = sheet.cell(row=HEADER_ROW + 1, column=share_column)
    assert share.value == pytest.approx(0.4)
    assert share.number_format == "0.0%"
    total_share = sheet.cell(row=sheet.max_row, column=share_column)
    assert total_share.value == pytest.approx(3 / 7)


def test_a_town_without_workers_has_an_empty_share(workbook):
    book, _page = workbook
    sheet = book.active
    share_column = [str(cell.value) for cell in sheet[HEADER_ROW]].index("持证率")
    cizao = next(row for row in sheet.iter_rows(min_row=HEADER_ROW + 1, values_only=True) if row[0] == "磁灶镇")
    assert cizao[share_column] is None
    assert cizao[2] == 0
