"""/certificates/<id>/edit/: the clerk corrects a certificate; a stale save is refused; history is shown."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from registry.models import Certificate
from tests.factories import CertificateFactory, UnitFactory, WorkerFactory, category, town

pytestmark = pytest.mark.django_db


@pytest.fixture
def certificate():
    worker = WorkerFactory(unit=UnitFactory(town=town("青阳")), id_number="35058219900101001X")
    return CertificateFactory(worker=worker, category=category("op-1-2"), issued_on=datetime.date(2024, 3, 1))


def url(certificate):
    return reverse("registry:certificate_edit", args=[certificate.pk])


def opened(client, certificate):
    form = client.get(url(certificate)).context["form"]
    return {name: form[name].value() or "" for name in form.fields}


def test_the_clerk_corrects_a_certificate_and_the_dates_follow(client, qingyang_clerk, certificate):
    client.force_login(qingyang_clerk)
    response = client.post(url(certificate), opened(client, certificate) | {"issued_on": "2024-06-01", "valid_until": ""})
    assert response["Location"] == reverse("registry:worker_detail", args=[certificate.worker_id])
    certificate.refresh_from_db()
    assert certificate.valid_until == datetime.date(2030, 6, 1) and certificate.next_review_on == datetime.date(2027, 6, 1)
    assert certificate.version == 2


def test_the_page_shows_who_changed_what(client, qingyang_clerk, certificate):
    client.force_login(qingyang_clerk)
    client.post(url(certificate), opened(client, certificate) | {"issuing_authority": "泉州市应急管理局"})
    page = client.get(url(certificate)).content.decode()
    assert "发证机关：<del>（空）</del> → 泉州市应急管理局" in page and "qingyang" in page


def test_changing_the_category_shows_its_name_in_the_history(client, qingyang_clerk, certificate):
    client.force_login(qingyang_clerk)
    client.post(url(certificate), opened(client, certificate) | {"category": category("op-1-1").pk})
    assert "<del>1.2 低压电工作业</del> → 1.1 高压电工作业" in client.get(url(certificate)).content.decode()


def test_a_save_over_someone_elses_newer_save_is_refused(client, qingyang_clerk, certificate):
    client.force_login(qingyang_clerk)
    stale = opened(client, certificate)
    client.post(url(certificate), opened(client, certificate) | {"note": "原件已核对"})
    response = client.post(url(certificate), stale | {"issuing_authority": "泉州市应急管理局"})
    assert "其他人已修改" in response.content.decode()
    assert response.context["form"]["issuing_authority"].value() == "泉州市应急管理局"
    assert Certificate.objects.get().issuing_authority == ""


def test_an_edit_opened_before_a_review_does_not_undo_it(client, qingyang_clerk, certificate):
    client.force_login(qingyang_clerk)
    stale = opened(client, certificate)
    certificate.record_review(datetime.date(2025, 1, 1))
    response = client.post(url(certificate), stale | {"note": "改"})
    assert response.status_code == 200
    assert Certificate.objects.get().last_reviewed_on == datetime.date(2025, 1, 1)


def test_another_towns_clerk_gets_404(client, anhai_clerk, certificate):
    client.force_login(anhai_clerk)
    assert client.get(url(certificate)).status_code == 404
    assert client.post(url(certificate), {"note": "x"}).status_code == 404


@pytest.mark.parametrize(
    "persona, status",
    [("safety_office", 403), ("emergency_bureau", 403), ("market_bureau", 404), ("department_user", 403)],
)
def test_read_only_roles_get_403_and_a_bureau_outside_its_scheme_404(client, request, persona, status, certificate):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(url(certificate)).status_code == status
    assert client.post(url(certificate), {"note": "x"}).status_code == status


def test_anonymous_is_sent_to_sign_in(client, certificate):
    assert reverse("login") in client.get(url(certificate))["Location"]


def test_the_query_count_does_not_grow_with_history(client, qingyang_clerk, certificate, django_assert_max_num_queries):
    client.force_login(qingyang_clerk)
    client.post(url(certificate), opened(client, certificate) | {"note": "一", "category": category("op-1-1").pk})
    with CaptureQueriesContext(connection) as captured:
        client.get(url(certificate))
    few = len(captured)  # counted now: the next requests reset the connection's query log
    for text, key in (("二", "op-1-2"), ("三", "op-1-3"), ("四", "op-2-1"), ("五", "op-1-1")):
        client.post(url(certificate), opened(client, certificate) | {"note": text, "category": category(key).pk})
    with django_assert_max_num_queries(few):
        client.get(url(certificate))
