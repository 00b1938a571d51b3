"""Who may use the programme pages (campaigns, publicity, training).

Which rows a user sees is the querysets' `for_user`; these helpers only answer whether a
role may use a page or an action at all (403 when it may not).
"""

from django.core.exceptions import PermissionDenied

from registry.choices import Role


def require_role(user, *roles):
    if getattr(user, "role", None) not in roles:
        raise PermissionDenied


def is_safety_office(user):
    return getattr(user, "role", None) == Role.SAFETY_OFFICE


def can_record_publicity(user):
    """A town records its own publicity through its clerk, a city department through its user."""
    return getattr(user, "role", None) in (Role.TOWN_CLERK, Role.DEPARTMENT)


def can_edit_publicity(user, record):
    """Only whoever the record belongs to (the town's clerk, the department's user) changes it."""
    if user.role == Role.TOWN_CLERK:
        return record.town_id == user.town_id
    if user.role == Role.DEPARTMENT:
        return record.department_id == user.department_id
    return False


def can_create_class(user):
    return getattr(user, "role", None) in (Role.SAFETY_OFFICE, Role.TOWN_CLERK)


def can_edit_class(user, training_class):
    """The safety office edits every class; a clerk only the classes held in their town."""
    if user.role == Role.SAFETY_OFFICE:
        return True
    return user.role == Role.TOWN_CLERK and training_class.town_id == user.town_id


def can_enrol(user):
    """Clerks enrol their town's needs; the safety office may enrol any town's."""
    return getattr(user, "role", None) in (Role.SAFETY_OFFICE, Role.TOWN_CLERK)


can_record_results = can_enrol
