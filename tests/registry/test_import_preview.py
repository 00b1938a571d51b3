"""The preview page: counts, errors grouped by message with the rows and columns they name, every
row's outcome page by page — read from the LedgerImport row, never writing the ledger."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from registry.ledger_import import preview_import
from registry.models import LedgerImport, TrainingNeed, Unit, Worker
from tests.factories import TrainingNeedFactory, UnitFactory, WorkerFactory, category, town
from tests.registry.ledger_import.builders import attachment, xlsx_bytes

pytestmark = pytest.mark.django_db

ROWS = [
    [1, "晋江市甲鞋业有限公司", "李娜", "电工、焊工", "13850123459"],  # row 6
    [2, "晋江市甲鞋业有限公司", "王五", "高处作业", "1385012"],  # row 7: bad mobile
    [3, "晋江市乙机械有限公司", "赵六", "叉车", "13850123461"],  # row 8: Attachment 2's category
    [4, "晋江市乙机械有限公司", "钱七", "电工", "138-5012-3462"],  # row 9
    [5, "晋江市乙机械有限公司", "孙八", "焊工", "12345"],  # row 10: bad mobile
]


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def ledger(rows=ROWS, town_name="青阳"):
    return xlsx_bytes({"Sheet1": attachment(1, town=town_name, rows=rows)})


def preview(client, content, name="青阳附件1.xlsx"):
    client.post(reverse("registry:import_upload"), {"file": SimpleUploadedFile(name, content)})
    return LedgerImport.objects.latest("pk")


def url(record):
    return reverse("registry:import_preview", args=[record.pk])


def ledger_state():
    return Unit.objects.count(), Worker.objects.count(), TrainingNeed.objects.count()


def test_anonymous_is_sent_to_sign_in(client, qingyang_clerk):
    record = preview_import(ledger(), "a.xlsx", user=qingyang_clerk).ledger_import
    assert reverse("login") in client.get(url(record))["Location"]


@pytest.mark.parametrize("persona", ["emergency_bureau", "market_bureau", "department_user"])
def test_bureaus_and_departments_get_403(client, personas, persona):
    record = preview_import(ledger(), "a.xlsx", user=personas["qingyang_clerk"]).ledger_import
    client.force_login(personas[persona])
    assert client.get(url(record)).status_code == 403


def test_another_towns_preview_is_404(client, qingyang_clerk, anhai_clerk):
    record = preview_import(ledger(), "a.xlsx", user=qingyang_clerk).ledger_import
    client.force_login(anhai_clerk)
    assert client.get(url(record)).status_code == 404


def test_the_safety_office_sees_every_towns_preview(client, qingyang_clerk, safety_office):
    record = preview_import(ledger(), "a.xlsx", user=qingyang_clerk).ledger_import
    client.force_login(safety_office)
    assert client.get(url(record)).status_code == 200


def test_the_preview_counts_what_a_commit_would_create(client, qingyang_clerk):
    known = WorkerFactory(unit=UnitFactory(town=town("青阳"), name="晋江市乙机械有限公司"), name="钱七", mobile="13850123462")
    TrainingNeedFactory(worker=known, category=category("op-1"))
    client.force_login(qingyang_clerk)
    before = ledger_state()
    record = preview(client, ledger())
    response = client.get(url(record))
    html = response.content.decode()
    assert response.status_code == 200
    assert ledger_state() == before
    names = ("rows", "entries", "workers", "units", "errors", "warnings")
    figures = {name: html.split(f'data-figure="{name}">')[1].split("<")[0] for name in names}
    # 李娜 two entries and a new unit; 钱七 is in the ledger with the same need; three rows have errors
    assert figures == {"rows": "5", "entries": "2", "workers": "1", "units": "1", "errors": "3", "warnings": "0"}


def test_errors_are_grouped_by_message_with_each_rows_number_and_column(client, qingyang_clerk):
    client.force_login(qingyang_clerk)
    response = client.get(url(preview(client, ledger())))
    groups = [
        (message, count, [(place["row"], place["column"]) for place in places])
        for message, count, places in response.context["error_groups"]
    ]
    assert groups == [
        ("手机号码应为11位数字，以13–19开头。", 2, [(7, "手机号码"), (10, "手机号码")]),
        ("叉车属于附件2（特种设备），不能填入附件1（特种作业）。", 1, [(8, "培训类别")]),
    ]
    html = response.content.decode()
    # sheet · row as Excel numbers it · column
    assert "Sheet1 · 第7行 · 手机号码" in html and "Sheet1 · 第10行 · 手机号码" in html
    assert "Sheet1 · 第8行 · 培训类别" in html


def test_every_rows_outcome_is_listed(client, qingyang_clerk):
    client.force_login(qingyang_clerk)
    response = client.get(url(preview(client, ledger())))
    outcomes = [(row.row, row.name, row.status) for row in response.context["page_obj"]]
    assert outcomes == [(6, "李娜", "new"), (7, "王五", "error"), (8, "赵六", "error"), (9, "钱七", "new"), (10, "孙八", "error")]
    first = response.context["page_obj"][0]
    assert first.entries == ["电工", "焊工"] and first.new_worker and first.new_unit
    html = response.content.decode()
    assert 'class="chip red">有错误' in html and 'class="chip green">新增' in html


def test_the_rows_can_be_narrowed_to_those_with_errors(client, qingyang_clerk):
    client.force_login(qingyang_clerk)
    response = client.get(url(preview(client, ledger())), {"status": "error"})
    assert [row.row for row in response.context["page_obj"]] == [7, 8, 10]


def test_the_rows_are_paginated(client, qingyang_clerk):
    rows = [[n, "甲公司", f"工人{n}号", "电工", f"139{n:08d}"] for n in range(1, 151)]
    client.force_login(qingyang_clerk)
    record = preview(client, ledger(rows))
    assert record.error_count == 0
    first = client.get(url(record)).context["page_obj"]
    second = client.get(url(record), {"page": 2}).context["page_obj"]
    assert (len(first), len(second), first.paginator.num_pages) == (100, 50, 2)
    assert second[0].row == 106


def test_a_file_with_errors_says_how_many_rows_importing_only_valid_rows_would_skip(client, qingyang_clerk):
    client.force_login(qingyang_clerk)
    html = client.get(url(preview(client, ledger()))).content.decode()
    assert "只导入无误的行（将跳过 3 行有错误的行）" in html
    assert 'name="skip_invalid"' in html


def test_a_file_without_errors_offers_a_plain_confirmation(client, qingyang_clerk):
    client.force_login(qingyang_clerk)
    html = client.get(url(preview(client, ledger(ROWS[:1])))).content.decode()
    assert "确认导入" in html and 'name="skip_invalid"' not in html


def test_a_file_with_nothing_to_import_cannot_be_confirmed(client, qingyang_clerk):
    client.force_login(qingyang_clerk)
    record = preview(client, b"not a spreadsheet", name="a.xlsx")
    html = client.get(url(record)).content.decode()
    assert "文件中没有可以导入的行" in html
    assert reverse("registry:import_confirm", args=[record.pk]) not in html


def test_a_preview_kept_by_another_process_is_read_from_its_stored_bytes(client, qingyang_clerk):
    # a preview made elsewhere without the page's stored outcomes: the page analyses the kept bytes
    record = preview_import(ledger(), "a.xlsx", user=qingyang_clerk).ledger_import
    assert "row_outcomes" not in LedgerImport.objects.get(pk=record.pk).report
    client.force_login(qingyang_clerk)
    response = client.get(url(record))
    assert [row.row for row in response.context["page_obj"]] == [6, 7, 8, 9, 10]
    assert ledger_state() == (0, 0, 0)


def test_a_committed_import_goes_to_its_result(client, qingyang_clerk):
    client.force_login(qingyang_clerk)
    record = preview(client, ledger(ROWS[:1]))
    client.post(reverse("registry:import_confirm", args=[record.pk]))
    response = client.get(url(record))
    assert response.status_code == 302 and response["Location"] == reverse("registry:import_result", args=[record.pk])


def test_the_page_runs_the_same_number_of_queries_for_many_rows(client, qingyang_clerk, django_assert_max_num_queries):
    client.force_login(qingyang_clerk)
    few = preview(client, ledger(ROWS))
    many = preview(client, ledger([[n, "甲公司", f"工人{n}号", "电工", f"139{n:08d}"] for n in range(1, 301)]))
    with CaptureQueriesContext(connection) as queries:
        client.get(url(few))
    with django_assert_max_num_queries(len(queries)):
        client.get(url(many), {"page": 3})
