from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import RoleAssignment, User


def refuse_self_lockout(
    *, actor: User | None, user: User, deactivate: bool = False, change_roles: bool = False
) -> None:
    """Nobody deactivates, deletes or changes the roles of their own account.

    An office member could otherwise lock itself out (remove its last office role) or widen
    its own reach; another office member does it. Pages and the admin both ask here.
    """
    if actor is None or actor.pk != user.pk:
        return
    if deactivate:
        raise ValidationError(_("You cannot deactivate your own account; ask another office member."))
    if change_roles:
        raise ValidationError(_("You cannot change your own roles; ask another office member."))


@transaction.atomic
def user_create(*, username: str, password: str, role: str, org_unit, **profile) -> User:
    user = User(username=username, **profile)
    user.set_password(password)
    user.full_clean()
    user.save()
    role_assign(actor=None, user=user, role=role, org_unit=org_unit)
    return user


@transaction.atomic
def user_update(*, actor: User, user: User) -> User:
    """Save an edited account (name, phone, e-mail, active); nobody deactivates itself."""
    stored_active = User.objects.filter(pk=user.pk).values_list("is_active", flat=True).first()
    refuse_self_lockout(actor=actor, user=user, deactivate=stored_active and not user.is_active)
    user.full_clean()
    user.save()
    return user


@transaction.atomic
def password_set(*, user: User, password: str) -> None:
    user.set_password(password)
    user.save(update_fields=["password"])


@transaction.atomic
def preferences_save(*, user: User, email: str, email_reminders: bool) -> None:
    user.email = email
    user.email_reminders = email_reminders
    user.full_clean()
    user.save(update_fields=["email", "email_reminders"])


@transaction.atomic
def role_assign(*, actor: User | None, user: User, role: str, org_unit) -> RoleAssignment:
    refuse_self_lockout(actor=actor, user=user, change_roles=True)
    assignment = RoleAssignment(user=user, role=role, org_unit=org_unit)
    assignment.full_clean()
    assignment.save()
    return assignment


@transaction.atomic
def role_revoke(*, actor: User, assignment: RoleAssignment) -> None:
    refuse_self_lockout(actor=actor, user=assignment.user, change_roles=True)
    assignment.delete()
