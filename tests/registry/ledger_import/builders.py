"""Ledger files as towns send them, built in memory for the tests."""

import csv
import io

import openpyxl
import xlwt

HEADER = ["序号", "生产经营单位名称", "从业人员姓名", "培训类别", "手机号码"]
TITLES = {1: "特种作业人员情况汇总表", 2: "特种设备作业人员情况汇总表"}
NOTES = {
    1: "注：培训类别为电工、焊工、高处作业、制冷与空调作业，已持证的每三年要复审一次。",
    2: "注：培训类别为锅炉、压力容器（含气瓶）、压力管道、电梯、起重机械、大型游乐设施、场（厂）内专用机动车辆。",
}


def attachment(form, town="青阳", rows=(), header=HEADER, reported="报送时间：2019年6月28日", note=True, signature=True):
    """The notice's printed form: 附件N, title, town line, 报送时间, header, rows, note, signature."""
    lines = [[f"附件{form}"], [TITLES[form]], [f"{town}镇（街道）" if town is not None else "_____镇（街道）"]]
    if reported:
        lines.append([reported])
    lines.append(list(header))
    lines.extend(list(row) for row in rows)
    if note:
        lines.append([NOTES[form]])
    if signature:
        lines.append(["填表人：张三", None, "审核人：李四", None, "联系电话：0595-85695195"])
    return lines


def xlsx_bytes(sheets, merges=None):
    """sheets: {name: rows}; merges: {name: ["B6:B8", …]}."""
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for name, rows in sheets.items():
        sheet = workbook.create_sheet(name)
        for row in rows:
            sheet.append(list(row))
        for cell_range in (merges or {}).get(name, []):
            sheet.merge_cells(cell_range)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def xls_bytes(sheets, merges=None):
    """Old-format .xls through xlwt; merges: {name: [(first_row, last_row, first_col, last_col), …]} 0-based."""
    workbook = xlwt.Workbook(encoding="utf-8")
    for name, rows in sheets.items():
        sheet = workbook.add_sheet(name)
        merged = {(r1, c1): (r2, c2) for r1, r2, c1, c2 in (merges or {}).get(name, [])}
        covered = {
            (r, c) for (r1, c1), (r2, c2) in merged.items() for r in range(r1, r2 + 1) for c in range(c1, c2 + 1)
        }
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if (r, c) in merged:
                    r2, c2 = merged[(r, c)]
                    sheet.write_merge(r, r2, c, c2, value)
                elif (r, c) not in covered and value is not None:
                    sheet.write(r, c, value)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def csv_bytes(rows, encoding="utf-8", bom=False):
    buffer = io.StringIO()
    csv.writer(buffer).writerows([["" if value is None else value for value in row] for row in rows])
    data = buffer.getvalue().encode(encoding)
    return (b"\xef\xbb\xbf" + data) if bom else data
