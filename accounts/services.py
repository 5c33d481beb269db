from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import RoleAssignment, User


@transaction.atomic
def user_create(*, username: str, password: str, role: str, org_unit, **profile) -> User:
    user = User(username=username, **profile)
    user.set_password(password)
    user.full_clean()
    user.save()
    role_assign(actor=None, user=user, role=role, org_unit=org_unit)
    return user


@transaction.atomic
def role_assign(*, actor: User | None, user: User, role: str, org_unit) -> RoleAssignment:
    if actor is not None and actor.pk == user.pk:
        raise ValidationError(_("You cannot change your own roles; ask another office member."))
    assignment = RoleAssignment(user=user, role=role, org_unit=org_unit)
    assignment.full_clean()
    assignment.save()
    return assignment


@transaction.atomic
def role_revoke(*, actor: User, assignment: RoleAssignment) -> None:
    if actor.pk == assignment.user_id:
        raise ValidationError(_("You cannot change your own roles; ask another office member."))
    assignment.delete()
