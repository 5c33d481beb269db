"""The one scoping mechanism: every query of scoped data goes through it.

Access follows the organisation tree. Each `OrgUnit` stores its materialised path
("/LS/LS01/LS0101/"), so "everything under the units where this user holds one of
these roles" is one prefix filter. Querysets of scoped models expose `visible_to(user)`,
`writable_by(user)` and named questions about their objects (`reviewable_by(user)`,
`closable_by(user)`) built on `subtree_q`; views load single objects through
`get_for_user`, which answers 404 outside the scope (ids never leak), 403 when the object
is visible but the question asked of it is answered no, and the answers to any other
questions in the same query.

A permission is always a question about objects: "may this user review this report?"
is `Report.objects.reviewable_by(user)`, never "does this user hold the office role
somewhere" (a user may be office in one township and only read another).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, Model, OuterRef, Q, QuerySet
from django.http import Http404

from accounts.roles import Role

if TYPE_CHECKING:
    from collections.abc import Iterable

# Roles whose assignment opens the whole subtree of their unit for reading.
READ_ROLES = (Role.OFFICE, Role.LEADER, Role.SECRETARY, Role.INSPECTOR)
# Who keeps a branch's own records (its roster, commitments, reports): the office for its
# township, the secretary for its branch.
KEEP_ROLES = (Role.OFFICE, Role.SECRETARY)
# Who manages a subtree: its units, accounts, period locks, reminders, reviews of what
# branches submit.
MANAGE_ROLES = (Role.OFFICE,)

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
        q |= Q(**{f"{path_lookup}__under": path})
    return q


def own_q(user, user_lookup: str) -> Q:
    """Rows that belong to `user` itself (its own party record, its own commitments)."""
    if user is None or user.pk is None or not user.is_authenticated or not user.is_active:
        return NOTHING
    return Q(**{user_lookup: user})


def get_for_user(model: type[Model], user, pk, *, need: str | None = None, ask: Iterable[str] = ()):
    """Load one object through the model's scoped queryset, with the user's rights on it.

    404 when it is not `visible_to(user)`. `need` names a question of the model's queryset
    (`"writable_by"`, `"reviewable_by"`) that must answer yes, else 403; `ask` names
    questions answered in the same query for the page's buttons. The answers are in
    `obj.may`, e.g. `obj.may["writable_by"]`.
    """
    manager = model._default_manager
    questions = list(dict.fromkeys([*([need] if need else []), *ask]))
    answers = {
        f"may_{question}": Exists(getattr(manager, question)(user).filter(pk=OuterRef("pk")))
        for question in questions
    }
    try:
        obj = manager.visible_to(user).annotate(**answers).get(pk=pk)
    except (model.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    obj.may = {question: getattr(obj, f"may_{question}") for question in questions}
    if need and not obj.may[need]:
        raise PermissionDenied
    return obj


def require(queryset: QuerySet) -> None:
    """403 unless the user may act on at least one object: pages that list or create them.

    `queryset` is the question itself, e.g. `OrgUnit.objects.writable_by(user)`.
    """
    if not queryset.exists():
        raise PermissionDenied


def system_actor(name: str):
    """The authority of a command run at the server's shell: its operator holds the whole database."""
    from accounts.models import User

    return User(username=name, is_superuser=True, is_active=True)
