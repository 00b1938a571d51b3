"""`manage.py random_draw`: one JSON object, the same for the same seed and data."""

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from campaigns.models import InspectorConflict, RandomDraw
from tests.campaigns.test_enforcement_helpers import make_inspector
from tests.factories import CertificateFactory, UnitFactory, WorkerFactory, town

pytestmark = pytest.mark.django_db


@pytest.fixture
def registry():
    units = [UnitFactory(town=town("青阳")) for _ in range(6)] + [UnitFactory(town=town("安海")) for _ in range(6)]
    UnitFactory(town=town("安海"), is_active=False)
    inspectors = [make_inspector(f"执法{n}") for n in range(5)] + [make_inspector("市场甲", dept="市场监管局")]
    return units, inspectors


def run(*args):
    out, err = StringIO(), StringIO()
    call_command("random_draw", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_it_prints_exactly_one_json_object_in_the_agreed_shape(registry):
    out, _ = run("--units", "3", "--inspectors", "2", "--seed", "2019", "--json")
    data = json.loads(out)
    assert out.count("\n") == 1 and set(data) == {"seed", "units", "inspectors"}
    assert data["seed"] == 2019
    assert [set(unit) for unit in data["units"]] == [{"id", "name", "town"}] * 3
    assert [set(inspector) for inspector in data["inspectors"]] == [{"id", "name"}] * 2
    assert all(isinstance(unit["id"], int) for unit in data["units"])


def test_the_same_seed_and_data_print_the_same_json_and_another_seed_differs(registry):
    first, _ = run("--units", "4", "--inspectors", "2", "--seed", "7", "--json")
    again, _ = run("--units", "4", "--inspectors", "2", "--seed", "7", "--json")
    other, _ = run("--units", "4", "--inspectors", "2", "--seed", "8", "--json")
    assert first == again
    assert json.loads(first)["units"] != json.loads(other)["units"]


def test_it_stores_the_draw_unless_dry_run(registry):
    out, err = run("--units", "2", "--seed", "5", "--json")
    draw = RandomDraw.objects.get()
    assert f"#{draw.pk}" in err
    assert [unit["id"] for unit in json.loads(out)["units"]] == [unit["id"] for unit in draw.result["units"]]
    assert draw.seed == 5 and len(draw.population["units"]) == 12  # the archived unit is not drawn
    run("--units", "2", "--seed", "5", "--json", "--dry-run")
    assert RandomDraw.objects.count() == 1


def test_town_limits_the_units_and_department_the_inspectors(registry):
    out, _ = run("--units", "6", "--inspectors", "1", "--town", "安海镇", "--department", "市场监管局", "--seed", "1", "--json")
    data = json.loads(out)
    assert {unit["town"] for unit in data["units"]} == {"安海镇"}
    assert data["inspectors"] == [{"id": registry[1][-1].pk, "name": "市场甲"}]


def test_an_inspector_in_conflict_with_a_drawn_unit_is_left_out(registry):
    out, _ = run("--units", "12", "--inspectors", "4", "--department", "应急局", "--seed", "3", "--json", "--dry-run")
    InspectorConflict.objects.create(inspector=registry[1][0], unit=registry[0][0], reason="亲属")
    out, _ = run("--units", "12", "--inspectors", "4", "--department", "应急局", "--seed", "3", "--json", "--dry-run")
    assert registry[1][0].pk not in [inspector["id"] for inspector in json.loads(out)["inspectors"]]
    with pytest.raises(CommandError, match="超过可抽取的执法人员数 4"):
        run("--units", "12", "--inspectors", "5", "--department", "应急局", "--seed", "3", "--json")


def test_weighted_favours_units_with_uncertified_workers(registry):
    units = registry[0]
    for unit in units:
        worker = WorkerFactory(unit=unit)
        if unit not in units[:3]:
            CertificateFactory(worker=worker)
    hits = {True: 0, False: 0}
    for seed in range(60):
        out, _ = run("--units", "1", "--weighted", "--seed", str(seed), "--json", "--dry-run")
        hits[json.loads(out)["units"][0]["id"] in {unit.pk for unit in units[:3]}] += 1
    assert hits[True] > 60 * 3 / 12  # 3 of 12 units, weighed 3: about half the draws instead of a quarter


def test_a_bad_town_or_too_many_units_is_a_clear_error_in_chinese(registry):
    with pytest.raises(CommandError, match="找不到镇（街道）“火星”"):
        run("--units", "1", "--town", "火星", "--seed", "1", "--json")
    with pytest.raises(CommandError, match="抽取单位数 13 超过可抽取的在册单位数 12"):
        run("--units", "13", "--seed", "1", "--json")
    with pytest.raises(CommandError, match="找不到市有关单位"):
        run("--units", "1", "--department", "不存在局", "--seed", "1", "--json")
    with pytest.raises(CommandError, match="正整数"):
        run("--units", "0", "--seed", "1", "--json")
    assert not RandomDraw.objects.exists()


def test_without_json_it_prints_a_readable_list(registry):
    out, _ = run("--units", "2", "--inspectors", "1", "--seed", "1", "--dry-run")
    assert out.startswith("随机种子：1") and "1. " in out and "执法人员：" in out
