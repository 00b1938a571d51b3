"""The pure draw: reproducible from seed and population, conflict-free, weighted on request."""

from collections import Counter

import pytest

from campaigns import draws

UNITS = list(range(1, 41))
INSPECTORS = list(range(101, 111))


def test_the_same_seed_and_population_give_the_same_draw():
    first = draws.draw(42, UNITS, 5, INSPECTORS, 2)
    assert draws.draw(42, UNITS, 5, INSPECTORS, 2) == first
    assert draws.draw(42, list(reversed(UNITS)), 5, list(reversed(INSPECTORS)), 2) == first  # sorted by id first


def test_a_different_seed_gives_a_different_draw():
    assert draws.draw(42, UNITS, 5, INSPECTORS, 2) != draws.draw(43, UNITS, 5, INSPECTORS, 2)


def test_it_draws_distinct_units_and_inspectors_from_the_population():
    outcome = draws.draw(1, UNITS, 10, INSPECTORS, 4)
    assert len(set(outcome.unit_ids)) == 10 and set(outcome.unit_ids) <= set(UNITS)
    assert len(set(outcome.inspector_ids)) == 4 and set(outcome.inspector_ids) <= set(INSPECTORS)


def test_an_inspector_in_conflict_with_a_drawn_unit_is_never_drawn():
    for seed in range(200):
        unit = draws.draw(seed, UNITS, 3).unit_ids[0]
        outcome = draws.draw(seed, UNITS, 3, INSPECTORS, 9, conflicts=[(101, unit)])
        assert unit in outcome.unit_ids
        assert 101 not in outcome.inspector_ids


def test_a_conflict_with_a_unit_not_drawn_does_not_matter():
    outcome = draws.draw(5, UNITS, 1, INSPECTORS, 10, conflicts=[(101, unit) for unit in UNITS if unit != draws.draw(5, UNITS, 1).unit_ids[0]])
    assert sorted(outcome.inspector_ids) == INSPECTORS


def test_weighting_shifts_the_distribution_towards_heavier_units():
    heavy = set(UNITS[:10])
    weights = {unit: draws.UNCERTIFIED_WEIGHT for unit in heavy}
    plain, weighted = Counter(), Counter()
    for seed in range(1000):
        plain.update(unit in heavy for unit in draws.draw(seed, UNITS, 5).unit_ids)
        weighted.update(unit in heavy for unit in draws.draw(seed, UNITS, 5, weights=weights).unit_ids)
    share_plain = plain[True] / 5000
    share_weighted = weighted[True] / 5000
    assert 0.2 < share_plain < 0.3  # a quarter of the units, drawn uniformly
    assert share_weighted > 0.4  # three times the weight: roughly half of the draws


@pytest.mark.parametrize("count", [41, -1])
def test_more_units_than_the_population_is_an_error(count):
    with pytest.raises(draws.DrawError) as error:
        draws.draw(1, UNITS, count)
    assert error.value.what == "units" and error.value.available == 40


def test_more_inspectors_than_remain_after_conflicts_is_an_error():
    unit = draws.draw(1, UNITS, 1).unit_ids[0]
    with pytest.raises(draws.DrawError) as error:
        draws.draw(1, UNITS, 1, INSPECTORS, 10, conflicts=[(101, unit)])
    assert error.value.what == "inspectors" and error.value.available == 9


def test_a_derangement_never_maps_a_town_to_itself_over_many_seeds():
    towns = list(range(1, 21))
    seen = set()
    for seed in range(500):
        pairing = draws.derangement(towns, seed)
        assert sorted(pairing) == towns  # every town inspects …
        assert sorted(pairing.values()) == towns  # … and is inspected by exactly one
        assert all(source != target for source, target in pairing.items())
        seen.add(tuple(pairing.values()))
    assert len(seen) > 490  # and the seeds really vary it
    assert draws.derangement(towns, 3) == draws.derangement(list(reversed(towns)), 3)


def test_a_derangement_needs_two_towns():
    with pytest.raises(ValueError):
        draws.derangement([1], 1)
    assert draws.derangement([1, 2], 9) == {1: 2, 2: 1}
