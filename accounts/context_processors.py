from accounts.models import Role


def roles(request):
    """Which parts of the navigation the user may open."""
    user = request.user
    if not user.is_authenticated:
        return {}
    return {
        "nav_office": user.has_role(Role.OFFICE),
        "nav_liaison": user.has_role(Role.OFFICE, Role.LEADER),
    }
