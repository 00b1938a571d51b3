import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from registry import services
from registry.choices import NeedKind, NeedStatus
from registry.models import Certificate, add_years
from tests.factories import CertificateFactory, TrainingNeedFactory, UnitFactory, UserFactory, WorkerFactory, category, town

pytestmark = pytest.mark.django_db
ID_NUMBER = "35058219900101001X"
EXAM_ON = datetime.date.today() - datetime.timedelta(days=10)


@pytest.fixture
def worker():
    return WorkerFactory(unit=UnitFactory(town=town("青阳")), name="王建国", id_number=ID_NUMBER)


@pytest.fixture
def need(worker):
    return TrainingNeedFactory(worker=worker, category=category("op-1-2"))


def url(need):
    return reverse("registry:need_result", args=[need.pk])


def passed(need, **extra):
    return {"outcome": "passed", "exam_on": EXAM_ON.isoformat(), "version": need.version,
            "certificate-category": need.category.pk, "certificate-number": f"T{ID_NUMBER}",
            "certificate-issued_on": EXAM_ON.isoformat(), **extra}


def reload(need):
    need.refresh_from_db()
    return need


def test_anonymous_is_sent_to_sign_in(client, need):
    assert reverse("login") in client.get(url(need))["Location"]


def test_another_towns_clerk_gets_404(client, anhai_clerk, need):
    client.force_login(anhai_clerk)
    assert client.post(url(need), passed(need)).status_code == 404
    assert not Certificate.objects.exists()


@pytest.mark.parametrize("role", ["safety_office", "emergency_bureau", "department_user"])
def test_read_only_roles_get_403(client, personas, need, role):
    client.force_login(personas[role])
    assert client.post(url(need), passed(need)).status_code == 403
    assert not Certificate.objects.exists()


def test_training_done_moves_the_need_to_trained(client, qingyang_clerk, need):
    client.force_login(qingyang_clerk)
    response = client.post(url(need), {"outcome": "trained", "trained_on": EXAM_ON.isoformat(), "version": need.version})
    assert response.status_code == 302
    assert (reload(need).status, need.trained_on) == (NeedStatus.TRAINED, EXAM_ON)


def test_a_failed_exam_keeps_the_need_open(client, qingyang_clerk, need):
    client.force_login(qingyang_clerk)
    client.post(url(need), {"outcome": "failed", "exam_on": EXAM_ON.isoformat(), "version": need.version})
    assert reload(need).status == NeedStatus.FAILED and need.is_open
    assert not Certificate.objects.exists()


def test_a_pass_issues_the_certificate_and_closes_the_need(client, qingyang_clerk, need, worker):
    client.force_login(qingyang_clerk)
    response = client.post(url(need), passed(need))
    assert response.status_code == 302
    certificate = Certificate.objects.get()
    assert (certificate.worker, certificate.category, certificate.number) == (worker, category("op-1-2"), f"T{ID_NUMBER}")
    assert certificate.valid_until == add_years(EXAM_ON, 6)
    need = reload(need)
    assert (need.status, need.certificate, need.exam_on, need.closed_on) == (
        NeedStatus.CERTIFIED, certificate, EXAM_ON, datetime.date.today())
    assert certificate.history.get().history_user == qingyang_clerk


def test_the_certificate_form_is_prefilled_with_t_and_the_id_number(client, qingyang_clerk, need):
    client.force_login(qingyang_clerk)
    form = client.get(url(need)).context["form"].certificate_form
    assert form.initial["number"] == f"T{ID_NUMBER}" and form.initial["category"] == need.category.pk


def test_a_need_on_a_class_asks_for_the_item(client, qingyang_clerk, worker):
    need = TrainingNeedFactory(worker=worker, category=category("op-1"))
    client.force_login(qingyang_clerk)
    response = client.post(url(need), passed(need))
    assert response.status_code == 200 and response.context["form"].certificate_form.errors["category"]
    items = set(response.context["form"].certificate_form.fields["category"].queryset)
    assert category("op-1-2") in items and category("op-2-1") not in items and category("op-1") not in items
    client.post(url(need), passed(need, **{"certificate-category": category("op-1-1").pk}))
    assert Certificate.objects.get().category == category("op-1-1")
    assert reload(need).status == NeedStatus.CERTIFIED


def test_a_pass_with_an_invalid_certificate_saves_nothing(client, qingyang_clerk, need):
    client.force_login(qingyang_clerk)
    response = client.post(url(need), passed(need, **{"certificate-issued_on": "", "certificate-valid_until": "2000-01-01"}))
    assert response.status_code == 200 and response.context["form"].certificate_form.errors["issued_on"]
    assert not Certificate.objects.exists() and reload(need).status == NeedStatus.OPEN


def test_a_failed_result_ignores_an_unfinished_certificate_section(client, qingyang_clerk, need):
    client.force_login(qingyang_clerk)
    response = client.post(url(need), {"outcome": "failed", "exam_on": EXAM_ON.isoformat(), "version": need.version,
                                       "certificate-number": "半填"})
    assert response.status_code == 302 and reload(need).status == NeedStatus.FAILED


def test_dates_are_required_for_the_outcome_and_not_in_the_future(client, qingyang_clerk, need):
    client.force_login(qingyang_clerk)
    form = client.post(url(need), {"outcome": "trained", "version": need.version}).context["form"]
    assert form.errors["trained_on"] == ["请填写培训完成日期。"]
    form = client.post(url(need), {"outcome": "failed", "exam_on": "2999-01-01", "version": need.version}).context["form"]
    assert form.errors["exam_on"] == ["日期不能晚于今天。"]


def test_a_passed_review_records_the_review_on_the_certificate_held(client, qingyang_clerk, worker):
    held = CertificateFactory(worker=worker, category=category("op-1-2"), issued_on=datetime.date.today().replace(
        year=datetime.date.today().year - 3) + datetime.timedelta(days=20))
    need = TrainingNeedFactory(worker=worker, category=held.category, kind=NeedKind.REVIEW, certificate=held)
    client.force_login(qingyang_clerk)
    assert client.get(url(need)).context["form"].certificate_form is None
    response = client.post(url(need), {"outcome": "passed", "exam_on": EXAM_ON.isoformat(), "version": need.version})
    assert response.status_code == 302
    held.refresh_from_db()
    assert Certificate.objects.count() == 1
    assert held.last_reviewed_on == EXAM_ON and held.next_review_on == add_years(EXAM_ON, 3)
    assert reload(need).status == NeedStatus.CERTIFIED and need.certificate == held


def test_a_certified_need_takes_no_further_result(client, qingyang_clerk, need):
    client.force_login(qingyang_clerk)
    client.post(url(need), passed(need))
    response = client.post(url(need), passed(reload(need)), follow=True)
    assert "不能进行此操作" in str(list(response.context["messages"])[-1])
    assert Certificate.objects.count() == 1


def test_a_result_over_someone_elses_newer_save_is_refused_and_nothing_is_issued(client, qingyang_clerk, need):
    colleague = UserFactory(username="colleague", role=qingyang_clerk.role, town=qingyang_clerk.town)
    opened = passed(need)
    client.force_login(colleague)
    client.post(url(need), {"outcome": "failed", "exam_on": EXAM_ON.isoformat(), "version": need.version})
    client.force_login(qingyang_clerk)
    response = client.post(url(need), opened)
    assert response.status_code == 200 and "colleague" in response.context["form"].non_field_errors()[0]
    assert not Certificate.objects.exists() and reload(need).status == NeedStatus.FAILED
    html = response.content.decode()
    assert f'value="T{ID_NUMBER}"' in html


def test_the_service_refuses_an_item_outside_the_needs_category_and_writes_nothing(need):
    stray = Certificate(worker=need.worker, category=category("op-2-1"), issued_on=EXAM_ON)
    with pytest.raises(ValidationError):
        services.issue_certificate_from_need(need, stray, exam_on=EXAM_ON)
    assert not Certificate.objects.exists() and reload(need).status == NeedStatus.OPEN


def test_the_service_refuses_a_closed_need(need):
    need.status = NeedStatus.CANCELLED
    need.save()
    certificate = Certificate(worker=need.worker, category=need.category, issued_on=EXAM_ON)
    with pytest.raises(services.NeedClosed):
        services.issue_certificate_from_need(need, certificate, exam_on=EXAM_ON)
    assert not Certificate.objects.exists()
