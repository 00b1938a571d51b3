"""Who sees what on the dashboard, the league table and the forecast, and where each figure links to.

The safety office: every town, both schemes. A bureau: every town, its scheme only, whatever the
query string says. A clerk: their own town's row and the city's totals, nothing of another town.
A city department: 403. Anonymous: the login page.
"""

import pytest
from django.db.models import Exists, OuterRef
from django.http import QueryDict
from django.test import RequestFactory
from django.urls import reverse

from campaigns.forms.enforcement import InspectionFilter
from campaigns.models import Inspection
from campaigns.views.enforcement import with_counts
from registry.filters.certificates import CertificateFilter
from registry.filters.units import UnitFilter
from registry.filters.workers import WorkerFilter
from registry.models import Certificate, TrainingNeed, Unit, Worker
from reports.summaries import scoped_workers
from tests.factories import town
from tests.reports.test_dashboard import dashboard_ledger, running_campaign  # noqa: F401  (fixtures)

PAGES = ["reports:dashboard", "reports:dashboard_xlsx", "reports:league", "reports:forecast", "reports:forecast_xlsx"]


@pytest.mark.parametrize("page", PAGES)
def test_anonymous_is_sent_to_the_login_page(client, db, page):
    response = client.get(reverse(page))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("page", PAGES)
def test_a_city_department_may_not_see_the_reports(client, department_user, page):
    client.force_login(department_user)
    assert client.get(reverse(page)).status_code == 403


@pytest.mark.parametrize("persona", ["qingyang_clerk", "anhai_clerk", "safety_office", "emergency_bureau",
                                     "market_bureau"])
@pytest.mark.parametrize("page", PAGES)
def test_ledger_readers_may_see_the_reports(client, personas, persona, page):
    client.force_login(personas[persona])
    assert client.get(reverse(page)).status_code == 200


def dashboard_towns(client, user, **params):
    client.force_login(user)
    response = client.get(reverse("reports:dashboard"), params)
    return response, [row["town"].short_name for row in response.context["rows"]]


def test_a_clerk_sees_their_own_town_and_the_city_totals_only(client, dashboard_ledger, qingyang_clerk):
    response, towns = dashboard_towns(client, qingyang_clerk)
    assert towns == ["青阳"]
    html = response.content.decode()
    assert "安海" not in html  # no row, no filter choice, no chart label of another town
    assert response.context["charts"]["towns"]["names"] == ["青阳街道"]
    assert 'data-town="city"' in html
    totals = {cell["key"]: cell["value"] for cell in response.context["totals"]}
    assert totals["workers"] == 7  # the city's, 安海 included


def test_a_clerk_cannot_ask_for_another_towns_row(client, dashboard_ledger, qingyang_clerk):
    response, towns = dashboard_towns(client, qingyang_clerk, town=town("安海").pk)
    assert towns == ["青阳"]
    assert "town" not in response.context["filters"].fields


def test_a_clerks_charts_and_categories_are_their_own_towns(client, dashboard_ledger, anhai_clerk):
    client.force_login(anhai_clerk)
    response = client.get(reverse("reports:dashboard"))
    labels = {row["label"] for row in response.context["categories"]}
    assert labels == {"锅炉"}  # a2's open need; nothing of 青阳's certificates and needs
    assert sum(response.context["charts"]["trend"]["created"]) == 1


def test_a_clerks_workbook_holds_their_row_and_the_city_totals(client, dashboard_ledger, anhai_clerk):
    from tests.reports.helpers import load

    client.force_login(anhai_clerk)
    sheet = load(client.get(reverse("reports:dashboard_xlsx")).content).active
    names = [row[0] for row in sheet.iter_rows(min_row=4, values_only=True)]
    assert names == ["安海镇", "全市合计"]


@pytest.mark.parametrize("persona, other", [("emergency_bureau", "special_equipment"),
                                            ("market_bureau", "special_operation")])
def test_a_bureau_cannot_ask_for_the_other_scheme(client, dashboard_ledger, personas, persona, other):
    user = personas[persona]
    response, _towns = dashboard_towns(client, user, scheme=other)
    assert response.context["scope"].scheme == user.scheme
    assert "scheme" not in response.context["filters"].fields
    qingyang = next(row for row in response.context["rows"] if row["town"].short_name == "青阳")
    workers = next(cell["value"] for cell in qingyang["cells"] if cell["key"] == "workers")
    assert workers == dashboard_ledger[user.scheme]["青阳"]["workers"]


def test_the_safety_office_sees_every_town(client, dashboard_ledger, safety_office):
    response, towns = dashboard_towns(client, safety_office)
    assert len(towns) == 20
    _response, towns = dashboard_towns(client, safety_office, town=town("安海").pk)
    assert towns == ["安海"]


@pytest.mark.parametrize("persona", ["safety_office", "emergency_bureau", "market_bureau", "qingyang_clerk"])
def test_the_scoped_workers_are_the_workers_for_user(dashboard_ledger, personas, persona):
    """`scoped_workers` must select what `for_user` selects, narrowed to a scheme by holding a certificate or need of it."""
    user = personas[persona]
    expected = set(Worker.objects.for_user(user).values_list("pk", flat=True))
    if user.is_town_clerk:
        expected = set(Worker.objects.values_list("pk", flat=True))  # the city's totals count every town
    assert set(scoped_workers(user).values_list("pk", flat=True)) == expected
    for scheme in ("special_operation", "special_equipment"):
        if user.scheme and scheme != user.scheme:
            assert not scoped_workers(user, scheme).exists()
        else:
            holds = Exists(Certificate.objects.filter(worker=OuterRef("pk"), category__scheme=scheme)) | Exists(
                TrainingNeed.objects.filter(worker=OuterRef("pk"), category__scheme=scheme))
            assert set(scoped_workers(user, scheme).values_list("pk", flat=True)) == set(
                Worker.objects.filter(holds, pk__in=expected).values_list("pk", flat=True))


# ----------------------------------------------------------------------- the lists behind the figures


def list_count(filterset_class, queryset, url, user):
    """How many rows the list at `url` shows `user`: its FilterSet fed the link's query string."""
    path, _, query = url.partition("?")
    request = RequestFactory().get(path, QueryDict(query))
    request.user = user
    return filterset_class(QueryDict(query), queryset=queryset, request=request).qs.count()


LISTS = {
    "units": (UnitFilter, lambda user: Unit.objects.for_user(user), "registry:unit_list"),
    "workers": (WorkerFilter, lambda user: Worker.objects.for_user(user), "registry:worker_list"),
    "reviews_due": (CertificateFilter, lambda user: Certificate.objects.for_user(user), "registry:certificate_list"),
    "reviews_overdue": (CertificateFilter, lambda user: Certificate.objects.for_user(user),
                        "registry:certificate_list"),
    "certificates_expired": (CertificateFilter, lambda user: Certificate.objects.for_user(user),
                             "registry:certificate_list"),
    "inspections": (InspectionFilter, lambda user: with_counts(Inspection.objects.for_user(user)),
                    "campaigns:inspection_list"),
}


@pytest.mark.parametrize("persona", ["safety_office", "emergency_bureau", "market_bureau", "anhai_clerk"])
def test_each_figure_links_to_the_list_that_counts_it(client, dashboard_ledger, personas, persona):
    user = personas[persona]
    client.force_login(user)
    response = client.get(reverse("reports:dashboard"))
    lines = [(row["town"], row["cells"]) for row in response.context["rows"]]
    if not user.is_town_clerk:
        lines.append((None, response.context["totals"]))
    for line_town, cells in lines:
        for cell in cells:
            if cell["key"] not in LISTS:
                continue
            filterset_class, queryset, url_name = LISTS[cell["key"]]
            assert cell["url"].startswith(reverse(url_name))
            assert list_count(filterset_class, queryset(user), cell["url"], user) == cell["value"], (
                line_town, cell["key"], cell["url"])


def test_the_links_carry_the_lists_filter_names(client, dashboard_ledger, safety_office):
    client.force_login(safety_office)
    response = client.get(reverse("reports:dashboard"), {"scheme": "special_equipment"})
    qingyang = next(row for row in response.context["rows"] if row["town"].short_name == "青阳")
    urls = {cell["key"]: cell["url"] for cell in qingyang["cells"]}
    town_id = town("青阳").pk
    assert urls["needs_initial"] == f"{reverse('registry:need_list')}?kind=initial&town={town_id}&form=2"
    assert urls["needs_review"] == f"{reverse('registry:need_list')}?kind=review&town={town_id}&form=2"
    assert urls["newly_certified"] == f"{reverse('registry:need_list')}?status=certified&town={town_id}&form=2"
    assert urls["workers"] == f"{reverse('registry:worker_list')}?town={town_id}&scheme=special_equipment"
    assert urls["trained"].startswith(f"{reverse('campaigns:training_progress')}?campaign=")
    assert "outcome=violations" in urls["violations"]
    scope = response.context["scope"]
    assert f"date_from={scope.date_from.isoformat()}&date_to={scope.date_to.isoformat()}" in urls["cases"]


def test_a_clerks_links_name_no_town_and_the_city_totals_link_nowhere(client, dashboard_ledger, anhai_clerk):
    """A clerk's lists show their own town only: they cannot stand behind the city's totals."""
    client.force_login(anhai_clerk)
    response = client.get(reverse("reports:dashboard"))
    for cell in response.context["rows"][0]["cells"]:
        assert "town=" not in cell["url"]
    assert all(cell["url"] is None for cell in response.context["totals"])
