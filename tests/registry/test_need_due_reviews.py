import datetime

import pytest
from django.urls import reverse

from registry import services
from registry.choices import NeedKind, NeedSource, NeedStatus, Verification
from registry.models import TrainingNeed
from tests.factories import CertificateFactory, TrainingNeedFactory, UnitFactory, WorkerFactory, category, town

pytestmark = pytest.mark.django_db
URL = reverse("registry:need_create_due_reviews")
TODAY = datetime.date.today()


def certificate(town_name, due_in_days, key="op-1-2", **kwargs):
    """A special-operation certificate whose 3-yearly review falls `due_in_days` from today."""
    issued_on = TODAY.replace(year=TODAY.year - 3) + datetime.timedelta(days=due_in_days)
    worker = kwargs.pop("worker", None) or WorkerFactory(unit=UnitFactory(town=town(town_name)))
    return CertificateFactory(worker=worker, category=category(key), issued_on=issued_on, **kwargs)


@pytest.fixture
def ledger():
    return {
        "due": certificate("青阳", 30),
        "due_later": certificate("青阳", 80),
        "not_due": certificate("青阳", 200),
        "overdue": certificate("青阳", -20),
        "has_open_review": certificate("青阳", 10),
        "anhai_due": certificate("安海", 30),
    }


@pytest.fixture
def open_review(ledger):
    held = ledger["has_open_review"]
    return TrainingNeedFactory(worker=held.worker, category=held.category, kind=NeedKind.REVIEW)


def test_anonymous_is_sent_to_sign_in(client):
    assert reverse("login") in client.get(URL)["Location"]


@pytest.mark.parametrize("role", ["safety_office", "emergency_bureau", "market_bureau", "department_user"])
def test_only_a_town_clerk_may_use_it(client, personas, ledger, role):
    client.force_login(personas[role])
    assert client.get(URL).status_code == 403
    assert client.post(URL, {"days": 90}).status_code == 403
    assert not TrainingNeed.objects.exists()


def test_get_shows_how_many_certificates_would_get_a_need(client, qingyang_clerk, ledger, open_review):
    client.force_login(qingyang_clerk)
    response = client.get(URL)
    assert response.context["plan"].count == 2 and response.context["plan"].already_open == 1
    assert client.get(URL, {"days": 45}).context["plan"].count == 1
    assert client.get(URL, {"days": 45, "include_overdue": "on"}).context["plan"].count == 2
    assert not TrainingNeed.objects.filter(source=NeedSource.DUE_REVIEW).exists()


def test_post_creates_review_needs_for_the_clerks_town_only_and_reports_the_count(
    client, qingyang_clerk, ledger, open_review
):
    client.force_login(qingyang_clerk)
    response = client.post(URL, {"days": 90}, follow=True)
    created = TrainingNeed.objects.filter(source=NeedSource.DUE_REVIEW)
    assert {need.certificate for need in created} == {ledger["due"], ledger["due_later"]}
    assert all(n.kind == NeedKind.REVIEW and n.status == NeedStatus.OPEN for n in created)
    assert all(n.worker == n.certificate.worker and n.category == n.certificate.category for n in created)
    assert "已生成 2 条复审培训需求" in str(list(response.context["messages"])[0])
    assert created.first().history.get().history_user == qingyang_clerk


def test_running_it_twice_creates_nothing_the_second_time(client, qingyang_clerk, ledger):
    client.force_login(qingyang_clerk)
    client.post(URL, {"days": 90})
    client.post(URL, {"days": 90})
    assert TrainingNeed.objects.filter(source=NeedSource.DUE_REVIEW).count() == 3


def test_overdue_certificates_are_included_when_asked(client, qingyang_clerk, ledger):
    client.force_login(qingyang_clerk)
    client.post(URL, {"days": 45, "include_overdue": "on"})
    created = TrainingNeed.objects.filter(source=NeedSource.DUE_REVIEW)
    assert {need.certificate for need in created} == {ledger["due"], ledger["overdue"], ledger["has_open_review"]}


def test_an_invalid_number_of_days_is_explained_and_nothing_is_created(client, qingyang_clerk, ledger):
    client.force_login(qingyang_clerk)
    response = client.post(URL, {"days": "0"})
    assert response.status_code == 200 and response.context["form"].errors["days"]
    assert not TrainingNeed.objects.exists()


def test_archived_workers_and_a_second_copy_of_a_certificate_get_no_extra_need(ledger):
    ledger["due_later"].worker.archive()
    certificate("青阳", 40, worker=ledger["due"].worker)
    plan = services.create_due_review_needs(town("青阳"), 90)
    assert plan.count == 2  # due (once) and has_open_review
    assert TrainingNeed.objects.filter(worker=ledger["due"].worker).count() == 1


def test_forged_and_superseded_certificates_get_no_review_need(ledger):
    ledger["due"].verification = Verification.FORGED
    ledger["due"].save()
    renewed = ledger["due_later"]
    certificate("青阳", 3 * 365 - 10, worker=renewed.worker, valid_until=renewed.valid_until + datetime.timedelta(days=900))
    plan = services.plan_due_review_needs(town("青阳"), 90)
    assert {c.pk for c in plan.certificates} == {ledger["has_open_review"].pk}


def test_the_page_runs_a_fixed_number_of_queries(client, qingyang_clerk, ledger, django_assert_max_num_queries):
    client.force_login(qingyang_clerk)
    with django_assert_max_num_queries(8) as few:
        client.get(URL)
    for days in range(10, 60):
        certificate("青阳", days)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(URL).context["plan"].count == 53
