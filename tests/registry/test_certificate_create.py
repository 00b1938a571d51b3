"""/workers/<id>/certificates/new/: the clerk adds a certificate; the form catches what cannot be real."""

import datetime

import pytest
from django.urls import reverse

from registry.forms.certificates import CertificateForm
from registry.models import Certificate, add_years
from tests.factories import CertificateFactory, UnitFactory, WorkerFactory, category, town

pytestmark = pytest.mark.django_db
TODAY = datetime.date.today()


@pytest.fixture
def worker():
    return WorkerFactory(unit=UnitFactory(town=town("青阳")), name="王电工", id_number="35058219900101001X")


def url(worker):
    return reverse("registry:certificate_create", args=[worker.pk])


def electrician(**fields):
    data = {"category": category("op-1-2").pk, "number": "T35058219900101001X", "issued_on": "2024-03-01",
            "issuing_authority": "泉州市应急管理局"}
    return {key: value for key, value in (data | fields).items() if value is not None}


def test_the_clerk_adds_a_certificate_and_the_dates_are_computed(client, qingyang_clerk, worker):
    client.force_login(qingyang_clerk)
    response = client.post(url(worker), electrician())
    assert response["Location"] == reverse("registry:worker_detail", args=[worker.pk])
    certificate = Certificate.objects.get()
    assert certificate.worker == worker
    assert certificate.valid_until == datetime.date(2030, 3, 1)
    assert certificate.next_review_on == datetime.date(2027, 3, 1)
    assert certificate.history.get().history_user == qingyang_clerk


def test_another_towns_clerk_gets_404(client, anhai_clerk, worker):
    client.force_login(anhai_clerk)
    assert client.get(url(worker)).status_code == 404
    assert client.post(url(worker), electrician()).status_code == 404
    assert not Certificate.objects.exists()


@pytest.mark.parametrize(
    "persona, status",
    [("safety_office", 403), ("emergency_bureau", 403), ("market_bureau", 404), ("department_user", 403)],
)
def test_read_only_roles_get_403_and_a_bureau_outside_its_scheme_404(client, request, persona, status, worker):
    CertificateFactory(worker=worker)  # a special-operation holder: in the emergency bureau's sight only
    client.force_login(request.getfixturevalue(persona))
    assert client.get(url(worker)).status_code == status
    assert client.post(url(worker), electrician(category=category("op-2-1").pk)).status_code == status
    assert Certificate.objects.count() == 1


def test_anonymous_is_sent_to_sign_in(client, worker):
    assert reverse("login") in client.post(url(worker), electrician())["Location"]


def test_the_categories_are_items_grouped_by_scheme_and_class(client, qingyang_clerk, worker):
    client.force_login(qingyang_clerk)
    page = client.get(url(worker)).content.decode()
    assert '<optgroup label="特种作业 · 1 电工作业">' in page
    assert '<optgroup label="特种设备 · 场（厂）内专用机动车辆作业">' in page
    assert f'<option value="{category("op-1").pk}"' not in page


def test_a_bureau_user_is_offered_only_its_schemes_items(market_bureau):
    form = CertificateForm(user=market_bureau)
    keys = set(form.fields["category"].queryset.values_list("key", flat=True))
    assert "se-9-n1" in keys and not any(key.startswith("op-") for key in keys)


def test_a_class_is_refused(client, qingyang_clerk, worker):
    client.force_login(qingyang_clerk)
    response = client.post(url(worker), electrician(category=category("op-1").pk))
    assert "category" in response.context["form"].errors and not Certificate.objects.exists()


def test_valid_until_must_be_after_issued_on(client, qingyang_clerk, worker):
    client.force_login(qingyang_clerk)
    response = client.post(url(worker), electrician(valid_until="2024-01-01"))
    assert response.context["form"].errors["valid_until"] == ["有效期至必须晚于初领日期。"]
    assert response.context["form"]["issuing_authority"].value() == "泉州市应急管理局"


def test_a_validity_longer_than_the_category_allows_is_refused(client, qingyang_clerk, worker):
    client.force_login(qingyang_clerk)
    response = client.post(url(worker), electrician(category=category("se-9-n1").pk, valid_until="2029-03-01"))
    assert response.context["form"].errors["valid_until"] == [
        "有效期超过了该类别允许的4年（最迟到2028-03-01），请核对证书。"
    ]


def test_a_certificate_issued_in_the_future_is_refused(client, qingyang_clerk, worker):
    client.force_login(qingyang_clerk)
    tomorrow = (TODAY + datetime.timedelta(days=1)).isoformat()
    response = client.post(url(worker), electrician(issued_on=tomorrow))
    assert response.context["form"].errors["issued_on"] == ["日期不能晚于今天。"]


def test_a_special_operation_number_that_is_not_t_and_the_id_number_is_saved_with_a_warning(client, qingyang_clerk, worker):
    client.force_login(qingyang_clerk)
    response = client.post(url(worker), electrician(number="闽A12345"), follow=True)
    assert Certificate.objects.get().number == "闽A12345"
    assert "T35058219900101001X" in response.content.decode() and "请核对" in response.content.decode()


def test_a_special_equipment_number_is_free_text(client, qingyang_clerk, worker):
    client.force_login(qingyang_clerk)
    response = client.post(url(worker), electrician(category=category("se-9-n1").pk, number="闽N1-001"), follow=True)
    assert "请核对" not in response.content.decode()
    assert Certificate.objects.get().valid_until == add_years(datetime.date(2024, 3, 1), 4)


def test_a_number_held_by_another_person_is_refused_with_a_link_to_them(client, qingyang_clerk, worker):
    other = CertificateFactory(worker__unit=worker.unit, category=category("se-9-n1"), number="闽N1-001")
    client.force_login(qingyang_clerk)
    response = client.post(url(worker), electrician(category=category("se-9-n1").pk, number="闽n1-001"))
    error = str(response.context["form"].errors["number"])
    assert "不能由两人持有" in error and reverse("registry:worker_detail", args=[other.worker_id]) in error
    assert Certificate.objects.count() == 1


def test_a_number_held_in_another_town_is_refused_without_showing_who(client, qingyang_clerk, worker):
    other = CertificateFactory(worker__unit=UnitFactory(town=town("安海")), category=category("se-9-n1"), number="N1")
    client.force_login(qingyang_clerk)
    response = client.post(url(worker), electrician(category=category("se-9-n1").pk, number="N1"))
    error = str(response.context["form"].errors["number"])
    assert "其他镇（街道）" in error and other.worker.name not in error


def test_the_same_number_of_another_item_is_fine(client, qingyang_clerk, worker):
    CertificateFactory(worker=worker, category=category("op-1-2"))
    client.force_login(qingyang_clerk)
    assert client.post(url(worker), electrician(category=category("op-2-1").pk)).status_code == 302


def test_entering_the_same_certificate_twice_links_to_the_first(client, qingyang_clerk, worker):
    first = CertificateFactory(worker=worker, category=category("op-1-2"))
    client.force_login(qingyang_clerk)
    response = client.post(url(worker), electrician())
    assert reverse("registry:certificate_edit", args=[first.pk]) in str(response.context["form"].errors["number"])


def test_the_form_works_without_a_worker_for_the_worker_page(qingyang_clerk, worker):
    form = CertificateForm(electrician(number="A1"), user=qingyang_clerk, prefix=None)
    assert form.is_valid(), form.errors
    assert "T35058219900101001X" in form.number_warnings(worker)[0]
    form.instance.worker = worker
    assert form.save().worker == worker


def test_the_form_takes_a_prefix(qingyang_clerk):
    data = {f"certificate-{key}": value for key, value in electrician().items()}
    assert CertificateForm(data, user=qingyang_clerk, prefix="certificate").is_valid()
