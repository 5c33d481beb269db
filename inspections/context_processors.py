from __future__ import annotations

from inspections.models import STAFF_ROLES


def navigation(request):
    """Whether the user sees the township's inspection pages (the coverage grid, the groups).

    Read from the roles the user's scoping has loaded already: no query of its own.
    """
    user = request.user
    if not user.is_authenticated:
        return {}
    return {"nav_inspection_staff": user.is_superuser or bool(user.paths_for(*STAFF_ROLES))}
