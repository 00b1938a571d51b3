"""交叉互检: a seeded derangement of the 20 towns, editable by the safety office, shown to each clerk."""

import pytest
from django.urls import reverse

from campaigns.enforcement_services import generate_cross_inspection_plan
from campaigns.models import CrossInspectionPair, CrossInspectionPlan, Inspection
from registry.models import Town
from tests.campaigns.test_enforcement_helpers import (  # noqa: F401  (plan is a fixture)
    make_inspection,
    notice_campaign,
    plan,
    queries_for,
    status_for,
)
from tests.factories import UnitFactory, town

pytestmark = pytest.mark.django_db


def pairing(plan):
    return dict(plan.pairs.values_list("inspecting_town", "inspected_town"))


def assert_derangement(mapping):
    towns = sorted(Town.objects.values_list("pk", flat=True))
    assert len(towns) == 20
    assert sorted(mapping) == towns and sorted(mapping.values()) == towns
    assert all(source != target for source, target in mapping.items())


def test_every_seed_gives_a_plan_in_which_no_town_inspects_itself(safety_office):
    plans = [generate_cross_inspection_plan(notice_campaign(), seed, user=safety_office) for seed in range(60)]
    for plan_ in plans:
        assert_derangement(pairing(plan_))
    assert len({tuple(sorted(pairing(p).items())) for p in plans}) == 60


def test_the_safety_office_generates_a_plan_with_a_seed(client, safety_office):
    client.force_login(safety_office)
    response = client.post(reverse("campaigns:cross_plan_create"), {"seed": "2019"})
    plan_ = CrossInspectionPlan.objects.get()
    assert response["Location"] == reverse("campaigns:cross_plan_detail", args=[plan_.pk])
    assert plan_.seed == 2019 and plan_.created_by == safety_office and plan_.campaign is not None
    assert_derangement(pairing(plan_))
    client.post(reverse("campaigns:cross_plan_create"), {"seed": "2019"})
    assert pairing(CrossInspectionPlan.objects.first()) == pairing(plan_)  # the same seed, the same plan
    client.post(reverse("campaigns:cross_plan_create"), {})
    assert CrossInspectionPlan.objects.first().seed is not None


@pytest.mark.parametrize("role, read, write", [
    ("qingyang_clerk", 200, 403), ("anhai_clerk", 200, 403), ("safety_office", 200, 302), ("emergency_bureau", 200, 403),
    ("market_bureau", 200, 403), ("department_user", 403, 403), ("anonymous", 302, 302),
])
def test_cross_plan_pages_by_role(client, personas, plan, role, read, write):
    assert status_for(client, personas[role], "get", reverse("campaigns:cross_plan")) == read
    assert status_for(client, personas[role], "get", reverse("campaigns:cross_plan_detail", args=[plan.pk])) == read
    assert status_for(client, personas[role], "post", reverse("campaigns:cross_plan_create"), {"seed": 1}) == write
    pair = plan.pairs.get(inspecting_town=town("西园"))
    edit = status_for(client, personas[role], "get", reverse("campaigns:cross_pair_edit", args=[pair.pk]))
    assert edit == (200 if write == 302 and role != "anonymous" else write)


def test_each_clerk_reads_which_town_they_inspect(client, qingyang_clerk, anhai_clerk, plan):
    client.force_login(qingyang_clerk)
    content = client.get(reverse("campaigns:cross_plan")).content.decode()
    assert "本镇（街道）检查：安海镇" in content
    inspector_of_qingyang = plan.pairs.get(inspected_town=town("青阳")).inspecting_town
    assert f"本镇（街道）由 {inspector_of_qingyang.name} 检查" in content
    client.force_login(anhai_clerk)
    assert "本镇（街道）检查：磁灶镇" in client.get(reverse("campaigns:cross_plan")).content.decode()


def test_editing_a_pair_swaps_so_the_plan_stays_valid(client, safety_office, plan):
    client.force_login(safety_office)
    pair = plan.pairs.get(inspecting_town=town("青阳"))
    giver = plan.pairs.get(inspected_town=town("西园"))
    response = client.post(reverse("campaigns:cross_pair_edit", args=[pair.pk]), {"inspected_town": town("西园").pk})
    assert response.status_code == 302
    mapping = pairing(plan)
    assert mapping[town("青阳").pk] == town("西园").pk
    assert mapping[giver.inspecting_town_id] == town("安海").pk  # took over 青阳's old town
    assert_derangement(mapping)


def test_a_town_cannot_be_made_to_inspect_itself(client, safety_office, plan):
    client.force_login(safety_office)
    pair = plan.pairs.get(inspecting_town=town("青阳"))
    response = client.post(reverse("campaigns:cross_pair_edit", args=[pair.pk]), {"inspected_town": town("青阳").pk})
    assert response.status_code == 200 and response.context["form"].errors
    # 安海 inspects 磁灶; giving 磁灶 to whoever inspects 安海 would leave 安海 inspecting itself
    pair = plan.pairs.get(inspected_town=town("安海"))
    response = client.post(reverse("campaigns:cross_pair_edit", args=[pair.pk]), {"inspected_town": town("磁灶").pk})
    assert "将检查本镇（街道）" in response.content.decode()
    assert_derangement(pairing(plan))


def test_the_plan_in_force_decides_which_other_town_a_clerk_may_inspect(client, qingyang_clerk, safety_office, plan):
    anhai_unit, xiyuan_unit = UnitFactory(town=town("安海")), UnitFactory(town=town("西园"))
    client.force_login(qingyang_clerk)
    url = reverse("campaigns:inspection_create")
    assert client.get(url, {"unit": anhai_unit.pk}).status_code == 200
    assert client.get(url, {"unit": xiyuan_unit.pk}).status_code == 404
    CrossInspectionPair.objects.filter(plan=plan).delete()
    generate = generate_cross_inspection_plan(notice_campaign(), 5, user=safety_office)
    target = generate.pairs.get(inspecting_town=town("青阳")).inspected_town
    other = UnitFactory(town=target)
    assert client.get(url, {"unit": other.pk}).status_code == 200
    if target != town("安海"):
        assert client.get(url, {"unit": anhai_unit.pk}).status_code == 404


def test_the_plan_page_runs_a_fixed_number_of_queries(client, safety_office, qingyang_clerk, plan):
    client.force_login(qingyang_clerk)
    few = queries_for(client, reverse("campaigns:cross_plan"))
    for pair in plan.pairs.all()[:6]:
        make_inspection(UnitFactory(town=pair.inspected_town), inspecting_town=pair.inspecting_town,
                        is_cross_inspection=True, campaign=plan.campaign)
    generate_cross_inspection_plan(notice_campaign(), 99, user=safety_office)
    assert Inspection.objects.count() == 6
    assert queries_for(client, reverse("campaigns:cross_plan_detail", args=[plan.pk])) == few
    response = client.get(reverse("campaigns:cross_plan_detail", args=[plan.pk]))
    assert sum(pair.inspections_made for pair in response.context["pairs"]) == 6
