from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from accounts.models import OrgUnit, Role
from accounts.scoping import KEEP_ROLES, MANAGE_ROLES, NOTHING, READ_ROLES, own_q, subtree_q
from accounts.validators import plain_text_validator
from core.periods import validate_period

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


def within_q(user, path_lookup: str) -> Q:
    """Rows of a unit that lies above (or is) a unit `user` reads or belongs to as a member.

    A township's round or campaign concerns every branch below it: a branch's secretary and
    a member read it although their own scope is only their branch.
    """
    if user is None or not user.is_authenticated or not user.is_active or user.pk is None:
        return NOTHING
    if user.is_superuser:
        return subtree_q(user, path_lookup, READ_ROLES)
    paths = set(user.paths_for(*READ_ROLES))
    member = Member.objects.filter(user=user).values_list("unit__path", flat=True).first()
    if member:
        paths.add(member)
    ancestors = set()
    for path in paths:
        codes = path.strip("/").split("/")
        ancestors.update("/" + "/".join(codes[: i + 1]) + "/" for i in range(len(codes)))
    return Q(**{f"{path_lookup}__in": sorted(ancestors)}) | subtree_q(user, path_lookup, READ_ROLES)


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

    def visited_by(self, user) -> LiaisonPointQuerySet:
        """The active points where `user` itself records visits: its own, on branches it reads."""
        return self.active().filter(own_q(user, "leader")).filter(subtree_q(user, "branch__path", READ_ROLES))


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


# ---------------------------------------------------------------------------------------
# Liaison work (seed 000 §二, seed 003 联系点制度): what a leader does at its liaison branches.


class VisitKind(models.TextChoices):
    RESEARCH = "research", _("Research")
    SUPERVISION = "supervision", _("Supervision and inspection")
    GUIDANCE = "guidance", _("Specific guidance")
    ORGANISATION_LIFE = "organisation_life", _("Taking part in organisation life")
    REVIEW = "review", pgettext_lazy("liaison visit", "Review")


class LiaisonVisitQuerySet(models.QuerySet):
    def visible_to(self, user) -> LiaisonVisitQuerySet:
        return self.filter(subtree_q(user, "branch__path", READ_ROLES))

    def writable_by(self, user) -> LiaisonVisitQuerySet:
        """A visit is its leader's record, while it still liaises with the branch."""
        points = LiaisonPoint.objects.active().filter(leader=OuterRef("leader"), branch=OuterRef("branch"))
        return self.filter(own_q(user, "leader"), Exists(points)).filter(
            subtree_q(user, "branch__path", READ_ROLES)
        )

    def confirmable_by(self, user) -> LiaisonVisitQuerySet:
        """The visited branch's secretary confirms the visit or adds a remark."""
        return self.filter(subtree_q(user, "branch__path", (Role.SECRETARY,)))

    def followed_up_by(self, user) -> LiaisonVisitQuerySet:
        """Who marks a visit's follow-ups done: its leader, or the visited branch's secretary."""
        return self.writable_by(user) | self.confirmable_by(user)


class LiaisonVisit(models.Model):
    """A leader's visit to one of its liaison branches: 调查研究, 督促检查, 具体指导 … (seed 000 §二).

    Photos and files are core Attachments; follow-ups are VisitFollowUp rows.
    """

    leader = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="liaison_visits",
        verbose_name=_("leader"),
    )
    branch = models.ForeignKey(
        OrgUnit, on_delete=models.PROTECT, related_name="liaison_visits", verbose_name=_("branch")
    )
    visited_on = models.DateField(_("date of the visit"))
    kind = models.CharField(_("kind of visit"), max_length=20, choices=VisitKind.choices)
    met = models.TextField(_("people met"), max_length=1000, blank=True, validators=[plain_text_validator])
    findings = models.TextField(_("what was found"), max_length=5000, validators=[plain_text_validator])
    solved = models.TextField(
        _("problems helped to solve"), max_length=5000, blank=True, validators=[plain_text_validator]
    )
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("confirmed by"),
    )
    remark = models.TextField(
        _("branch's remark"), max_length=2000, blank=True, validators=[plain_text_validator]
    )
    history = HistoricalRecords()

    objects = LiaisonVisitQuerySet.as_manager()

    class Meta:
        verbose_name = _("liaison visit")
        verbose_name_plural = _("liaison visits")
        ordering = ["-visited_on", "-pk"]
        indexes = [
            models.Index(fields=["branch", "visited_on"]),
            models.Index(fields=["leader", "visited_on"]),
        ]

    def __str__(self) -> str:
        return f"{self.leader} → {self.branch} · {self.visited_on}"


class VisitFollowUp(models.Model):
    """Something a visit left to do, optionally by a deadline (then reminded to the branch)."""

    visit = models.ForeignKey(
        LiaisonVisit, on_delete=models.CASCADE, related_name="follow_ups", verbose_name=_("visit")
    )
    text = models.TextField(_("follow-up"), max_length=2000, validators=[plain_text_validator])
    deadline = models.DateField(_("deadline"), null=True, blank=True)
    done_on = models.DateField(_("done on"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("follow-up")
        verbose_name_plural = _("follow-ups")
        ordering = ["visit", "pk"]

    def __str__(self) -> str:
        return self.text[:40]


class LiaisonSetting(models.Model):
    """The office's rule for its township: a leader with no visit to a liaison branch for this
    many days is flagged on the dashboard."""

    township = models.OneToOneField(
        OrgUnit, on_delete=models.CASCADE, related_name="liaison_setting", verbose_name=_("township")
    )
    visit_gap_days = models.PositiveSmallIntegerField(
        _("days without a visit before a leader is flagged"),
        default=90,
        validators=[MinValueValidator(7), MaxValueValidator(366)],
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("liaison setting")
        verbose_name_plural = _("liaison settings")

    def __str__(self) -> str:
        return str(self.township)


# ---------------------------------------------------------------------------------------
# Joint meetings (联席会议, seed 000 §三): convened by the office, decisions followed up.


class JointMeetingQuerySet(models.QuerySet):
    def visible_to(self, user) -> JointMeetingQuerySet:
        """The township's readers, the meeting's attendees, and whoever reads a decision of it
        (the responsible branch's secretary, the responsible person)."""
        invited = JointMeeting.attendees.through.objects.filter(
            own_q(user, "user"), jointmeeting=OuterRef("pk")
        )
        concerned = MeetingDecision.objects.filter(
            subtree_q(user, "unit__path", READ_ROLES) | own_q(user, "person"), meeting=OuterRef("pk")
        )
        return self.filter(
            subtree_q(user, "township__path", READ_ROLES) | Exists(invited) | Exists(concerned)
        )

    def writable_by(self, user) -> JointMeetingQuerySet:
        return self.filter(subtree_q(user, "township__path", MANAGE_ROLES))


class JointMeeting(models.Model):
    """A 联席会议: the leading group and the branches' responsible persons, convened by the office."""

    township = models.ForeignKey(
        OrgUnit, on_delete=models.PROTECT, related_name="joint_meetings", verbose_name=_("township")
    )
    held_at = models.DateTimeField(_("date and time"))
    place = models.CharField(_("place"), max_length=100, validators=[plain_text_validator])
    topic = models.CharField(_("topic"), max_length=200, validators=[plain_text_validator])
    agenda = models.TextField(_("agenda"), max_length=5000, blank=True, validators=[plain_text_validator])
    attendees = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="joint_meetings",
        verbose_name=_("attendees with an account"),
    )
    other_attendees = models.TextField(
        _("other attendees"),
        max_length=1000,
        blank=True,
        validators=[plain_text_validator],
        help_text=_("Names, separated by 、"),
    )
    # 纪要: written after the meeting (files are core Attachments of the meeting).
    minutes = models.TextField(_("minutes"), max_length=20000, blank=True, validators=[plain_text_validator])
    minutes_at = models.DateTimeField(_("minutes written at"), null=True, blank=True)
    convened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("convened by"),
    )
    history = HistoricalRecords()

    objects = JointMeetingQuerySet.as_manager()

    class Meta:
        verbose_name = _("joint meeting")
        verbose_name_plural = _("joint meetings")
        ordering = ["-held_at"]

    def __str__(self) -> str:
        return self.topic


class MeetingDecisionQuerySet(models.QuerySet):
    def visible_to(self, user) -> MeetingDecisionQuerySet:
        """The township's readers; the responsible branch's readers and the responsible person."""
        return self.filter(
            subtree_q(user, "meeting__township__path", READ_ROLES)
            | subtree_q(user, "unit__path", READ_ROLES)
            | own_q(user, "person")
        )

    def open(self) -> MeetingDecisionQuerySet:
        return self.filter(done_on__isnull=True)

    def writable_by(self, user) -> MeetingDecisionQuerySet:
        return self.filter(subtree_q(user, "meeting__township__path", MANAGE_ROLES))

    def reportable_by(self, user) -> MeetingDecisionQuerySet:
        """Who reports a decision done: the responsible unit's secretary, the person, the office."""
        return self.filter(
            subtree_q(user, "unit__path", KEEP_ROLES)
            | own_q(user, "person")
            | subtree_q(user, "meeting__township__path", MANAGE_ROLES)
        )


class MeetingDecision(models.Model):
    """A decision of a joint meeting: an action item with a responsible unit or person and a
    deadline, reminded until it is reported done (ADR 0010: lighter than a rectification)."""

    meeting = models.ForeignKey(
        JointMeeting, on_delete=models.CASCADE, related_name="decisions", verbose_name=_("meeting")
    )
    text = models.TextField(_("decision"), max_length=2000, validators=[plain_text_validator])
    unit = models.ForeignKey(
        OrgUnit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="meeting_decisions",
        verbose_name=_("responsible unit"),
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="meeting_decisions",
        verbose_name=_("responsible person"),
    )
    deadline = models.DateField(_("deadline"))
    done_on = models.DateField(_("done on"), null=True, blank=True)
    done_note = models.TextField(
        _("how it was done"), max_length=2000, blank=True, validators=[plain_text_validator]
    )
    history = HistoricalRecords()

    objects = MeetingDecisionQuerySet.as_manager()

    class Meta:
        verbose_name = _("meeting decision")
        verbose_name_plural = _("meeting decisions")
        ordering = ["meeting", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(unit__isnull=False) | Q(person__isnull=False), name="decision_has_a_responsible"
            )
        ]

    def __str__(self) -> str:
        return self.text[:40]


# ---------------------------------------------------------------------------------------
# The period summary (活动总结, seed 000 §五.5).


class PeriodSummaryQuerySet(models.QuerySet):
    def visible_to(self, user) -> PeriodSummaryQuerySet:
        """The branch's readers; its members (those of its 党小组 too) once published."""
        member = Member.objects.filter(own_q(user, "user")).filter(
            Q(unit=OuterRef("unit")) | Q(unit__parent=OuterRef("unit"))
        )
        published = Q(published_on__isnull=False) & Exists(member)
        return self.filter(subtree_q(user, "unit__path", READ_ROLES) | published)

    def writable_by(self, user) -> PeriodSummaryQuerySet:
        return self.filter(subtree_q(user, "unit__path", KEEP_ROLES))

    def publishable_by(self, user) -> PeriodSummaryQuerySet:
        return self.filter(subtree_q(user, "unit__path", MANAGE_ROLES))


class PeriodSummary(models.Model):
    """A branch's summary of a period's work: what it did, what worked, what it learnt, problems
    to watch; attachments are core Attachments. Due by the period's filing day."""

    unit = models.ForeignKey(
        OrgUnit, on_delete=models.PROTECT, related_name="period_summaries", verbose_name=_("branch")
    )
    period = models.CharField(_("period"), max_length=6, validators=[validate_period])
    done = models.TextField(_("what was done"), max_length=10000, validators=[plain_text_validator])
    worked = models.TextField(
        _("what worked"), max_length=5000, blank=True, validators=[plain_text_validator]
    )
    learnt = models.TextField(
        _("lessons learnt"), max_length=5000, blank=True, validators=[plain_text_validator]
    )
    watch = models.TextField(
        _("problems to watch"), max_length=5000, blank=True, validators=[plain_text_validator]
    )
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("filed by"),
    )
    filed_at = models.DateTimeField(_("filed at"), default=timezone.now)
    published_on = models.DateField(_("published on"), null=True, blank=True)
    history = HistoricalRecords()

    objects = PeriodSummaryQuerySet.as_manager()

    class Meta:
        verbose_name = _("period summary")
        verbose_name_plural = _("period summaries")
        ordering = ["-period", "unit__path"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "period"],
                name="one_summary_per_period",
                violation_error_message=_("This branch has already filed its summary of this period."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.unit} · {self.period}"
