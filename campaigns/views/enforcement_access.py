"""Who may use the enforcement pages, and which units a person may record an inspection of.

Which rows a user sees is the querysets' `for_user`; these helpers answer whether a role may
use a page or an action at all (403 when it may not).
"""


from django.core.exceptions import PermissionDenied

from registry.choices import Role
from registry.models import Unit

from ..models import CrossInspectionPair, CrossInspectionPlan

CITY_ROLES = (Role.SAFETY_OFFICE, Role.EMERGENCY_BUREAU, Role.MARKET_BUREAU)
INSPECTION_ROLES = (Role.TOWN_CLERK, *CITY_ROLES)
DRAW_ROLES = CITY_ROLES
FORGERY_ROLES = CITY_ROLES
EXPOSURE_ROLES = (Role.SAFETY_OFFICE,)
PLAN_EDITORS = (Role.SAFETY_OFFICE,)


def current_plan():
    """The cross-inspection plan in force: the one made last."""
    return CrossInspectionPlan.objects.select_related("campaign").first()


def assigned_town(user, plan=None):
    """The town a clerk's town inspects under the plan in force (交叉互检), or None."""
    if getattr(user, "role", None) != Role.TOWN_CLERK:
        return None
    plan = plan or current_plan()
    if plan is None:
        return None
    pair = CrossInspectionPair.objects.filter(plan=plan, inspecting_town_id=user.town_id).select_related("inspected_town")
    pair = pair.first()
    return pair.inspected_town if pair else None


def recordable_units(user):
    """Active units the user may record an inspection of.

    A clerk: their own town's units and those of the one town the plan in force assigns them.
    The safety office and the bureaus: every unit. Anyone else: none.
    """
    role = getattr(user, "role", None)
    if role == Role.TOWN_CLERK:
        towns = [user.town_id]
        assigned = assigned_town(user)
        if assigned is not None:
            towns.append(assigned.pk)
        return Unit.objects.active().filter(town_id__in=towns)
    if role in CITY_ROLES:
        return Unit.objects.active()
    return Unit.objects.none()


def can_edit_inspection(user, inspection):
    """The city roles edit any inspection; a clerk those their town made."""
    role = getattr(user, "role", None)
    if role in CITY_ROLES:
        return True
    return role == Role.TOWN_CLERK and inspection.inspecting_town_id == user.town_id


def require_inspection_editor(user, inspection):
    if not can_edit_inspection(user, inspection):
        raise PermissionDenied
