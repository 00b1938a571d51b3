"""What the ledger of conftest's `qingyang_ledger` looks like on the forms, and readers for exported files."""

import io

import openpyxl

# The rows of 青阳's Attachment 1 built by `qingyang_ledger`, in the form's order.
QINGYANG_FORM_1 = [
    (1, "晋江市A建材有限公司", "张三", "焊工（熔化焊接与热切割作业）（复审）", "13700000001"),
    (2, "晋江市A建材有限公司", "王五", "高处作业", "13900000003"),
    (3, "晋江市B机械有限公司", "李四", "电工（低压电工作业）", "13800000002"),
]
QINGYANG_FORM_2 = [
    (1, "晋江市A建材有限公司", "王五", "场（厂）内专用机动车辆（叉车司机）", "13900000003"),
    (2, "晋江市B机械有限公司", "李四", "锅炉（工业锅炉司炉）（复审）", "13800000002"),
]


def load(content):
    """A workbook written by the export, read back with openpyxl's ordinary reader."""
    if isinstance(content, (bytes, memoryview)):
        content = io.BytesIO(bytes(content))
    return openpyxl.load_workbook(content)


def table_rows(sheet, first=6):
    """The data rows of a form sheet: from the row under the header to the row above the note."""
    rows = []
    for row in sheet.iter_rows(min_row=first, values_only=True):
        if isinstance(row[0], str) and row[0].startswith("注："):
            break
        rows.append(tuple(row[:5]))
    return rows
