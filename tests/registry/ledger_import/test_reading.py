"""Reading files and finding the table: formats, encodings, merged cells, lines that are not data."""

import datetime

import pytest

from registry.ledger_import.reader import Sheet, UnreadableFile, read_sheets
from registry.ledger_import.table import find_table

from .builders import HEADER, attachment, csv_bytes, xls_bytes, xlsx_bytes

ROWS = [
    [1, "晋江市甲鞋业有限公司", "李 娜", "电工", "13850123459"],
    [2, "晋江市乙机械有限公司", "王五", "焊工", "13850123460"],
]


def cells(sheet):
    table = find_table(sheet)
    return [(row.number, row.values["unit"], row.values["name"]) for row in table.rows]


def test_an_xlsx_is_read_with_excel_row_numbers():
    [sheet] = read_sheets(xlsx_bytes({"青阳": attachment(1, rows=ROWS)}), "青阳.xlsx")
    assert sheet.name == "青阳"
    assert sheet.rows[0][0] == "附件1"
    assert cells(sheet) == [(6, "晋江市甲鞋业有限公司", "李 娜"), (7, "晋江市乙机械有限公司", "王五")]


def test_leading_blank_rows_and_columns_keep_their_positions():
    rows = [[], [], [None, *HEADER], [None, *ROWS[0]]]
    [sheet] = read_sheets(xlsx_bytes({"Sheet1": rows}), "a.xlsx")
    table = find_table(sheet)
    assert table.header_row == 3
    assert table.columns["unit"].index == 2
    assert [row.number for row in table.rows] == [4]


def test_vertically_merged_unit_cells_fill_down_in_xlsx():
    rows = attachment(1, rows=[[1, "晋江市甲鞋业有限公司", "李娜", "电工", "13850123459"], [2, None, "王五", "焊工", "13850123460"], [3, None, "赵六", "电工", "13850123461"]])
    [sheet] = read_sheets(xlsx_bytes({"Sheet1": rows}, merges={"Sheet1": ["B6:B8"]}), "a.xlsx")
    table = find_table(sheet)
    assert [row.values["unit"] for row in table.rows] == ["晋江市甲鞋业有限公司"] * 3
    assert not any(row.unit_filled for row in table.rows)  # merged, not guessed


def test_vertically_merged_unit_cells_fill_down_in_xls():
    rows = attachment(2, rows=[[1, "晋江市甲鞋业有限公司", "李娜", "叉车", "13850123459"], [2, None, "王五", "行车", "13850123460"]])
    [sheet] = read_sheets(xls_bytes({"Sheet1": rows}, merges={"Sheet1": [(5, 6, 1, 1)]}), "old.xls")
    table = find_table(sheet)
    assert table.form == 2
    assert [row.values["unit"] for row in table.rows] == ["晋江市甲鞋业有限公司"] * 2


def test_a_blank_unit_cell_without_a_merge_takes_the_unit_above_and_is_flagged():
    rows = attachment(1, rows=[[1, "晋江市甲鞋业有限公司", "李娜", "电工", "13850123459"], [2, "", "王五", "焊工", "13850123460"]])
    [sheet] = read_sheets(csv_bytes(rows), "a.csv")
    table = find_table(sheet)
    assert [(row.values["unit"], row.unit_filled) for row in table.rows] == [
        ("晋江市甲鞋业有限公司", False),
        ("晋江市甲鞋业有限公司", True),
    ]


@pytest.mark.parametrize("encoding, bom", [("utf-8", False), ("utf-8", True), ("gbk", False), ("gb18030", False)])
def test_csv_in_utf8_with_or_without_bom_and_in_gbk(encoding, bom):
    [sheet] = read_sheets(csv_bytes(attachment(1, rows=ROWS), encoding=encoding, bom=bom), "青阳.csv")
    assert sheet.name == "青阳"
    assert sheet.rows[0][0] == "附件1"
    assert cells(sheet)[0] == (6, "晋江市甲鞋业有限公司", "李 娜")


def test_a_tab_separated_text_file_is_read_too():
    text = "\n".join("\t".join("" if v is None else str(v) for v in row) for row in attachment(1, rows=ROWS))
    [sheet] = read_sheets(text.encode("utf-16"), "export.txt")
    assert cells(sheet)[1] == (7, "晋江市乙机械有限公司", "王五")


def test_an_xls_that_is_really_an_xlsx_is_read_by_its_content():
    [sheet] = read_sheets(xlsx_bytes({"Sheet1": attachment(1, rows=ROWS)}), "wps.xls")
    assert len(cells(sheet)) == 2


@pytest.mark.parametrize("content, name", [(b"", "a.xlsx"), (b"<html>not a workbook</html>", "a.xlsx"), (b"PK\x03\x04broken", "a.xlsx")])
def test_an_unreadable_file_says_so(content, name):
    with pytest.raises(UnreadableFile):
        read_sheets(content, name)


def test_the_lines_above_the_header_give_form_town_and_date():
    table = find_table(Sheet("Sheet1", attachment(2, town="安海", rows=ROWS)))
    assert (table.form, table.form_row) == (2, 2)
    assert (table.town_text, table.town_row) == ("安海", 3)
    assert table.reported_on == datetime.date(2019, 6, 28)
    assert table.header_row == 5


@pytest.mark.parametrize("line", ["__青阳__镇（街道）", "青阳 镇(街道)", "填报单位：青阳镇（街道）", "＿＿青阳＿＿镇（街道）"])
def test_the_town_is_the_text_before_the_town_mark(line):
    rows = [["特种作业人员情况汇总表"], [line], HEADER, ROWS[0]]
    assert find_table(Sheet("Sheet1", rows)).town_text == "青阳"


def test_an_unfilled_town_line_gives_no_town():
    assert find_table(Sheet("Sheet1", attachment(1, town=None, rows=ROWS))).town_text == ""


def test_the_attachment_line_gives_the_form_when_the_title_is_missing():
    rows = [["附件2"], HEADER, ROWS[0]]
    assert find_table(Sheet("Sheet1", rows)).form == 2


def test_notes_totals_signatures_blank_and_repeated_header_rows_are_skipped():
    rows = [
        HEADER,
        ROWS[0],
        [],
        [None, None, None, None, None],
        [3, None, None, None, None],  # a numbered empty form row
        HEADER,  # the header printed again on page 2
        ROWS[1],
        ["合计", None, "2人"],
        ["注：培训类别为电工、焊工、高处作业、制冷与空调作业，已持证的每三年要复审一次。"],
        ["填表人：张三", None, "审核人：李四", None, "联系电话：85695195"],
        ["单位负责人（签字）："],
    ]
    assert cells(Sheet("Sheet1", rows)) == [(2, "晋江市甲鞋业有限公司", "李 娜"), (7, "晋江市乙机械有限公司", "王五")]


def test_extra_columns_are_understood_or_ignored():
    header = ["序号", "单位名称", "姓名", "性别", "身份证号码", "培训类别", "证书编号", "手机号码（必填）", "备注"]
    rows = [header, [1, "甲公司", "李娜", "女", "35058219900101001X", "电工", "T35058219900101001X", "13850123459", "夜班"]]
    table = find_table(Sheet("Sheet1", rows))
    assert set(table.columns) == {"seq", "unit", "name", "gender", "id_number", "category", "cert_number", "mobile", "note"}
    assert table.column("mobile") == "手机号码（必填）"
    [row] = table.rows
    assert row.values["id_number"] == "35058219900101001X" and row.values["note"] == "夜班"


def test_a_sheet_without_the_header_words_is_skipped_with_a_reason():
    table = find_table(Sheet("说明", [["填表说明"], ["请按附件格式填写"]]))
    assert table.skipped and "表头" in table.skipped
    assert find_table(Sheet("Sheet3", [])).skipped == "工作表是空的"
