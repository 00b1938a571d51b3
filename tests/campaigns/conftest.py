"""Campaign fixtures: the notice's campaign, a copy running today, training institutions, and
helpers to sign in as a persona and count a page's queries."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from campaigns.models import Campaign
from registry.choices import Scheme
from registry.models import TrainingInstitution
from tests.factories import category

ROLES = ["qingyang_clerk", "anhai_clerk", "safety_office", "emergency_bureau", "market_bureau", "department_user",
         "anonymous"]


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def notice(db):
    return Campaign.objects.get(document_number="晋安办〔2019〕28号", created_from=None)


@pytest.fixture
def running(notice):
    """The notice's campaign moved so that today is its 1 September 2019: training and enforcement run."""
    shift = (timezone.localdate() - datetime.date(2019, 9, 1)).days
    return notice.copy_shifted(shift, name="本年度专项行动")


@pytest.fixture
def quanzhou(db):
    """The notice's special-equipment institution, from the reference data (every special-equipment item)."""
    return TrainingInstitution.objects.get(name="福建省特检院泉州分院")


@pytest.fixture
def school(db):
    """A special-operations school qualified for the whole electrician class and for fusion welding."""
    institution = TrainingInstitution.objects.create(name="晋江市安全生产培训学校", scheme=Scheme.SPECIAL_OPERATION)
    institution.categories.set([category("op-1"), category("op-2-1")])
    return institution


@pytest.fixture
def sign_in(client, request):
    """sign_in("qingyang_clerk") → the test client signed in as that persona (anonymous: signed out)."""

    def as_persona(name):
        user = request.getfixturevalue(name)
        client.logout()
        if user.is_authenticated:
            client.force_login(user)
        return client

    return as_persona


def count_queries(client, url, data=None):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, data or {})
    assert response.status_code == 200
    return len(queries)


def is_login_redirect(response):
    return response.status_code == 302 and "/accounts/login/" in response["Location"]


def make_class(institution, key, *, town_name=None, capacity=30, campaign=None, name=None, **dates):
    """A class starting 20 days ago, ending 10 days ago, examined 5 days ago (results may be recorded)."""
    from campaigns.models import TrainingClass
    from tests.factories import town

    today = timezone.localdate()
    dates = {"starts_on": today - datetime.timedelta(days=20), "ends_on": today - datetime.timedelta(days=10),
             "exam_on": today - datetime.timedelta(days=5), **dates}
    return TrainingClass.objects.create(
        institution=institution, category=category(key), town=town(town_name) if town_name else None,
        name=name or f"{category(key).name}培训班", place="晋江市安全生产培训中心", capacity=capacity, campaign=campaign,
        **dates,
    )


def need_in(town_name, key="op-1-2", **kwargs):
    from tests.factories import TrainingNeedFactory, UnitFactory, WorkerFactory, town

    return TrainingNeedFactory(worker=WorkerFactory(unit=UnitFactory(town=town(town_name))), category=category(key),
                               **kwargs)
