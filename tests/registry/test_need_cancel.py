import pytest
from django.urls import reverse

from registry.choices import NeedStatus
from tests.factories import TrainingNeedFactory, UnitFactory, WorkerFactory, category, town

pytestmark = pytest.mark.django_db


@pytest.fixture
def need():
    return TrainingNeedFactory(worker=WorkerFactory(unit=UnitFactory(town=town("青阳"))), category=category("se-9-n1"))


def url(need):
    return reverse("registry:need_cancel", args=[need.pk])


def status(need):
    need.refresh_from_db()
    return need.status


def test_anonymous_is_sent_to_sign_in(client, need):
    assert reverse("login") in client.post(url(need))["Location"]


def test_the_clerk_cancels_an_open_need(client, qingyang_clerk, need):
    client.force_login(qingyang_clerk)
    response = client.post(url(need), {"version": need.version})
    assert response.status_code == 302
    assert status(need) == NeedStatus.CANCELLED and need.closed_on is not None
    assert need.history.first().history_user == qingyang_clerk


def test_cancelling_needs_a_post(client, qingyang_clerk, need):
    client.force_login(qingyang_clerk)
    assert client.get(url(need)).status_code == 405


def test_another_towns_clerk_gets_404(client, anhai_clerk, need):
    client.force_login(anhai_clerk)
    assert client.post(url(need), {"version": need.version}).status_code == 404
    assert status(need) == NeedStatus.OPEN


@pytest.mark.parametrize("role", ["safety_office", "market_bureau", "department_user"])
def test_read_only_roles_get_403(client, personas, need, role):
    client.force_login(personas[role])
    assert client.post(url(need), {"version": need.version}).status_code == 403
    assert status(need) == NeedStatus.OPEN


def test_a_stale_page_cannot_cancel_a_need_someone_changed(client, qingyang_clerk, need):
    opened = need.version
    client.force_login(qingyang_clerk)
    client.post(reverse("registry:need_result", args=[need.pk]),
                {"outcome": "failed", "exam_on": "2019-08-01", "version": opened})
    response = client.post(url(need), {"version": opened}, follow=True)
    assert "保存被拒绝" in str(list(response.context["messages"])[-1])
    assert status(need) == NeedStatus.FAILED


def test_a_certified_need_cannot_be_cancelled(client, qingyang_clerk, need):
    need.status = NeedStatus.CERTIFIED
    need.save()
    client.force_login(qingyang_clerk)
    client.post(url(need), {"version": need.version})
    assert status(need) == NeedStatus.CERTIFIED
