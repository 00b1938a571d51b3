"""Template context the reports app adds to every page (listed in settings TEMPLATES)."""

from functools import cache

from registry.choices import Role

from .monthly import banner_notices


def monthly_banner(request):
    """`monthly_notices` for a reporter: its monthly summary reminders (see `banner_notices`).

    A callable, so the query runs only on a page that includes the banner, and at most once.
    """
    user = request.user
    if not user.is_authenticated or getattr(user, "role", None) not in (Role.TOWN_CLERK, Role.DEPARTMENT):
        return {}
    return {"monthly_notices": cache(lambda: banner_notices(user))}
