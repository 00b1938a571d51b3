import pytest
from django.urls import reverse

from registry.models import Worker
from tests.factories import (
    CertificateFactory,
    TrainingNeedFactory,
    UnitFactory,
    UserFactory,
    WorkerFactory,
    category,
    town,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def worker():
    """In both bureaus' schemes: an electrician's certificate and a forklift need."""
    worker = WorkerFactory(unit=UnitFactory(town=town("青阳")), name="王建国", mobile="13905951234")
    CertificateFactory(worker=worker, category=category("op-1-2"))
    TrainingNeedFactory(worker=worker, category=category("se-9-n1"))
    return worker


def url(worker):
    return reverse("registry:worker_edit", args=[worker.pk])


def data(worker, **extra):
    return {"unit": worker.unit.pk, "name": worker.name, "id_number": worker.id_number, "mobile": worker.mobile,
            "version": worker.version, **extra}


def test_anonymous_is_sent_to_sign_in(client, worker):
    assert reverse("login") in client.get(url(worker))["Location"]


def test_another_towns_clerk_gets_404(client, anhai_clerk, worker):
    client.force_login(anhai_clerk)
    assert client.get(url(worker)).status_code == 404
    assert client.post(url(worker), data(worker, name="改名")).status_code == 404


@pytest.mark.parametrize("role", ["safety_office", "emergency_bureau", "market_bureau", "department_user"])
def test_read_only_roles_get_403(client, personas, worker, role):
    client.force_login(personas[role])
    assert client.get(url(worker)).status_code == 403
    assert client.post(url(worker), data(worker, name="改名")).status_code == 403
    worker.refresh_from_db()
    assert worker.name == "王建国"


def test_the_clerk_edits_a_worker_and_the_change_is_in_the_history(client, qingyang_clerk, worker):
    client.force_login(qingyang_clerk)
    response = client.post(url(worker), data(worker, mobile="138 0000 0001"))
    assert response.status_code == 302
    worker.refresh_from_db()
    assert worker.mobile == "13800000001" and worker.version == 2
    assert worker.history.first().history_user == qingyang_clerk


def test_a_save_over_someone_elses_newer_save_is_refused_and_keeps_what_was_typed(client, qingyang_clerk, worker):
    colleague = UserFactory(username="colleague", role=qingyang_clerk.role, town=qingyang_clerk.town)
    opened = data(worker)
    client.force_login(colleague)
    client.post(url(worker), {**opened, "mobile": "13800000001"})
    client.force_login(qingyang_clerk)
    response = client.post(url(worker), {**opened, "name": "王建华"})
    assert response.status_code == 200
    message = response.context["form"].non_field_errors()[0]
    assert "colleague" in message and "13800000001" in message
    assert 'value="王建华"' in response.content.decode()
    worker.refresh_from_db()
    assert (worker.name, worker.mobile) == ("王建国", "13800000001")
    # saving again after reading the message is a deliberate choice and goes through
    response = client.post(url(worker), {**opened, "name": "王建华", "version": response.context["form"].data["version"]})
    assert response.status_code == 302
    worker.refresh_from_db()
    assert worker.name == "王建华"


def test_editing_a_worker_does_not_flag_its_own_id_number_as_a_duplicate(client, qingyang_clerk, worker):
    client.force_login(qingyang_clerk)
    assert client.post(url(worker), data(worker, name="王建华")).status_code == 302


def test_editing_an_unchanged_name_and_mobile_does_not_warn_again(client, qingyang_clerk, worker):
    WorkerFactory(unit=worker.unit, name=worker.name, mobile=worker.mobile)
    client.force_login(qingyang_clerk)
    assert client.post(url(worker), data(worker, id_number="")).status_code == 302
    assert Worker.objects.get(pk=worker.pk).id_number == ""
