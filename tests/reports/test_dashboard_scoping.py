"""Who sees what on the dashboard, the league table and the forecast, and where each figure links to.

The safety office: every town, both schemes. A bureau: every town, its scheme only, whatever the
query string says. A clerk: their own town's row and the city's totals, nothing of another town.
A city department: 403. Anonymous: the login page.
"""

import datetime

import pytest
from django.db.models import Exists, OuterRef
from django.http import QueryDict
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from campaigns.filters import AttendanceFilter
from campaigns.forms.enforcement import FindingFilter, InspectionFilter
from campaigns.models import Enrolment, Finding, Inspection, Measure, TrainingClass
from campaigns.views.enforcement import with_counts
from registry.filters.certificates import CertificateFilter
from registry.filters.needs import NeedFilter
from registry.filters.units import UnitFilter
from registry.filters.workers import WorkerFilter
from registry.models import Certificate, TrainingInstitution, TrainingNeed, Unit, Worker
from reports.summaries import scoped_workers
from tests.factories import TrainingNeedFactory, UnitFactory, WorkerFactory, category, town
from tests.reports.test_dashboard import dashboard_ledger, running_campaign  # noqa: F401  (fixtures)

DAY = datetime.timedelta(days=1)
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


def listed_needs(user):
    return TrainingNeed.objects.for_user(user).filter(worker__is_active=True)  # as the need list's view


def listed_inspections(user):
    return with_counts(Inspection.objects.for_user(user))  # as the inspection list's view


LISTS = {
    "units": (UnitFilter, lambda user: Unit.objects.for_user(user), "registry:unit_list"),
    "workers": (WorkerFilter, lambda user: Worker.objects.for_user(user), "registry:worker_list"),
    "certified": (WorkerFilter, lambda user: Worker.objects.for_user(user), "registry:worker_list"),
    "needs_initial": (NeedFilter, listed_needs, "registry:need_list"),
    "needs_review": (NeedFilter, listed_needs, "registry:need_list"),
    "reviews_due": (CertificateFilter, lambda user: Certificate.objects.for_user(user), "registry:certificate_list"),
    "reviews_overdue": (CertificateFilter, lambda user: Certificate.objects.for_user(user),
                        "registry:certificate_list"),
    "certificates_expired": (CertificateFilter, lambda user: Certificate.objects.for_user(user),
                             "registry:certificate_list"),
    "trained": (AttendanceFilter, lambda user: Enrolment.objects.for_user(user), "campaigns:attendance_list"),
    "newly_certified": (NeedFilter, listed_needs, "registry:need_list"),
    "inspections": (InspectionFilter, listed_inspections, "campaigns:inspection_list"),
    "violations": (FindingFilter, lambda user: Finding.objects.for_user(user), "campaigns:finding_list"),
    "cases": (InspectionFilter, listed_inspections, "campaigns:inspection_list"),
}
# 持证率 links to the 持证在岗 list (its numerator).
NOT_A_LIST_COUNT = {"certified_share"}


def test_every_figure_but_one_is_held_to_its_list():
    from reports.summaries import DASHBOARD_COLUMNS

    assert {column.key for column in DASHBOARD_COLUMNS} == set(LISTS) | NOT_A_LIST_COUNT


def dashboard_lines(client, user, **params):
    """(town, cells) of every line the user is shown a link on: the towns' rows, and the city's totals but for a clerk."""
    client.force_login(user)
    response = client.get(reverse("reports:dashboard"), params)
    lines = [(row["town"], row["cells"]) for row in response.context["rows"]]
    if not user.is_town_clerk:
        lines.append((None, response.context["totals"]))
    return lines


def assert_each_figure_counts_its_list(client, user, **params):
    for line_town, cells in dashboard_lines(client, user, **params):
        for cell in cells:
            if cell["key"] not in LISTS:
                continue
            filterset_class, queryset, url_name = LISTS[cell["key"]]
            assert cell["url"].partition("?")[0] == reverse(url_name)
            assert list_count(filterset_class, queryset(user), cell["url"], user) == cell["value"], (
                line_town, cell["key"], cell["url"])


@pytest.mark.parametrize("persona", ["safety_office", "emergency_bureau", "market_bureau", "anhai_clerk"])
def test_each_figure_links_to_the_list_that_counts_it(client, dashboard_ledger, personas, persona):
    assert_each_figure_counts_its_list(client, personas[persona])


@pytest.mark.parametrize("scheme", ["special_operation", "special_equipment"])
def test_a_chosen_scheme_is_carried_to_each_list(client, dashboard_ledger, safety_office, qingyang_clerk, scheme):
    assert_each_figure_counts_its_list(client, safety_office, scheme=scheme)
    assert_each_figure_counts_its_list(client, qingyang_clerk, scheme=scheme)


def test_a_date_range_is_carried_to_each_list(client, dashboard_ledger, safety_office):
    today = timezone.localdate()
    wide = {"date_from": (today - 400 * DAY).isoformat(), "date_to": today.isoformat()}
    assert_each_figure_counts_its_list(client, safety_office, **wide)
    narrow = {"date_from": (today - 15 * DAY).isoformat(), "date_to": today.isoformat()}
    assert_each_figure_counts_its_list(client, safety_office, **narrow)


@pytest.mark.parametrize("persona", ["safety_office", "emergency_bureau", "market_bureau", "qingyang_clerk"])
def test_each_link_opens_a_page_that_shows_the_figure(client, dashboard_ledger, personas, persona):
    """The pages themselves, not only their FilterSets: 青阳's row (a clerk's own) and the city's totals."""
    user = personas[persona]
    for line_town, cells in dashboard_lines(client, user):
        if line_town is not None and line_town.short_name != "青阳":
            continue
        for cell in cells:
            if cell["key"] not in LISTS:
                continue
            response = client.get(cell["url"])
            assert response.status_code == 200, (line_town, cell["key"], cell["url"])
            assert response.context["page_obj"].paginator.count == cell["value"], (line_town, cell["key"], cell["url"])


def test_a_clerks_enforcement_figures_leave_out_their_towns_inspections_elsewhere(
        client, dashboard_ledger, qingyang_clerk, anhai_clerk):
    """青阳 inspects an 安海 unit (交叉互检): the inspection, its violation and its case are 安海's figures; 青阳's
    clerk sees it on the lists, but not behind their own town's figures."""
    a_unit = UnitFactory(town=town("安海"))
    worker = WorkerFactory(unit=a_unit)
    cross = Inspection.objects.create(unit=a_unit, inspected_on=timezone.localdate() - DAY,
                                      inspecting_town=town("青阳"), is_cross_inspection=True)
    Finding.objects.create(inspection=cross, worker=worker, result="no_certificate", category=category("op-1-2"))
    Measure.objects.create(inspection=cross, kind="case_filed")
    for user in (qingyang_clerk, anhai_clerk):
        assert_each_figure_counts_its_list(client, user)
    client.force_login(qingyang_clerk)
    assert cross in client.get(reverse("campaigns:inspection_list")).context["page_obj"].object_list
    (_town, cells), = dashboard_lines(client, anhai_clerk)
    assert {cell["key"]: cell["value"] for cell in cells}["violations"] == 1


def test_the_trained_figure_counts_the_attendance_list_for_every_role(
        client, dashboard_ledger, personas, running_campaign):
    """Attendances of both towns and both schemes, an absence, a class that ended before the range and an
    archived worker's attendance: each role's 本期培训人次 is the rows its 参训记录 link shows."""
    today = timezone.localdate()
    institution = TrainingInstitution.objects.first()

    def attended(town_name, key, ends_on, attended=True, **worker):
        need = TrainingNeedFactory(worker=WorkerFactory(unit=UnitFactory(town=town(town_name)), **worker),
                                   category=category(key))
        training_class = TrainingClass.objects.create(
            institution=institution, category=category(key), name=f"{key}班", place="晋江", capacity=30,
            starts_on=ends_on - 5 * DAY, ends_on=ends_on, campaign=running_campaign)
        return Enrolment.objects.create(training_class=training_class, need=need, attended=attended)

    attended("安海", "se-9-n1", today - 2 * DAY)
    attended("安海", "op-1-2", today - 2 * DAY)
    attended("安海", "se-9-n1", today - 2 * DAY, attended=False)
    attended("安海", "se-9-n1", today - 300 * DAY)  # before the campaign
    attended("青阳", "se-2-g1", today - DAY)
    attended("青阳", "op-1-2", today - DAY, is_active=False)  # an archived worker's attendance still counts
    for persona in ("safety_office", "emergency_bureau", "market_bureau", "qingyang_clerk", "anhai_clerk"):
        assert_each_figure_counts_its_list(client, personas[persona])
    assert_each_figure_counts_its_list(client, personas["safety_office"], scheme="special_equipment")
    expected = {"safety_office": {"青阳": 3, "安海": 2}, "emergency_bureau": {"青阳": 2, "安海": 1},
                "market_bureau": {"青阳": 1, "安海": 1}, "anhai_clerk": {"安海": 2}}
    for persona, figures in expected.items():
        for line_town, cells in dashboard_lines(client, personas[persona]):
            if line_town is not None and line_town.short_name in figures:
                assert {cell["key"]: cell["value"] for cell in cells}["trained"] == figures[line_town.short_name]


def test_the_links_carry_the_lists_filter_names(client, dashboard_ledger, safety_office):
    client.force_login(safety_office)
    response = client.get(reverse("reports:dashboard"), {"scheme": "special_equipment"})
    qingyang = next(row for row in response.context["rows"] if row["town"].short_name == "青阳")
    urls = {cell["key"]: cell["url"] for cell in qingyang["cells"]}
    town_id = town("青阳").pk
    assert urls["needs_initial"] == f"{reverse('registry:need_list')}?kind=initial&town={town_id}&form=2"
    assert urls["needs_review"] == f"{reverse('registry:need_list')}?kind=review&town={town_id}&form=2"
    scope = response.context["scope"]
    start, end = scope.date_from.isoformat(), scope.date_to.isoformat()
    assert urls["newly_certified"] == (f"{reverse('registry:need_list')}?status=certified&town={town_id}&form=2"
                                       f"&closed_from={start}&closed_to={end}")
    assert urls["workers"] == f"{reverse('registry:worker_list')}?town={town_id}&scheme=special_equipment"
    assert urls["certified"] == (f"{reverse('registry:worker_list')}?town={town_id}&scheme=special_equipment"
                                 "&standing=certified")
    assert urls["certified_share"] == urls["certified"]
    assert urls["trained"] == (f"{reverse('campaigns:attendance_list')}?town={town_id}&scheme=special_equipment"
                               f"&attended=yes&date_from={start}&date_to={end}")
    assert urls["inspections"] == f"{reverse('campaigns:inspection_list')}?town={town_id}&date_from={start}&date_to={end}"
    assert urls["violations"] == (f"{reverse('campaigns:finding_list')}?result=violations&scheme=special_equipment"
                                  f"&town={town_id}&date_from={start}&date_to={end}")
    assert urls["cases"] == (f"{reverse('campaigns:inspection_list')}?outcome=cases&town={town_id}"
                             f"&date_from={start}&date_to={end}")


def test_a_clerks_enforcement_links_ask_for_their_own_towns_units(client, dashboard_ledger, qingyang_clerk):
    client.force_login(qingyang_clerk)
    response = client.get(reverse("reports:dashboard"))
    urls = {cell["key"]: cell["url"] for cell in response.context["rows"][0]["cells"]}
    for key in ("inspections", "violations", "cases"):
        assert "inspected=own" in urls[key], key
    assert "inspected=" not in urls["workers"]


def test_a_clerks_links_name_no_town_and_the_city_totals_link_nowhere(client, dashboard_ledger, anhai_clerk):
    """A clerk's lists show their own town only: they cannot stand behind the city's totals."""
    client.force_login(anhai_clerk)
    response = client.get(reverse("reports:dashboard"))
    for cell in response.context["rows"][0]["cells"]:
        assert "town=" not in cell["url"]
    assert all(cell["url"] is None for cell in response.context["totals"])
