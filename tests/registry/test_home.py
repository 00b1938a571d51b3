import datetime

import pytest
from django.utils import timezone

from campaigns.models import Campaign
from django.urls import reverse

from tests.factories import CertificateFactory, TrainingNeedFactory, UnitFactory, WorkerFactory, category, town

pytestmark = pytest.mark.django_db


@pytest.fixture
def ledger():
    qingyang = WorkerFactory(unit=UnitFactory(town=town("青阳")))
    anhai = WorkerFactory(unit=UnitFactory(town=town("安海")))
    CertificateFactory(worker=qingyang, category=category("op-1-2"))
    TrainingNeedFactory(worker=anhai, category=category("se-9-n1"))
    TrainingNeedFactory(worker=qingyang, category=category("op-2-1"))


def figure(response, name):
    return response.context["figures"][name]


def test_home_requires_sign_in(client):
    response = client.get(reverse("home"))
    assert response.status_code == 302 and reverse("login") in response["Location"]


def test_a_clerk_sees_their_towns_figures_only(client, qingyang_clerk, ledger):
    client.force_login(qingyang_clerk)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    assert figure(response, "workers") == 1
    assert figure(response, "certificates_valid") == 1
    assert figure(response, "needs_initial") == 1
    assert "青阳街道" in response.content.decode()


def test_an_archived_workers_certificates_and_needs_leave_the_figures(client, qingyang_clerk, ledger):
    client.force_login(qingyang_clerk)
    archived = WorkerFactory(unit=UnitFactory(town=town("青阳")))
    CertificateFactory(worker=archived, category=category("op-1-2"))
    TrainingNeedFactory(worker=archived, category=category("op-2-1"))
    response = client.get(reverse("home"))
    assert (figure(response, "workers"), figure(response, "certificates_valid"), figure(response, "needs_initial")) == (
        2, 2, 2)
    archived.archive()
    response = client.get(reverse("home"))
    assert (figure(response, "workers"), figure(response, "certificates_valid"), figure(response, "needs_initial")) == (
        1, 1, 1)


def test_a_clerk_cannot_switch_to_another_town(client, qingyang_clerk, ledger):
    client.force_login(qingyang_clerk)
    response = client.get(reverse("home"), {"town": town("安海").pk})
    assert response.context["town"] == town("青阳")
    assert figure(response, "needs_initial") == 1


def test_the_safety_office_sees_the_city_and_can_filter_a_town(client, safety_office, ledger):
    client.force_login(safety_office)
    assert figure(client.get(reverse("home")), "workers") == 2
    assert figure(client.get(reverse("home"), {"town": town("安海").pk}), "workers") == 1


def test_a_bureau_sees_its_scheme_only(client, market_bureau, emergency_bureau, ledger):
    client.force_login(market_bureau)
    response = client.get(reverse("home"))
    assert figure(response, "workers") == 1 and figure(response, "needs_initial") == 1
    assert figure(response, "certificates_valid") == 0
    client.force_login(emergency_bureau)
    response = client.get(reverse("home"))
    assert figure(response, "certificates_valid") == 1 and figure(response, "needs_initial") == 1


def test_a_department_sees_no_ledger_figures(client, department_user, ledger):
    client.force_login(department_user)
    response = client.get(reverse("home"))
    assert response.status_code == 200 and response.context["figures"] is None


def test_home_shows_the_current_phase_and_the_next_deadline(client, qingyang_clerk):
    notice = Campaign.objects.get(document_number="晋安办〔2019〕28号")
    shift = (timezone.localdate() - datetime.date(2019, 6, 1)).days
    notice.copy_shifted(shift, name="本年度专项行动")
    client.force_login(qingyang_clerk)
    response = client.get(reverse("home"))
    assert [p.name for p in response.context["current_phases"]] == ["检查摸底"]
    assert response.context["next_deadline"].deadline == datetime.date(2019, 7, 1) + datetime.timedelta(days=shift)
    assert "本年度专项行动" in response.content.decode()


def test_the_home_page_query_count_does_not_grow_with_rows(client, safety_office, django_assert_max_num_queries):
    client.force_login(safety_office)
    for _ in range(5):
        TrainingNeedFactory()
    with django_assert_max_num_queries(12):
        client.get(reverse("home"))


def test_a_clerks_home_offers_their_towns_attachments_for_download(client, qingyang_clerk):
    client.force_login(qingyang_clerk)
    page = client.get(reverse("home")).content.decode()
    first = reverse("reports:attachment_download", args=[town("青阳").pk, 1])
    assert first in page
    response = client.get(first)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
