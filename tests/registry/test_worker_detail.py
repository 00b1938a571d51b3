import datetime

import pytest
from django.urls import reverse

from registry.choices import NeedKind
from tests.factories import CertificateFactory, TrainingNeedFactory, UnitFactory, WorkerFactory, category, town

pytestmark = pytest.mark.django_db


@pytest.fixture
def worker():
    """An electrician (Attachment 1) who also needs forklift training (Attachment 2)."""
    worker = WorkerFactory(unit=UnitFactory(town=town("青阳")), name="王建国", mobile="13905951234",
                           id_number="35058219900101001X")
    CertificateFactory(worker=worker, category=category("op-1-2"))
    TrainingNeedFactory(worker=worker, category=category("se-9-n1"))
    return worker


def url(worker):
    return reverse("registry:worker_detail", args=[worker.pk])


def test_anonymous_is_sent_to_sign_in(client, worker):
    assert reverse("login") in client.get(url(worker))["Location"]


def test_a_department_user_gets_403(client, department_user, worker):
    client.force_login(department_user)
    assert client.get(url(worker)).status_code == 403


def test_another_towns_clerk_gets_404(client, anhai_clerk, worker):
    client.force_login(anhai_clerk)
    assert client.get(url(worker)).status_code == 404


def test_a_bureau_gets_404_for_a_worker_outside_its_scheme(client, market_bureau):
    electrician = WorkerFactory()
    CertificateFactory(worker=electrician, category=category("op-1-2"))
    client.force_login(market_bureau)
    assert client.get(url(electrician)).status_code == 404


def test_the_clerk_sees_personal_data_certificates_needs_and_edit_actions(client, qingyang_clerk, worker):
    client.force_login(qingyang_clerk)
    html = client.get(url(worker)).content.decode()
    assert "35058219900101001X" in html and "13905951234" in html
    assert "低压电工作业" in html and '<span class="chip green">有效</span>' in html
    assert "附件2 特种设备" in html and "场（厂）内专用机动车辆（叉车司机）" in html
    assert reverse("registry:worker_edit", args=[worker.pk]) in html
    assert reverse("registry:need_create", args=[worker.pk]) in html


def test_a_bureau_sees_masked_personal_data_only_its_schemes_rows_and_no_edit_actions(client, market_bureau, worker):
    client.force_login(market_bureau)
    html = client.get(url(worker)).content.decode()
    assert "350582********001X" in html and "139****1234" in html
    assert "35058219900101001X" not in html and "13905951234" not in html
    assert "叉车司机" in html and "低压电工作业" not in html
    assert reverse("registry:worker_edit", args=[worker.pk]) not in html


def test_the_safety_office_sees_everything_read_only(client, safety_office, worker):
    client.force_login(safety_office)
    html = client.get(url(worker)).content.decode()
    assert "35058219900101001X" in html and "叉车司机" in html and "低压电工作业" in html
    assert reverse("registry:worker_edit", args=[worker.pk]) not in html


def test_the_history_shows_who_changed_what(client, qingyang_clerk, worker):
    client.force_login(qingyang_clerk)
    client.post(reverse("registry:worker_edit", args=[worker.pk]),
                {"unit": worker.unit.pk, "name": worker.name, "id_number": worker.id_number, "mobile": "13800000001",
                 "version": worker.version})
    html = client.get(url(worker)).content.decode()
    assert "修改记录" in html and "qingyang" in html
    assert "<del>13905951234</del> → 13800000001" in html


def test_the_history_shows_what_the_clerk_changed_not_what_the_ledger_keeps(client, qingyang_clerk):
    """The stored town and schemes are not the clerk's edits (simple_history diffs editable fields only)."""
    worker = WorkerFactory(unit=UnitFactory(town=town("青阳")), name="王建国", mobile="13905951234")
    worker.refresh_from_db()
    CertificateFactory(worker=worker, category=category("op-1-2"))  # joins special operations
    client.force_login(qingyang_clerk)
    client.post(reverse("registry:worker_edit", args=[worker.pk]),
                {"unit": worker.unit.pk, "name": worker.name, "id_number": "", "mobile": "13800000001",
                 "version": worker.version})
    html = client.get(url(worker)).content.decode()
    assert "<del>13905951234</del> → 13800000001" in html
    for hidden in ("涉及特种作业", "<del>1</del> → 2", "<del>（空）</del> → 青阳"):
        assert hidden not in html


def test_the_detail_runs_the_same_number_of_queries_with_many_certificates_and_needs(
    client, qingyang_clerk, worker, django_assert_max_num_queries
):
    client.force_login(qingyang_clerk)
    with django_assert_max_num_queries(20) as few:
        client.get(url(worker))
    for key in ("op-2-1", "op-3-1", "op-4-1", "se-6-q2", "se-2-g1"):
        CertificateFactory(worker=worker, category=category(key), issued_on=datetime.date(2015, 1, 1))
        TrainingNeedFactory(worker=worker, category=category(key), kind=NeedKind.REVIEW)
    for mobile in ("13800000002", "13800000003", "13800000004"):
        worker.mobile = mobile
        worker.save()
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(url(worker))


def test_a_bureau_sees_the_id_part_of_a_certificate_number_masked(client, emergency_bureau):
    from tests.factories import CertificateFactory

    certificate = CertificateFactory(category=category("op-1-2"))
    client.force_login(emergency_bureau)
    page = client.get(reverse("registry:worker_detail", args=[certificate.worker.pk])).content.decode()
    assert certificate.worker.id_number not in page
    assert certificate.worker.masked_id_number in page
