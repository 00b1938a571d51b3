import pytest
from django.urls import reverse

from tests.factories import CertificateFactory, TrainingNeedFactory, UnitFactory, WorkerFactory, category, town

pytestmark = pytest.mark.django_db


@pytest.fixture
def worker():
    worker = WorkerFactory(unit=UnitFactory(town=town("青阳")))
    CertificateFactory(worker=worker, category=category("op-1-2"))
    TrainingNeedFactory(worker=worker, category=category("se-9-n1"))
    return worker


def url(worker):
    return reverse("registry:worker_archive", args=[worker.pk])


def is_active(worker):
    worker.refresh_from_db()
    return worker.is_active


def test_anonymous_is_sent_to_sign_in(client, worker):
    assert reverse("login") in client.post(url(worker))["Location"]
    assert is_active(worker)


def test_the_clerk_archives_a_worker_and_keeps_certificates_needs_and_history(client, qingyang_clerk, worker):
    client.force_login(qingyang_clerk)
    response = client.post(url(worker))
    assert response.status_code == 302 and response["Location"] == reverse("registry:worker_detail", args=[worker.pk])
    assert not is_active(worker)
    assert worker.certificates.count() == 1 and worker.training_needs.count() == 1
    assert worker.history.first().history_user == qingyang_clerk


def test_archiving_needs_a_post(client, qingyang_clerk, worker):
    client.force_login(qingyang_clerk)
    assert client.get(url(worker)).status_code == 405
    assert is_active(worker)


def test_another_towns_clerk_gets_404(client, anhai_clerk, worker):
    client.force_login(anhai_clerk)
    assert client.post(url(worker)).status_code == 404
    assert is_active(worker)


@pytest.mark.parametrize("role", ["safety_office", "emergency_bureau", "market_bureau", "department_user"])
def test_read_only_roles_get_403(client, personas, worker, role):
    client.force_login(personas[role])
    assert client.post(url(worker)).status_code == 403
    assert is_active(worker)
