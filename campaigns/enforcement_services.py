"""Enforcement writes that span several models and must happen all together or not at all:
a random draw with its population, an inspection's findings with the training needs they open,
a cross-inspection plan with its pairs, a forgery check with its finding and need."""

import secrets
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from registry.choices import CertificateStatus, NeedKind, NeedSource, Verification
from registry.models import Certificate, Town, TrainingNeed, Unit

from . import draws
from .choices import FindingResult, VerificationMethod
from .models import (
    CrossInspectionPair,
    CrossInspectionPlan,
    Finding,
    ForgeryCheck,
    Inspector,
    InspectorConflict,
    RandomDraw,
)

NEEDS_TRAINING = (FindingResult.NO_CERTIFICATE, FindingResult.FORGED, FindingResult.EXPIRED)


def new_seed():
    """A seed for a draw or a plan when the person did not choose one: nine random digits."""
    return secrets.randbelow(10**9)


# ---------------------------------------------------------------- random draws (双随机)


@dataclass
class DrawResult:
    """What a draw produced; `random_draw` is None for a dry run."""

    seed: int
    units: list  # [{"id", "name", "town"}] in drawn order
    inspectors: list  # [{"id", "name"}] in drawn order
    population: dict
    random_draw: RandomDraw | None = None

    def as_json(self):
        """The object `random_draw --json` prints: the same for the same seed and data."""
        return {"seed": self.seed, "units": self.units, "inspectors": self.inspectors}


def draw_population(*, town=None, department=None, inspector_town=None, weighted=False):
    """The ids a draw chooses from, as stored on the RandomDraw (all lists sorted by id).

    Units: the active units (of `town` when given). Inspectors: the active inspectors of
    `department`, else of `inspector_town`, else all active inspectors. Conflicts: every
    recorded (inspector, unit) conflict among them. Weighted: the ids of units with workers
    lacking a valid certificate, who count UNCERTIFIED_WEIGHT times.
    """
    units = Unit.objects.active()
    if town is not None:
        units = units.filter(town=town)
    inspectors = Inspector.objects.filter(is_active=True)
    if department is not None:
        inspectors = inspectors.filter(department=department)
    elif inspector_town is not None:
        inspectors = inspectors.filter(town=inspector_town)
    unit_ids = list(units.order_by("pk").values_list("pk", flat=True))
    inspector_ids = list(inspectors.order_by("pk").values_list("pk", flat=True))
    conflicts = InspectorConflict.objects.filter(inspector__in=inspectors, unit__in=units)
    population = {
        "units": unit_ids,
        "inspectors": inspector_ids,
        "conflicts": [list(pair) for pair in conflicts.order_by("inspector_id", "unit_id").values_list("inspector_id", "unit_id")],
        "inspector_list": {"department": getattr(department, "pk", None), "town": getattr(inspector_town, "pk", None)},
    }
    if weighted:
        population["weighted_units"] = list(
            units.with_uncertified_workers().order_by("pk").values_list("pk", flat=True)
        )
    return population


def rerun_draw(seed, population, unit_count, inspector_count):
    """The pure draw over a stored population; raises draws.DrawError when the counts do not fit."""
    weights = {unit: draws.UNCERTIFIED_WEIGHT for unit in population.get("weighted_units", [])}
    return draws.draw(
        seed,
        population["units"],
        unit_count,
        inspector_ids=population["inspectors"],
        inspector_count=inspector_count,
        weights=weights,
        conflicts=[tuple(pair) for pair in population.get("conflicts", [])],
    )


def _described(outcome):
    units = Unit.objects.select_related("town").in_bulk(outcome.unit_ids)
    inspectors = Inspector.objects.in_bulk(outcome.inspector_ids)
    return (
        [{"id": pk, "name": units[pk].name, "town": units[pk].town.name} for pk in outcome.unit_ids],
        [{"id": pk, "name": inspectors[pk].name} for pk in outcome.inspector_ids],
    )


def make_random_draw(
    *, seed, unit_count, inspector_count=0, town=None, department=None, inspector_town=None,
    weighted=False, campaign=None, user=None, store=True,
):
    """Draw units and inspectors and (unless `store` is False) keep the draw with its seed and population.

    Raises draws.DrawError when more units or inspectors are asked for than there are.
    """
    with transaction.atomic():
        population = draw_population(town=town, department=department, inspector_town=inspector_town, weighted=weighted)
        outcome = rerun_draw(seed, population, unit_count, inspector_count)
        units, inspectors = _described(outcome)
        result = DrawResult(seed=seed, units=units, inspectors=inspectors, population=population)
        if store:
            result.random_draw = RandomDraw.objects.create(
                campaign=campaign, seed=seed, town=town, department=department, unit_count=unit_count,
                inspector_count=inspector_count, weighted=weighted, population=population,
                result={"units": units, "inspectors": inspectors}, drawn_by=user,
            )
    return result


@dataclass
class DrawVerification:
    matches: bool  # re-running over the stored population gives the stored result
    unit_ids: tuple
    inspector_ids: tuple
    population_unchanged: bool | None = None  # the registry today still gives the same population


def verify_draw(random_draw, compare_with_registry=False):
    """Recompute a stored draw from its seed and population and compare with what was stored."""
    try:
        outcome = rerun_draw(random_draw.seed, random_draw.population, random_draw.unit_count, random_draw.inspector_count)
    except draws.DrawError:
        return DrawVerification(matches=False, unit_ids=(), inspector_ids=())
    stored_units = tuple(unit["id"] for unit in random_draw.result.get("units", []))
    stored_inspectors = tuple(inspector["id"] for inspector in random_draw.result.get("inspectors", []))
    verification = DrawVerification(
        matches=(outcome.unit_ids, outcome.inspector_ids) == (stored_units, stored_inspectors),
        unit_ids=outcome.unit_ids,
        inspector_ids=outcome.inspector_ids,
    )
    if compare_with_registry:
        listing = random_draw.population.get("inspector_list", {})
        today_population = draw_population(
            town=random_draw.town,
            department=random_draw.department,
            inspector_town=Town.objects.filter(pk=listing.get("town")).first() if listing.get("town") else None,
            weighted=random_draw.weighted,
        )
        verification.population_unchanged = today_population == random_draw.population
    return verification


# ---------------------------------------------------------------- findings and the needs they open


@dataclass
class FindingsResult:
    findings: list = field(default_factory=list)
    needs_opened: list = field(default_factory=list)
    needs_linked: list = field(default_factory=list)


def open_need_for(worker, category, *, certificate=None, note=""):
    """The worker's open need for `category`, or a new one from enforcement; (need, created).

    A certificate overdue for review asks for a review (复审); anything else — no certificate,
    a forged one, an expired one — for the certificate itself (取证). An open need of the same
    worker and category is reused rather than duplicated.
    """
    kind = NeedKind.INITIAL
    if certificate is not None and certificate.status_on() == CertificateStatus.REVIEW_OVERDUE:
        kind = NeedKind.REVIEW
    existing = list(TrainingNeed.objects.open().filter(worker=worker, category=category).order_by("pk"))
    if existing:
        return next((need for need in existing if need.kind == kind), existing[0]), False
    need = TrainingNeed.objects.create(
        worker=worker, category=category, kind=kind, source=NeedSource.INSPECTION,
        certificate=certificate if kind == NeedKind.REVIEW else None, note=note[:200],
    )
    return need, True


def _record_verification(certificate, verification, user, method_label):
    """Who found `certificate` genuine or forged, when and how; the saved certificate bumps its version."""
    certificate.verification = verification
    certificate.verified_by = user
    certificate.verified_at = timezone.now()
    certificate.verification_method = method_label
    certificate.version += 1
    certificate.save()


def _mark_forged(certificate, user, method):
    _record_verification(certificate, Verification.FORGED, user, VerificationMethod(method).label if method else "")


@transaction.atomic
def record_findings(inspection, rows, user=None):
    """Record one finding per worker checked, replacing what the inspection held for them.

    `rows` are dicts with worker, result, category, certificate (or None), verification_method
    and note. A finding without a valid certificate opens (or links) a training need; a
    certificate found forged is marked forged in the ledger.
    """
    outcome = FindingsResult()
    existing = {finding.worker_id: finding for finding in inspection.findings.select_for_update()}
    note = _("执法检查（%(date)s）发现") % {"date": inspection.inspected_on.isoformat()}
    for row in rows:
        finding = existing.get(row["worker"].pk) or Finding(inspection=inspection, worker=row["worker"])
        finding.result = row["result"]
        finding.category = row["category"]
        finding.certificate = row["certificate"]
        finding.verification_method = row.get("verification_method", "")
        finding.note = row.get("note", "")
        finding.training_need = None
        if finding.result in NEEDS_TRAINING and finding.category is not None:
            overdue = finding.certificate if finding.result == FindingResult.EXPIRED else None
            need, created = open_need_for(finding.worker, finding.category, certificate=overdue, note=note)
            finding.training_need = need
            (outcome.needs_opened if created else outcome.needs_linked).append(need)
        if finding.result == FindingResult.FORGED and finding.certificate is not None:
            if finding.certificate.verification != Verification.FORGED:
                _mark_forged(finding.certificate, user, finding.verification_method)
        finding.save()
        outcome.findings.append(finding)
    return outcome


# ---------------------------------------------------------------- cross-inspection (交叉互检)


@transaction.atomic
def generate_cross_inspection_plan(campaign, seed, user=None):
    """A new plan over every town: a seeded derangement, so no town inspects itself."""
    towns = list(Town.objects.order_by("pk").values_list("pk", flat=True))
    pairing = draws.derangement(towns, seed)
    plan = CrossInspectionPlan.objects.create(campaign=campaign, seed=seed, created_by=user)
    CrossInspectionPair.objects.bulk_create(
        CrossInspectionPair(plan=plan, inspecting_town_id=source, inspected_town_id=target)
        for source, target in pairing.items()
    )
    return plan


class SelfInspection(ValueError):
    """The change would have a town inspect itself."""


@dataclass
class ReassignResult:
    pair: CrossInspectionPair
    swapped: CrossInspectionPair | None  # the pair that gave up the town, now inspecting the old one


@transaction.atomic
def reassign_cross_inspection(pair, inspected_town):
    """Let `pair`'s town inspect `inspected_town`, keeping the plan a derangement.

    The town that inspected `inspected_town` takes over `pair`'s old town (a swap), so every
    town still inspects exactly one town and is inspected by exactly one. Raises SelfInspection
    when either town would end up inspecting itself.
    """
    pairs = {p.inspecting_town_id: p for p in CrossInspectionPair.objects.select_for_update().filter(plan=pair.plan_id)}
    pair = pairs[pair.inspecting_town_id]
    if inspected_town.pk == pair.inspected_town_id:
        return ReassignResult(pair=pair, swapped=None)
    if inspected_town.pk == pair.inspecting_town_id:
        raise SelfInspection(pair.inspecting_town_id)
    other = next((p for p in pairs.values() if p.inspected_town_id == inspected_town.pk), None)
    if other is not None and other.inspecting_town_id == pair.inspected_town_id:
        raise SelfInspection(other.inspecting_town_id)
    if other is not None:
        other.inspected_town_id = pair.inspected_town_id
        other.save(update_fields=["inspected_town"])
    pair.inspected_town = inspected_town
    pair.save(update_fields=["inspected_town"])
    return ReassignResult(pair=pair, swapped=other)


# ---------------------------------------------------------------- forgery checks


@dataclass
class ForgeryCheckResult:
    check: ForgeryCheck
    finding: Finding | None = None
    need: TrainingNeed | None = None
    need_created: bool = False


@transaction.atomic
def confirm_certificate_genuine(certificate, *, signal, method, note="", user=None):
    """The bureau checked a flagged certificate and found it genuine; it leaves the signal lists."""
    certificate = Certificate.objects.select_for_update().get(pk=certificate.pk)
    # a genuine finding names its method: an empty one raises here rather than being stored as ""
    _record_verification(certificate, Verification.GENUINE, user, VerificationMethod(method).label)
    check = ForgeryCheck.objects.create(
        certificate=certificate, signal=signal, outcome=ForgeryCheck.Outcome.GENUINE, method=method, note=note,
        checked_by=user,
    )
    return ForgeryCheckResult(check=check)


@transaction.atomic
def confirm_certificate_forged(certificate, *, signal, method, note="", user=None):
    """The certificate is forged: mark it, record a 持假证 finding (no inspection) and open a need (取证)."""
    certificate = Certificate.objects.select_for_update().select_related("worker", "category").get(pk=certificate.pk)
    _mark_forged(certificate, user, method)
    need, created = open_need_for(
        certificate.worker, certificate.category, note=_("证书核验确认伪造（%(number)s）") % {"number": certificate.number}
    )
    finding = Finding.objects.create(
        inspection=None, worker=certificate.worker, result=FindingResult.FORGED, category=certificate.category,
        certificate=certificate, verification_method=method, training_need=need, note=note[:200],
    )
    check = ForgeryCheck.objects.create(
        certificate=certificate, signal=signal, outcome=ForgeryCheck.Outcome.FORGED, method=method, note=note,
        checked_by=user, finding=finding,
    )
    return ForgeryCheckResult(check=check, finding=finding, need=need, need_created=created)
