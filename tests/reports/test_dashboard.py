"""The city dashboard's figures against hand-counted expectations on a small ledger of two towns.

青阳 and 安海, both schemes, a certificate in every state, needs of both kinds and several
statuses, training in and out of the campaign, inspections in and out of it with violations and
cases. `dashboard_ledger` is shared with the other dashboard tests; the counts each role should
see are worked out beside the data.
"""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from campaigns.models import Campaign, Enrolment, Finding, Inspection, Measure, TrainingClass
from registry.choices import NeedKind, NeedStatus, Verification
from registry.models import TrainingInstitution, add_years
from registry.summaries import ledger_figures
from reports import summaries
from tests.factories import (
    CertificateFactory,
    TrainingNeedFactory,
    UnitFactory,
    WorkerFactory,
    category,
    town,
)

DAY = datetime.timedelta(days=1)
COUNTS = summaries.COUNT_KEYS


@pytest.fixture
def running_campaign(campaign):
    """The notice's campaign moved so that today is its 1 September 2019: about today-114 to today+211."""
    shift = (timezone.localdate() - datetime.date(2019, 9, 1)).days
    return campaign.copy_shifted(shift, name="本年度专项行动")


@pytest.fixture
def dashboard_ledger(running_campaign):
    """Returns the expected figures per role and town (see the comments for how each was counted)."""
    today = timezone.localdate()
    qingyang, anhai = town("青阳"), town("安海")
    u1 = UnitFactory(town=qingyang)
    u2 = UnitFactory(town=qingyang)
    UnitFactory(town=qingyang, is_active=False)  # archived: not counted
    a_unit = UnitFactory(town=anhai)

    # 青阳 --------------------------------------------------------------------------------------
    w1 = WorkerFactory(unit=u1)
    CertificateFactory(worker=w1, category=category("op-1-2"), issued_on=today - 200 * DAY)  # valid
    CertificateFactory(worker=w1, category=category("se-2-g1"), issued_on=add_years(today, -4) - 10 * DAY,
                       valid_until=today - 10 * DAY)  # expired
    TrainingNeedFactory(worker=w1, category=category("op-4-1"), status=NeedStatus.CERTIFIED,
                        closed_on=today - 400 * DAY)  # closed before the campaign
    w2 = WorkerFactory(unit=u1)
    # due in 30 days
    CertificateFactory(worker=w2, category=category("op-1-2"), issued_on=add_years(today + 30 * DAY, -3))
    w3 = WorkerFactory(unit=u2)
    CertificateFactory(worker=w3, category=category("op-1-2"), issued_on=add_years(today - 5 * DAY, -3))  # overdue
    TrainingNeedFactory(worker=w3, category=category("op-1-2"), kind=NeedKind.REVIEW)
    w4 = WorkerFactory(unit=u2)
    CertificateFactory(worker=w4, category=category("se-2-g1"), issued_on=add_years(today + 400 * DAY, -4),
                       valid_until=today + 400 * DAY, verification=Verification.FORGED)  # forged: not certified
    TrainingNeedFactory(worker=w4, category=category("se-9-n1"))
    w5 = WorkerFactory(unit=u2)
    registered = TrainingNeedFactory(worker=w5, category=category("op-2-1"), status=NeedStatus.REGISTERED)
    TrainingNeedFactory(worker=w5, category=category("op-1-1"), status=NeedStatus.CERTIFIED, closed_on=today - 10 * DAY)
    TrainingNeedFactory(worker=w5, category=category("op-3-1"), status=NeedStatus.CANCELLED, closed_on=today - 5 * DAY)
    w6 = WorkerFactory(unit=u1, is_active=False)  # archived: nothing of theirs is counted
    CertificateFactory(worker=w6, category=category("op-1-2"), issued_on=add_years(today + 20 * DAY, -3))
    TrainingNeedFactory(worker=w6, category=category("op-2-1"))

    institution = TrainingInstitution.objects.first()
    recent = TrainingClass.objects.create(institution=institution, category=category("op-2-1"), name="焊工班",
                                          starts_on=today - 20 * DAY, ends_on=today - 3 * DAY, place="青阳",
                                          capacity=30, campaign=running_campaign)
    old = TrainingClass.objects.create(institution=institution, category=category("op-2-1"), name="旧班",
                                       starts_on=today - 320 * DAY, ends_on=today - 300 * DAY, place="青阳", capacity=30)
    Enrolment.objects.create(training_class=recent, need=registered, attended=True)  # trained this campaign
    Enrolment.objects.create(training_class=old, need=registered, attended=True)  # before the campaign
    absent = TrainingNeedFactory(worker=w2, category=category("op-2-1"), status=NeedStatus.REGISTERED)
    Enrolment.objects.create(training_class=recent, need=absent, attended=False)  # did not attend

    inspection = Inspection.objects.create(unit=u1, inspected_on=today - 20 * DAY, campaign=running_campaign)
    Finding.objects.create(inspection=inspection, worker=w1, result="certified", category=category("op-1-2"))
    Finding.objects.create(inspection=inspection, worker=w3, result="expired", category=category("op-1-2"))
    Finding.objects.create(inspection=inspection, worker=w4, result="forged", category=category("se-2-g1"))
    Measure.objects.create(inspection=inspection, kind="case_filed")
    Measure.objects.create(inspection=inspection, kind="rectify_order", deadline=today)
    before = Inspection.objects.create(unit=u2, inspected_on=today - 300 * DAY)
    Finding.objects.create(inspection=before, worker=w5, result="no_certificate", category=category("op-2-1"))
    Measure.objects.create(inspection=before, kind="judicial_referral")

    # 安海 --------------------------------------------------------------------------------------
    a1 = WorkerFactory(unit=a_unit)
    CertificateFactory(worker=a1, category=category("se-9-n1"), issued_on=today - 100 * DAY)  # valid
    a2 = WorkerFactory(unit=a_unit)
    TrainingNeedFactory(worker=a2, category=category("se-2-g1"))
    a_inspection = Inspection.objects.create(unit=a_unit, inspected_on=today - DAY)
    Measure.objects.create(inspection=a_inspection, kind="judicial_referral")

    def figures(**counts):
        return {key: counts.get(key, 0) for key in COUNTS}

    both = {
        # workers w1–w5; certified w1, w2 (w3 overdue, w4 forged, w5 none); open needs: w4 and w5's
        # registered one initial, w3's review; w2's review due in 30 days; w3 overdue; w1's boiler
        # certificate expired; w5 trained in the campaign's class; w5's need closed 10 days ago;
        # one inspection in the campaign with two violations (w3, w4) and one case.
        "青阳": figures(units=2, workers=5, certified=2, needs_initial=3, needs_review=1, reviews_due=1,
                      reviews_overdue=1, certificates_expired=1, trained=1, newly_certified=1, inspections=1,
                      violations=2, cases=1),
        "安海": figures(units=1, workers=2, certified=1, needs_initial=1, inspections=1, cases=1),
    }
    special_operation = {
        # workers with a special-operation certificate or need: w1, w2, w3, w5 (w2's registered op-2-1 is open)
        "青阳": figures(units=2, workers=4, certified=2, needs_initial=2, needs_review=1, reviews_due=1,
                      reviews_overdue=1, trained=1, newly_certified=1, inspections=1, violations=1, cases=1),
        "安海": figures(units=1, inspections=1, cases=1),
    }
    special_equipment = {
        # w1 (expired boiler certificate), w4 (forged); 安海 a1 (valid), a2 (need)
        "青阳": figures(units=2, workers=2, needs_initial=1, certificates_expired=1, inspections=1, violations=1,
                      cases=1),
        "安海": figures(units=1, workers=2, certified=1, needs_initial=1, inspections=1, cases=1),
    }
    return {"both": both, "special_operation": special_operation, "special_equipment": special_equipment,
            "campaign": running_campaign}


def with_share(figures):
    return {**figures, "certified_share": figures["certified"] / figures["workers"] if figures["workers"] else None}


def city_total(expected):
    return with_share({key: sum(town_figures[key] for town_figures in expected.values()) for key in COUNTS})


def table_for(user, **scope):
    campaign = Campaign.objects.current()
    return summaries.dashboard_table(summaries.Scope(user=user, date_from=campaign.starts_on,
                                                     date_to=campaign.ends_on, **scope))


def rows_by_town(table):
    return {row.town.short_name: row.figures for row in table.rows}


def test_the_safety_office_sees_every_town_of_both_schemes(dashboard_ledger, safety_office):
    table = table_for(safety_office)
    rows = rows_by_town(table)
    assert len(rows) == 20
    for short_name, expected in dashboard_ledger["both"].items():
        assert rows[short_name] == with_share(expected), short_name
    assert rows["青阳"]["certified_share"] == pytest.approx(0.4)
    assert rows["磁灶"] == with_share({key: 0 for key in COUNTS})
    assert rows["磁灶"]["certified_share"] is None
    assert table.totals.figures == city_total(dashboard_ledger["both"])
    assert table.totals.town is None


@pytest.mark.parametrize("persona, scheme", [("emergency_bureau", "special_operation"),
                                             ("market_bureau", "special_equipment")])
def test_a_bureau_counts_its_scheme_only(dashboard_ledger, personas, persona, scheme):
    user = personas[persona]
    table = table_for(user, scheme=user.scheme)
    rows = rows_by_town(table)
    for short_name, expected in dashboard_ledger[scheme].items():
        assert rows[short_name] == with_share(expected), short_name
    assert table.totals.figures == city_total(dashboard_ledger[scheme])


@pytest.mark.parametrize("scheme", ["special_operation", "special_equipment"])
def test_the_safety_office_may_narrow_to_one_scheme(dashboard_ledger, safety_office, scheme):
    rows = rows_by_town(table_for(safety_office, scheme=scheme))
    for short_name, expected in dashboard_ledger[scheme].items():
        assert rows[short_name] == with_share(expected), short_name


def test_a_clerk_gets_their_row_and_the_city_totals(dashboard_ledger, anhai_clerk):
    table = table_for(anhai_clerk)
    assert [row.town.short_name for row in table.rows] == ["安海"]
    assert table.rows[0].figures == with_share(dashboard_ledger["both"]["安海"])
    assert table.totals.figures == city_total(dashboard_ledger["both"])


def test_a_town_filter_narrows_the_rows_not_the_city_totals(dashboard_ledger, safety_office):
    table = table_for(safety_office, town=town("青阳"))
    assert [row.town.short_name for row in table.rows] == ["青阳"]
    assert table.totals.figures == city_total(dashboard_ledger["both"])


def test_the_city_totals_are_the_home_pages_figures(dashboard_ledger, personas):
    """One definition of valid, due, overdue and expired: the dashboard adds up what the home page counts."""
    for persona in ("safety_office", "emergency_bureau", "market_bureau"):
        user = personas[persona]
        totals = table_for(user, scheme=user.scheme).totals.figures
        home = ledger_figures(user)
        for figure in ("units", "workers", "needs_initial", "needs_review", "reviews_due", "reviews_overdue"):
            assert totals[figure] == home[figure], (persona, figure)
        assert totals["certificates_expired"] == home["certificates_expired"], persona


def test_a_date_range_bounds_the_campaigns_work_not_the_ledger(dashboard_ledger, safety_office):
    today = timezone.localdate()
    scope = summaries.Scope(user=safety_office, date_from=today - 15 * DAY, date_to=today)
    rows = rows_by_town(summaries.dashboard_table(scope))
    # the class ended 3 days ago, the need closed 10 days ago; the inspection was 20 days ago
    assert (rows["青阳"]["trained"], rows["青阳"]["newly_certified"], rows["青阳"]["inspections"]) == (1, 1, 0)
    assert (rows["青阳"]["violations"], rows["青阳"]["cases"]) == (0, 0)
    assert rows["安海"]["inspections"] == 1
    assert rows["青阳"]["workers"] == 5
    wide = summaries.Scope(user=safety_office, date_from=today - 400 * DAY, date_to=today)
    rows = rows_by_town(summaries.dashboard_table(wide))
    assert (rows["青阳"]["trained"], rows["青阳"]["newly_certified"], rows["青阳"]["inspections"]) == (2, 2, 2)
    assert (rows["青阳"]["violations"], rows["青阳"]["cases"]) == (3, 2)


def test_cases_count_inspections_that_led_to_a_case_or_a_referral(dashboard_ledger, safety_office, client):
    """立案/移送 is a count of inspections, as the inspection list's "立案/移送" shows them.

    青阳's inspection in the campaign filed a case (and ordered a rectification); referring it to the
    judiciary as well leaves it one inspection. A fine alone makes no case. 安海: one referral.
    """
    today = timezone.localdate()
    inspection = Inspection.objects.get(unit__town=town("青阳"), campaign=dashboard_ledger["campaign"])
    Measure.objects.create(inspection=inspection, kind="judicial_referral")
    fined = Inspection.objects.create(unit=inspection.unit, inspected_on=today - 2 * DAY)
    Measure.objects.create(inspection=fined, kind="fine", fine_amount=500)
    rows = rows_by_town(table_for(safety_office))
    assert (rows["青阳"]["inspections"], rows["青阳"]["cases"]) == (2, 1)
    assert rows["安海"]["cases"] == 1
    assert table_for(safety_office).totals.figures["cases"] == 2
    client.force_login(safety_office)
    campaign = dashboard_ledger["campaign"]
    listed = client.get(reverse("campaigns:inspection_list"), {
        "outcome": "cases", "town": town("青阳").pk, "date_from": campaign.starts_on.isoformat(),
        "date_to": campaign.ends_on.isoformat()})
    assert [row.pk for row in listed.context["page_obj"]] == [inspection.pk]


def test_the_category_breakdown_counts_by_form_label(dashboard_ledger, safety_office):
    rows = {(row["scheme"], row["label"]): row for row in summaries.category_breakdown(
        summaries.Scope(user=safety_office))}
    electric = rows[("special_operation", "电工")]
    assert (electric["needs_review"], electric["reviews_due"], electric["reviews_overdue"]) == (1, 1, 1)
    assert rows[("special_operation", "焊工")]["needs_initial"] == 2  # w5's and w2's registered needs
    assert rows[("special_equipment", "锅炉")]["certificates_expired"] == 1
    assert rows[("special_equipment", "锅炉")]["needs_initial"] == 1  # 安海 a2
    assert rows[("special_equipment", "场（厂）内专用机动车辆")]["needs_initial"] == 1
    labels = [key for key in rows]
    assert labels.index(("special_operation", "电工")) < labels.index(("special_equipment", "锅炉"))


def test_the_monthly_trend_counts_needs_registered_and_certified(dashboard_ledger, safety_office):
    today = timezone.localdate()
    scope = summaries.Scope(user=safety_office, date_from=today - 15 * DAY, date_to=today)
    trend = summaries.monthly_trend(scope)
    assert trend[0]["month"] == (today - 15 * DAY).replace(day=1)
    assert trend[-1]["month"] == today.replace(day=1)
    # every need of active workers was registered today; one was closed with a certificate 10 days ago
    assert sum(month["created"] for month in trend) == 8
    assert sum(month["certified"] for month in trend) == 1


def test_rows_sort_by_any_column_on_the_server(dashboard_ledger, safety_office, client):
    client.force_login(safety_office)
    town_order = [row.town.short_name for row in table_for(safety_office).rows]

    def order(sort):
        response = client.get(reverse("reports:dashboard"), {"o": sort})
        return [row["town"].short_name for row in response.context["rows"]]

    assert order("-workers")[:2] == ["青阳", "安海"]
    assert order("workers")[-2:] == ["安海", "青阳"]
    assert order("-certified_share")[:2] == ["安海", "青阳"]
    assert order("certified_share")[:2] == ["青阳", "安海"]  # towns without workers (no share) stay last
    assert order("-town") == town_order[::-1]
    assert order("nonsense") == town_order
    assert order("-cases")[:2] == ["青阳", "安海"]  # a tie keeps the towns' order


def test_the_page_shows_the_totals_row_and_links_each_figure(dashboard_ledger, safety_office, client):
    client.force_login(safety_office)
    response = client.get(reverse("reports:dashboard"))
    assert response.status_code == 200
    html = response.content.decode()
    assert '<tbody class="totals">' in html and "全市合计" in html
    totals = {cell["key"]: cell for cell in response.context["totals"]}
    assert totals["workers"]["text"] == "7"
    assert totals["certified_share"]["text"] == "42.9%"
    assert f'<a href="{totals["reviews_due"]["url"]}">1</a>' in html.replace("&amp;", "&")


def test_without_echarts_the_page_says_charts_are_unavailable(dashboard_ledger, safety_office, client, monkeypatch):
    from reports.views import dashboard

    monkeypatch.setattr(dashboard, "echarts_available", lambda: False)
    client.force_login(safety_office)
    html = client.get(reverse("reports:dashboard")).content.decode()
    assert "图表不可用" in html
    assert 'class="charts-unavailable banner">' in html  # shown, not hidden
    assert "echarts.min.js" not in html
    assert 'id="dashboard-data"' in html


def test_with_echarts_the_page_loads_it_from_our_own_static_files(dashboard_ledger, safety_office, client, monkeypatch):
    from reports.views import dashboard

    monkeypatch.setattr(dashboard, "echarts_available", lambda: True)
    client.force_login(safety_office)
    html = client.get(reverse("reports:dashboard")).content.decode()
    assert '<script src="/static/vendor/echarts/echarts.min.js"></script>' in html
    assert "cdn" not in html.lower() and "http://" not in html and "https://" not in html
    assert 'class="charts-unavailable banner" hidden>' in html


def test_the_chart_data_comes_from_the_tables_rows(dashboard_ledger, safety_office, client):
    client.force_login(safety_office)
    response = client.get(reverse("reports:dashboard"))
    charts = response.context["charts"]
    rows = response.context["rows"]
    assert charts["towns"]["names"] == [row["town"].name for row in rows]
    workers = [next(cell["value"] for cell in row["cells"] if cell["key"] == "workers") for row in rows]
    assert charts["towns"]["series"]["workers"] == workers
    assert charts["categories"]["names"] == [row["label"] for row in response.context["categories"]]
    assert sum(charts["trend"]["created"]) == sum(row["created"] for row in response.context["trend"])
    assert charts["labels"]["workers"] == "从业人员"
