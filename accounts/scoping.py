"""The one scoping mechanism: every query of scoped data goes through it.

Access follows the organisation tree. Each `OrgUnit` stores its materialised path
("/LS/LS01/LS0101/"), so "everything under the units where this user holds one of
these roles" is one `startswith` filter. Querysets of scoped models expose
`visible_to(user)` and `writable_by(user)` built on `subtree_q`; views load single
objects through `get_for_user`, which answers 404 outside the scope (ids never leak)
and 403 when the object is visible but read-only.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.db.models import Model, Q
from django.http import Http404

from accounts.models import Role

if TYPE_CHECKING:
    from collections.abc import Iterable

# Roles whose assignment opens the whole subtree of their unit for reading.
READ_ROLES = (Role.OFFICE, Role.LEADER, Role.SECRETARY, Role.INSPECTOR)

NOTHING = Q(pk__in=[])
# Always true, and unlike an empty Q() it survives being OR-ed with another condition.
EVERYTHING = Q(pk__isnull=False)


def subtree_q(user, path_lookup: str, roles: Iterable[str]) -> Q:
    """Rows whose `path_lookup` lies under a unit where `user` holds one of `roles`."""
    if user is None or not user.is_authenticated or not user.is_active:
        return NOTHING
    if user.is_superuser:
        return EVERYTHING
    paths = sorted(set(user.paths_for(*roles)))
    # A path nested in another adds nothing: keep only the outermost ones.
    outermost = [p for p in paths if not any(p != o and p.startswith(o) for o in paths)]
    if not outermost:
        return NOTHING
    q = Q()
    for path in outermost:
        q |= Q(**{f"{path_lookup}__startswith": path})
    return q


def own_q(user, user_lookup: str) -> Q:
    """Rows that belong to `user` itself (its own party record, its own commitments)."""
    if user is None or user.pk is None or not user.is_authenticated or not user.is_active:
        return NOTHING
    return Q(**{user_lookup: user})


def get_for_user(model: type[Model], user, pk, *, write: bool = False):
    """Load one object through the model's scoped queryset: 404 outside, 403 read-only."""
    manager = model._default_manager
    try:
        obj = manager.visible_to(user).get(pk=pk)
    except (model.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    if write and not manager.writable_by(user).filter(pk=obj.pk).exists():
        raise PermissionDenied
    return obj


def system_actor(name: str):
    """The authority of a command run at the server's shell: its operator holds the whole database."""
    from accounts.models import User

    return User(username=name, is_superuser=True, is_active=True)
