from __future__ import annotations

from django.contrib.auth.models import AbstractUser, UserManager
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Lookup, Q
from django.db.models.functions import Upper
from django.db.models.lookups import StartsWith
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from accounts.roles import Role
from accounts.scoping import KEEP_ROLES, MANAGE_ROLES, READ_ROLES, subtree_q
from accounts.validators import plain_text_validator


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


class Level(models.TextChoices):
    COMMITTEE = "committee", _("Party committee")
    GENERAL_BRANCH = "general_branch", _("General Party branch")
    BRANCH = "branch", _("Party branch")
    GROUP = "group", _("Party group")


# Which levels may sit directly under which: a 党小组 only under a 党支部, and so on.
ALLOWED_PARENT_LEVELS = {
    Level.COMMITTEE: {None, Level.COMMITTEE},
    Level.GENERAL_BRANCH: {Level.COMMITTEE},
    Level.BRANCH: {Level.COMMITTEE, Level.GENERAL_BRANCH},
    Level.GROUP: {Level.BRANCH},
}


class Kind(models.TextChoices):
    RURAL = "rural", _("Rural")
    ORGAN = "organ", _("Government organ")
    SCHOOL = "school", _("School")
    INSTITUTION = "institution", _("Public institution")
    ENTERPRISE = "enterprise", _("Enterprise")
    COMMUNITY = "community", _("Community")


unit_code_validator = RegexValidator(
    r"^[A-Za-z0-9_-]{1,30}$",
    _("Use 1–30 letters, digits, '-' or '_'."),
)


def normalise_code(code: str) -> str:
    """Unit codes are compared in capitals: "ls01" typed in a form or a ledger is LS01."""
    return (code or "").strip().upper()


class OrgUnitQuerySet(models.QuerySet):
    def visible_to(self, user) -> OrgUnitQuerySet:
        return self.filter(subtree_q(user, "path", READ_ROLES))

    def writable_by(self, user) -> OrgUnitQuerySet:
        """Units `user` manages: edits, locks, reminds, reviews what they submit."""
        return self.filter(subtree_q(user, "path", MANAGE_ROLES))

    def kept_by(self, user) -> OrgUnitQuerySet:
        """Units whose own records (roster, commitments, reports) `user` keeps."""
        return self.filter(subtree_q(user, "path", KEEP_ROLES))

    def overseen_by(self, user) -> OrgUnitQuerySet:
        """Units whose overview `user` lands on: the office's and the leaders' subtrees."""
        return self.filter(subtree_q(user, "path", (Role.OFFICE, Role.LEADER)))

    def of_secretary(self, user) -> OrgUnitQuerySet:
        """The branches `user` is secretary of, and the groups below them."""
        return self.filter(subtree_q(user, "path", (Role.SECRETARY,)))

    def branches(self) -> OrgUnitQuerySet:
        """Units that carry members' work: 党总支 and 党支部."""
        return self.filter(level__in=[Level.GENERAL_BRANCH, Level.BRANCH])


class OrgUnit(models.Model):
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent unit"),
    )
    code = models.CharField(
        _("code"),
        max_length=30,
        unique=True,
        validators=[unit_code_validator],
        help_text=_("Letters are kept in capitals."),
    )
    name = models.CharField(_("name"), max_length=100, validators=[plain_text_validator])
    level = models.CharField(_("level"), max_length=20, choices=Level.choices)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, blank=True)
    # Materialised path of codes, "/LS/LS01/": a subtree is one `__under` filter.
    path = TreePathField(max_length=400, unique=True, editable=False)
    history = HistoricalRecords(excluded_fields=["path"])

    objects = OrgUnitQuerySet.as_manager()

    class Meta:
        verbose_name = _("organisation unit")
        verbose_name_plural = _("organisation units")
        ordering = ["path"]
        indexes = [models.Index(fields=["path"], name="orgunit_path_like", opclasses=["varchar_pattern_ops"])]
        constraints = [
            # With `unique`, no two codes differ only in case ("ls01" beside "LS01").
            models.CheckConstraint(condition=Q(code=Upper("code")), name="orgunit_code_in_capitals"),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        self.path = self.computed_path()
        super().save(*args, **kwargs)

    @property
    def depth(self) -> int:
        return self.path.count("/") - 2

    def ancestor_paths(self) -> list[str]:
        """Paths of this unit and every unit above it, outermost first."""
        codes = self.path.strip("/").split("/")
        return ["/" + "/".join(codes[: i + 1]) + "/" for i in range(len(codes))]

    def computed_path(self) -> str:
        return f"{self.parent.path if self.parent else '/'}{self.code}/"

    def clean_fields(self, exclude=None) -> None:
        self.code = normalise_code(self.code)
        super().clean_fields(exclude)

    def clean(self) -> None:
        parent_level = self.parent.level if self.parent else None
        if self.level and parent_level not in ALLOWED_PARENT_LEVELS[Level(self.level)]:
            raise ValidationError(
                {
                    "parent": _("A %(level)s cannot be placed under this unit.")
                    % {"level": Level(self.level).label}
                }
            )
        if self.parent and self.pk and self.parent.path.startswith(OrgUnit.objects.get(pk=self.pk).path):
            raise ValidationError({"parent": _("A unit cannot be placed under itself.")})


class UserQuerySet(models.QuerySet):
    def visible_to(self, user: User) -> UserQuerySet:
        """Accounts an office may manage: every role they hold lies inside its subtree.

        A user who also holds a role elsewhere (a county officer, a superuser) stays out
        of reach, so a township office cannot take over a wider account.
        """
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
        # People are known by name; the login name is account business (see account_label).
        return self.full_name or self.username

    @property
    def account_label(self) -> str:
        """The name with the login name, for the account pages where both matter."""
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
        return self.filter(subtree_q(user, "org_unit__path", MANAGE_ROLES))

    writable_by = visible_to


class RoleAssignment(models.Model):
    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="role_assignments", verbose_name=_("user")
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    org_unit = models.ForeignKey(
        OrgUnit,
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
