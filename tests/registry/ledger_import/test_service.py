"""What an import means for the ledger: who is who, re-imports, atomicity, preview and commit, scoping."""

import pytest

from registry.choices import NeedKind, NeedSource, NeedStatus
from registry.ledger_import import (
    ImportNotAllowed,
    ImportStateError,
    RowStatus,
    commit_import,
    discard_import,
    import_ledger,
    preview_import,
)
from registry.ledger_import import writer
from registry.models import LedgerImport, TrainingNeed, Unit, Worker
from tests.factories import TrainingNeedFactory, UnitFactory, WorkerFactory, category, make_id_number, town

from .builders import attachment, xlsx_bytes
from .conftest import ledger_entries

pytestmark = pytest.mark.django_db
ID_HEADER = ["序号", "生产经营单位名称", "从业人员姓名", "身份证号码", "培训类别", "手机号码"]


def form1(rows, town_name="青阳", header=None):
    kwargs = {"header": header} if header else {}
    return xlsx_bytes({"Sheet1": attachment(1, town=town_name, rows=rows, **kwargs)})


def database_state():
    return (
        Unit.objects.count(), Worker.objects.count(), TrainingNeed.objects.count(),
        Unit.history.count(), Worker.history.count(), TrainingNeed.history.count(),
        LedgerImport.objects.count(),
    )


FILE = form1(
    [
        [1, "晋江市甲鞋业有限公司", "李娜", "电工、焊工", "13850123459"],
        [2, "晋江市甲鞋业有限公司", "王五", "高处作业", "13850123460"],
    ]
    + [[n, "晋江市乙机械有限公司", f"工人{'一二三四五六七八九'[n % 9]}{'甲乙丙'[n % 3]}", "电工", f"139{n:08d}"] for n in range(3, 30)]
)


# --- re-import and identity ------------------------------------------------------------


def test_importing_the_same_file_twice_creates_nothing_the_second_time(safety_office):
    content = form1([[1, "晋江市甲鞋业有限公司", "李娜", "电工、焊工", "13850123459"]])
    first = import_ledger(content, "a.xlsx", user=safety_office)
    before = (Unit.objects.count(), Worker.objects.count(), TrainingNeed.objects.count())
    second = import_ledger(content, "a.xlsx", user=safety_office)
    assert first.entries_created == 2 and second.committed
    assert (second.entries_created, second.workers_created, second.units_created) == (0, 0, 0)
    assert (Unit.objects.count(), Worker.objects.count(), TrainingNeed.objects.count()) == before
    assert [row.status for row in second.rows] == [RowStatus.EXISTS]
    assert "导入过" in second.warnings[0].message


def test_a_worker_with_an_id_number_is_the_same_worker_whatever_the_mobile(safety_office):
    number = make_id_number(11)
    header = ID_HEADER
    import_ledger(form1([[1, "甲公司", "李娜", number, "电工", "13850123459"]], header=header), "a.xlsx", user=safety_office)
    result = import_ledger(form1([[1, "甲公司", "李娜", number, "焊工", "13950123459"]], header=header), "b.xlsx", user=safety_office)
    assert (result.workers_created, result.entries_created) == (0, 1)
    worker = Worker.objects.get()
    assert set(worker.training_needs.values_list("category__key", flat=True)) == {"op-1", "op-2"}


def test_without_an_id_number_a_worker_is_name_and_mobile_within_the_town(safety_office):
    unit = UnitFactory(town=town("青阳"), name="晋江市甲鞋业有限公司")
    known = WorkerFactory(unit=unit, name="李娜", mobile="13850123459", id_number="")
    rows = [
        [1, "晋江市甲鞋业有限公司", "李 娜", "焊工", "138 5012 3459"],  # the same person
        [2, "晋江市甲鞋业有限公司", "李娜", "焊工", "13850123458"],  # another 李娜
    ]
    result = import_ledger(form1(rows), "a.xlsx", user=safety_office)
    assert result.workers_created == 1
    assert known.training_needs.get().category.key == "op-2"
    assert Worker.objects.filter(name="李娜").count() == 2


def test_a_row_with_an_id_number_completes_a_worker_entered_without_one(safety_office):
    unit = UnitFactory(town=town("青阳"), name="甲公司")
    known = WorkerFactory(unit=unit, name="李娜", mobile="13850123459", id_number="")
    number = make_id_number(12)
    result = import_ledger(form1([[1, "甲公司", "李娜", number, "电工", "13850123459"]], header=ID_HEADER), "a.xlsx", user=safety_office)
    assert result.workers_created == 0
    known.refresh_from_db()
    assert known.id_number == number and known.history.first().history_user == safety_office
    assert "补登身份证号码" in result.warnings[0].message


def test_an_id_number_registered_in_another_town_is_an_error(safety_office):
    number = make_id_number(13)
    WorkerFactory(unit=UnitFactory(town=town("安海")), name="李娜", id_number=number)
    result = import_ledger(form1([[1, "甲公司", "李娜", number, "电工", "13850123459"]], header=ID_HEADER), "a.xlsx", user=safety_office)
    assert not result.committed
    assert result.errors[0].as_error() == {
        "sheet": "Sheet1", "row": 6, "column": "身份证号码", "message": "该身份证号码已登记在其他镇（街道）的单位，请与市安办核实。"
    }


def test_an_id_number_with_another_name_is_an_error(safety_office):
    number = make_id_number(14)
    rows = [[1, "甲公司", "李娜", number, "电工", "13850123459"], [2, "甲公司", "王五", number, "焊工", "13850123460"]]
    result = import_ledger(form1(rows, header=ID_HEADER), "a.xlsx", user=safety_office)
    assert [(e.row, e.message) for e in result.errors] == [(7, "与第6行身份证号码相同但姓名不同，请核对。")]


def test_units_match_by_normalised_name_within_the_town(safety_office):
    unit = UnitFactory(town=town("青阳"), name="晋江市（安海）鞋业有限公司")
    UnitFactory(town=town("安海"), name="晋江市(安海)鞋业有限公司")
    result = import_ledger(form1([[1, "晋江市 (安海) 鞋业有限公司", "李娜", "电工", "13850123459"]]), "a.xlsx", user=safety_office)
    assert result.units_created == 0
    assert Worker.objects.get().unit == unit


def test_an_open_need_already_in_the_ledger_is_not_entered_again(safety_office):
    worker = WorkerFactory(unit=UnitFactory(town=town("青阳"), name="甲公司"), name="李娜", mobile="13850123459")
    TrainingNeedFactory(worker=worker, category=category("op-1"))
    TrainingNeedFactory(worker=worker, category=category("op-2"), status=NeedStatus.CERTIFIED)
    result = import_ledger(form1([[1, "甲公司", "李娜", "电工、焊工、电工（复审）", "13850123459"]]), "a.xlsx", user=safety_office)
    assert result.entries_created == 2  # 焊工 again (the old one is closed) and 电工 review
    assert set(worker.training_needs.open().values_list("category__key", "kind")) == {
        ("op-1", NeedKind.INITIAL), ("op-2", NeedKind.INITIAL), ("op-1", NeedKind.REVIEW)
    }


def test_the_same_entry_on_two_different_rows_is_entered_once_with_a_warning(safety_office):
    rows = [[1, "甲公司", "李娜", "电工", "13850123459"], [2, "甲公司", "李娜", "电工、焊工", "13850123459"]]
    result = import_ledger(form1(rows), "a.xlsx", user=safety_office)
    assert result.entries_created == 2
    assert [(w.row, w.message) for w in result.warnings] == [(7, "与第6行的培训需求相同（同一人员、类别和类型），只登记一次。")]


# --- atomicity -------------------------------------------------------------------------


def test_a_failure_writing_the_last_row_leaves_the_database_unchanged(safety_office, monkeypatch):
    import_ledger(form1([[1, "已有单位", "老张", "电工", "13750123459"]]), "old.xlsx", user=safety_office)
    before = database_state()
    real = writer.insert

    def fail_after_the_last_need(model, records, names, values, stamp):
        real(model, records, names, values, stamp)
        if model is TrainingNeed:
            raise RuntimeError("disk full after writing the last row")

    monkeypatch.setattr(writer, "insert", fail_after_the_last_need)
    with pytest.raises(RuntimeError):
        import_ledger(FILE, "new.xlsx", user=safety_office)
    assert database_state() == before


def test_a_failure_before_the_needs_are_written_leaves_nothing_behind(safety_office, monkeypatch):
    real = writer.insert

    def fail_on_needs(model, records, names, values, stamp):
        if model is TrainingNeed:
            real(model, records[:-1], names, values, stamp)
            raise RuntimeError("connection lost at the last row")
        real(model, records, names, values, stamp)

    monkeypatch.setattr(writer, "insert", fail_on_needs)
    with pytest.raises(RuntimeError):
        import_ledger(FILE, "new.xlsx", user=safety_office)
    assert database_state() == (0, 0, 0, 0, 0, 0, 0)


# --- preview, then commit from another process -----------------------------------------


def test_preview_keeps_the_file_and_writes_nothing_to_the_ledger(qingyang_clerk):
    result = preview_import(FILE, "a.xlsx", user=qingyang_clerk)
    record = result.ledger_import
    assert record.status == LedgerImport.Status.PREVIEWED and bytes(record.content) == FILE
    assert record.town == town("青阳") and record.uploaded_by == qingyang_clerk
    assert not Worker.objects.exists() and not TrainingNeed.objects.exists()
    assert (result.planned_entries, result.planned_workers, result.planned_units) == (30, 29, 2)
    assert result.status_counts() == {RowStatus.NEW: 29}
    assert record.report["planned"] == {"entries": 30, "workers": 29, "units": 2}


def test_commit_reads_the_kept_file_again(qingyang_clerk):
    record_id = preview_import(FILE, "a.xlsx", user=qingyang_clerk).ledger_import.pk
    record = LedgerImport.objects.get(pk=record_id)  # as another process would
    result = commit_import(record, user=qingyang_clerk)
    assert result.committed and result.entries_created == 30
    record.refresh_from_db()
    assert record.status == LedgerImport.Status.COMMITTED and record.entries_created == 30
    assert TrainingNeed.objects.filter(ledger_import=record, source=NeedSource.IMPORTED).count() == 30
    with pytest.raises(ImportStateError):
        commit_import(record, user=qingyang_clerk)


def test_errors_found_in_preview_are_grouped_by_message_with_counts(qingyang_clerk):
    rows = [[n, "甲公司", f"工人{'一二三'[n - 1]}", "电工", "1234"] for n in range(1, 4)] + [[4, "甲公司", "王五", "叉车", "13850123460"]]
    result = preview_import(form1(rows), "a.xlsx", user=qingyang_clerk)
    groups = [(message, count) for message, count, _places in result.error_groups()]
    assert groups == [("手机号码应为11位数字，以13–19开头。", 3), ("叉车属于附件2（特种设备），不能填入附件1（特种作业）。", 1)]
    assert result.rows[3].status == RowStatus.ERROR and result.rows[3].messages


def test_the_clerk_may_choose_to_import_only_the_valid_rows_on_commit(qingyang_clerk):
    rows = [[1, "甲公司", "李娜", "电工", "13850123459"], [2, "甲公司", "王五", "叉车", "13850123460"]]
    record = preview_import(form1(rows), "a.xlsx", user=qingyang_clerk).ledger_import
    assert not commit_import(record, user=qingyang_clerk).committed
    record.refresh_from_db()
    assert record.status == LedgerImport.Status.REJECTED
    record = preview_import(form1(rows), "a.xlsx", user=qingyang_clerk).ledger_import
    result = commit_import(record, user=qingyang_clerk, skip_invalid=True)
    assert result.committed and result.entries_created == 1


def test_a_discarded_preview_drops_the_file(qingyang_clerk):
    record = preview_import(FILE, "a.xlsx", user=qingyang_clerk).ledger_import
    discard_import(record)
    record.refresh_from_db()
    assert record.status == LedgerImport.Status.DISCARDED and bytes(record.content) == b""
    with pytest.raises(ImportStateError):
        commit_import(record, user=qingyang_clerk)


# --- scoping ---------------------------------------------------------------------------


def test_a_clerk_imports_into_their_own_town(qingyang_clerk):
    result = import_ledger(form1([[1, "甲公司", "李娜", "电工", "13850123459"]], town_name=None), "a.xlsx", user=qingyang_clerk)
    assert result.committed and Unit.objects.get().town == town("青阳")


def test_a_file_naming_another_town_is_an_error_for_a_clerk(qingyang_clerk):
    result = import_ledger(form1([[1, "甲公司", "李娜", "电工", "13850123459"]], town_name="安海"), "a.xlsx", user=qingyang_clerk)
    assert not result.committed and not Unit.objects.exists()
    assert result.errors[0].as_error() == {
        "sheet": "Sheet1", "row": 3, "column": "", "message": "该表是安海镇的台账，您只能导入青阳街道的台账。"
    }


def test_a_sheet_named_after_another_town_is_an_error_for_a_clerk(qingyang_clerk):
    content = xlsx_bytes({"安海": attachment(1, town=None, rows=[[1, "甲公司", "李娜", "电工", "13850123459"]])})
    result = import_ledger(content, "a.xlsx", user=qingyang_clerk)
    assert not result.committed and "您只能导入青阳街道的台账" in result.errors[0].message


def test_a_clerk_cannot_choose_another_town(qingyang_clerk):
    with pytest.raises(ImportNotAllowed):
        import_ledger(FILE, "a.xlsx", user=qingyang_clerk, town=town("安海"))
    with pytest.raises(ImportNotAllowed):
        preview_import(FILE, "a.xlsx", user=qingyang_clerk, town=town("安海"))


def test_the_safety_office_imports_into_any_town(safety_office):
    result = import_ledger(form1([[1, "甲公司", "李娜", "电工", "13850123459"]], town_name="安海"), "a.xlsx", user=safety_office)
    assert result.committed and Unit.objects.get().town == town("安海")
    result = import_ledger(form1([[1, "乙公司", "王五", "电工", "13850123460"]], town_name=None), "b.xlsx", user=safety_office, town=town("龙湖"))
    assert result.committed and Unit.objects.get(name="乙公司").town == town("龙湖")


def test_a_given_town_that_contradicts_the_town_line_is_an_error(safety_office):
    result = import_ledger(form1([[1, "甲公司", "李娜", "电工", "13850123459"]], town_name="安海"), "a.xlsx", user=safety_office, town=town("青阳"))
    assert not result.committed and "与指定的青阳街道不一致" in result.errors[0].message


@pytest.mark.parametrize("persona", ["emergency_bureau", "market_bureau", "department_user", "anonymous"])
def test_other_roles_cannot_import(persona, personas):
    with pytest.raises(ImportNotAllowed):
        import_ledger(FILE, "a.xlsx", user=personas[persona])
    with pytest.raises(ImportNotAllowed):
        preview_import(FILE, "a.xlsx", user=personas[persona])
    assert not LedgerImport.objects.exists()


def test_a_clerk_cannot_commit_a_preview_of_another_town(qingyang_clerk, anhai_clerk):
    record = preview_import(FILE, "a.xlsx", user=qingyang_clerk).ledger_import
    with pytest.raises(ImportNotAllowed):
        commit_import(record, user=anhai_clerk)
