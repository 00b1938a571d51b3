"""/units/<id>/archive/: archiving asks first, keeps the unit and its history, and hides it from the list."""

import pytest
from django.urls import reverse

from tests.factories import UnitFactory, WorkerFactory, town

pytestmark = pytest.mark.django_db


@pytest.fixture
def unit():
    return UnitFactory(town=town("青阳"), name="青阳鞋业")


def url(unit):
    return reverse("registry:unit_archive", args=[unit.pk])


def test_the_clerk_is_asked_to_confirm_and_nothing_happens_on_get(client, qingyang_clerk, unit):
    WorkerFactory(unit=unit)
    client.force_login(qingyang_clerk)
    page = client.get(url(unit)).content.decode()
    assert "确认归档" in page and "仍有 1 名在册从业人员" in page
    unit.refresh_from_db()
    assert unit.is_active


def test_archiving_keeps_the_unit_reachable_and_out_of_the_default_list(client, qingyang_clerk, unit):
    client.force_login(qingyang_clerk)
    response = client.post(url(unit))
    assert response["Location"] == reverse("registry:unit_detail", args=[unit.pk])
    unit.refresh_from_db()
    assert not unit.is_active
    assert client.get(reverse("registry:unit_detail", args=[unit.pk])).status_code == 200
    assert unit not in client.get(reverse("registry:unit_list")).context["page_obj"]
    assert unit.history.first().history_user == qingyang_clerk


def test_another_towns_clerk_gets_404(client, anhai_clerk, unit):
    client.force_login(anhai_clerk)
    assert client.get(url(unit)).status_code == 404
    assert client.post(url(unit)).status_code == 404
    unit.refresh_from_db()
    assert unit.is_active


@pytest.mark.parametrize("persona", ["safety_office", "emergency_bureau", "market_bureau", "department_user"])
def test_other_roles_get_403(client, request, persona, unit):
    client.force_login(request.getfixturevalue(persona))
    assert client.post(url(unit)).status_code == 403
    unit.refresh_from_db()
    assert unit.is_active


def test_anonymous_is_sent_to_sign_in(client, unit):
    assert reverse("login") in client.post(url(unit))["Location"]
