"""The upload page: who may import where, what the form accepts, and that uploading only previews."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse, reverse_lazy

from registry.models import LedgerImport, TrainingNeed, Unit, Worker
from tests.factories import town
from tests.registry.ledger_import.builders import attachment, csv_bytes, xlsx_bytes

pytestmark = pytest.mark.django_db
URL = reverse_lazy("registry:import_upload")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ROWS = [[1, "晋江市甲鞋业有限公司", "李娜", "电工、焊工", "13850123459"], [2, "晋江市甲鞋业有限公司", "王五", "高处作业", "13850123460"]]


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def ledger(town_name="青阳", rows=ROWS, form=1):
    return xlsx_bytes({"Sheet1": attachment(form, town=town_name, rows=rows)})


def upload(client, content, name="青阳附件1.xlsx", follow=False, **fields):
    return client.post(URL, {"file": SimpleUploadedFile(name, content, content_type=XLSX), **fields}, follow=follow)


def test_anonymous_is_sent_to_sign_in(client):
    assert reverse("login") in client.get(URL)["Location"]


@pytest.mark.parametrize("persona", ["emergency_bureau", "market_bureau", "department_user"])
def test_bureaus_and_departments_get_403(client, personas, persona):
    client.force_login(personas[persona])
    assert client.get(URL).status_code == 403
    assert upload(client, ledger()).status_code == 403
    assert not LedgerImport.objects.exists()


def test_a_clerks_form_has_no_town_choice(client, qingyang_clerk):
    client.force_login(qingyang_clerk)
    response = client.get(URL)
    assert response.status_code == 200
    assert "town" not in response.context["form"].fields
    assert "青阳街道" in response.content.decode()


def test_the_safety_office_may_choose_a_town_or_leave_it_to_the_file(client, safety_office):
    client.force_login(safety_office)
    field = client.get(URL).context["form"].fields["town"]
    assert field.queryset.count() == 20 and not field.required
    assert field.empty_label == "按文件中的镇（街道）行或工作表名"


def test_uploading_keeps_the_file_and_shows_the_preview_without_touching_the_ledger(client, qingyang_clerk):
    client.force_login(qingyang_clerk)
    content = ledger()
    response = upload(client, content)
    record = LedgerImport.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("registry:import_preview", args=[record.pk])
    assert record.status == LedgerImport.Status.PREVIEWED and bytes(record.content) == content
    assert record.town == town("青阳") and record.uploaded_by == qingyang_clerk and record.file_name == "青阳附件1.xlsx"
    assert (Unit.objects.count(), Worker.objects.count(), TrainingNeed.objects.count()) == (0, 0, 0)


def test_a_clerk_cannot_slip_in_another_town(client, qingyang_clerk):
    client.force_login(qingyang_clerk)
    upload(client, ledger(town_name=None), town=town("安海").pk)
    assert LedgerImport.objects.get().town == town("青阳")


def test_a_file_naming_another_town_is_an_error_for_a_clerk(client, qingyang_clerk):
    client.force_login(qingyang_clerk)
    response = upload(client, ledger(town_name="安海"), follow=True)
    record = LedgerImport.objects.get()
    assert record.error_count == 1 and record.report["errors"][0]["row"] == 3
    assert "该表是安海镇的台账，您只能导入青阳街道的台账。" in response.content.decode()
    assert not Worker.objects.exists()


def test_the_safety_office_imports_into_the_chosen_town(client, safety_office):
    client.force_login(safety_office)
    upload(client, ledger(town_name=None), town=town("龙湖").pk, form="1")
    record = LedgerImport.objects.get()
    assert (record.town, record.form, record.error_count) == (town("龙湖"), 1, 0)


def test_the_safety_office_may_leave_the_town_to_the_file(client, safety_office):
    client.force_login(safety_office)
    content = xlsx_bytes({"安海": attachment(1, town=None, rows=ROWS), "青阳": attachment(1, town=None, rows=ROWS[:1])})
    upload(client, content, name="全市.xlsx")
    record = LedgerImport.objects.get()
    assert record.town is None and record.error_count == 0
    assert record.report["planned"] == {"entries": 5, "workers": 3, "units": 2}


def test_the_skip_invalid_choice_is_kept_with_the_preview(client, qingyang_clerk):
    client.force_login(qingyang_clerk)
    upload(client, ledger(), skip_invalid="on")
    assert LedgerImport.objects.get().skip_invalid


def test_a_csv_is_accepted(client, qingyang_clerk):
    client.force_login(qingyang_clerk)
    content = csv_bytes(attachment(1, rows=ROWS), bom=True)
    response = client.post(URL, {"file": SimpleUploadedFile("青阳.csv", content, content_type="text/csv")})
    assert response.status_code == 302
    assert LedgerImport.objects.get().report["planned"]["entries"] == 3


def test_without_a_file_the_form_says_so_in_chinese(client, qingyang_clerk):
    client.force_login(qingyang_clerk)
    response = client.post(URL, {"form": "2", "skip_invalid": "on"})
    assert response.status_code == 200
    assert response.context["form"].errors["file"] == ["请选择要导入的台账文件。"]
    # what was chosen is kept
    assert response.context["form"]["form"].value() == "2" and response.context["form"]["skip_invalid"].value()
    assert not LedgerImport.objects.exists()


def test_only_spreadsheets_and_csv_are_accepted(client, qingyang_clerk):
    client.force_login(qingyang_clerk)
    response = client.post(URL, {"file": SimpleUploadedFile("名单.docx", b"PK\x03\x04", content_type="application/msword")})
    assert response.context["form"].errors["file"] == ["只能导入 .xlsx、.xls 或 .csv 文件，“名单.docx”不是。"]
    assert not LedgerImport.objects.exists()


def test_a_file_over_the_limit_is_refused(client, qingyang_clerk, settings):
    settings.JINJIANG_CERT_IMPORT_MAX_BYTES = 1000
    client.force_login(qingyang_clerk)
    response = upload(client, ledger())
    assert "文件太大" in response.context["form"].errors["file"][0]
    assert not LedgerImport.objects.exists()


def test_an_upload_sent_by_the_progress_script_gets_the_preview_address_as_json(client, qingyang_clerk):
    client.force_login(qingyang_clerk)
    response = client.post(
        URL, {"file": SimpleUploadedFile("a.xlsx", ledger(), content_type=XLSX)}, headers={"X-Requested-With": "XMLHttpRequest"}
    )
    record = LedgerImport.objects.get()
    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    assert json.loads(response.content) == {"redirect": reverse("registry:import_preview", args=[record.pk])}


def test_the_page_works_without_the_script_and_loads_it_for_progress(client, qingyang_clerk):
    client.force_login(qingyang_clerk)
    html = client.get(URL).content.decode()
    assert 'enctype="multipart/form-data"' in html and 'method="post"' in html
    assert "js/import.js" in html and "正在分析" in html
