"""/certificates/<id>/review/: a passed review (复审) is recorded and the next review date moves on."""

import datetime

import pytest
from django.urls import reverse

from registry.models import Certificate, add_years
from tests.factories import CertificateFactory, UnitFactory, WorkerFactory, category, town

pytestmark = pytest.mark.django_db
TODAY = datetime.date.today()


@pytest.fixture
def certificate():
    """An electrician certificate issued almost three years ago: its review is due soon."""
    worker = WorkerFactory(unit=UnitFactory(town=town("青阳")), name="王电工")
    issued_on = add_years(TODAY, -3) + datetime.timedelta(days=20)
    return CertificateFactory(worker=worker, category=category("op-1-2"), issued_on=issued_on)


@pytest.fixture
def forklift():
    worker = WorkerFactory(unit=UnitFactory(town=town("青阳")))
    return CertificateFactory(worker=worker, category=category("se-9-n1"), issued_on=datetime.date(2022, 6, 1))


def url(certificate):
    return reverse("registry:certificate_review", args=[certificate.pk])


def test_a_special_operation_review_moves_the_next_review_three_years_on(client, qingyang_clerk, certificate):
    client.force_login(qingyang_clerk)
    before = certificate.next_review_on
    response = client.post(url(certificate), {"reviewed_on": TODAY.isoformat()}, follow=True)
    certificate.refresh_from_db()
    assert certificate.last_reviewed_on == TODAY
    assert certificate.next_review_on == min(add_years(TODAY, 3), certificate.valid_until)
    assert certificate.valid_until == add_years(before, 3)  # a review keeps the 6-year expiry
    page = response.content.decode()
    assert f"下次复审日期由{before.isoformat()}改为{certificate.next_review_on.isoformat()}" in page
    assert certificate.history.first().history_user == qingyang_clerk


def test_a_special_equipment_review_renews_the_certificate(client, qingyang_clerk, forklift):
    client.force_login(qingyang_clerk)
    client.post(url(forklift), {"reviewed_on": "2026-04-20"})
    forklift.refresh_from_db()
    assert forklift.valid_until == datetime.date(2030, 6, 1)
    assert forklift.next_review_on == datetime.date(2030, 5, 2)


def test_a_renewal_may_give_the_new_expiry(client, qingyang_clerk, certificate):
    client.force_login(qingyang_clerk)
    new_expiry = add_years(TODAY, 6)
    client.post(url(certificate), {"reviewed_on": TODAY.isoformat(), "valid_until": new_expiry.isoformat()})
    certificate.refresh_from_db()
    assert certificate.valid_until == new_expiry


def test_a_new_expiry_beyond_the_categorys_validity_is_refused(client, qingyang_clerk, certificate):
    client.force_login(qingyang_clerk)
    too_late = add_years(TODAY, 8)
    response = client.post(url(certificate), {"reviewed_on": TODAY.isoformat(), "valid_until": too_late.isoformat()})
    assert "有效期超过了该类别允许的6年" in str(response.context["form"].errors["valid_until"])
    assert Certificate.objects.get().last_reviewed_on is None


def test_a_review_in_the_future_is_refused(client, qingyang_clerk, certificate):
    client.force_login(qingyang_clerk)
    response = client.post(url(certificate), {"reviewed_on": (TODAY + datetime.timedelta(days=1)).isoformat()})
    assert response.context["form"].errors["reviewed_on"] == ["日期不能晚于今天。"]


def test_an_expired_certificate_cannot_be_reviewed(client, qingyang_clerk):
    expired = CertificateFactory(worker__unit=UnitFactory(town=town("青阳")), issued_on=datetime.date(2015, 1, 1))
    client.force_login(qingyang_clerk)
    response = client.post(url(expired), {"reviewed_on": TODAY.isoformat()})
    assert "过期后不能复审" in str(response.context["form"].errors["reviewed_on"])


def test_the_page_shows_the_certificate_and_its_status(client, qingyang_clerk, certificate):
    client.force_login(qingyang_clerk)
    page = client.get(url(certificate)).content.decode()
    assert "王电工" in page and '<span class="chip amber">即将复审</span>' in page


def test_a_review_does_not_undo_an_edit_saved_meanwhile(client, qingyang_clerk, certificate):
    client.force_login(qingyang_clerk)
    client.get(url(certificate))
    Certificate.objects.filter(pk=certificate.pk).update(note="原件已核对")
    client.post(url(certificate), {"reviewed_on": TODAY.isoformat()})
    certificate.refresh_from_db()
    assert certificate.note == "原件已核对" and certificate.last_reviewed_on == TODAY


def test_another_towns_clerk_gets_404(client, anhai_clerk, certificate):
    client.force_login(anhai_clerk)
    assert client.get(url(certificate)).status_code == 404
    assert client.post(url(certificate), {"reviewed_on": TODAY.isoformat()}).status_code == 404


@pytest.mark.parametrize(
    "persona, status",
    [("safety_office", 403), ("emergency_bureau", 403), ("market_bureau", 404), ("department_user", 403)],
)
def test_read_only_roles_get_403_and_a_bureau_outside_its_scheme_404(client, request, persona, status, certificate):
    client.force_login(request.getfixturevalue(persona))
    assert client.post(url(certificate), {"reviewed_on": TODAY.isoformat()}).status_code == status
    assert Certificate.objects.get().last_reviewed_on is None


def test_anonymous_is_sent_to_sign_in(client, certificate):
    assert reverse("login") in client.post(url(certificate), {"reviewed_on": TODAY.isoformat()})["Location"]
