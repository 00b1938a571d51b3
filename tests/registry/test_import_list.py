"""Past imports (who, when, file, counts, status) and an import's result page."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse, reverse_lazy

from registry.ledger_import import commit_import, discard_import, preview_import
from registry.models import LedgerImport
from tests.factories import town
from tests.registry.ledger_import.builders import attachment, xlsx_bytes

pytestmark = pytest.mark.django_db
LIST = reverse_lazy("registry:import_list")


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def ledger(town_name, rows):
    return xlsx_bytes({"Sheet1": attachment(1, town=town_name, rows=rows)})


def committed(user, town_name="青阳", rows=None, name="a.xlsx"):
    rows = rows or [[1, f"{town_name}甲公司", "李娜", "电工、焊工", "13850123459"]]
    record = preview_import(ledger(town_name, rows), name, user=user).ledger_import
    commit_import(record, user=user)
    record.refresh_from_db()
    return record


def result_url(record):
    return reverse("registry:import_result", args=[record.pk])


@pytest.fixture
def imports(qingyang_clerk, anhai_clerk):
    return {
        "qingyang": committed(qingyang_clerk, "青阳", name="青阳附件1.xlsx"),
        "anhai": committed(anhai_clerk, "安海", name="安海附件1.xlsx"),
    }


# --- the list ------------------------------------------------------------------------------------------


def test_anonymous_is_sent_to_sign_in(client):
    assert reverse("login") in client.get(LIST)["Location"]


@pytest.mark.parametrize("persona", ["emergency_bureau", "market_bureau", "department_user"])
def test_bureaus_and_departments_get_403(client, personas, persona):
    client.force_login(personas[persona])
    assert client.get(LIST).status_code == 403


def test_a_clerk_sees_their_towns_imports_only(client, qingyang_clerk, imports):
    client.force_login(qingyang_clerk)
    response = client.get(LIST)
    assert [record.file_name for record in response.context["page_obj"]] == ["青阳附件1.xlsx"]
    html = response.content.decode()
    assert "安海附件1.xlsx" not in html and "qingyang" in html and "已导入" in html
    assert "town" not in response.context["filter"].form.fields


def test_the_safety_office_sees_every_town_and_filters_by_town_and_status(client, safety_office, qingyang_clerk, imports):
    content = ledger("青阳", [[1, "乙公司", "王五", "电工", "13850123460"]])
    discard_import(preview_import(content, "放弃.xlsx", user=qingyang_clerk).ledger_import)
    client.force_login(safety_office)
    names = lambda response: sorted(record.file_name for record in response.context["page_obj"])  # noqa: E731
    assert names(client.get(LIST)) == ["安海附件1.xlsx", "放弃.xlsx", "青阳附件1.xlsx"]
    assert names(client.get(LIST, {"town": town("安海").pk})) == ["安海附件1.xlsx"]
    assert names(client.get(LIST, {"status": "discarded"})) == ["放弃.xlsx"]


def test_the_list_shows_who_when_and_the_counts(client, qingyang_clerk, imports):
    client.force_login(qingyang_clerk)
    row = client.get(LIST).content.decode().split('<tbody>')[1].split("</tr>")[0]
    cells = [cell.split(">", 1)[1].split("</td")[0] for cell in row.split("<td")[1:]]
    # a clerk's list has no town column: time, who, file, form, rows, entries, workers, units, errors, status
    assert cells[1] == "qingyang" and "青阳附件1.xlsx" in cells[2] and cells[3] == "附件1"
    assert cells[4:8] == ["1", "2", "1", "1"]
    assert "已导入" in cells[9]


def test_the_list_runs_the_same_number_of_queries_for_many_imports(
    client, safety_office, qingyang_clerk, django_assert_max_num_queries
):
    committed(qingyang_clerk, "青阳", name="1.xlsx")
    client.force_login(safety_office)
    with CaptureQueriesContext(connection) as queries:
        client.get(LIST)
    for n in range(2, 8):
        preview_import(ledger("青阳", [[1, "甲公司", f"工人{n}", "电工", f"1385012345{n}"]]), f"{n}.xlsx", user=qingyang_clerk)
    with django_assert_max_num_queries(len(queries)):
        response = client.get(LIST)
    assert len(response.context["page_obj"]) == 7


# --- the result page ---------------------------------------------------------------------------------


def test_the_result_lists_the_needs_the_import_created(client, qingyang_clerk, imports):
    client.force_login(qingyang_clerk)
    response = client.get(result_url(imports["qingyang"]))
    assert response.status_code == 200
    assert sorted(need.form_category_text for need in response.context["page_obj"]) == ["焊工", "电工"]
    html = response.content.decode()
    assert 'data-figure="entries">2<' in html and 'data-figure="workers">1<' in html and 'data-figure="units">1<' in html
    assert reverse("registry:worker_detail", args=[response.context["page_obj"][0].worker_id]) in html
    assert f'{reverse("registry:need_list")}?source=imported' in html


def test_another_towns_result_is_404(client, anhai_clerk, imports):
    client.force_login(anhai_clerk)
    assert client.get(result_url(imports["qingyang"])).status_code == 404


def test_the_safety_office_reads_any_result(client, safety_office, imports):
    client.force_login(safety_office)
    assert client.get(result_url(imports["anhai"])).status_code == 200


@pytest.mark.parametrize("persona", ["emergency_bureau", "market_bureau", "department_user"])
def test_bureaus_and_departments_get_403_on_a_result(client, personas, persona, imports):
    client.force_login(personas[persona])
    assert client.get(result_url(imports["qingyang"])).status_code == 403


def test_anonymous_is_sent_to_sign_in_from_a_result(client, imports):
    assert reverse("login") in client.get(result_url(imports["qingyang"]))["Location"]


def test_a_preview_not_yet_confirmed_shows_its_preview(client, qingyang_clerk):
    record = preview_import(ledger("青阳", [[1, "甲公司", "李娜", "电工", "13850123459"]]), "a.xlsx", user=qingyang_clerk).ledger_import
    client.force_login(qingyang_clerk)
    response = client.get(result_url(record))
    assert response["Location"] == reverse("registry:import_preview", args=[record.pk])


def test_a_discarded_import_says_nothing_changed(client, qingyang_clerk):
    record = preview_import(ledger("青阳", [[1, "甲公司", "李娜", "电工", "13850123459"]]), "a.xlsx", user=qingyang_clerk).ledger_import
    discard_import(record)
    client.force_login(qingyang_clerk)
    assert "已放弃本次导入" in client.get(result_url(record)).content.decode()


def test_the_result_runs_the_same_number_of_queries_for_many_needs(client, qingyang_clerk, django_assert_max_num_queries):
    few = committed(qingyang_clerk, "青阳", name="few.xlsx")
    many = committed(qingyang_clerk, "青阳", rows=[[n, "乙公司", f"工人{n}号", "电工", f"139{n:08d}"] for n in range(1, 41)], name="many.xlsx")
    assert LedgerImport.objects.get(pk=many.pk).entries_created == 40
    client.force_login(qingyang_clerk)
    with CaptureQueriesContext(connection) as queries:
        client.get(result_url(few))
    with django_assert_max_num_queries(len(queries)):
        client.get(result_url(many))
