"""督查 and 整改: inspection groups, their inspections and findings, the one rectification
workflow whatever raised it, rectification notices and inspection circulars.

Scoping follows the other apps (ADR 0001, 0004): everyone with a read role on the
township reads; an inspector writes only for the units its groups cover (`covered_q`),
the office for its whole township; a branch's secretary reads its own branch's finalised
inspections, notices and issued circulars and answers its rectifications; a member
answers rectifications addressed to itself.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from accounts.models import Level, OrgUnit, Role
from accounts.scoping import MANAGE_ROLES, NOTHING, READ_ROLES, own_q, subtree_q
from accounts.validators import plain_text_validator
from branches.models import LeadingGroupMember, Member

# Who reads what a branch has not been shown yet: drafts, planned inspections, circulars
# before they are issued. A branch's secretary sees only the finished work.
STAFF_ROLES = (Role.OFFICE, Role.LEADER, Role.INSPECTOR)
TEXT_LIMIT = 5000


def covered_q(user, path_lookup: str) -> Q:
    """Rows under the units covered by the inspection groups `user` sits in.

    Only while it still holds the inspector role above them: a revoked role closes its
    groups too.
    """
    if user is None or not user.is_authenticated or not user.is_active or user.pk is None:
        return NOTHING
    paths = set(
        InspectionGroup.objects.filter(Q(members=user) | Q(leader=user))
        .exclude(units=None)
        .values_list("units__path", flat=True)
    )
    if not paths:
        return NOTHING
    q = Q()
    for path in sorted(paths):
        q |= Q(**{f"{path_lookup}__under": path})
    return q & subtree_q(user, path_lookup, (Role.INSPECTOR,))


def branch_q(user, path_lookup: str) -> Q:
    """Rows of the branches `user` answers for as their secretary.

    Only roles really assigned: a superuser reads and manages everything but is no branch,
    so it neither replies for one, nor acknowledges for all of them, nor is kept from
    re-checking as the branch would be.
    """
    if user is None or getattr(user, "is_superuser", False):
        return NOTHING
    return subtree_q(user, path_lookup, (Role.SECRETARY,))


def groups_of(user):
    """The inspection groups `user` leads or sits in."""
    if user is None or user.pk is None:
        return InspectionGroup.objects.none()
    return InspectionGroup.objects.filter(Q(members=user) | Q(leader=user)).distinct()


def _writers_q(user, path_lookup: str) -> Q:
    """The office of the township, or an inspector whose group covers the unit."""
    return subtree_q(user, path_lookup, MANAGE_ROLES) | covered_q(user, path_lookup)


# ---------------------------------------------------------------------------------------
# Inspection groups


class InspectionGroupQuerySet(models.QuerySet):
    def visible_to(self, user) -> InspectionGroupQuerySet:
        return self.filter(subtree_q(user, "township__path", STAFF_ROLES))

    def writable_by(self, user) -> InspectionGroupQuerySet:
        return self.filter(subtree_q(user, "township__path", MANAGE_ROLES))


class InspectionGroup(models.Model):
    """督查组 / 督导组: a standing group of inspectors and the units it covers (seed 000 §七)."""

    township = models.ForeignKey(
        OrgUnit, on_delete=models.PROTECT, related_name="inspection_groups", verbose_name=_("township")
    )
    name = models.CharField(pgettext_lazy("group", "name"), max_length=60, validators=[plain_text_validator])
    leader = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("group leader"),
    )
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        related_name="inspection_groups",
        blank=True,
        verbose_name=_("group members"),
    )
    units = models.ManyToManyField(
        OrgUnit,
        related_name="covering_groups",
        blank=True,
        verbose_name=_("units covered"),
        help_text=_("A unit covers every branch below it."),
    )
    active = models.BooleanField(_("active"), default=True)
    history = HistoricalRecords(m2m_fields=[members, units])

    objects = InspectionGroupQuerySet.as_manager()

    class Meta:
        verbose_name = _("inspection group")
        verbose_name_plural = _("inspection groups")
        ordering = ["township", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["township", "name"],
                name="unique_inspection_group_name",
                violation_error_message=_("This township already has a group of this name."),
            )
        ]

    def __str__(self) -> str:
        return self.name


# ---------------------------------------------------------------------------------------
# Inspections and findings


class InspectionKind(models.TextChoices):
    REGULAR = "regular", _("Regular inspection")
    SPOT = "spot", _("Spot check")


class Method(models.TextChoices):
    REPORT = "report", _("Hearing reports")
    RESEARCH = "research", _("In-depth research")
    RECORDS = "records", _("Spot-checking the three meetings and one lesson records")
    LEDGERS = "ledgers", _("Reading the ledgers")
    TALKS = "talks", _("Individual talks")
    VISITS = "visits", _("Visiting the public")


class InspectionStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    DRAFT = "draft", _("Being recorded")
    FINAL = "final", _("Finalised")


class InspectionQuerySet(models.QuerySet):
    def visible_to(self, user) -> InspectionQuerySet:
        """The township reads them all; a branch's secretary only its finalised ones."""
        return self.filter(subtree_q(user, "unit__path", READ_ROLES)).filter(
            Q(status=InspectionStatus.FINAL) | subtree_q(user, "unit__path", STAFF_ROLES)
        )

    def writable_by(self, user) -> InspectionQuerySet:
        """Its group (while not finalised) and the office (always, kept in history)."""
        open_q = ~Q(status=InspectionStatus.FINAL) & covered_q(user, "unit__path")
        return self.visible_to(user).filter(subtree_q(user, "unit__path", MANAGE_ROLES) | open_q)

    def noticeable_by(self, user) -> InspectionQuerySet:
        """Inspections whose rectification notice `user` issues: the office, or a group covering
        the branch. Finalised ones too (a notice follows the final record), unlike `writable_by`."""
        return self.visible_to(user).filter(_writers_q(user, "unit__path"))

    def finalised(self) -> InspectionQuerySet:
        return self.filter(status=InspectionStatus.FINAL)


def inspectable_units(user):
    """The branches `user` may plan or record an inspection of."""
    return OrgUnit.objects.filter(level=Level.BRANCH).filter(_writers_q(user, "path")).order_by("path")


class Inspection(models.Model):
    """One inspection of one branch by a group, with its 督查总结 (seed 003)."""

    group = models.ForeignKey(
        InspectionGroup,
        on_delete=models.PROTECT,
        related_name="inspections",
        verbose_name=_("inspection group"),
    )
    unit = models.ForeignKey(
        OrgUnit, on_delete=models.PROTECT, related_name="inspections", verbose_name=_("branch inspected")
    )
    date = models.DateField(_("date"))
    kind = models.CharField(
        _("kind of inspection"), max_length=10, choices=InspectionKind.choices, default=InspectionKind.REGULAR
    )
    methods = models.JSONField(_("methods"), default=list, blank=True)
    participants = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="+", blank=True, verbose_name=_("participants (accounts)")
    )
    other_participants = models.CharField(
        _("other participants"),
        max_length=200,
        blank=True,
        validators=[plain_text_validator],
        help_text=_("Names of people without an account, separated by 、"),
    )
    summary = models.TextField(_("inspection summary"), max_length=TEXT_LIMIT * 4, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=InspectionStatus.choices, default=InspectionStatus.DRAFT
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    finalised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("finalised by"),
    )
    finalised_at = models.DateTimeField(_("finalised at"), null=True, blank=True)
    history = HistoricalRecords(m2m_fields=[participants])

    objects = InspectionQuerySet.as_manager()

    class Meta:
        verbose_name = _("inspection")
        verbose_name_plural = _("inspections")
        ordering = ["-date", "-pk"]
        indexes = [models.Index(fields=["unit", "date"])]

    def __str__(self) -> str:
        return f"{self.unit} · {self.date:%Y-%m-%d}"

    def clean(self) -> None:
        unknown = set(self.methods or []) - set(Method.values)
        if not isinstance(self.methods, list) or unknown:
            raise ValidationError({"methods": _("Choose the methods from the list.")})
        if self.group_id and self.unit_id and self.group.township_id and self.unit.path:
            if not self.unit.path.startswith(self.group.township.path):
                raise ValidationError({"unit": _("The branch is not in the group's township.")})

    @property
    def method_labels(self) -> list[str]:
        return [str(Method(code).label) for code in self.methods if code in Method.values]

    @property
    def editable(self) -> bool:
        return self.status != InspectionStatus.FINAL


class FindingCategory(models.TextChoices):
    """The five kinds of content of a circular (seed 000 §七.2)."""

    ARRANGEMENT = "arrangement", _("Work arrangements and their implementation")
    PROGRESS = "progress", _("Progress and results achieved")
    EXPERIENCE = "experience", _("Successful experience and working methods")
    PROBLEM = "problem", _("Difficulties, contradictions and problems")
    NEGATIVE = "negative", _("Negative examples of perfunctory work or serious mistakes")


class FindingQuerySet(models.QuerySet):
    def visible_to(self, user) -> FindingQuerySet:
        return self.filter(inspection__in=Inspection.objects.visible_to(user))

    def writable_by(self, user) -> FindingQuerySet:
        return self.filter(inspection__in=Inspection.objects.writable_by(user))


class Finding(models.Model):
    inspection = models.ForeignKey(
        Inspection, on_delete=models.CASCADE, related_name="findings", verbose_name=_("inspection")
    )
    category = models.CharField(_("finding category"), max_length=12, choices=FindingCategory.choices)
    text = models.TextField(_("finding"), max_length=TEXT_LIMIT)
    promote = models.BooleanField(
        _("to promote"), default=False, help_text=_("Goes into the circular's good-practice section (推广).")
    )
    needs_rectification = models.BooleanField(
        _("needs rectification"), default=False, help_text=_("A rectification notice will be issued for it.")
    )
    history = HistoricalRecords()

    objects = FindingQuerySet.as_manager()

    class Meta:
        verbose_name = _("finding")
        verbose_name_plural = _("findings")
        ordering = ["inspection", "pk"]

    def __str__(self) -> str:
        return self.text[:40]


# ---------------------------------------------------------------------------------------
# Rectifications


class Source(models.TextChoices):
    """What raised a rectification: the label of the source object's model.

    Adding a source is one line here; `open_rectification` takes any object of these models.
    """

    INSPECTION = "inspections.finding", _("Inspection finding")
    REVIEW = "reviews.review", _("Leader review")
    EVALUATION = "reviews.evaluationsubject", _("Mass evaluation")
    CREATION = "reviews.title", _("Creation round")


class RectificationStatus(models.TextChoices):
    OPEN = "open", _("Awaiting rectification")
    REPLIED = "replied", _("Replied")
    RETURNED = "returned", _("Sent back")
    PASSED = "passed", _("Re-check passed")


# Which moves a rectification may make; who may make them are the queryset's questions.
TRANSITIONS = {
    RectificationStatus.OPEN: {RectificationStatus.REPLIED},
    RectificationStatus.REPLIED: {RectificationStatus.PASSED, RectificationStatus.RETURNED},
    RectificationStatus.RETURNED: {RectificationStatus.REPLIED},
    RectificationStatus.PASSED: set(),
}


class RectificationQuerySet(models.QuerySet):
    def visible_to(self, user) -> RectificationQuerySet:
        return self.filter(subtree_q(user, "unit__path", READ_ROLES) | own_q(user, "member__user"))

    def writable_by(self, user) -> RectificationQuerySet:
        """Who keeps the rectification itself (its demand, its deadline): its issuers."""
        return self.visible_to(user).filter(_writers_q(user, "unit__path"))

    def answerable_by(self, user) -> RectificationQuerySet:
        """Rectifications `user` replies to now: its branch's (as secretary), or its own."""
        answerers = branch_q(user, "unit__path") | own_q(user, "member__user")
        return self.filter(answerers).filter(
            status__in=[RectificationStatus.OPEN, RectificationStatus.RETURNED]
        )

    def recheckable_by(self, user) -> RectificationQuerySet:
        """Replies `user` re-checks now: the issuing group's or the office's, never the branch's own."""
        issuers = subtree_q(user, "unit__path", MANAGE_ROLES) | (
            Q(group__in=groups_of(user)) & subtree_q(user, "unit__path", (Role.INSPECTOR,))
        )
        branch = branch_q(user, "unit__path") | own_q(user, "member__user")
        return (
            self.filter(issuers, status=RectificationStatus.REPLIED)
            .exclude(branch)
            .exclude(replies__replied_by=user)
            if user is not None and user.pk is not None
            else self.none()
        )

    def open(self) -> RectificationQuerySet:
        return self.exclude(status=RectificationStatus.PASSED)

    def overdue(self, today: datetime.date | None = None) -> RectificationQuerySet:
        """逾期: the deadline (end of that day, Asia/Shanghai) passed with no accepted reply."""
        return self.open().filter(deadline__lt=today or timezone.localdate())


class Rectification(models.Model):
    """整改: one problem a branch (or one of its members) must put right by a deadline."""

    unit = models.ForeignKey(
        OrgUnit, on_delete=models.PROTECT, related_name="rectifications", verbose_name=_("unit")
    )
    member = models.ForeignKey(
        Member,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="rectifications",
        verbose_name=_("party member"),
    )
    source = models.CharField(_("source"), max_length=40, choices=Source.choices)
    source_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    source_id = models.PositiveBigIntegerField()
    source_object = GenericForeignKey("source_type", "source_id")
    # The group that re-checks beside the office: the inspecting group, for a finding.
    group = models.ForeignKey(
        InspectionGroup,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="rectifications",
        verbose_name=_("inspection group"),
    )
    notice = models.ForeignKey(
        "RectificationNotice",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="rectifications",
        verbose_name=_("rectification notice"),
    )
    problem = models.TextField(_("problem"), max_length=TEXT_LIMIT)
    demand = models.TextField(_("rectification demand"), max_length=TEXT_LIMIT)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("issued by"),
    )
    issued_on = models.DateField(_("issued on"))
    deadline = models.DateField(_("rectification deadline"))
    status = models.CharField(
        _("status"), max_length=10, choices=RectificationStatus.choices, default=RectificationStatus.OPEN
    )
    # The last re-check: 复验结论, 复验人, 复验日期 of the ledger.
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("re-checked by"),
    )
    checked_on = models.DateField(_("re-checked on"), null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    history = HistoricalRecords(excluded_fields=["created_at"])

    objects = RectificationQuerySet.as_manager()

    class Meta:
        verbose_name = _("rectification")
        verbose_name_plural = _("rectifications")
        ordering = ["-issued_on", "-pk"]
        indexes = [
            models.Index(fields=["unit", "status"]),
            models.Index(fields=["source_type", "source_id"]),
            models.Index(
                fields=["deadline"], condition=~Q(status="passed"), name="open_rectification_deadline"
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(deadline__gte=models.F("issued_on")), name="rectification_deadline_after_issue"
            )
        ]

    def __str__(self) -> str:
        return self.problem[:40]

    def clean(self) -> None:
        if self.deadline and self.issued_on and self.deadline < self.issued_on:
            raise ValidationError({"deadline": _("The deadline cannot be before the day it is issued.")})
        if self.member_id and self.unit_id and self.member.unit_id != self.unit_id:
            raise ValidationError({"member": _("The member is not in this branch.")})

    def move_to(self, status: str) -> None:
        if status not in TRANSITIONS[RectificationStatus(self.status)]:
            raise ValidationError(
                _("A rectification that is %(current)s cannot become %(new)s.")
                % {"current": self.get_status_display(), "new": RectificationStatus(status).label}
            )
        self.status = status

    @property
    def subject(self) -> str:
        """单位/个人 of the ledger."""
        return f"{self.unit.name} {self.member.name}" if self.member_id else self.unit.name

    def is_overdue(self, today: datetime.date | None = None) -> bool:
        return self.status != RectificationStatus.PASSED and self.deadline < (today or timezone.localdate())


class RectificationReplyQuerySet(models.QuerySet):
    def visible_to(self, user) -> RectificationReplyQuerySet:
        return self.filter(rectification__in=Rectification.objects.visible_to(user))


class RectificationReply(models.Model):
    """One written reply (整改措施, 整改结果, evidence files); every version is kept."""

    rectification = models.ForeignKey(
        Rectification, on_delete=models.CASCADE, related_name="replies", verbose_name=_("rectification")
    )
    version = models.PositiveSmallIntegerField(_("version"))
    measures = models.TextField(_("rectification measures"), max_length=TEXT_LIMIT)
    result = models.TextField(_("rectification result"), max_length=TEXT_LIMIT)
    replied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("replied by"),
    )
    replied_at = models.DateTimeField(_("replied at"), default=timezone.now)
    history = HistoricalRecords()

    objects = RectificationReplyQuerySet.as_manager()

    class Meta:
        verbose_name = _("rectification reply")
        verbose_name_plural = _("rectification replies")
        ordering = ["rectification", "version"]
        constraints = [
            models.UniqueConstraint(fields=["rectification", "version"], name="unique_reply_version")
        ]

    def __str__(self) -> str:
        return f"{self.rectification} · {self.version}"


class RectificationCheck(models.Model):
    """复验: one decision on one reply, passed or sent back with a comment and maybe a new deadline."""

    rectification = models.ForeignKey(
        Rectification, on_delete=models.CASCADE, related_name="checks", verbose_name=_("rectification")
    )
    reply = models.OneToOneField(
        RectificationReply, on_delete=models.CASCADE, related_name="decision", verbose_name=_("reply")
    )
    passed = models.BooleanField(_("passed"))
    comment = models.TextField(_("re-check conclusion"), max_length=TEXT_LIMIT, blank=True)
    new_deadline = models.DateField(_("new deadline"), null=True, blank=True)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("re-checked by"),
    )
    checked_at = models.DateTimeField(_("re-checked at"), default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("re-check")
        verbose_name_plural = _("re-checks")
        ordering = ["rectification", "checked_at"]

    def __str__(self) -> str:
        return f"{self.rectification} · {self.checked_at:%Y-%m-%d}"


# ---------------------------------------------------------------------------------------
# Numbered documents: notices and circulars


def short_name(unit: OrgUnit) -> str:
    """中共柳山镇委员会 → 柳山镇: a committee as the titles of its documents name it."""
    if unit.level == Level.COMMITTEE:
        return unit.name.removeprefix("中共").removesuffix("委员会") or unit.name
    return unit.name


def issuer_abbreviation(township: OrgUnit) -> str:
    """The one character a township's documents are numbered with: 中共柳山镇委员会 → 柳."""
    return short_name(township)[:1]


class RectificationNoticeQuerySet(models.QuerySet):
    def visible_to(self, user) -> RectificationNoticeQuerySet:
        return self.filter(subtree_q(user, "unit__path", READ_ROLES))


class RectificationNotice(models.Model):
    """整改通知书 (seed 002 四(二)): one per inspection and branch, numbered per township and year."""

    township = models.ForeignKey(
        OrgUnit, on_delete=models.PROTECT, related_name="+", verbose_name=_("township")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    number = models.PositiveIntegerField(_("number"))
    inspection = models.ForeignKey(
        Inspection, on_delete=models.PROTECT, related_name="notices", verbose_name=_("inspection")
    )
    unit = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="+", verbose_name=_("unit"))
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("issued by"),
    )
    issued_on = models.DateField(_("issued on"))
    history = HistoricalRecords()

    objects = RectificationNoticeQuerySet.as_manager()

    class Meta:
        verbose_name = _("rectification notice")
        verbose_name_plural = _("rectification notices")
        ordering = ["-year", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["township", "year", "number"], name="unique_notice_number"),
            models.UniqueConstraint(fields=["inspection", "unit"], name="one_notice_per_inspection_and_unit"),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return f"{issuer_abbreviation(self.township)}督改〔{self.year}〕{self.number}号"


class CircularStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Awaiting approval")
    RETURNED = "returned", _("Returned")
    APPROVED = "approved", _("Approved")
    ISSUED = "issued", _("Issued")


CIRCULAR_TRANSITIONS = {
    CircularStatus.DRAFT: {CircularStatus.SUBMITTED},
    CircularStatus.RETURNED: {CircularStatus.SUBMITTED},
    CircularStatus.SUBMITTED: {CircularStatus.APPROVED, CircularStatus.RETURNED},
    CircularStatus.APPROVED: {CircularStatus.ISSUED},
    CircularStatus.ISSUED: set(),
}


class CircularQuerySet(models.QuerySet):
    def visible_to(self, user) -> CircularQuerySet:
        """The township's staff read every circular; a branch reads those issued to it."""
        received = CircularReceipt.objects.filter(subtree_q(user, "unit__path", READ_ROLES)).values(
            "circular_id"
        )
        return self.filter(
            subtree_q(user, "township__path", STAFF_ROLES) | Q(status=CircularStatus.ISSUED, pk__in=received)
        )

    def kept_by(self, user) -> CircularQuerySet:
        """Circulars `user` keeps whatever their state: the township's office and the drafting
        group. They edit drafts, issue approved ones and follow who has read them."""
        drafting = Q(group__in=groups_of(user)) & subtree_q(user, "township__path", (Role.INSPECTOR,))
        return self.filter(subtree_q(user, "township__path", MANAGE_ROLES) | drafting)

    def writable_by(self, user) -> CircularQuerySet:
        """Drafts and returned circulars, kept by the office and the drafting group."""
        return self.kept_by(user).filter(status__in=[CircularStatus.DRAFT, CircularStatus.RETURNED])

    def approvable_by(self, user) -> CircularQuerySet:
        """Submitted circulars `user` approves or returns: a seat in the township's leading
        group with its account, and never its own draft."""
        if user is None or user.pk is None or not user.is_active:
            return self.none()
        seat = LeadingGroupMember.objects.filter(unit=OuterRef("township"), user=user)
        return (
            self.filter(status=CircularStatus.SUBMITTED)
            .filter(Exists(seat), subtree_q(user, "township__path", READ_ROLES))
            .exclude(drafted_by=user)
        )

    def issuable_by(self, user) -> CircularQuerySet:
        return self.kept_by(user).filter(status=CircularStatus.APPROVED)

    def acknowledgeable_by(self, user) -> CircularQuerySet:
        """Issued circulars one of `user`'s branches has not yet marked as read."""
        unread = CircularReceipt.objects.filter(branch_q(user, "unit__path"), read_at__isnull=True).values(
            "circular_id"
        )
        return self.filter(status=CircularStatus.ISSUED, pk__in=unread)


class Circular(models.Model):
    """督查通报: drafted by a group for a month, approved by the leading group, issued to the branches."""

    township = models.ForeignKey(
        OrgUnit, on_delete=models.PROTECT, related_name="+", verbose_name=_("township")
    )
    group = models.ForeignKey(
        InspectionGroup,
        on_delete=models.PROTECT,
        related_name="circulars",
        verbose_name=_("inspection group"),
    )
    month = models.DateField(_("month"), help_text=_("The first day of the month it covers."))
    title = models.CharField(_("title"), max_length=100, validators=[plain_text_validator])
    body = models.TextField(_("text"), max_length=TEXT_LIMIT * 10)
    status = models.CharField(
        _("status"), max_length=10, choices=CircularStatus.choices, default=CircularStatus.DRAFT
    )
    drafted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("drafted by"),
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("approved or returned at"), null=True, blank=True)
    return_comment = models.TextField(_("comment"), blank=True)
    year = models.PositiveSmallIntegerField(_("year"), null=True, blank=True)
    number = models.PositiveIntegerField(_("number"), null=True, blank=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    issued_at = models.DateTimeField(_("issued at"), null=True, blank=True)
    history = HistoricalRecords()

    objects = CircularQuerySet.as_manager()

    class Meta:
        verbose_name = _("inspection circular")
        verbose_name_plural = _("inspection circulars")
        ordering = ["-month", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["township", "year", "number"],
                condition=Q(number__isnull=False),
                name="unique_circular_number",
            ),
            models.CheckConstraint(
                condition=~Q(status="issued") | Q(number__isnull=False, issued_at__isnull=False),
                name="issued_circular_has_its_number",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def label(self) -> str:
        if self.number is None:
            return ""
        return f"{issuer_abbreviation(self.township)}督通〔{self.year}〕{self.number}号"

    def move_to(self, status: str) -> None:
        if status not in CIRCULAR_TRANSITIONS[CircularStatus(self.status)]:
            raise ValidationError(
                _("A circular that is %(current)s cannot become %(new)s.")
                % {"current": self.get_status_display(), "new": CircularStatus(status).label}
            )
        self.status = status


class CircularReceipt(models.Model):
    """已阅: a branch's acknowledgement of an issued circular."""

    circular = models.ForeignKey(Circular, on_delete=models.CASCADE, related_name="receipts")
    unit = models.ForeignKey(
        OrgUnit, on_delete=models.PROTECT, related_name="+", verbose_name=_("receiving branch")
    )
    read_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("circular receipt")
        verbose_name_plural = _("circular receipts")
        ordering = ["circular", "unit__path"]
        constraints = [models.UniqueConstraint(fields=["circular", "unit"], name="one_receipt_per_branch")]
        indexes = [models.Index(fields=["unit"], condition=Q(read_at__isnull=True), name="unread_receipts")]

    def __str__(self) -> str:
        return f"{self.circular} · {self.unit}"
