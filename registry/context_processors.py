
from .choices import Role
from .permissions import can_edit_ledger, can_read_ledger

def navigation(request):
    """What the navigation may show: each role sees only what it may use."""
    user = request.user
    if not user.is_authenticated:
        return {}
    return {
        "nav": {
            "ledger": can_read_ledger(user),
            "edit": can_edit_ledger(user),
            "city": user.role in (Role.SAFETY_OFFICE, Role.EMERGENCY_BUREAU, Role.MARKET_BUREAU),
            "safety_office": user.role == Role.SAFETY_OFFICE,
            "imports": user.role in (Role.TOWN_CLERK, Role.SAFETY_OFFICE),
            "department": user.role == Role.DEPARTMENT,
            # monthly work summaries: towns and departments file them; the city roles read them
            "reporter": user.role in (Role.TOWN_CLERK, Role.DEPARTMENT),
        },
    }
