"""In Chromium: a clerk submits Attachment 1, the safety office returns it with a reason, and the
clerk reads the reason on the town's submission page."""

import re

import pytest
from django.urls import reverse

from registry.choices import NeedKind
from reports.models import Submission
from tests.factories import TrainingNeedFactory, UnitFactory, WorkerFactory, category, town

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def qingyang_ledger():
    unit = UnitFactory(town=town("青阳"), name="晋江市青阳鞋业有限公司")
    TrainingNeedFactory(worker=WorkerFactory(unit=unit, name="林志强", mobile="13850123459"), category=category("op-1-2"))
    TrainingNeedFactory(
        worker=WorkerFactory(unit=unit, name="陈美玲", mobile="13850123460"), category=category("op-2-1"), kind=NeedKind.REVIEW
    )


def test_a_clerk_submits_attachment_1_and_reads_why_it_was_returned(
    page, sign_in, qingyang_clerk, safety_office, qingyang_ledger
):
    sign_in("qingyang")
    page.goto(reverse("reports:submission_town"))
    assert "未报送" in page.text_content("#form-1")
    page.click("#form-1 >> text=报送附件1")
    # the rows to be frozen, then the confirmation
    assert "林志强" in page.text_content("#frozen-rows") and "焊工（熔化焊接与热切割作业）（复审）" in page.text_content("#frozen-rows")
    page.click("button:has-text('确认报送附件1')")
    page.wait_for_url(re.compile(r"/submissions/\d+/$"))
    assert "已报送附件1第1版（2行）" in page.text_content(".messages")
    submission = Submission.objects.get()
    assert submission.row_count == 2

    page.context.clear_cookies()
    sign_in("anban")
    page.goto(reverse("reports:submission_grid"))
    page.click(f'td[data-town="青阳"][data-form="1"] a')
    page.wait_for_url(re.compile(rf"/submissions/{submission.pk}/$"))
    page.click("button:has-text('退回')")  # without a reason: refused, in Chinese
    assert "退回时必须填写原因。" in page.text_content("#return-form")
    page.fill("#id_reason", "缺少电工复审人员，请补充后重新报送。")
    page.click("button:has-text('退回')")
    assert "已退回" in page.text_content('[data-status="returned"]')

    page.context.clear_cookies()
    sign_in("qingyang")
    page.goto(reverse("reports:submission_town"))
    card = page.text_content("#form-1")
    assert "已退回" in card and "缺少电工复审人员，请补充后重新报送。" in card
    assert "重新报送附件1" in card
