"""/units/new/: a clerk registers a unit of their own town; names and credit codes are checked."""

import pytest
from django.urls import reverse

from registry.models import Unit
from tests.factories import UnitFactory, town

pytestmark = pytest.mark.django_db
URL = reverse("registry:unit_create")


def test_a_clerk_registers_a_unit_in_their_town(client, qingyang_clerk):
    client.force_login(qingyang_clerk)
    response = client.post(URL, {"name": " 青阳  鞋业（福建）有限公司 ", "credit_code": "91350582ma2000000e",
                                 "industry": "制鞋", "contact_person": "陈经理"})
    unit = Unit.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("registry:unit_detail", args=[unit.pk])
    assert unit.town == town("青阳") and unit.name == "青阳 鞋业(福建)有限公司"
    assert unit.credit_code == "91350582MA2000000E"
    assert unit.history.get().history_user == qingyang_clerk


def test_the_town_never_comes_from_the_form(client, qingyang_clerk):
    client.force_login(qingyang_clerk)
    client.post(URL, {"name": "青阳鞋业", "town": town("安海").pk})
    assert Unit.objects.get().town == town("青阳")


@pytest.mark.parametrize("persona", ["safety_office", "emergency_bureau", "market_bureau", "department_user"])
def test_only_a_town_clerk_may_register_units(client, request, persona):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(URL).status_code == 403
    assert client.post(URL, {"name": "青阳鞋业"}).status_code == 403
    assert not Unit.objects.exists()


def test_anonymous_is_sent_to_sign_in(client):
    response = client.post(URL, {"name": "青阳鞋业"})
    assert response.status_code == 302 and reverse("login") in response["Location"]


def test_a_wrong_credit_code_is_refused_next_to_the_field_and_what_was_typed_stays(client, qingyang_clerk):
    client.force_login(qingyang_clerk)
    response = client.post(URL, {"name": "青阳鞋业", "credit_code": "91350582MA2000000F", "address": "青阳街道1号"})
    assert response.status_code == 200 and not Unit.objects.exists()
    form = response.context["form"]
    assert form.errors["credit_code"] == ["统一社会信用代码校验位错误，请核对是否录错。"]
    assert form["address"].value() == "青阳街道1号"
    assert "校验位错误" in response.content.decode()


def test_a_unit_with_the_same_normalised_name_in_the_town_is_refused_with_a_link(client, qingyang_clerk):
    existing = UnitFactory(town=town("青阳"), name="青阳鞋业（福建）有限公司")
    client.force_login(qingyang_clerk)
    response = client.post(URL, {"name": "青阳鞋业 (福建) 有限公司"})
    assert Unit.objects.count() == 1
    page = response.content.decode()
    assert "本镇（街道）已登记同名单位" in page
    assert f'<a href="{reverse("registry:unit_detail", args=[existing.pk])}">' in page


def test_the_same_name_in_another_town_is_a_different_unit(client, qingyang_clerk):
    UnitFactory(town=town("安海"), name="鞋业有限公司")
    client.force_login(qingyang_clerk)
    assert client.post(URL, {"name": "鞋业有限公司"}).status_code == 302
    assert Unit.objects.filter(name="鞋业有限公司").count() == 2


def test_a_credit_code_already_registered_in_the_town_links_to_that_unit(client, qingyang_clerk):
    existing = UnitFactory(town=town("青阳"))
    client.force_login(qingyang_clerk)
    response = client.post(URL, {"name": "另一家", "credit_code": existing.credit_code})
    assert reverse("registry:unit_detail", args=[existing.pk]) in str(response.context["form"].errors["credit_code"])


def test_a_credit_code_of_another_towns_unit_is_refused_without_showing_that_unit(client, qingyang_clerk):
    existing = UnitFactory(town=town("安海"), name="安海秘密工厂")
    client.force_login(qingyang_clerk)
    response = client.post(URL, {"name": "另一家", "credit_code": existing.credit_code})
    errors = str(response.context["form"].errors["credit_code"])
    assert "其他镇（街道）登记" in errors and "安海秘密工厂" not in errors and str(existing.pk) not in errors


def test_an_old_registration_number_is_accepted_with_a_warning(client, qingyang_clerk):
    client.force_login(qingyang_clerk)
    response = client.post(URL, {"name": "老厂", "credit_code": "350582100012345"}, follow=True)
    assert Unit.objects.get().credit_code == "350582100012345"
    assert "15位旧工商注册号" in response.content.decode()
