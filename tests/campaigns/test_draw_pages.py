"""双随机 in the browser: the safety office and the bureaus draw, verify and publish."""

import pytest
from django.urls import reverse

from campaigns.enforcement_services import make_random_draw
from campaigns.models import InspectorConflict, RandomDraw
from registry.models import Unit
from tests.campaigns.test_enforcement_helpers import make_inspection, make_inspector, queries_for, status_for
from tests.factories import UnitFactory, department, town

pytestmark = pytest.mark.django_db


@pytest.fixture
def registry():
    units = [UnitFactory(town=town("青阳")) for _ in range(5)] + [UnitFactory(town=town("安海")) for _ in range(5)]
    inspectors = [make_inspector(f"应急{n}") for n in range(4)]
    return units, inspectors


@pytest.fixture
def draw(registry):
    return make_random_draw(seed=11, unit_count=3, inspector_count=2, department=department("应急局")).random_draw


@pytest.mark.parametrize("role, expected", [
    ("qingyang_clerk", 403), ("anhai_clerk", 403), ("safety_office", 200), ("emergency_bureau", 200),
    ("market_bureau", 200), ("department_user", 403), ("anonymous", 302),
])
def test_draw_pages_by_role(client, personas, draw, role, expected):
    for url in (reverse("campaigns:draw_list"), reverse("campaigns:draw_create"),
                reverse("campaigns:draw_detail", args=[draw.pk]), reverse("campaigns:draw_verify", args=[draw.pk])):
        assert status_for(client, personas[role], "get", url) == expected, url
    publish = status_for(client, personas[role], "post", reverse("campaigns:draw_publish", args=[draw.pk]))
    assert publish == (302 if expected == 200 else expected)


def draw_data(**overrides):
    data = {"unit_count": 3, "inspector_count": 2, "department": department("应急局").pk, "seed": 2019}
    data.update(overrides)
    return data


def test_the_same_seed_and_registry_draw_the_same_units_and_inspectors(client, safety_office, registry):
    client.force_login(safety_office)
    first = client.post(reverse("campaigns:draw_create"), draw_data())
    second = client.post(reverse("campaigns:draw_create"), draw_data())
    other = client.post(reverse("campaigns:draw_create"), draw_data(seed=2020))
    assert first.status_code == second.status_code == other.status_code == 302
    a, b, c = RandomDraw.objects.order_by("pk")
    assert a.result == b.result and a.result != c.result
    assert a.drawn_by == safety_office and a.seed == 2019 and len(a.population["units"]) == 10


def test_a_blank_seed_is_chosen_and_stored(client, market_bureau, registry):
    client.force_login(market_bureau)
    client.post(reverse("campaigns:draw_create"), draw_data(seed="", inspector_count=0, department=""))
    draw = RandomDraw.objects.get()
    assert draw.seed is not None and len(draw.result["units"]) == 3 and draw.result["inspectors"] == []


def test_town_and_weighting_are_kept_with_the_draw(client, safety_office, registry):
    client.force_login(safety_office)
    client.post(reverse("campaigns:draw_create"), draw_data(town=town("安海").pk, weighted="on", unit_count=5))
    draw = RandomDraw.objects.get()
    assert draw.town == town("安海") and draw.weighted and "weighted_units" in draw.population
    assert {unit["town"] for unit in draw.result["units"]} == {"安海镇"}


def test_asking_for_too_many_says_how_many_there_are(client, safety_office, registry):
    client.force_login(safety_office)
    response = client.post(reverse("campaigns:draw_create"), draw_data(unit_count=11))
    assert "超过可抽取的数量（10）" in response.content.decode() and not RandomDraw.objects.exists()
    response = client.post(reverse("campaigns:draw_create"), draw_data(department="", inspector_town=town("青阳").pk))
    assert "超过可抽取的数量（0）" in response.content.decode()
    response = client.post(reverse("campaigns:draw_create"), draw_data(inspector_town=town("青阳").pk))
    assert "只选部门或镇（街道）其中之一" in response.content.decode()


def test_verify_recomputes_the_stored_draw(client, safety_office, draw, registry):
    client.force_login(safety_office)
    response = client.get(reverse("campaigns:draw_verify", args=[draw.pk]))
    assert response.context["verification"].matches and response.context["verification"].population_unchanged
    assert "--seed 11" in response.content.decode()
    UnitFactory()
    response = client.get(reverse("campaigns:draw_verify", args=[draw.pk]))
    assert response.context["verification"].matches and not response.context["verification"].population_unchanged
    draw.result["units"].reverse()
    draw.save()
    response = client.get(reverse("campaigns:draw_verify", args=[draw.pk]))
    assert not response.context["verification"].matches and "不一致" in response.content.decode()


def test_the_stored_population_carries_the_conflicts(client, safety_office, registry):
    units, inspectors = registry
    InspectorConflict.objects.create(inspector=inspectors[0], unit=units[0], reason="曾任职")
    draw = make_random_draw(seed=1, unit_count=10, inspector_count=3, department=department("应急局")).random_draw
    assert draw.population["conflicts"] == [[inspectors[0].pk, units[0].pk]]
    assert inspectors[0].pk not in [row["id"] for row in draw.result["inspectors"]]


def test_publishing_and_withdrawing(client, emergency_bureau, draw):
    client.force_login(emergency_bureau)
    client.post(reverse("campaigns:draw_publish", args=[draw.pk]))
    draw.refresh_from_db()
    assert draw.published_at is not None
    client.post(reverse("campaigns:draw_publish", args=[draw.pk]), {"action": "withdraw"})
    draw.refresh_from_db()
    assert draw.published_at is None


def test_the_detail_shows_the_inspections_made_from_the_draw(client, safety_office, draw):
    unit_id = draw.result["units"][0]["id"]
    make_inspection(Unit.objects.get(pk=unit_id), random_draw=draw)
    client.force_login(safety_office)
    response = client.get(reverse("campaigns:draw_detail", args=[draw.pk]))
    rows = response.context["drawn_rows"]
    assert rows[0]["inspection"] is not None and rows[1]["inspection"] is None
    assert f"?unit={draw.result['units'][1]['id']}&amp;draw={draw.pk}" in response.content.decode()


def test_draw_pages_run_a_fixed_number_of_queries(client, safety_office, registry):
    client.force_login(safety_office)
    draw = make_random_draw(seed=1, unit_count=2).random_draw
    few = queries_for(client, reverse("campaigns:draw_list"))
    detail = queries_for(client, reverse("campaigns:draw_detail", args=[draw.pk]))
    for seed in range(4):
        make_random_draw(seed=seed, unit_count=2)
    big = make_random_draw(seed=1, unit_count=8, inspector_count=3).random_draw
    for row in big.result["units"]:
        make_inspection(Unit.objects.get(pk=row["id"]), random_draw=big)
    assert queries_for(client, reverse("campaigns:draw_list")) == few
    assert queries_for(client, reverse("campaigns:draw_detail", args=[big.pk])) == detail
