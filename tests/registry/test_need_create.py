import pytest
from django.urls import reverse

from registry.choices import NeedKind, NeedSource, NeedStatus
from registry.models import TrainingNeed
from tests.factories import CertificateFactory, TrainingNeedFactory, UnitFactory, WorkerFactory, category, town

pytestmark = pytest.mark.django_db


@pytest.fixture
def worker():
    worker = WorkerFactory(unit=UnitFactory(town=town("青阳")), name="王建国")
    CertificateFactory(worker=worker, category=category("op-1-2"))
    TrainingNeedFactory(worker=worker, category=category("se-9-n1"))
    return worker


def url(worker):
    return reverse("registry:need_create", args=[worker.pk])


def test_anonymous_is_sent_to_sign_in(client, worker):
    assert reverse("login") in client.get(url(worker))["Location"]


def test_another_towns_clerk_gets_404(client, anhai_clerk, worker):
    client.force_login(anhai_clerk)
    assert client.get(url(worker)).status_code == 404
    assert client.post(url(worker), {"category": category("op-2").pk, "kind": "initial"}).status_code == 404


@pytest.mark.parametrize("role", ["safety_office", "emergency_bureau", "market_bureau", "department_user"])
def test_read_only_roles_get_403(client, personas, worker, role):
    client.force_login(personas[role])
    assert client.get(url(worker)).status_code == 403
    assert client.post(url(worker), {"category": category("op-2").pk, "kind": "initial"}).status_code == 403
    assert worker.training_needs.count() == 1


def test_the_clerk_adds_an_initial_need_on_a_class_as_the_forms_allow(client, qingyang_clerk, worker):
    client.force_login(qingyang_clerk)
    response = client.post(url(worker), {"category": category("op-2").pk, "kind": "initial"}, follow=True)
    need = worker.training_needs.get(category=category("op-2"))
    assert (need.kind, need.source, need.status) == (NeedKind.INITIAL, NeedSource.ENTERED, NeedStatus.OPEN)
    assert "列入附件1" in str(list(response.context["messages"])[0])
    assert need.history.get().history_user == qingyang_clerk


def test_a_review_need_points_at_the_certificate_under_review(client, qingyang_clerk, worker):
    client.force_login(qingyang_clerk)
    client.post(url(worker), {"category": category("op-1").pk, "kind": "review"})
    need = worker.training_needs.get(kind=NeedKind.REVIEW)
    assert need.certificate == worker.certificates.get()
    assert need.form_category_text == "电工（复审）"


def test_a_second_open_need_for_the_same_category_and_kind_is_refused_with_a_link(client, qingyang_clerk, worker):
    client.force_login(qingyang_clerk)
    existing = worker.training_needs.get()
    response = client.post(url(worker), {"category": category("se-9-n1").pk, "kind": "initial"})
    assert response.status_code == 200
    message = response.context["form"].errors["category"][0]
    assert "未办结" in message and reverse("registry:need_detail", args=[existing.pk]) in message
    assert worker.training_needs.count() == 1


def test_a_closed_need_does_not_block_a_new_one(client, qingyang_clerk, worker):
    TrainingNeed.objects.filter(worker=worker).update(status=NeedStatus.CANCELLED)
    client.force_login(qingyang_clerk)
    assert client.post(url(worker), {"category": category("se-9-n1").pk, "kind": "initial"}).status_code == 302
    assert worker.training_needs.count() == 2


def test_a_category_is_required_with_a_chinese_message(client, qingyang_clerk, worker):
    client.force_login(qingyang_clerk)
    response = client.post(url(worker), {"kind": "initial", "note": "急"})
    assert response.context["form"].errors["category"] == ["这个字段是必填项。"]
    assert 'value="急"' in response.content.decode()


def test_categories_are_listed_attachment_1_first(client, qingyang_clerk, worker):
    client.force_login(qingyang_clerk)
    labels = [label for _value, label in client.get(url(worker)).context["form"].fields["category"].choices][1:]
    assert labels[0].startswith("附件1") and labels[-1].startswith("附件2")


def test_an_archived_worker_gets_no_new_need(client, qingyang_clerk, worker):
    worker.archive()
    client.force_login(qingyang_clerk)
    response = client.post(url(worker), {"category": category("op-2").pk, "kind": "initial"})
    assert response.status_code == 302 and worker.training_needs.count() == 1
