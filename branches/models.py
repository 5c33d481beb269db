from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Upper
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from accounts.models import Role, TreePathField
from accounts.scoping import KEEP_ROLES, MANAGE_ROLES, READ_ROLES, own_q, subtree_q
from core.validators import plain_text_validator


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


class Position(models.TextChoices):
    SECRETARY = "secretary", _("Secretary")
    DEPUTY = "deputy", _("Deputy secretary")
    COMMITTEE_MEMBER = "committee_member", _("Committee member")
    MEMBER = "member", _("Party member")


class Gender(models.TextChoices):
    MALE = "M", _("Male")
    FEMALE = "F", _("Female")


class MemberQuerySet(models.QuerySet):
    def visible_to(self, user) -> MemberQuerySet:
        # Every party member sees its own record.
        return self.filter(subtree_q(user, "unit__path", READ_ROLES) | own_q(user, "user"))

    def writable_by(self, user) -> MemberQuerySet:
        return self.filter(subtree_q(user, "unit__path", KEEP_ROLES))

    def filed_for_by(self, user) -> MemberQuerySet:
        """Members whose own commitments `user` files: those it keeps, and itself."""
        return self.filter(subtree_q(user, "unit__path", KEEP_ROLES) | own_q(user, "user"))


class Member(models.Model):
    unit = models.ForeignKey(
        OrgUnit, on_delete=models.PROTECT, related_name="members", verbose_name=_("unit")
    )
    name = models.CharField(_("name"), max_length=50, validators=[plain_text_validator])
    gender = models.CharField(_("gender"), max_length=1, choices=Gender.choices, blank=True)
    position = models.CharField(
        _("position"), max_length=20, choices=Position.choices, default=Position.MEMBER
    )
    phone = models.CharField(
        _("phone"),
        max_length=20,
        blank=True,
        validators=[RegexValidator(r"^[0-9+\- ]{5,20}$", _("Enter a valid phone number."))],
    )
    joined_on = models.DateField(_("date joined the Party"), null=True, blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="member",
        verbose_name=_("login account"),
    )
    history = HistoricalRecords()

    objects = MemberQuerySet.as_manager()

    class Meta:
        verbose_name = _("party member")
        verbose_name_plural = _("party members")
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "name"],
                name="unique_member_name_per_unit",
                violation_error_message=_("This unit already has a member of this name."),
            ),
            models.UniqueConstraint(
                fields=["unit"],
                condition=Q(position="secretary"),
                name="one_secretary_per_unit",
                violation_error_message=_("This unit already has a secretary."),
            ),
        ]

    def __str__(self) -> str:
        return self.name


class ResponsibilityKind(models.TextChoices):
    FIRST = "first", _("First responsible person")
    SECOND = "second", _("Second responsible person")
    DIRECT = "direct", _("Directly responsible person")


class ResponsibilityQuerySet(models.QuerySet):
    def visible_to(self, user) -> ResponsibilityQuerySet:
        return self.filter(subtree_q(user, "unit__path", READ_ROLES))

    def writable_by(self, user) -> ResponsibilityQuerySet:
        return self.filter(subtree_q(user, "unit__path", MANAGE_ROLES))


class Responsibility(models.Model):
    """领导责任制度: who answers for a unit's 创先争优 work.

    Set on the township for the first and second responsible persons, it holds for
    every unit below that sets none of its own.
    """

    unit = models.ForeignKey(
        OrgUnit, on_delete=models.CASCADE, related_name="responsibilities", verbose_name=_("unit")
    )
    kind = models.CharField(_("responsibility"), max_length=10, choices=ResponsibilityKind.choices)
    person = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="+", verbose_name=_("person"))
    history = HistoricalRecords()

    objects = ResponsibilityQuerySet.as_manager()

    class Meta:
        verbose_name = _("responsibility")
        verbose_name_plural = _("responsibilities")
        constraints = [models.UniqueConstraint(fields=["unit", "kind"], name="unique_responsibility_kind")]

    def __str__(self) -> str:
        return f"{self.unit} · {self.get_kind_display()} · {self.person}"


MAX_LIAISON_POINTS = 2


class LiaisonPointQuerySet(models.QuerySet):
    def visible_to(self, user) -> LiaisonPointQuerySet:
        return self.filter(subtree_q(user, "branch__path", READ_ROLES))

    def writable_by(self, user) -> LiaisonPointQuerySet:
        own = own_q(user, "leader")
        return self.filter(subtree_q(user, "branch__path", MANAGE_ROLES) | own).filter(
            subtree_q(user, "branch__path", READ_ROLES)
        )

    def active(self) -> LiaisonPointQuerySet:
        return self.filter(ended_on__isnull=True)


class LiaisonPoint(models.Model):
    """联系点: a leader's liaison branch (seed 000 §二: each leader holds 1–2)."""

    leader = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="liaison_points",
        verbose_name=_("leader"),
    )
    branch = models.ForeignKey(
        OrgUnit, on_delete=models.PROTECT, related_name="liaison_points", verbose_name=_("branch")
    )
    started_on = models.DateField(_("started on"))
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    history = HistoricalRecords()

    objects = LiaisonPointQuerySet.as_manager()

    class Meta:
        verbose_name = _("liaison point")
        verbose_name_plural = _("liaison points")
        constraints = [
            models.UniqueConstraint(
                fields=["leader", "branch"],
                condition=Q(ended_on__isnull=True),
                name="unique_active_liaison_point",
                violation_error_message=_("This leader already liaises with this branch."),
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("started_on")),
                name="liaison_point_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.leader} → {self.branch}"
