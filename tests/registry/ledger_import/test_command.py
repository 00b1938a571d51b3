"""`manage.py import_ledger PATH [--town T] [--form 1|2] [--dry-run] [--skip-invalid] [--json]`."""

import io
import json

import pytest
from django.core.management import CommandError, call_command

from registry.models import LedgerImport, TrainingNeed, Unit
from tests.factories import town

from .builders import attachment, csv_bytes, xlsx_bytes

pytestmark = pytest.mark.django_db

GOOD = [[1, "晋江市甲鞋业有限公司", "李娜", "电工", "13850123459"], [2, "晋江市甲鞋业有限公司", "王五", "焊工（复审）", "13850123460"]]
BAD = GOOD + [[3, "晋江市甲鞋业有限公司", "赵六", "叉车", "13850123461"]]


def write(tmp_path, name, content):
    path = tmp_path / name
    path.write_bytes(content)
    return str(path)


def run(*args):
    out = io.StringIO()
    try:
        call_command("import_ledger", *args, stdout=out, stderr=io.StringIO())
        code = 0
    except CommandError as error:
        code = error.returncode
    return code, out.getvalue()


def test_json_output_of_a_committed_import(tmp_path):
    path = write(tmp_path, "青阳.xlsx", xlsx_bytes({"Sheet1": attachment(1, rows=GOOD)}))
    code, out = run(path, "--json")
    assert code == 0
    assert json.loads(out) == {
        "committed": True,
        "entries_created": 2,
        "workers_created": 2,
        "units_created": 1,
        "errors": [],
        "warnings": [],
    }
    assert TrainingNeed.objects.count() == 2 and LedgerImport.objects.get().uploaded_by is None


def test_errors_stop_the_commit_and_exit_1(tmp_path):
    path = write(tmp_path, "青阳.xlsx", xlsx_bytes({"Sheet1": attachment(1, rows=BAD)}))
    code, out = run(path, "--json")
    assert code == 1
    data = json.loads(out)
    assert data["committed"] is False and data["entries_created"] == 0
    assert data["errors"] == [
        {"sheet": "Sheet1", "row": 8, "column": "培训类别", "message": "叉车属于附件2（特种设备），不能填入附件1（特种作业）。"}
    ]
    assert not TrainingNeed.objects.exists()


def test_skip_invalid_commits_the_valid_rows_and_exits_0(tmp_path):
    path = write(tmp_path, "青阳.xlsx", xlsx_bytes({"Sheet1": attachment(1, rows=BAD)}))
    code, out = run(path, "--json", "--skip-invalid")
    data = json.loads(out)
    assert code == 0 and data["committed"] is True and data["entries_created"] == 2 and len(data["errors"]) == 1


def test_a_dry_run_writes_nothing_and_says_what_it_would_create(tmp_path):
    path = write(tmp_path, "青阳.xlsx", xlsx_bytes({"Sheet1": attachment(1, rows=GOOD)}))
    code, out = run(path, "--json", "--dry-run")
    data = json.loads(out)
    assert code == 0 and data["committed"] is False and data["entries_created"] == 2
    assert not TrainingNeed.objects.exists() and not LedgerImport.objects.exists()


def test_a_dry_run_with_errors_exits_1(tmp_path):
    path = write(tmp_path, "青阳.xlsx", xlsx_bytes({"Sheet1": attachment(1, rows=BAD)}))
    assert run(path, "--json", "--dry-run")[0] == 1


def test_town_and_form_options(tmp_path):
    rows = [["序号", "单位", "姓名", "培训类别", "手机号码"], *GOOD]
    path = write(tmp_path, "ledger.csv", csv_bytes(rows, encoding="gbk"))
    code, out = run(path, "--town", "350582101", "--form", "1", "--json")
    assert code == 0 and json.loads(out)["entries_created"] == 2
    assert Unit.objects.get().town == town("安海")


def test_the_human_summary_names_rows_and_columns(tmp_path):
    path = write(tmp_path, "青阳.xlsx", xlsx_bytes({"Sheet1": attachment(1, rows=BAD)}))
    code, out = run(path)
    assert code == 1
    assert "错误：工作表“Sheet1” 第8行 “培训类别”列 叉车属于附件2（特种设备）" in out
    code, out = run(path, "--skip-invalid")
    assert code == 0 and "已导入：新增培训需求 2 条，人员 2 人，单位 1 个。" in out


def test_a_user_option_applies_that_users_rights(tmp_path, qingyang_clerk, anhai_clerk):
    path = write(tmp_path, "青阳.xlsx", xlsx_bytes({"Sheet1": attachment(1, rows=GOOD)}))
    code, out = run(path, "--json", "--user", "anhai")
    assert code == 1 and "您只能导入安海镇的台账" in json.loads(out)["errors"][0]["message"]
    code, out = run(path, "--json", "--user", "qingyang")
    assert code == 0 and LedgerImport.objects.get(status="committed").uploaded_by == qingyang_clerk


@pytest.mark.parametrize(
    "args, message",
    [(["/nonexistent/ledger.xlsx"], "找不到文件"), (["{path}", "--town", "上海"], "找不到镇（街道）"), (["{path}", "--user", "nobody"], "找不到用户")],
)
def test_bad_arguments_are_command_errors(tmp_path, args, message):
    path = write(tmp_path, "a.xlsx", xlsx_bytes({"Sheet1": attachment(1, rows=GOOD)}))
    with pytest.raises(CommandError, match=message):
        call_command("import_ledger", *[a.format(path=path) for a in args], stdout=io.StringIO())


def test_a_bureau_user_cannot_import(tmp_path, market_bureau):
    path = write(tmp_path, "a.xlsx", xlsx_bytes({"Sheet1": attachment(1, rows=GOOD)}))
    with pytest.raises(CommandError, match="只有镇（街道）安办和市安办可以导入台账"):
        call_command("import_ledger", path, "--user", "shichang", stdout=io.StringIO())
