from __future__ import annotations

from django.utils.functional import SimpleLazyObject

from accounts.models import OrgUnit
from branches.selectors import liaison_leaders
from core.models import Notification


def navigation(request):
    """Which parts of the navigation the user may open, asked only when a page shows them."""
    user = request.user
    if not user.is_authenticated:
        return {}
    return {
        # Units the user reads: the tree, reports and ledger exports list nothing else.
        "nav_units": SimpleLazyObject(OrgUnit.objects.visible_to(user).exists),
        "nav_office": SimpleLazyObject(OrgUnit.objects.writable_by(user).exists),
        "nav_liaison": SimpleLazyObject(liaison_leaders(user).exists),
        "nav_unread": SimpleLazyObject(
            Notification.objects.inbox_of(user).filter(read_at__isnull=True).count
        ),
    }
