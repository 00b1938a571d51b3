"""manage.py export_attachment: a town's form or the city workbook to a file."""

import pytest
from django.core.management import CommandError, call_command

from .helpers import QINGYANG_FORM_1, QINGYANG_FORM_2, load, table_rows


@pytest.mark.parametrize("town_text", ["青阳", "青阳街道", "350582001", "350582001000"])
def test_it_exports_a_town_named_any_way(qingyang_ledger, tmp_path, town_text):
    path = tmp_path / "附件1.xlsx"
    call_command("export_attachment", "--town", town_text, "--form", "1", "--output", str(path), verbosity=0)
    assert table_rows(load(path).active) == QINGYANG_FORM_1


def test_it_prints_the_given_date(qingyang_ledger, tmp_path, capsys):
    path = tmp_path / "附件2.xlsx"
    call_command("export_attachment", "--town", "青阳", "--form", "2", "--output", str(path), "--date", "2019-06-28")
    sheet = load(path).active
    assert sheet["A4"].value == "报送时间：2019年6月28日"
    assert table_rows(sheet) == QINGYANG_FORM_2
    assert "2 行" in capsys.readouterr().out


def test_it_exports_the_city_workbook(qingyang_ledger, anhai_ledger, tmp_path):
    path = tmp_path / "全市.xlsx"
    call_command("export_attachment", "--all", "--form", "1", "--output", str(path), verbosity=0)
    workbook = load(path)
    assert workbook.sheetnames[0] == "汇总" and len(workbook.sheetnames) == 21
    assert table_rows(workbook["青阳街道"]) == QINGYANG_FORM_1


def test_it_refuses_an_unknown_town(db, tmp_path):
    with pytest.raises(CommandError, match="找不到镇（街道）"):
        call_command("export_attachment", "--town", "火星", "--form", "1", "--output", str(tmp_path / "x.xlsx"))


def test_it_refuses_a_bad_date(db, tmp_path):
    with pytest.raises(CommandError):
        call_command(
            "export_attachment", "--town", "青阳", "--form", "1", "--output", str(tmp_path / "x.xlsx"), "--date", "7/1"
        )


def test_a_user_exports_within_their_scope(qingyang_ledger, anhai_clerk, market_bureau, tmp_path):
    path = str(tmp_path / "x.xlsx")
    with pytest.raises(CommandError, match="无权"):
        call_command("export_attachment", "--town", "青阳", "--form", "1", "--output", path, "--user", "anhai")
    with pytest.raises(CommandError, match="无权"):
        call_command("export_attachment", "--all", "--form", "1", "--output", path, "--user", "shichang")
    call_command("export_attachment", "--town", "安海", "--form", "1", "--output", path, "--user", "anhai", verbosity=0)
    assert load(path).active["A3"].value == "安海镇（街道）"


def test_town_and_all_are_exclusive(db, tmp_path):
    with pytest.raises(CommandError):
        call_command("export_attachment", "--town", "青阳", "--all", "--form", "1", "--output", str(tmp_path / "x"))
