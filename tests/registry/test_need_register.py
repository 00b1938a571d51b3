import datetime

import pytest
from django.urls import reverse

from registry.choices import NeedStatus
from registry.models import TrainingInstitution
from tests.factories import TrainingNeedFactory, UnitFactory, UserFactory, WorkerFactory, category, town

pytestmark = pytest.mark.django_db


@pytest.fixture
def need():
    worker = WorkerFactory(unit=UnitFactory(town=town("青阳")))
    return TrainingNeedFactory(worker=worker, category=category("se-9-n1"))


@pytest.fixture
def institution():
    return TrainingInstitution.objects.get(name="福建省特检院泉州分院")


def url(need):
    return reverse("registry:need_register", args=[need.pk])


def data(need, institution, **extra):
    return {"institution": institution.pk, "registered_on": "2019-07-15", "version": need.version, **extra}


def status(need):
    need.refresh_from_db()
    return need.status


def test_anonymous_is_sent_to_sign_in(client, need):
    assert reverse("login") in client.get(url(need))["Location"]


def test_another_towns_clerk_gets_404(client, anhai_clerk, need, institution):
    client.force_login(anhai_clerk)
    assert client.post(url(need), data(need, institution)).status_code == 404
    assert status(need) == NeedStatus.OPEN


@pytest.mark.parametrize("role", ["safety_office", "market_bureau", "department_user"])
def test_read_only_roles_get_403(client, personas, need, institution, role):
    client.force_login(personas[role])
    assert client.post(url(need), data(need, institution)).status_code == 403
    assert status(need) == NeedStatus.OPEN


def test_the_clerk_registers_the_need_with_an_institution(client, qingyang_clerk, need, institution):
    client.force_login(qingyang_clerk)
    assert client.get(url(need)).context["form"].initial["registered_on"] == datetime.date.today()
    response = client.post(url(need), data(need, institution))
    assert response.status_code == 302
    need.refresh_from_db()
    assert (need.status, need.institution, need.registered_on) == (
        NeedStatus.REGISTERED, institution, datetime.date(2019, 7, 15))


def test_an_institution_and_a_date_are_required(client, qingyang_clerk, need, institution):
    client.force_login(qingyang_clerk)
    response = client.post(url(need), {"version": need.version, "registered_on": "2999-01-01"})
    assert response.context["form"].errors["institution"] == ["这个字段是必填项。"]
    assert response.context["form"].errors["registered_on"] == ["报名日期不能晚于今天。"]


def test_only_institutions_for_the_needs_scheme_are_offered(client, qingyang_clerk, need, institution):
    other = TrainingInstitution.objects.create(name="某特种作业培训中心", scheme="special_operation")
    client.force_login(qingyang_clerk)
    offered = set(client.get(url(need)).context["form"].fields["institution"].queryset)
    assert institution in offered and other not in offered


def test_a_certified_need_cannot_be_registered(client, qingyang_clerk, need, institution):
    need.status = NeedStatus.CERTIFIED
    need.save()
    client.force_login(qingyang_clerk)
    response = client.post(url(need), data(need, institution), follow=True)
    assert "不能进行此操作" in str(list(response.context["messages"])[0])
    assert status(need) == NeedStatus.CERTIFIED


def test_registering_over_someone_elses_newer_save_is_refused(client, qingyang_clerk, need, institution):
    colleague = UserFactory(username="colleague", role=qingyang_clerk.role, town=qingyang_clerk.town)
    opened = data(need, institution)
    client.force_login(colleague)
    client.post(reverse("registry:need_result", args=[need.pk]),
                {"outcome": "failed", "exam_on": "2019-08-01", "version": need.version})
    client.force_login(qingyang_clerk)
    response = client.post(url(need), opened)
    assert response.status_code == 200 and "colleague" in response.context["form"].non_field_errors()[0]
    assert status(need) == NeedStatus.FAILED
