"""The city workbook: a summary sheet (town × form label, initial and review) and one sheet per town."""

import datetime
import io

import pytest
from django.core.exceptions import PermissionDenied

from registry.choices import NeedKind
from registry.models import Town
from reports.attachments import city_summary, command_line_user
from reports.xlsx import export_city_workbook
from tests.factories import TrainingNeedFactory, UnitFactory, WorkerFactory, category, town

from .helpers import QINGYANG_FORM_1, load, table_rows


def export(form, user=None):
    output = io.BytesIO()
    export_city_workbook(user or command_line_user(), form, output, datetime.date(2019, 7, 1))
    return load(output.getvalue())


@pytest.fixture
def more_anhai(anhai_ledger):
    worker = WorkerFactory(unit=UnitFactory(town=town("安海")), name="周八", mobile="13300000006")
    TrainingNeedFactory(worker=worker, category=category("op-1-2"), kind=NeedKind.REVIEW)
    TrainingNeedFactory(worker=worker, category=category("op-5-1"))  # a mining item: 其他
    return anhai_ledger


def test_the_summary_counts_initial_and_review_per_town_and_label(qingyang_ledger, more_anhai):
    summary = city_summary(command_line_user(), 1)
    assert summary.labels == ["电工", "焊工", "高处作业", "制冷与空调作业", "其他"]
    lines = {line.town.short_name: line for line in summary.lines}
    assert len(lines) == 20
    assert (lines["青阳"].initial("电工"), lines["青阳"].review("电工")) == (1, 0)
    assert (lines["青阳"].initial("焊工"), lines["青阳"].review("焊工")) == (0, 1)
    assert lines["青阳"].initial("高处作业") == 1
    assert (lines["安海"].initial("电工"), lines["安海"].review("电工")) == (1, 1)
    assert lines["安海"].initial("其他") == 1
    assert (lines["青阳"].initial_total, lines["青阳"].review_total, lines["青阳"].total) == (2, 1, 3)
    assert lines["梅岭"].total == 0
    assert (summary.totals.initial("电工"), summary.totals.review("电工")) == (2, 1)
    assert (summary.totals.initial_total, summary.totals.review_total, summary.totals.total) == (4, 2, 6)


def test_the_summary_sheet_shows_the_counts_and_totals(qingyang_ledger, more_anhai):
    sheet = export(1)["汇总"]
    assert sheet["A1"].value == "特种作业人员情况汇总表（全市汇总）"
    assert sheet["A2"].value == "报送时间：2019年7月1日"
    header = [c.value for c in sheet[3]]
    assert header[:4] == ["序号", "镇（街道）", "电工", None]
    assert header[-3] == "合计"
    assert [c.value for c in sheet[4]][2:4] == ["取证", "复审"]
    assert [c.value for c in sheet[4]][-3:] == ["取证", "复审", "小计"]
    by_town = {row[1]: row for row in sheet.iter_rows(min_row=5, values_only=True)}
    # 电工 initial, review | 焊工 … | 其他 | totals: initial, review, all
    assert by_town["青阳街道"][2:4] == (1, 0)
    assert by_town["青阳街道"][4:6] == (0, 1)
    assert by_town["青阳街道"][-3:] == (2, 1, 3)
    assert by_town["安海镇"][2:4] == (1, 1)
    assert by_town["安海镇"][10:12] == (1, 0)  # 其他
    total = [row for row in sheet.iter_rows(min_row=5, values_only=True) if row[0] == "合计"][0]
    assert total[-3:] == (4, 2, 6)
    assert "A3:A4" in {str(r) for r in sheet.merged_cells.ranges}
    assert sheet.print_title_rows == "$3:$4"


def test_each_town_has_a_sheet_laid_out_as_its_form(qingyang_ledger, more_anhai):
    workbook = export(1)
    assert workbook.sheetnames[0] == "汇总"
    assert workbook.sheetnames[1:] == list(Town.objects.values_list("name", flat=True))
    qingyang = workbook["青阳街道"]
    assert qingyang["A1"].value == "附件1"
    assert qingyang["A3"].value == "青阳镇（街道）"
    assert table_rows(qingyang) == QINGYANG_FORM_1
    assert [(row[0], row[2]) for row in table_rows(workbook["安海镇"])] == [(1, "陈六"), (2, "周八"), (3, "周八")]
    assert workbook["梅岭街道"]["A6"].value.startswith("注：")
    assert workbook["梅岭街道"].print_title_rows == "$5:$5"


def test_a_bureau_gets_its_own_scheme_only(qingyang_ledger, market_bureau, emergency_bureau):
    assert table_rows(export(1, emergency_bureau)["青阳街道"]) == QINGYANG_FORM_1
    with pytest.raises(PermissionDenied):
        export(2, emergency_bureau)
    with pytest.raises(PermissionDenied):
        export(1, market_bureau)


def test_a_clerk_gets_a_city_workbook_of_their_own_town(qingyang_ledger, anhai_ledger, qingyang_clerk):
    workbook = export(1, qingyang_clerk)
    assert workbook.sheetnames == ["汇总", "青阳街道"]


def test_a_department_gets_nothing(department_user):
    with pytest.raises(PermissionDenied):
        export(1, department_user)
