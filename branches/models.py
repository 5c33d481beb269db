from __future__ import annotations

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from accounts.models import OrgUnit
from accounts.scoping import KEEP_ROLES, MANAGE_ROLES, READ_ROLES, own_q, subtree_q
from accounts.validators import plain_text_validator

# A mobile number (11 digits from 1, optionally after +86) or a landline: area code 0 + 2–3
# digits, an optional "-", 7–8 digits, an optional extension after "-" or 转.
phone_validator = RegexValidator(
    r"^(?:(?:\+86[- ]?)?1\d{10}|0\d{2,3}-?\d{7,8}(?:(?:-|转)\d{1,6})?)$",
    _("Enter a mobile number (11 digits) or a landline number with its area code, e.g. 0731-84561234."),
)


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
    name = models.CharField(pgettext_lazy("person", "name"), max_length=50, validators=[plain_text_validator])
    gender = models.CharField(_("gender"), max_length=1, choices=Gender.choices, blank=True)
    position = models.CharField(
        _("position"), max_length=20, choices=Position.choices, default=Position.MEMBER
    )
    phone = models.CharField(
        _("phone"),
        max_length=20,
        blank=True,
        validators=[phone_validator],
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


class LeadingGroupPost(models.TextChoices):
    HEAD = "head", _("Head of the leading group")
    DEPUTY = "deputy", _("Deputy head of the leading group")
    MEMBER = "member", _("Member of the leading group")


class LeadingGroupMemberQuerySet(models.QuerySet):
    def visible_to(self, user) -> LeadingGroupMemberQuerySet:
        return self.filter(subtree_q(user, "unit__path", READ_ROLES))

    def writable_by(self, user) -> LeadingGroupMemberQuerySet:
        """The office for its township, a branch's secretary for its own branch."""
        return self.filter(subtree_q(user, "unit__path", KEEP_ROLES))


class LeadingGroupMember(models.Model):
    """A seat of a unit's 创先争优活动领导小组 (组长, 副组长, 成员: seed 000 §一, seed 002 五).

    The township's group approves circulars and, later, creation results: only a seat with a
    login account can approve anything.
    """

    unit = models.ForeignKey(
        OrgUnit, on_delete=models.CASCADE, related_name="leading_group", verbose_name=_("unit")
    )
    post = models.CharField(_("post in the group"), max_length=10, choices=LeadingGroupPost.choices)
    name = models.CharField(pgettext_lazy("person", "name"), max_length=50, validators=[plain_text_validator])
    title = models.CharField(
        _("office held"),
        max_length=60,
        blank=True,
        validators=[plain_text_validator],
        help_text=_("e.g. 镇党委书记"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="leading_group_seats",
        verbose_name=_("login account"),
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    history = HistoricalRecords()

    objects = LeadingGroupMemberQuerySet.as_manager()

    class Meta:
        verbose_name = _("leading group member")
        verbose_name_plural = _("leading group members")
        ordering = ["unit", "order", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "name"],
                name="unique_leading_group_seat",
                violation_error_message=_("This person already sits in this leading group."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_post_display()} {self.name}"
