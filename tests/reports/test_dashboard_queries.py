"""The dashboard's query count does not grow with the number of towns or workers."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from campaigns.models import Finding, Inspection, Measure
from registry.models import Town
from tests.factories import CertificateFactory, TrainingNeedFactory, UnitFactory, WorkerFactory, category
from tests.reports.test_dashboard import running_campaign  # noqa: F401  (fixture)

PAGES = ["reports:dashboard", "reports:dashboard_xlsx", "reports:league", "reports:forecast", "reports:forecast_xlsx"]


def add_ledger(towns, workers_per_town):
    """Each town gets a unit whose workers hold certificates and needs of both schemes, and an inspection."""
    today = timezone.localdate()
    for town in towns:
        unit = UnitFactory(town=town)
        inspection = Inspection.objects.create(unit=unit, inspected_on=today - datetime.timedelta(days=3))
        Measure.objects.create(inspection=inspection, kind="case_filed")
        for _ in range(workers_per_town):
            worker = WorkerFactory(unit=unit)
            CertificateFactory(worker=worker, category=category("op-1-2"))
            CertificateFactory(worker=worker, category=category("se-9-n1"), issued_on=today)
            TrainingNeedFactory(worker=worker, category=category("se-2-g1"))
            Finding.objects.create(inspection=inspection, worker=worker, result="no_certificate",
                                   category=category("se-2-g1"))


def queries(client, page):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse(page))
    assert response.status_code == 200
    return len(captured)


@pytest.mark.parametrize("persona", ["safety_office", "market_bureau", "qingyang_clerk"])
def test_the_query_count_is_the_same_for_2_towns_and_20_towns_few_workers_and_many(
        client, personas, persona, running_campaign):  # noqa: F811
    client.force_login(personas[persona])
    towns = list(Town.objects.order_by("order"))
    add_ledger(towns[:2], workers_per_town=1)
    few = {page: queries(client, page) for page in PAGES}
    add_ledger(towns, workers_per_town=4)
    many = {page: queries(client, page) for page in PAGES}
    assert many == few
    assert few["reports:dashboard"] <= 30
