import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from campaigns import services
from campaigns.choices import ExamResult
from registry.choices import NeedStatus
from registry.models import TrainingNeed
from tests.factories import town

from .conftest import ROLES, count_queries, is_login_redirect, make_class, need_in

pytestmark = pytest.mark.django_db

EXAM = timezone.localdate() - datetime.timedelta(days=5)


def enrol(training_class, need, result=None, attended=None):
    services.enrol_needs(training_class, [need])
    if result or attended:
        enrolment = training_class.enrolments.get(need=need)
        services.record_trainee_result(enrolment, attended=attended, exam_result=result or ExamResult.PENDING,
                                       exam_on=EXAM, number="T")


@pytest.fixture
def ledger(running, school, quanzhou):
    """Needs of 青阳 and 安海 at every step of the pipeline (expectations counted by hand in the tests)."""
    electric, welding = make_class(school, "op-1"), make_class(school, "op-2-1")
    forklift, low_voltage = make_class(quanzhou, "se-9-n1"), make_class(school, "op-1-2")
    need_in("青阳", "op-1-2")  # registered only
    enrol(electric, need_in("青阳", "op-1"))  # enrolled
    enrol(electric, need_in("青阳", "op-1-1"), attended=True)  # trained
    enrol(welding, need_in("青阳", "op-2-1"), ExamResult.PASSED, attended=True)  # certified
    enrol(forklift, need_in("青阳", "se-9-n1"), ExamResult.FAILED, attended=True)  # trained, failed the exam
    need_in("青阳", "op-3", status=NeedStatus.REGISTERED)  # registered with an institution on the ledger page
    need_in("青阳", "op-1-2", status=NeedStatus.CANCELLED)  # not counted
    before = need_in("青阳", "op-1-2")  # registered before the campaign: not counted
    TrainingNeed.objects.filter(pk=before.pk).update(created_at=timezone.now() - datetime.timedelta(days=400))
    enrol(low_voltage, need_in("安海", "op-1-2"), ExamResult.PASSED, attended=True)
    need_in("安海", "se-6-q2")
    return running


def figures(row):
    return (row["registered"], row["enrolled"], row["trained"], row["certified"])


def table(response):
    """{town short name: {category key (or "subtotal"): (registered, enrolled, trained, certified)}}"""
    result = {}
    for group in response.context["table"]["groups"]:
        cells = {cell["category"].key: figures(cell) for cell in group["cells"]}
        cells["subtotal"] = figures(group["subtotal"])
        result[group["town"].short_name] = cells
    return result


def test_progress_by_town_and_category_for_the_safety_office(sign_in, ledger):
    response = sign_in("safety_office").get(reverse("campaigns:training_progress"))
    assert response.context["campaign"] == ledger
    assert table(response) == {
        "青阳": {"op-1": (3, 2, 1, 0), "op-2": (1, 1, 1, 1), "op-3": (1, 1, 0, 0), "se-9": (1, 1, 1, 0),
                 "subtotal": (6, 5, 3, 1)},
        "安海": {"op-1": (1, 1, 1, 1), "se-6": (1, 0, 0, 0), "subtotal": (2, 1, 1, 1)},
    }
    assert figures(response.context["table"]["total"]) == (8, 6, 4, 2)


def test_the_phase_end_and_the_days_left(sign_in, ledger, notice):
    response = sign_in("safety_office").get(reverse("campaigns:training_progress"))
    phase = response.context["phase"]
    assert phase.ends_on == datetime.date(2019, 12, 31) + (ledger.starts_on - notice.starts_on)
    assert response.context["days_left"] == (datetime.date(2019, 12, 31) - datetime.date(2019, 9, 1)).days == 121
    assert "距结束还有 121 天" in response.content.decode()
    response = sign_in("safety_office").get(reverse("campaigns:training_progress"), {"campaign": notice.pk})
    assert response.context["table"]["groups"] == []  # nothing was registered in 2019
    assert response.context["days_left"] < 0 and "已结束" in response.content.decode()


def test_a_clerk_sees_their_town(sign_in, ledger):
    response = sign_in("qingyang_clerk").get(reverse("campaigns:training_progress"), {"town": town("安海").pk})
    assert list(table(response)) == ["青阳"]
    assert figures(response.context["table"]["total"]) == (6, 5, 3, 1)


@pytest.mark.parametrize("role,expected,total", [
    ("market_bureau", {"青阳": {"se-9": (1, 1, 1, 0), "subtotal": (1, 1, 1, 0)},
                       "安海": {"se-6": (1, 0, 0, 0), "subtotal": (1, 0, 0, 0)}}, (2, 1, 1, 0)),
    ("emergency_bureau", {"青阳": {"op-1": (3, 2, 1, 0), "op-2": (1, 1, 1, 1), "op-3": (1, 1, 0, 0),
                                   "subtotal": (5, 4, 2, 1)},
                          "安海": {"op-1": (1, 1, 1, 1), "subtotal": (1, 1, 1, 1)}}, (6, 5, 3, 2)),
])
def test_a_bureau_sees_its_scheme(sign_in, ledger, role, expected, total):
    response = sign_in(role).get(reverse("campaigns:training_progress"))
    assert table(response) == expected
    assert figures(response.context["table"]["total"]) == total


def test_the_filters_narrow_the_table(sign_in, ledger):
    client = sign_in("safety_office")
    response = client.get(reverse("campaigns:training_progress"), {"form": "2"})
    assert figures(response.context["table"]["total"]) == (2, 1, 1, 0)
    response = client.get(reverse("campaigns:training_progress"), {"town": town("安海").pk})
    assert list(table(response)) == ["安海"]


@pytest.mark.parametrize("role", ROLES)
def test_ledger_roles_see_the_progress(sign_in, role, running):
    response = sign_in(role).get(reverse("campaigns:training_progress"))
    if role == "anonymous":
        assert is_login_redirect(response)
    else:
        assert response.status_code == (403 if role == "department_user" else 200)


def test_the_progress_page_runs_a_fixed_number_of_queries(client, safety_office, running):
    client.force_login(safety_office)
    url = reverse("campaigns:training_progress")
    need_in("青阳")
    few = count_queries(client, url)
    for name in ("安海", "磁灶", "陈埭"):
        for key in ("op-1-2", "se-9-n1", "op-2-1"):
            need_in(name, key)
    assert count_queries(client, url) == few
