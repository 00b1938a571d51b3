"""A town clerk keeps the ledger in a real Chromium: unit → worker with certificate and need →
search and filter → edit → history; the clerk of another town cannot reach any of it."""

import datetime

import pytest
from django.utils import timezone

from registry.models import CertificateCategory, Worker
from tests.factories import make_credit_code, make_id_number

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_clerk_builds_and_edits_the_ledger_and_another_town_cannot_see_it(page, sign_in, qingyang_clerk, anhai_clerk):
    id_number = make_id_number(321, datetime.date(1988, 8, 8))
    electrician = CertificateCategory.objects.get(key="op-1-2")
    forklift = CertificateCategory.objects.get(key="se-9-n1")
    issued = timezone.localdate() - datetime.timedelta(days=400)

    sign_in("qingyang")

    # a unit
    page.goto("/units/new/")
    page.fill("#id_name", "晋江市浏览器测试鞋业有限公司")
    page.fill("#id_credit_code", make_credit_code(4242))
    page.fill("#id_industry", "制鞋")
    page.click("main form button[type=submit]")
    page.wait_for_url("**/units/*/")
    assert "晋江市浏览器测试鞋业有限公司" in page.text_content("h1")

    # a worker with a certificate and a training need on the same page, typed the way clerks type
    page.click("text=登记从业人员")
    page.wait_for_url("**/workers/new/**")
    page.fill("#id_name", "李 娜")
    page.fill("#id_id_number", id_number.lower())
    page.fill("#id_mobile", "138 5012 3459")
    page.select_option("#id_certificate-category", str(electrician.pk))
    page.fill("#id_certificate-number", f"T{id_number}")
    page.fill("#id_certificate-issued_on", issued.isoformat())
    page.select_option("#id_need-category", str(forklift.pk))
    page.check("input[name='need-kind'][value='initial']")
    page.click("main form button[type=submit]")
    page.wait_for_url("**/workers/*/")
    assert page.text_content("h1").strip().startswith("李娜")
    body = page.text_content("main")
    assert "低压电工作业" in body and "叉车司机" in body and "附件2" in body
    worker = Worker.objects.get(id_number=id_number)
    assert worker.mobile == "13850123459"
    worker_url = page.url

    # found by search and by filter
    page.goto("/workers/")
    page.fill("input[name=q]", "13850123459")
    page.press("input[name=q]", "Enter")
    page.wait_for_load_state()
    assert page.locator("table.list >> text=李娜").count() == 1
    page.goto("/workers/?need_kind=initial")
    assert page.locator("table.list >> text=李娜").count() == 1
    page.goto("/workers/?status=none")
    assert page.locator("table.list >> text=李娜").count() == 0

    # edit, then the history says who changed what
    page.goto(worker_url + "edit/")
    page.fill("#id_mobile", "13950123459")
    page.click("main form button[type=submit]")
    page.wait_for_url(worker_url)
    history = page.text_content("#history")
    assert "13850123459" in history and "13950123459" in history and "qingyang" in history

    # the clerk of 安海 gets 404 and never sees the worker in a list or search
    page.context.clear_cookies()
    sign_in("anhai")
    response = page.goto(worker_url)
    assert response.status == 404
    page.goto("/workers/?q=李娜")
    assert page.locator("table.list >> text=李娜").count() == 0
