"""The 双随机 draw and the cross-inspection pairing as pure functions: ids in, ids out.

Nothing here touches the database, so a draw can be re-run from its stored seed and population
by anyone, at any time, and must give the same result. Both functions use only
`random.Random(seed)` over their population sorted by id.
"""

import random
from dataclasses import dataclass

UNCERTIFIED_WEIGHT = 3
"""A unit with workers lacking a valid certificate counts three times in a weighted draw."""


class DrawError(ValueError):
    """More units or inspectors asked for than the population holds."""

    def __init__(self, what, asked, available):
        super().__init__(f"{what}: asked {asked}, available {available}")
        self.what = what  # "units" or "inspectors"
        self.asked = asked
        self.available = available


@dataclass(frozen=True)
class DrawOutcome:
    unit_ids: tuple
    inspector_ids: tuple


def draw(seed, unit_ids, unit_count, inspector_ids=(), inspector_count=0, weights=None, conflicts=()):
    """Draw `unit_count` units, then `inspector_count` inspectors free of conflict with every drawn unit.

    - `weights` maps a unit id to its weight (missing ids weigh 1). Units are drawn without
      replacement by weighted random keys (Efraimidis–Spirakis): each unit, in id order, gets
      u ** (1 / weight) with u from the generator, and the largest keys win. With all weights 1
      this is a uniform sample. The units come back in the order they were drawn.
    - `conflicts` holds (inspector id, unit id) pairs: an inspector who must step aside for a
      drawn unit (回避) is left out of the inspector pool before the inspectors are drawn.
    """
    weights = weights or {}
    units = sorted(set(unit_ids))
    if unit_count < 0 or unit_count > len(units):
        raise DrawError("units", unit_count, len(units))
    rng = random.Random(seed)
    keys = [(rng.random() ** (1.0 / weights.get(unit, 1)), unit) for unit in units]
    keys.sort(key=lambda pair: (-pair[0], pair[1]))
    drawn_units = tuple(unit for _key, unit in keys[:unit_count])

    drawn = set(drawn_units)
    stepping_aside = {inspector for inspector, unit in conflicts if unit in drawn}
    pool = sorted(set(inspector_ids) - stepping_aside)
    if inspector_count < 0 or inspector_count > len(pool):
        raise DrawError("inspectors", inspector_count, len(pool))
    drawn_inspectors = tuple(rng.sample(pool, inspector_count))
    return DrawOutcome(unit_ids=drawn_units, inspector_ids=drawn_inspectors)


def derangement(ids, seed):
    """A mapping id → another id, a permutation with no fixed point (no town inspects itself).

    Shuffles the ids (sorted first) with `random.Random(seed)` until no id maps to itself; about
    e ≈ 2.7 shuffles are needed on average. Fewer than two ids admit no derangement.
    """
    ordered = sorted(set(ids))
    if len(ordered) < 2:
        raise ValueError("a derangement needs at least two ids")
    rng = random.Random(seed)
    targets = list(ordered)
    while True:
        rng.shuffle(targets)
        if all(source != target for source, target in zip(ordered, targets)):
            return dict(zip(ordered, targets))
