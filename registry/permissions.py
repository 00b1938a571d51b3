"""Who may read and who may change the ledger.

Scoping (which rows) lives in the querysets' `for_user`; this module only answers whether a
role may use a page at all (403 when in scope but not allowed).
"""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied

from .choices import Role

LEDGER_READERS = (Role.TOWN_CLERK, Role.SAFETY_OFFICE, Role.EMERGENCY_BUREAU, Role.MARKET_BUREAU)


def can_read_ledger(user):
    return user.is_authenticated and user.role in LEDGER_READERS


def can_edit_ledger(user):
    """Only a town's clerk keeps its ledger; city roles read it."""
    return user.is_authenticated and user.role == Role.TOWN_CLERK


def roles_required(*roles):
    """Signed in, with one of `roles`; anyone else signed in gets 403, anonymous users the login page."""

    def decorator(view):
        @login_required
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if getattr(request.user, "role", None) not in roles:
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


ledger_reader_required = roles_required(*LEDGER_READERS)


def require_editor(request):
    """Call after fetching the object through for_user: a read-only role in scope gets 403."""
    if not can_edit_ledger(request.user):
        raise PermissionDenied
