import datetime

import pytest
from django.urls import reverse

from registry.choices import NeedKind, NeedSource
from registry.models import Certificate, TrainingNeed, Worker
from tests.factories import UnitFactory, WorkerFactory, category, town

pytestmark = pytest.mark.django_db
URL = reverse("registry:worker_create")
VALID_ID = "35058219900101001X"


@pytest.fixture
def unit():
    return UnitFactory(town=town("青阳"), name="晋江市青阳鞋业有限公司")


@pytest.fixture
def clerk(client, qingyang_clerk):
    client.force_login(qingyang_clerk)
    return client


def worker_data(unit, **extra):
    return {"unit": unit.pk, "name": "王建国", "id_number": VALID_ID, "mobile": "13905951234", **extra}


def certificate_data(**extra):
    data = {"certificate-category": category("op-1-2").pk, "certificate-number": f"T{VALID_ID}",
            "certificate-issued_on": (datetime.date.today() - datetime.timedelta(days=100)).isoformat()}
    return {**data, **extra}


def errors(response, form="form"):
    return response.context[form].errors


def test_anonymous_is_sent_to_sign_in(client):
    assert reverse("login") in client.get(URL)["Location"]


@pytest.mark.parametrize("role", ["safety_office", "emergency_bureau", "market_bureau", "department_user"])
def test_roles_that_do_not_keep_a_ledger_get_403(client, personas, unit, role):
    client.force_login(personas[role])
    assert client.get(URL).status_code == 403
    assert client.post(URL, worker_data(unit)).status_code == 403
    assert not Worker.objects.exists()


def test_a_clerk_registers_a_worker(clerk, unit):
    response = clerk.post(URL, worker_data(unit))
    worker = Worker.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("registry:worker_detail", args=[worker.pk])
    assert (worker.name, worker.unit, worker.mobile) == ("王建国", unit, "13905951234")
    assert worker.history.get().history_user.username == "qingyang"
    assert not Certificate.objects.exists() and not TrainingNeed.objects.exists()


def test_the_unit_in_the_query_string_is_preselected(clerk, unit):
    response = clerk.get(URL, {"unit": unit.pk})
    assert response.context["form"].initial["unit"] == unit


def test_unit_choices_are_the_clerks_active_units(clerk, unit):
    closed = UnitFactory(town=town("青阳"))
    closed.archive()
    elsewhere = UnitFactory(town=town("安海"))
    choices = set(clerk.get(URL, {"unit": elsewhere.pk}).context["form"].fields["unit"].queryset)
    assert choices == {unit}
    response = clerk.post(URL, worker_data(elsewhere))
    assert "unit" in errors(response) and not Worker.objects.exists()


def test_mobile_and_id_number_are_normalised_before_they_are_checked(clerk, unit):
    clerk.post(URL, worker_data(unit, name=" 王 建国 ", id_number=" ３５０５８２１９９００１０１００１ｘ ",
                                mobile="+86 139-0595-1234"))
    worker = Worker.objects.get()
    assert (worker.name, worker.id_number, worker.mobile) == ("王建国", VALID_ID, "13905951234")


def test_invalid_identifiers_are_explained_in_chinese_next_to_the_field_and_what_was_typed_is_kept(clerk, unit):
    response = clerk.post(URL, worker_data(unit, id_number="350582199001010010", mobile="12345"))
    assert response.status_code == 200
    assert "校验位错误" in errors(response)["id_number"][0]
    assert "手机号码应为11位数字" in errors(response)["mobile"][0]
    html = response.content.decode()
    assert 'value="350582199001010010"' in html and 'value="王建国"' in html
    assert not Worker.objects.exists()


def test_an_id_number_already_registered_in_the_town_links_to_that_worker(clerk, unit):
    existing = WorkerFactory(unit=unit, name="王建国", id_number=VALID_ID)
    response = clerk.post(URL, worker_data(unit, name="王建国二"))
    assert Worker.objects.count() == 1
    message = errors(response)["id_number"][0]
    assert reverse("registry:worker_detail", args=[existing.pk]) in message
    assert f'<a href="{reverse("registry:worker_detail", args=[existing.pk])}">' in response.content.decode()


def test_an_id_number_registered_in_another_town_is_refused_without_saying_who(clerk, unit):
    WorkerFactory(unit=UnitFactory(town=town("安海")), name="陈安海", id_number=VALID_ID)
    response = clerk.post(URL, worker_data(unit))
    message = errors(response)["id_number"][0]
    assert "其他镇（街道）" in message and "陈安海" not in response.content.decode()
    assert Worker.objects.count() == 1


def test_the_same_name_and_mobile_in_the_same_unit_must_be_confirmed(clerk, unit):
    twin = WorkerFactory(unit=unit, name="王建国", mobile="13905951234", id_number="")
    response = clerk.post(URL, worker_data(unit, id_number=""))
    assert "仍然保存" in errors(response)["confirm_duplicate"][0]
    assert reverse("registry:worker_detail", args=[twin.pk]) in response.content.decode()
    assert 'type="checkbox" name="confirm_duplicate"' in response.content.decode()
    assert Worker.objects.count() == 1
    response = clerk.post(URL, worker_data(unit, id_number="", confirm_duplicate="on"))
    assert response.status_code == 302 and Worker.objects.count() == 2


def test_the_same_name_and_mobile_in_another_unit_is_no_warning(clerk, unit):
    WorkerFactory(unit=UnitFactory(town=town("青阳")), name="王建国", mobile="13905951234")
    assert clerk.post(URL, worker_data(unit)).status_code == 302


def test_a_worker_a_certificate_and_a_need_are_saved_together(clerk, unit):
    data = {**worker_data(unit), **certificate_data(), "need-category": category("se-9").pk, "need-kind": NeedKind.INITIAL}
    response = clerk.post(URL, data)
    assert response.status_code == 302
    worker = Worker.objects.get()
    certificate = Certificate.objects.get()
    need = TrainingNeed.objects.get()
    assert certificate.worker == worker and certificate.category == category("op-1-2")
    assert certificate.valid_until == certificate.issued_on.replace(year=certificate.issued_on.year + 6)
    assert (need.worker, need.category, need.kind, need.source) == (worker, category("se-9"), NeedKind.INITIAL,
                                                                    NeedSource.ENTERED)


def test_an_untouched_optional_section_is_not_saved(clerk, unit):
    clerk.post(URL, {**worker_data(unit), "need-kind": NeedKind.INITIAL})
    assert Worker.objects.count() == 1 and not TrainingNeed.objects.exists()


def test_untouched_sections_show_no_errors_when_the_worker_has_one(clerk, unit):
    response = clerk.post(URL, {**worker_data(unit, mobile="12345"), "need-kind": NeedKind.INITIAL,
                                "certificate-category": "", "need-category": ""})
    assert errors(response)["mobile"]
    assert not errors(response, "certificate_form") and not errors(response, "need_form")
    assert "这个字段是必填项" not in response.content.decode()


def test_an_invalid_certificate_saves_nothing_and_keeps_what_was_typed(clerk, unit):
    data = {**worker_data(unit), **certificate_data(**{"certificate-issued_on": "2099-01-01"}),
            "need-category": category("se-9").pk, "need-kind": NeedKind.INITIAL}
    response = clerk.post(URL, data)
    assert response.status_code == 200
    assert "certificate_form" in response.context and errors(response, "certificate_form")["issued_on"]
    assert not Worker.objects.exists() and not Certificate.objects.exists() and not TrainingNeed.objects.exists()
    html = response.content.decode()
    assert 'value="2099-01-01"' in html and f'value="T{VALID_ID}"' in html and 'value="王建国"' in html


def test_a_need_without_a_category_is_explained_and_nothing_is_saved(clerk, unit):
    response = clerk.post(URL, {**worker_data(unit), "need-kind": NeedKind.REVIEW, "need-note": "明年复审"})
    assert errors(response, "need_form")["category"]
    assert not Worker.objects.exists()


def test_a_special_operation_number_that_is_not_t_and_the_id_number_warns_after_saving(clerk, unit):
    response = clerk.post(URL, {**worker_data(unit), **certificate_data(**{"certificate-number": "12345"})},
                          follow=True)
    assert Certificate.objects.get().number == "12345"
    assert any("T" in str(m) and "请核对" in str(m) for m in response.context["messages"])
