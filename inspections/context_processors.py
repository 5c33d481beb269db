from __future__ import annotations

from django.utils.functional import SimpleLazyObject

from accounts.models import OrgUnit
from accounts.scoping import subtree_q
from inspections.models import STAFF_ROLES


def navigation(request):
    """Whether the user sees the township's inspection pages (the coverage grid, the groups)."""
    user = request.user
    if not user.is_authenticated:
        return {}
    return {
        "nav_inspection_staff": SimpleLazyObject(
            OrgUnit.objects.filter(subtree_q(user, "path", STAFF_ROLES)).exists
        )
    }
