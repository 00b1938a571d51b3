"""/units/<id>/edit/: the town's clerk edits; nobody overwrites anybody silently."""

import pytest
from django.urls import reverse

from registry.models import Unit
from tests.factories import UnitFactory, town

pytestmark = pytest.mark.django_db


@pytest.fixture
def unit():
    return UnitFactory(town=town("青阳"), name="青阳鞋业", industry="制鞋")


def url(unit):
    return reverse("registry:unit_edit", args=[unit.pk])


def opened(client, unit):
    """What the browser posts back unchanged: the form's fields and the version it was opened with."""
    form = client.get(url(unit)).context["form"]
    return {name: form[name].value() or "" for name in form.fields}


def test_the_clerk_edits_the_unit(client, qingyang_clerk, unit):
    client.force_login(qingyang_clerk)
    response = client.post(url(unit), opened(client, unit) | {"industry": "鞋服"})
    assert response.status_code == 302
    unit.refresh_from_db()
    assert unit.industry == "鞋服" and unit.version == 2 and unit.town == town("青阳")


def test_keeping_the_units_own_name_is_not_a_duplicate(client, qingyang_clerk, unit):
    client.force_login(qingyang_clerk)
    assert client.post(url(unit), opened(client, unit) | {"name": "青阳 鞋业"}).status_code == 302


def test_renaming_to_another_units_name_is_refused(client, qingyang_clerk, unit):
    UnitFactory(town=town("青阳"), name="青阳印刷")
    client.force_login(qingyang_clerk)
    response = client.post(url(unit), opened(client, unit) | {"name": "青阳印刷"})
    assert "本镇（街道）已登记同名单位" in str(response.context["form"].errors["name"])
    unit.refresh_from_db()
    assert unit.name == "青阳鞋业"


def test_another_towns_clerk_gets_404(client, anhai_clerk, unit):
    client.force_login(anhai_clerk)
    assert client.get(url(unit)).status_code == 404
    assert client.post(url(unit), {"name": "改名"}).status_code == 404


@pytest.mark.parametrize("persona", ["safety_office", "emergency_bureau", "market_bureau"])
def test_read_only_roles_get_403(client, request, persona, unit):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(url(unit)).status_code == 403
    assert client.post(url(unit), {"name": "改名"}).status_code == 403


def test_a_department_user_gets_403(client, department_user, unit):
    client.force_login(department_user)
    assert client.get(url(unit)).status_code == 403


def test_anonymous_is_sent_to_sign_in(client, unit):
    assert reverse("login") in client.get(url(unit))["Location"]


def test_a_save_over_someone_elses_newer_save_is_refused_and_keeps_what_was_typed(client, qingyang_clerk, unit):
    client.force_login(qingyang_clerk)
    stale = opened(client, unit)
    client.post(url(unit), opened(client, unit) | {"industry": "鞋服"})
    response = client.post(url(unit), stale | {"contact_person": "陈经理"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "其他人已修改" in page and "鞋服" in page
    assert response.context["form"]["contact_person"].value() == "陈经理"
    assert Unit.objects.get(pk=unit.pk).contact_person == ""
