from __future__ import annotations

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.db.models import Lookup
from django.db.models.lookups import StartsWith
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class Role(models.TextChoices):
    OFFICE = "office", _("Office staff")
    LEADER = "leader", _("Leader")
    SECRETARY = "secretary", _("Branch secretary")
    INSPECTOR = "inspector", _("Inspector")
    MEMBER = "member", _("Party member")


class Under(Lookup):
    """`path__under="/LS/"`: the path starts with this prefix, exactly, on every database.

    Django's `startswith` is a LIKE, which SQLite compares without regard to ASCII case:
    there "/ls/" would fall under "/LS/". PostgreSQL's LIKE is exact and uses the
    `varchar_pattern_ops` index, so it keeps it; SQLite compares the leading characters.
    """

    lookup_name = "under"

    def as_sql(self, compiler, connection):
        return StartsWith(self.lhs, self.rhs).as_sql(compiler, connection)

    def as_sqlite(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"substr({lhs}, 1, length({rhs})) = {rhs}", [*lhs_params, *rhs_params, *rhs_params]


class TreePathField(models.CharField):
    """A materialised path of unit codes, "/LS/LS01/", compared with `__under`."""


TreePathField.register_lookup(Under)


class UserQuerySet(models.QuerySet):
    def visible_to(self, user: User) -> UserQuerySet:
        """Accounts an office may manage: every role they hold lies inside its subtree.

        A user who also holds a role elsewhere (a county officer, a superuser) stays out
        of reach, so a township office cannot take over a wider account.
        """
        from accounts.scoping import MANAGE_ROLES, subtree_q

        if getattr(user, "is_superuser", False):
            return self.all()
        scope = subtree_q(user, "org_unit__path", MANAGE_ROLES)
        inside = RoleAssignment.objects.filter(scope).values("user_id")
        outside = RoleAssignment.objects.exclude(scope).values("user_id")
        return self.filter(pk__in=inside, is_superuser=False, is_staff=False).exclude(pk__in=outside)

    writable_by = visible_to


class PortalUserManager(UserManager.from_queryset(UserQuerySet)):
    pass


class User(AbstractUser):
    full_name = models.CharField(_("full name"), max_length=50, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    email_reminders = models.BooleanField(
        _("reminders by e-mail"), default=True, help_text=_("Reminders always reach the portal's inbox.")
    )

    objects = PortalUserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["username"]

    def __str__(self) -> str:
        return f"{self.full_name} ({self.username})" if self.full_name else self.username

    @cached_property
    def assignments(self) -> list[tuple[str, str, int]]:
        """(role, org unit path, org unit id) of every role this user holds, loaded once."""
        if self.pk is None:
            return []
        return list(self.role_assignments.values_list("role", "org_unit__path", "org_unit_id"))

    def paths_for(self, *roles: str) -> list[str]:
        return [path for role, path, _unit in self.assignments if role in roles]


class RoleAssignmentQuerySet(models.QuerySet):
    def visible_to(self, user) -> RoleAssignmentQuerySet:
        """Roles an office may see and revoke: on its units, of accounts it manages."""
        return self.on_units_managed_by(user).filter(user__in=User.objects.visible_to(user))

    def on_units_managed_by(self, user) -> RoleAssignmentQuerySet:
        """Roles held on units `user` manages, whoever holds them."""
        from accounts.scoping import MANAGE_ROLES, subtree_q

        return self.filter(subtree_q(user, "org_unit__path", MANAGE_ROLES))

    writable_by = visible_to


class RoleAssignment(models.Model):
    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="role_assignments", verbose_name=_("user")
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    org_unit = models.ForeignKey(
        "branches.OrgUnit",
        on_delete=models.PROTECT,
        related_name="role_assignments",
        verbose_name=_("organisation unit"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    history = HistoricalRecords()

    objects = RoleAssignmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("role assignment")
        verbose_name_plural = _("role assignments")
        constraints = [
            models.UniqueConstraint(fields=["user", "role", "org_unit"], name="unique_role_assignment")
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} · {self.org_unit}"
