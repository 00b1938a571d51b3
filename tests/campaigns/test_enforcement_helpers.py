"""Shared helpers of the enforcement tests (no tests here): inspectors, inspections, a
cross-inspection plan, and a query counter. Other modules import what they need."""

import datetime
from contextlib import contextmanager

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from campaigns.enforcement_services import generate_cross_inspection_plan
from campaigns.models import Campaign, CrossInspectionPair, Inspection, Inspector
from tests.factories import UnitFactory, department, town

ROLES = ("qingyang_clerk", "anhai_clerk", "safety_office", "emergency_bureau", "market_bureau", "department_user")


def make_inspector(name, dept="应急局", **kwargs):
    owner = {"town": kwargs.pop("town")} if "town" in kwargs else {"department": department(dept)}
    return Inspector.objects.create(name=name, **owner, **kwargs)


def make_inspection(unit=None, inspected_on=None, **kwargs):
    unit = unit or UnitFactory()
    kwargs.setdefault("inspecting_town", unit.town)
    kwargs.setdefault("inspector_names", "甲执法、乙执法")
    return Inspection.objects.create(
        unit=unit, inspected_on=inspected_on or datetime.date.today() - datetime.timedelta(days=1), **kwargs
    )


def notice_campaign():
    return Campaign.objects.get(document_number="晋安办〔2019〕28号")


def set_plan_pair(plan, inspecting, inspected):
    """Make `inspecting` inspect `inspected` in `plan` by swapping, so the plan stays a derangement."""
    from campaigns.enforcement_services import reassign_cross_inspection

    pair = CrossInspectionPair.objects.get(plan=plan, inspecting_town=town(inspecting))
    reassign_cross_inspection(pair, town(inspected))


@pytest.fixture
def plan(safety_office):
    """A plan in force in which 青阳 inspects 安海 and 安海 inspects 磁灶."""
    plan = generate_cross_inspection_plan(notice_campaign(), seed=7, user=safety_office)
    set_plan_pair(plan, "青阳", "安海")
    set_plan_pair(plan, "安海", "磁灶")
    return plan


@contextmanager
def count_queries():
    with CaptureQueriesContext(connection) as context:
        yield context


def queries_for(client, url, **params):
    with count_queries() as context:
        response = client.get(url, params)
    assert response.status_code == 200
    return len(context.captured_queries)


def status_for(client, user, method, url, data=None):
    if user.is_authenticated:
        client.force_login(user)
    else:
        client.logout()
    response = client.post(url, data or {}) if method == "post" else client.get(url)
    return response.status_code
