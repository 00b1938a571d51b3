"""Confirming and discarding a preview: committed exactly once from the kept bytes, by any process."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from registry.choices import NeedSource
from registry.ledger_import import preview_import
from registry.models import LedgerImport, TrainingNeed, Unit, Worker
from tests.factories import UnitFactory, WorkerFactory, make_id_number, town
from tests.registry.ledger_import.builders import attachment, xlsx_bytes

pytestmark = pytest.mark.django_db

GOOD = [[1, "晋江市甲鞋业有限公司", "李娜", "电工、焊工", "13850123459"], [2, "晋江市甲鞋业有限公司", "王五", "高处作业", "13850123460"]]
BAD = GOOD + [[3, "晋江市甲鞋业有限公司", "赵六", "电工", "1385"]]


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def ledger(rows=GOOD):
    return xlsx_bytes({"Sheet1": attachment(1, town="青阳", rows=rows)})


def previewed(user, rows=GOOD):
    return preview_import(ledger(rows), "青阳附件1.xlsx", user=user).ledger_import


def confirm(client, record, **data):
    return client.post(reverse("registry:import_confirm", args=[record.pk]), data)


def discard(client, record):
    return client.post(reverse("registry:import_discard", args=[record.pk]))


def ledger_state():
    return Unit.objects.count(), Worker.objects.count(), TrainingNeed.objects.count()


# --- who ---------------------------------------------------------------------------------------


def test_anonymous_is_sent_to_sign_in(client, qingyang_clerk):
    record = previewed(qingyang_clerk)
    assert reverse("login") in confirm(client, record)["Location"]
    assert reverse("login") in discard(client, record)["Location"]
    assert ledger_state() == (0, 0, 0)


@pytest.mark.parametrize("persona", ["emergency_bureau", "market_bureau", "department_user"])
def test_bureaus_and_departments_get_403(client, personas, persona):
    record = previewed(personas["qingyang_clerk"])
    client.force_login(personas[persona])
    assert confirm(client, record).status_code == 403
    assert discard(client, record).status_code == 403
    record.refresh_from_db()
    assert record.status == LedgerImport.Status.PREVIEWED and ledger_state() == (0, 0, 0)


def test_another_towns_clerk_gets_404(client, qingyang_clerk, anhai_clerk):
    record = previewed(qingyang_clerk)
    client.force_login(anhai_clerk)
    assert confirm(client, record).status_code == 404
    assert discard(client, record).status_code == 404
    assert ledger_state() == (0, 0, 0)


def test_confirming_is_a_post(client, qingyang_clerk):
    record = previewed(qingyang_clerk)
    client.force_login(qingyang_clerk)
    assert client.get(reverse("registry:import_confirm", args=[record.pk])).status_code == 405
    assert ledger_state() == (0, 0, 0)


# --- confirm ----------------------------------------------------------------------------------------


def test_confirming_commits_the_file_and_shows_the_result(client, qingyang_clerk):
    record = previewed(qingyang_clerk)
    client.force_login(qingyang_clerk)
    response = confirm(client, record)
    assert response["Location"] == reverse("registry:import_result", args=[record.pk])
    record.refresh_from_db()
    assert record.status == LedgerImport.Status.COMMITTED and record.entries_created == 3
    assert ledger_state() == (1, 2, 3)
    assert set(TrainingNeed.objects.values_list("ledger_import", "source")) == {(record.pk, NeedSource.IMPORTED)}


def test_a_second_confirmation_does_not_import_twice(client, qingyang_clerk):
    record = previewed(qingyang_clerk)
    client.force_login(qingyang_clerk)
    confirm(client, record)
    state = ledger_state()
    response = confirm(client, record)
    assert response.status_code == 302 and response["Location"] == reverse("registry:import_result", args=[record.pk])
    assert ledger_state() == state
    assert LedgerImport.objects.filter(status=LedgerImport.Status.COMMITTED).count() == 1


def test_a_preview_made_in_one_process_is_confirmed_in_another(client, qingyang_clerk):
    uploader = Client()
    uploader.force_login(qingyang_clerk)
    uploader.post(reverse("registry:import_upload"), {"file": SimpleUploadedFile("青阳.xlsx", ledger())})
    record_id = LedgerImport.objects.get().pk
    # another application process: a fresh client, nothing shared but the database
    other = Client()
    other.force_login(qingyang_clerk)
    assert other.get(reverse("registry:import_preview", args=[record_id])).status_code == 200
    other.post(reverse("registry:import_confirm", args=[record_id]))
    assert LedgerImport.objects.get().status == LedgerImport.Status.COMMITTED
    assert ledger_state() == (1, 2, 3)


def test_a_file_with_errors_is_not_confirmed_unless_only_valid_rows_are_chosen(client, qingyang_clerk):
    record = previewed(qingyang_clerk, BAD)
    client.force_login(qingyang_clerk)
    response = confirm(client, record)
    assert response.status_code == 200
    assert response.context["confirm_form"].non_field_errors() == [
        "文件中有 1 处错误，不能全部导入。请修改文件后重新上传，或勾选“只导入无误的行”。"
    ]
    record.refresh_from_db()
    assert record.status == LedgerImport.Status.PREVIEWED and ledger_state() == (0, 0, 0)
    # the preview is still there to choose again
    confirm(client, record, skip_invalid="on")
    record.refresh_from_db()
    assert record.status == LedgerImport.Status.COMMITTED and record.skip_invalid
    assert ledger_state() == (1, 2, 3)
    assert not Worker.objects.filter(name="赵六").exists()


def test_the_result_of_a_partial_import_says_how_many_rows_were_skipped(client, qingyang_clerk):
    record = previewed(qingyang_clerk, BAD)
    client.force_login(qingyang_clerk)
    response = confirm(client, record, skip_invalid="on")
    html = client.get(response["Location"]).content.decode()
    assert 'data-figure="skipped">1<' in html and 'data-figure="entries">3<' in html
    assert "手机号码应为11位数字，以13–19开头。" in html


def test_a_file_that_meets_new_errors_when_confirmed_is_rejected_and_says_so(client, qingyang_clerk):
    number = make_id_number(21)
    header = ["序号", "生产经营单位名称", "从业人员姓名", "身份证号码", "培训类别", "手机号码"]
    rows = [[1, "甲公司", "李娜", number, "电工", "13850123459"]]
    content = xlsx_bytes({"Sheet1": attachment(1, town="青阳", header=header, rows=rows)})
    record = preview_import(content, "青阳.xlsx", user=qingyang_clerk).ledger_import
    assert record.error_count == 0
    # between preview and confirmation 安海 registers the same ID number
    WorkerFactory(unit=UnitFactory(town=town("安海")), name="李娜", id_number=number)
    client.force_login(qingyang_clerk)
    response = confirm(client, record)
    record.refresh_from_db()
    assert record.status == LedgerImport.Status.REJECTED
    assert not TrainingNeed.objects.exists() and not Worker.objects.filter(unit__town=town("青阳")).exists()
    page = client.get(response["Location"]).content.decode()
    assert "没有导入任何内容" in page and "该身份证号码已登记在其他镇（街道）的单位" in page


# --- discard ------------------------------------------------------------------------------------------


def test_discarding_keeps_the_record_drops_the_file_and_changes_nothing(client, qingyang_clerk):
    client.force_login(qingyang_clerk)
    client.post(reverse("registry:import_upload"), {"file": SimpleUploadedFile("青阳.xlsx", ledger())})
    record = LedgerImport.objects.get()
    response = discard(client, record)
    assert response["Location"] == reverse("registry:import_list")
    record.refresh_from_db()
    assert record.status == LedgerImport.Status.DISCARDED and bytes(record.content) == b""
    assert "row_outcomes" not in record.report and ledger_state() == (0, 0, 0)
    # a discarded preview can no longer be confirmed
    confirm(client, record)
    record.refresh_from_db()
    assert record.status == LedgerImport.Status.DISCARDED and ledger_state() == (0, 0, 0)


def test_a_committed_import_cannot_be_discarded(client, qingyang_clerk):
    record = previewed(qingyang_clerk)
    client.force_login(qingyang_clerk)
    confirm(client, record)
    response = discard(client, record)
    assert response["Location"] == reverse("registry:import_result", args=[record.pk])
    record.refresh_from_db()
    assert record.status == LedgerImport.Status.COMMITTED and ledger_state() == (1, 2, 3)


def test_a_city_workbook_with_a_wrong_sheet_imports_the_other_sheets_only_when_chosen(client, safety_office):
    content = xlsx_bytes({
        "安海": attachment(1, town="安海", rows=GOOD),
        "火星": attachment(1, town="火星", rows=[[1, "丙公司", "周九", "电工", "13850123469"]]),
    })
    client.force_login(safety_office)
    client.post(reverse("registry:import_upload"), {"file": SimpleUploadedFile("全市.xlsx", content)})
    record = LedgerImport.objects.get()
    page = client.get(reverse("registry:import_preview", args=[record.pk])).content.decode()
    assert "“火星镇（街道）”不是晋江市的镇（街道）。" in page and "只导入无误的行（跳过有错误的工作表）" in page
    assert confirm(client, record).status_code == 200 and ledger_state() == (0, 0, 0)
    confirm(client, record, skip_invalid="on")
    assert ledger_state() == (1, 2, 3)
    assert set(Unit.objects.values_list("town__short_name", flat=True)) == {"安海"}
