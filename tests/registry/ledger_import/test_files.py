"""Whole files of each format, with the entries, errors and warnings they give."""

import datetime

import pytest

from registry.choices import NeedKind, NeedSource
from registry.ledger_import import import_ledger
from registry.models import LedgerImport, TrainingNeed, Unit, Worker
from tests.factories import town

from .builders import attachment, csv_bytes, xls_bytes, xlsx_bytes
from .conftest import ledger_entries

pytestmark = pytest.mark.django_db
INITIAL, REVIEW = NeedKind.INITIAL, NeedKind.REVIEW


def qingyang_form1_xlsx():
    """青阳's Attachment 1 as a clerk keeps it: merged unit cells, spaces, a review, a duplicate."""
    rows = attachment(
        1,
        town="青阳",
        rows=[
            [1, "晋江市甲鞋业有限公司", "李 娜", "电工", 13850123459],
            [2, None, "王五", "焊工（复审）", "138 5012 3460"],
            [3, None, "赵六", "电工、高处作业", "+86 138-5012-3461"],
            [4, "晋江市（乙）机械有限公司", "钱七", "低压电工", "１３８５０１２３４６２"],
            [5, "晋江市（乙）机械有限公司", "钱七", "低压电工", "１３８５０１２３４６２"],
        ],
    )
    return xlsx_bytes({"Sheet1": rows}, merges={"Sheet1": ["B6:B8"]})


def test_an_xlsx_with_title_town_line_date_and_merged_units(safety_office):
    result = import_ledger(qingyang_form1_xlsx(), "青阳附件1.xlsx", user=safety_office)
    assert result.errors == []
    assert result.committed
    assert (result.entries_created, result.workers_created, result.units_created) == (5, 4, 2)
    assert ledger_entries() == {
        ("晋江市甲鞋业有限公司", "李娜", "13850123459", "op-1", INITIAL),
        ("晋江市甲鞋业有限公司", "王五", "13850123460", "op-2", REVIEW),
        ("晋江市甲鞋业有限公司", "赵六", "13850123461", "op-1", INITIAL),
        ("晋江市甲鞋业有限公司", "赵六", "13850123461", "op-3", INITIAL),
        ("晋江市(乙)机械有限公司", "钱七", "13850123462", "op-1-2", INITIAL),
    }
    assert [w.as_warning() for w in result.warnings] == [
        {"sheet": "Sheet1", "row": 10, "message": "与第9行内容相同（序号除外），只导入一次。"}
    ]
    assert set(Unit.objects.values_list("town__short_name", flat=True)) == {"青阳"}
    [sheet] = result.sheets
    assert (sheet.town, sheet.form, sheet.reported_on) == (town("青阳"), 1, datetime.date(2019, 6, 28))


def test_the_committed_import_is_recorded_and_its_entries_point_to_it(safety_office):
    content = qingyang_form1_xlsx()
    result = import_ledger(content, "青阳附件1.xlsx", user=safety_office)
    record = LedgerImport.objects.get()
    assert result.ledger_import == record
    assert record.status == LedgerImport.Status.COMMITTED
    assert (record.uploaded_by, record.town, record.form, record.file_name) == (safety_office, town("青阳"), 1, "青阳附件1.xlsx")
    assert record.committed_at is not None
    assert len(record.checksum) == 64 and bytes(record.content) == content
    assert (record.entries_created, record.workers_created, record.units_created) == (5, 4, 2)
    assert (record.rows_total, record.error_count, record.warning_count) == (5, 0, 1)
    assert set(TrainingNeed.objects.values_list("ledger_import", "source")) == {(record.pk, NeedSource.IMPORTED)}


def test_imported_rows_have_history_naming_the_importer(safety_office):
    import_ledger(qingyang_form1_xlsx(), "青阳附件1.xlsx", user=safety_office)
    worker = Worker.objects.get(name="李娜")
    [record] = worker.history.all()
    assert record.history_user == safety_office and record.history_type == "+"
    assert "青阳附件1.xlsx" in record.history_change_reason
    assert TrainingNeed.history.count() == 5 and Unit.history.count() == 2


def test_an_xls_written_by_old_excel_with_merged_cells(safety_office):
    rows = attachment(
        2,
        town="安海",
        rows=[
            [1, "晋江市丙食品有限公司", "孙八", "叉车", 13950123459.0],
            [2, None, "周九", "锅炉（复审）", "13950123460"],
            [3, "晋江市丁物流有限公司", "吴十", "N1、行车", "13950123461"],
        ],
    )
    content = xls_bytes({"Sheet1": rows}, merges={"Sheet1": [(5, 6, 1, 1)]})
    result = import_ledger(content, "安海附件2.xls", user=safety_office)
    assert result.errors == [] and result.committed
    assert ledger_entries(town("安海")) == {
        ("晋江市丙食品有限公司", "孙八", "13950123459", "se-9-n1", INITIAL),
        ("晋江市丙食品有限公司", "周九", "13950123460", "se-2", REVIEW),
        ("晋江市丁物流有限公司", "吴十", "13950123461", "se-9-n1", INITIAL),
        ("晋江市丁物流有限公司", "吴十", "13950123461", "se-6-q2", INITIAL),
    }


@pytest.mark.parametrize("encoding, bom", [("utf-8", True), ("utf-8", False), ("gbk", False)])
def test_a_csv_in_utf8_with_bom_or_gbk(safety_office, encoding, bom):
    rows = attachment(
        1,
        town="梅岭",
        rows=[
            [1, "晋江市戊纸业有限公司", "郑 一", "制冷", "13750123459"],
            [2, "", "冯二", "登高架设（复审）", "137-5012-3460"],  # blank unit: the one above, with a warning
        ],
    )
    result = import_ledger(csv_bytes(rows, encoding=encoding, bom=bom), "梅岭.csv", user=safety_office)
    assert result.errors == [] and result.committed
    assert ledger_entries() == {
        ("晋江市戊纸业有限公司", "郑一", "13750123459", "op-4", INITIAL),
        ("晋江市戊纸业有限公司", "冯二", "13750123460", "op-3-1", REVIEW),
    }
    assert [w.as_warning() for w in result.warnings] == [
        {"sheet": "梅岭", "row": 7, "message": "生产经营单位名称为空，已沿用上一行的单位。"}
    ]


def bad_file():
    header = ["序号", "生产经营单位名称", "从业人员 姓名", "身份证号码", "培训类别", "手机号码（必填）"]
    rows = attachment(
        1,
        town="青阳",
        header=header,
        rows=[
            [1, "晋江市甲鞋业有限公司", "李娜", "", "电工", "13850123459"],
            [2, "晋江市甲鞋业有限公司", "王五", "350582199001010010", "焊工", "13850123460"],
            [3, "晋江市甲鞋业有限公司", "赵六", "", "叉车", "13850123461"],
            [4, "晋江市甲鞋业有限公司", "钱七", "", "架子工", "1385012346"],
            [5, "晋江市甲鞋业有限公司", "", "", "电工", ""],
            [6, "晋江市甲鞋业有限公司", "孙八", "", "电工（复审）", "13850123463"],
        ],
    )
    return xlsx_bytes({"青阳": rows})


def test_every_error_names_sheet_row_column_and_what_is_wrong(safety_office):
    result = import_ledger(bad_file(), "bad.xlsx", user=safety_office)
    assert not result.committed
    errors = [e.as_error() for e in result.errors]
    assert errors[0] == {"sheet": "青阳", "row": 7, "column": "身份证号码", "message": "身份证号码校验位错误，请核对是否录错。"}
    assert errors[1] == {
        "sheet": "青阳", "row": 8, "column": "培训类别", "message": "叉车属于附件2（特种设备），不能填入附件1（特种作业）。"
    }
    assert errors[2] == {"sheet": "青阳", "row": 9, "column": "手机号码（必填）", "message": "手机号码应为11位数字，以13–19开头。"}
    assert errors[3]["row"] == 9 and errors[3]["column"] == "培训类别" and "架子工" in errors[3]["message"]
    assert {(e["row"], e["column"]) for e in errors[4:]} == {(10, "从业人员 姓名"), (10, "手机号码（必填）")}
    assert len(errors) == 6


def test_a_file_with_any_error_commits_nothing(safety_office):
    import_ledger(bad_file(), "bad.xlsx", user=safety_office)
    assert not TrainingNeed.objects.exists() and not Worker.objects.exists() and not Unit.objects.exists()
    assert LedgerImport.objects.get().status == LedgerImport.Status.REJECTED


def test_skip_invalid_imports_only_the_rows_without_errors(safety_office):
    result = import_ledger(bad_file(), "bad.xlsx", user=safety_office, skip_invalid=True)
    assert result.committed and len(result.errors) == 6
    assert ledger_entries() == {
        ("晋江市甲鞋业有限公司", "李娜", "13850123459", "op-1", INITIAL),
        ("晋江市甲鞋业有限公司", "孙八", "13850123463", "op-1", REVIEW),
    }
    assert [row.status for row in result.rows] == ["new", "error", "error", "error", "error", "new"]


def test_a_workbook_with_one_sheet_per_town_imports_each_into_its_town(safety_office):
    sheets = {
        "填表说明": [["各镇（街道）请按附件1格式填写，7月1日前报送。"]],
        "青阳": attachment(1, town=None, rows=[[1, "晋江市甲鞋业有限公司", "李娜", "电工", "13850123459"]]),
        "安海": attachment(1, town=None, rows=[[1, "晋江市甲鞋业有限公司", "王五", "焊工", "13850123460"]]),
        "Sheet3": [],
    }
    result = import_ledger(xlsx_bytes(sheets), "全市附件1.xlsx", user=safety_office)
    assert result.errors == [] and result.committed
    assert ledger_entries(town("青阳")) == {("晋江市甲鞋业有限公司", "李娜", "13850123459", "op-1", INITIAL)}
    assert ledger_entries(town("安海")) == {("晋江市甲鞋业有限公司", "王五", "13850123460", "op-2", INITIAL)}
    assert Unit.objects.count() == 2  # the same name in two towns is two units
    warnings = [w.as_warning() for w in result.warnings]
    assert warnings[0]["sheet"] == "填表说明" and "未导入" in warnings[0]["message"] and "表头" in warnings[0]["message"]
    assert warnings[1] == {"sheet": "Sheet3", "row": 0, "message": "工作表“Sheet3”未导入：工作表是空的。"}
    assert LedgerImport.objects.get().town is None  # two towns


def test_a_sheet_without_a_town_gives_an_error_unless_a_town_is_given(safety_office):
    content = xlsx_bytes({"Sheet1": attachment(1, town=None, rows=[[1, "甲公司", "李娜", "电工", "13850123459"]])})
    result = import_ledger(content, "a.xlsx", user=safety_office)
    assert not result.committed and "无法确定镇（街道）" in result.errors[0].message
    result = import_ledger(content, "a.xlsx", user=safety_office, town=town("西园"))
    assert result.committed and Unit.objects.get().town == town("西园")


def test_the_form_comes_from_the_title_or_is_given(safety_office):
    rows = [["序号", "单位", "姓名", "培训类别", "手机号码"], [1, "甲公司", "李娜", "电工", "13850123459"]]
    content = xlsx_bytes({"青阳": rows})
    result = import_ledger(content, "a.xlsx", user=safety_office, form=1, dry_run=True)
    assert result.errors == [] and result.sheets[0].form == 1
    result = import_ledger(content, "a.xlsx", user=safety_office, form=2, dry_run=True)
    assert result.errors[0].message == "电工属于附件1（特种作业），不能填入附件2（特种设备）。"
    titled = xlsx_bytes({"青阳": attachment(2, rows=[[1, "甲公司", "李娜", "叉车", "13850123459"]])})
    result = import_ledger(titled, "a.xlsx", user=safety_office, form=1, dry_run=True)
    assert result.errors[0].as_error() == {
        "sheet": "青阳", "row": 2, "column": "", "message": "表名“特种设备作业人员情况汇总表”是附件2，与指定的附件1不一致。"
    }


def test_without_title_or_form_the_categories_decide_with_a_warning(safety_office):
    rows = [["序号", "单位", "姓名", "培训类别", "手机号码"], [1, "甲公司", "李娜", "叉车", "13850123459"]]
    result = import_ledger(xlsx_bytes({"青阳": rows}), "a.xlsx", user=safety_office, dry_run=True)
    assert result.errors == [] and result.sheets[0].form == 2
    assert "判断为附件2" in result.warnings[0].message


def test_an_unreadable_file_is_one_error(safety_office):
    result = import_ledger(b"\x00\x01garbage", "a.xlsx", user=safety_office)
    assert not result.committed and len(result.errors) == 1
    assert result.as_dict()["errors"][0]["row"] == 0


def test_text_is_stored_exactly_as_cleaned(safety_office):
    header = ["序号", "生产经营单位名称", "从业人员姓名", "培训类别", "手机号码", "备注"]
    rows = [[1, "晋江市\\甲\\乙 有限公司", "李娜", "电工", "13850123459", "夜班\t\\N 待定\n补考"]]
    result = import_ledger(xlsx_bytes({"青阳": [header, *rows]}), "a.xlsx", user=safety_office, form=1)
    assert result.committed
    need = TrainingNeed.objects.select_related("worker__unit").get()
    assert need.worker.unit.name == "晋江市\\甲\\乙 有限公司"
    assert need.note == "夜班 \\N 待定 补考"
    assert need.worker.unit.history.get().name == "晋江市\\甲\\乙 有限公司"


def test_history_of_imported_rows_can_be_left_out_by_a_setting(safety_office, settings):
    settings.JINJIANG_CERT_IMPORT_HISTORY = False
    result = import_ledger(qingyang_form1_xlsx(), "青阳附件1.xlsx", user=safety_office)
    assert result.committed and TrainingNeed.objects.count() == 5
    assert not Worker.history.exists() and not TrainingNeed.history.exists() and not Unit.history.exists()
    # who imported what and when is still on record
    assert set(TrainingNeed.objects.values_list("ledger_import__uploaded_by", flat=True)) == {safety_office.pk}
