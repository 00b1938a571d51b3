"""Shared personas: a clerk of 青阳, a clerk of 安海, the safety office, each bureau, a city
department, and anonymous. Reference data comes from the migrations."""

import pytest
from django.contrib.auth.models import AnonymousUser

from registry.choices import Role
from tests.factories import UserFactory, department, town


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Personas are created in almost every test; the production hasher would dominate the run."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def qingyang_clerk(db):
    return UserFactory(username="qingyang", role=Role.TOWN_CLERK, town=town("青阳"))


@pytest.fixture
def anhai_clerk(db):
    return UserFactory(username="anhai", role=Role.TOWN_CLERK, town=town("安海"))


@pytest.fixture
def safety_office(db):
    return UserFactory(username="anban", role=Role.SAFETY_OFFICE)


@pytest.fixture
def emergency_bureau(db):
    return UserFactory(username="yingji", role=Role.EMERGENCY_BUREAU)


@pytest.fixture
def market_bureau(db):
    return UserFactory(username="shichang", role=Role.MARKET_BUREAU)


@pytest.fixture
def department_user(db):
    return UserFactory(username="zhujian", role=Role.DEPARTMENT, department=department("住建局"))


@pytest.fixture
def anonymous():
    return AnonymousUser()


@pytest.fixture
def personas(qingyang_clerk, anhai_clerk, safety_office, emergency_bureau, market_bureau, department_user, anonymous):
    return {
        "qingyang_clerk": qingyang_clerk,
        "anhai_clerk": anhai_clerk,
        "safety_office": safety_office,
        "emergency_bureau": emergency_bureau,
        "market_bureau": market_bureau,
        "department_user": department_user,
        "anonymous": anonymous,
    }
