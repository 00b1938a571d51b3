"""Attachment 1/2 downloads: a town's form for its clerk, any town's for the city (a bureau its own
scheme's), the city workbook; the headers of the file and who gets 403 or 404."""

import datetime
from urllib.parse import quote

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.factories import TrainingNeedFactory, UnitFactory, WorkerFactory, category, town

from .helpers import QINGYANG_FORM_1, QINGYANG_FORM_2, load, table_rows

pytestmark = pytest.mark.django_db
LIST = reverse("reports:attachment_list")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def download_url(short_name, form):
    return reverse("reports:attachment_download", args=[town(short_name).pk, form])


def city_url(form):
    return reverse("reports:attachment_city", args=[form])


def disposition(file_name, ascii_name):
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(file_name)}"


# --- who may download what -------------------------------------------------------------------------


def test_anonymous_is_sent_to_sign_in(client, qingyang_ledger):
    for url in (LIST, download_url("青阳", 1), city_url(1)):
        assert reverse("login") in client.get(url)["Location"]


def test_a_department_gets_403_everywhere(client, department_user, qingyang_ledger):
    client.force_login(department_user)
    for url in (LIST, download_url("青阳", 1), download_url("青阳", 2), city_url(1)):
        assert client.get(url).status_code == 403


def test_a_clerk_downloads_their_towns_forms(client, qingyang_clerk, qingyang_ledger, anhai_ledger):
    client.force_login(qingyang_clerk)
    response = client.get(download_url("青阳", 1), {"date": "2019-07-01"})
    assert response.status_code == 200 and response["Content-Type"] == XLSX
    assert response["Content-Disposition"] == disposition(
        "青阳街道_附件1_特种作业人员情况汇总表_20190701.xlsx", f"attachment1_{town('青阳').code}_20190701.xlsx"
    )
    assert int(response["Content-Length"]) == len(response.content)
    sheet = load(response.content).active
    assert sheet["A4"].value == "报送时间：2019年7月1日"
    assert table_rows(sheet) == QINGYANG_FORM_1
    assert table_rows(load(client.get(download_url("青阳", 2)).content).active) == QINGYANG_FORM_2


def test_without_a_date_the_form_carries_today(client, qingyang_clerk, qingyang_ledger):
    client.force_login(qingyang_clerk)
    response = client.get(download_url("青阳", 1))
    today = timezone.localdate()
    assert load(response.content).active["A4"].value == f"报送时间：{today.year}年{today.month}月{today.day}日"
    assert f"{today:%Y%m%d}.xlsx" in response["Content-Disposition"]


def test_a_clerk_gets_404_for_another_town_and_403_for_the_city_workbook(client, qingyang_clerk, anhai_ledger):
    client.force_login(qingyang_clerk)
    assert client.get(download_url("安海", 1)).status_code == 404
    assert client.get(city_url(1)).status_code == 403


def test_the_safety_office_downloads_any_towns_forms_and_the_city_workbooks(
    client, safety_office, qingyang_ledger, anhai_ledger
):
    client.force_login(safety_office)
    assert table_rows(load(client.get(download_url("青阳", 1)).content).active) == QINGYANG_FORM_1
    assert client.get(download_url("安海", 2)).status_code == 200
    response = client.get(city_url(2), {"date": "2019-07-01"})
    assert response.status_code == 200 and response["Content-Type"] == XLSX
    assert response["Content-Disposition"] == disposition(
        "晋江市_附件2_特种设备作业人员情况汇总表_全市汇总_20190701.xlsx", "attachment2_city_20190701.xlsx"
    )
    workbook = load(response.content)
    assert workbook.sheetnames[0] == "汇总" and len(workbook.sheetnames) == 21
    assert table_rows(workbook["青阳街道"]) == QINGYANG_FORM_2


@pytest.mark.parametrize("persona, own, other", [("emergency_bureau", 1, 2), ("market_bureau", 2, 1)])
def test_a_bureau_gets_its_own_schemes_form_only(client, personas, persona, own, other, qingyang_ledger):
    client.force_login(personas[persona])
    assert client.get(download_url("青阳", own)).status_code == 200
    assert client.get(city_url(own)).status_code == 200
    assert client.get(download_url("青阳", other)).status_code == 403
    assert client.get(city_url(other)).status_code == 403


def test_there_is_no_attachment_3(client, safety_office):
    client.force_login(safety_office)
    assert client.get(reverse("reports:attachment_download", args=[town("青阳").pk, 3])).status_code == 404
    assert client.get(city_url(3)).status_code == 404


def test_a_date_that_is_not_a_date_is_a_bad_request(client, qingyang_clerk):
    client.force_login(qingyang_clerk)
    response = client.get(download_url("青阳", 1), {"date": "七月一日"})
    assert response.status_code == 400 and "报送时间格式不正确" in response.content.decode()


# --- the page with the buttons ------------------------------------------------------------------------


def test_a_clerks_page_has_their_towns_two_buttons_with_the_row_counts(client, qingyang_clerk, qingyang_ledger, anhai_ledger):
    client.force_login(qingyang_clerk)
    response = client.get(LIST)
    rows = response.context["rows"]
    assert [row["town"].short_name for row in rows] == ["青阳"]
    assert [cell["rows"] for cell in rows[0]["cells"]] == [3, 2]
    html = response.content.decode()
    assert download_url("青阳", 1) in html and download_url("青阳", 2) in html
    assert "下载附件1" in html and "下载附件2" in html
    assert city_url(1) not in html and download_url("安海", 1) not in html


def test_the_safety_office_page_has_every_town_and_the_city_workbooks(client, safety_office, qingyang_ledger, anhai_ledger):
    client.force_login(safety_office)
    response = client.get(LIST, {"date": "2019-07-01"})
    assert len(response.context["rows"]) == 20
    counts = {row["town"].short_name: [cell["rows"] for cell in row["cells"]] for row in response.context["rows"]}
    assert counts["青阳"] == [3, 2] and counts["安海"] == [1, 1] and counts["梅岭"] == [0, 0]
    html = response.content.decode()
    assert f"{city_url(1)}?date=2019-07-01" in html and f"{city_url(2)}?date=2019-07-01" in html
    assert f"{download_url('安海', 2)}?date=2019-07-01" in html


def test_a_bureaus_page_has_its_own_attachment_only(client, emergency_bureau, qingyang_ledger):
    client.force_login(emergency_bureau)
    response = client.get(LIST)
    assert [form.number for form in response.context["forms"]] == [1]
    html = response.content.decode()
    assert download_url("青阳", 1) in html and download_url("青阳", 2) not in html and city_url(2) not in html


def test_a_wrong_date_on_the_page_is_explained_in_chinese(client, qingyang_clerk):
    client.force_login(qingyang_clerk)
    response = client.get(LIST, {"date": "2019-13-45"})
    assert response.context["date_form"].errors["date"] == ["请输入正确的日期，例如 2019-07-01。"]
    assert response.context["date_query"] == ""


# --- constant queries -------------------------------------------------------------------------------------


def more_rows(n):
    unit = UnitFactory(town=town("青阳"))
    for _ in range(n):
        worker = WorkerFactory(unit=unit)
        TrainingNeedFactory(worker=worker, category=category("op-1-2"))
        TrainingNeedFactory(worker=worker, category=category("se-9-n1"))


@pytest.mark.parametrize("url", ["list", "download", "city"])
def test_the_query_count_does_not_grow_with_rows(client, safety_office, qingyang_ledger, url, django_assert_max_num_queries):
    address = {"list": LIST, "download": download_url("青阳", 1), "city": city_url(1)}[url]
    client.force_login(safety_office)
    with CaptureQueriesContext(connection) as few:
        assert client.get(address).status_code == 200
    more_rows(30)
    with django_assert_max_num_queries(len(few)):
        client.get(address)


def test_the_download_is_never_cached_by_a_shared_proxy(client, qingyang_clerk):
    client.force_login(qingyang_clerk)
    assert client.get(download_url("青阳", 1))["Cache-Control"] == "private, no-store"


def test_the_form_date_is_the_one_asked_for(client, qingyang_clerk):
    client.force_login(qingyang_clerk)
    response = client.get(download_url("青阳", 1), {"date": datetime.date(2019, 6, 28).isoformat()})
    assert load(response.content).active["A4"].value == "报送时间：2019年6月28日"
