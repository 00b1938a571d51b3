"""The exported Attachment 1/2 reproduces the notice's printed form, cell by cell."""

import datetime
import io
import zipfile

import pytest

from registry.choices import Role
from reports.attachments import command_line_user
from reports.xlsx import export_town_attachment
from tests.factories import TrainingNeedFactory, UnitFactory, WorkerFactory, category, town

from .helpers import QINGYANG_FORM_1, QINGYANG_FORM_2, load, table_rows

REPORT_DATE = datetime.date(2019, 7, 1)


def export(form, town_short_name="青阳", user=None, date=REPORT_DATE):
    output = io.BytesIO()
    export_town_attachment(user or command_line_user(), town(town_short_name), form, output, date)
    return output.getvalue()


@pytest.fixture
def form_1(qingyang_ledger):
    return load(export(1)).active


def test_it_heads_the_sheet_with_the_attachment_number(form_1):
    assert form_1["A1"].value == "附件1"


def test_it_merges_the_title_across_the_table(form_1):
    assert form_1["A2"].value == "特种作业人员情况汇总表"
    assert "A2:E2" in {str(r) for r in form_1.merged_cells.ranges}
    assert form_1["A2"].font.b is True
    assert form_1["A2"].font.sz >= 16
    assert form_1["A2"].font.name == "黑体"
    assert form_1["A2"].alignment.horizontal == "center"


def test_it_fills_the_town_blank_with_the_short_name(form_1):
    assert form_1["A3"].value == "青阳镇（街道）"


def test_it_writes_the_report_date_without_leading_zeros(form_1):
    assert form_1["A4"].value == "报送时间：2019年7月1日"


def test_it_writes_the_header_row_with_borders(form_1):
    header = [form_1.cell(row=5, column=c) for c in range(1, 6)]
    assert [c.value for c in header] == ["序号", "生产经营单位名称", "从业人员姓名", "培训类别", "手机号码"]
    assert all(c.border.left.style == "thin" and c.border.bottom.style == "thin" for c in header)


def test_it_numbers_the_rows_in_unit_then_worker_order(form_1):
    assert table_rows(form_1) == QINGYANG_FORM_1
    assert form_1["A6"].data_type == "n"


def test_the_body_is_bordered_in_songti(form_1):
    for row in form_1.iter_rows(min_row=6, max_row=8, max_col=5):
        for cell in row:
            assert cell.border.top.style == "thin" and cell.border.right.style == "thin"
            assert cell.font.name == "宋体"


def test_it_writes_the_note_under_the_table_word_for_word(form_1):
    assert form_1["A9"].value == "注：培训类别为电工、焊工、高处作业、制冷与空调作业，已持证的每三年要复审一次。"
    assert "A9:E9" in {str(r) for r in form_1.merged_cells.ranges}


def test_attachment_2_has_its_own_title_rows_and_note(qingyang_ledger):
    sheet = load(export(2)).active
    assert sheet["A1"].value == "附件2"
    assert sheet["A2"].value == "特种设备作业人员情况汇总表"
    assert table_rows(sheet) == QINGYANG_FORM_2
    assert sheet["A8"].value == (
        "注：培训类别为锅炉、压力容器（含气瓶）、压力管道、电梯、起重机械、大型游乐设施、场（厂）内专用机动车辆。"
    )


def test_it_prints_on_a4_portrait_one_page_wide_with_the_header_on_every_page(form_1):
    assert form_1.page_setup.paperSize == 9  # A4
    assert form_1.page_setup.orientation == "portrait"
    assert form_1.page_setup.fitToWidth == 1
    assert form_1.page_setup.fitToHeight == 0
    assert form_1.sheet_properties.pageSetUpPr.fitToPage is True
    assert form_1.print_title_rows == "$5:$5"


def test_columns_are_wide_enough_for_chinese_text(form_1):
    widths = {letter: form_1.column_dimensions[letter].width for letter in "ABCDE"}
    assert widths["B"] >= 40  # a unit name of twenty characters
    assert widths["D"] >= 30
    assert widths["E"] >= 13  # eleven digits


def test_mobiles_are_text_cells(form_1):
    for row in range(6, 9):
        cell = form_1.cell(row=row, column=5)
        assert cell.data_type == "s"
        assert cell.number_format == "@"


def test_formula_looking_values_stay_text(db):
    unit = UnitFactory(town=town("青阳"), name="=HYPERLINK(\"http://x\",\"点我\")")
    TrainingNeedFactory(worker=WorkerFactory(unit=unit, name="+张三"), category=category("op-1-2"))
    TrainingNeedFactory(worker=WorkerFactory(unit=unit, name="@李四"), category=category("op-1-2"))
    TrainingNeedFactory(worker=WorkerFactory(unit=unit, name="-王五"), category=category("op-1-2"))
    content = export(1)
    sheet = load(content).active
    assert sheet["B6"].value == '=HYPERLINK("http://x","点我")'
    assert {sheet.cell(row=r, column=3).value for r in (6, 7, 8)} == {"+张三", "@李四", "-王五"}
    for row in sheet.iter_rows(min_row=6, max_row=8, max_col=5):
        assert all(cell.data_type in ("s", "n") for cell in row)
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        sheet_xml = archive.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet_xml and "<f " not in sheet_xml


def test_an_empty_town_still_prints_the_whole_form(db):
    sheet = load(export(1, "安海")).active
    assert sheet["A3"].value == "安海镇（街道）"
    assert sheet["A5"].value == "序号"
    assert sheet["A6"].value.startswith("注：")


def test_a_clerk_exports_only_their_own_town(qingyang_ledger, anhai_clerk, qingyang_clerk):
    from registry.models import Town

    with pytest.raises(Town.DoesNotExist):
        export(1, "青阳", user=anhai_clerk)
    assert table_rows(load(export(1, "青阳", user=qingyang_clerk)).active) == QINGYANG_FORM_1


@pytest.mark.parametrize(
    "persona, form, allowed",
    [
        ("emergency_bureau", 1, True),
        ("emergency_bureau", 2, False),
        ("market_bureau", 2, True),
        ("market_bureau", 1, False),
        ("department_user", 1, False),
        ("anonymous", 1, False),
    ],
)
def test_bureaus_export_their_own_scheme_only(qingyang_ledger, personas, persona, form, allowed):
    from registry.models import Town

    user = personas[persona]
    if allowed:
        assert len(table_rows(load(export(form, user=user)).active)) == (3 if form == 1 else 2)
    else:
        with pytest.raises(Town.DoesNotExist):
            export(form, user=user)


def test_the_command_line_user_is_the_safety_office():
    assert command_line_user().role == Role.SAFETY_OFFICE
