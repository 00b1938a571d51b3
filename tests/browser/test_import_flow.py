"""In Chromium: a clerk uploads the town's Attachment 1 as towns keep it, reads the preview's error,
imports only the valid rows and finds the new worker in the workers list."""

import re

import openpyxl
import pytest
from django.urls import reverse

from registry.models import LedgerImport, TrainingNeed

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def notice_attachment_1(path):
    """Attachment 1 as the notice prints it, filled in by a town: one row has a mobile too short."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "附件1"
    sheet.append(["附件1"])
    sheet.append(["特种作业人员情况汇总表"])
    sheet.merge_cells("A2:E2")
    sheet.append(["青阳镇（街道）"])
    sheet.append(["报送时间：2019年6月28日"])
    sheet.append(["序号", "生产经营单位名称", "从业人员姓名", "培训类别", "手机号码"])
    sheet.append([1, "晋江市青阳鞋业有限公司", "林志强", "电工", "13850123459"])  # row 6
    sheet.append([2, "晋江市青阳鞋业有限公司", "陈美玲", "焊工（复审）", "1385012"])  # row 7: bad mobile
    sheet.append([3, "晋江市青阳机械有限公司", "黄建华", "高处作业", 13950123460])  # row 8: a numeric cell
    sheet.append(["注：培训类别为电工、焊工、高处作业、制冷与空调作业，已持证的每三年要复审一次。"])
    workbook.save(path)
    return path


def test_a_clerk_imports_only_the_valid_rows_and_finds_the_new_worker(page, sign_in, qingyang_clerk, tmp_path):
    sign_in("qingyang")
    page.goto(reverse("registry:import_upload"))
    page.set_input_files("#id_file", str(notice_attachment_1(tmp_path / "青阳街道附件1.xlsx")))
    uploads = []
    page.on("request", lambda request: request.method == "POST" and uploads.append(request.headers))
    page.click("button[type=submit]:has-text('上传并检查')")
    page.wait_for_url(re.compile(r"/imports/\d+/$"))
    # import.js sent the file itself, to show the upload's progress
    assert uploads[0].get("x-requested-with") == "XMLHttpRequest"

    # the preview names the row and the column; nothing is in the ledger yet
    errors = page.locator("#import-errors")
    assert "手机号码应为11位数字，以13–19开头。" in errors.text_content()
    assert "第7行 · 手机号码" in errors.text_content()
    assert page.text_content('[data-figure="errors"]') == "1"
    assert page.text_content('[data-figure="entries"]') == "2"
    assert not TrainingNeed.objects.exists()

    # confirming the whole file is refused; importing only the valid rows goes through
    page.click("button:has-text('确认导入')")
    assert "不能全部导入" in page.text_content(".errorlist.nonfield")
    assert not TrainingNeed.objects.exists()
    page.check("text=只导入无误的行（将跳过 1 行有错误的行）")
    page.click("button:has-text('确认导入')")
    page.wait_for_url(re.compile(r"/imports/\d+/result/$"))
    assert page.text_content('[data-figure="entries"]') == "2"
    assert "林志强" in page.text_content("#created-needs")
    assert LedgerImport.objects.get().status == LedgerImport.Status.COMMITTED

    page.goto(reverse("registry:worker_list") + "?q=林志强")
    assert "林志强" in page.text_content("main")
    page.goto(reverse("registry:worker_list") + "?q=陈美玲")
    assert "陈美玲" not in page.text_content("table")


def test_the_upload_works_without_javascript(browser, live_server, qingyang_clerk, tmp_path):
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False, locale="zh-CN")
    page = context.new_page()
    try:
        page.goto("/accounts/login/")
        page.fill("#id_username", "qingyang")
        page.fill("#id_password", "pass-word-123")
        page.click("button[type=submit]")
        page.goto(reverse("registry:import_upload"))
        page.set_input_files("#id_file", str(notice_attachment_1(tmp_path / "附件1.xlsx")))
        page.click("button[type=submit]:has-text('上传并检查')")
        page.wait_for_url(re.compile(r"/imports/\d+/$"))
        assert "第7行 · 手机号码" in page.text_content("#import-errors")
    finally:
        context.close()
