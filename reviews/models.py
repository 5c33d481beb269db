"""领导点评 and 群众评议: review rounds with their sheets, work reports and self-assessments;
evaluation campaigns with their subjects, paper tallies, one-time ballot codes and votes.

Scoping follows the other apps (ADR 0001, 0004). A round or a campaign belongs to a unit
(the township that opened it, or a branch running its own campaign) and is read by whoever
reads that unit or a branch below it. A sheet is written only by its reviewer while it is a
draft: a liaison leader for its active liaison branches and their secretaries, a branch's
secretary for the members of its branch. Both end in rectifications, opened through the
inspections app's `open_rectification` (sources `reviews.review` and
`reviews.evaluationsubject`).
"""

from __future__ import annotations

import datetime
import itertools
import secrets
from fractions import Fraction

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from accounts.models import OrgUnit, Role
from accounts.scoping import KEEP_ROLES, MANAGE_ROLES, NOTHING, READ_ROLES, own_q, subtree_q
from accounts.validators import plain_text_validator
from branches.models import LeadingGroupMember, LiaisonPoint, Member, within_q
from core.dates import long_date
from core.periods import Period, validate_period

TEXT_LIMIT = 5000
STAFF_ROLES = (Role.OFFICE, Role.LEADER, Role.INSPECTOR)


def secretary_q(user, path_lookup: str) -> Q:
    """Rows of the branches `user` is secretary of: really assigned (a superuser is no branch)."""
    if user is None or getattr(user, "is_superuser", False):
        return NOTHING
    return subtree_q(user, path_lookup, (Role.SECRETARY,))


# ---------------------------------------------------------------------------------------
# Leader reviews


class ReviewRoundQuerySet(models.QuerySet):
    def visible_to(self, user) -> ReviewRoundQuerySet:
        return self.filter(within_q(user, "township__path"))

    def writable_by(self, user) -> ReviewRoundQuerySet:
        """The office of the township: opens, compiles and publishes the round."""
        return self.filter(subtree_q(user, "township__path", MANAGE_ROLES))


class ReviewRound(models.Model):
    """A half-year's (or year's) round of leader reviews in a township (seed 002: every half-year)."""

    township = models.ForeignKey(
        OrgUnit, on_delete=models.PROTECT, related_name="review_rounds", verbose_name=_("township")
    )
    period = models.CharField(_("period"), max_length=6, validators=[validate_period])
    ends_on = models.DateField(_("reviews due by"))
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("opened by"),
    )
    opened_at = models.DateTimeField(_("opened at"), default=timezone.now)
    # 整理公开: the office's compilation of the signed reviews, published to the branches.
    compilation = models.TextField(_("compilation"), max_length=TEXT_LIMIT * 4, blank=True)
    published_on = models.DateField(_("published on"), null=True, blank=True)
    history = HistoricalRecords()

    objects = ReviewRoundQuerySet.as_manager()

    class Meta:
        verbose_name = _("review round")
        verbose_name_plural = _("review rounds")
        ordering = ["-period", "township"]
        constraints = [
            models.UniqueConstraint(
                fields=["township", "period"],
                name="unique_review_round",
                violation_error_message=_("This township already has a review round for this period."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.township} · {self.period_obj.wording}"

    @property
    def period_obj(self) -> Period:
        return Period.parse(self.period)


class ReviewKind(models.TextChoices):
    BRANCH = "branch", _("Leader reviews the branch")
    SECRETARY = "secretary", _("Leader reviews the branch secretary")
    MEMBER = "member", _("Secretary reviews a member")


# The four aspects of seed 004 for a Party organisation and for a Party member.
BRANCH_ASPECTS = (
    _(
        "Organising the campaign: studying and practising the scientific outlook on development, "
        "pushing the unit's work and key tasks forward"
    ),
    _("Making public commitments and keeping them"),
    _("Promoting social harmony, serving the people and doing practical things for them"),
    _(
        "Managing the Party: solving the problems that hold back Party building, building a "
        "'five goods' organisation and acting as a fighting bastion"
    ),
)
MEMBER_ASPECTS = (
    _(
        "Taking part in the campaign and excelling at one's own post, "
        "above all in urgent, hard and dangerous tasks"
    ),
    _("Making public commitments and living up to them"),
    _("Doing practical and good things for the people, serving them"),
    _("Fulfilling the duties of the Party constitution and setting an example in one's unit"),
)


class ReviewMethod(models.TextChoices):
    CONCENTRATED = "concentrated", _("Collective review")
    INDIVIDUAL = "individual", _("Individual review")
    ON_SITE = "on_site", _("On-site review")
    RANDOM = "random", _("Random review")
    TALK = "talk", _("Review in a talk")


class ReviewStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SIGNED = "signed", _("Signed")


def liaison_q(user, unit_lookup: str) -> Q:
    """Rows of the branches `user` holds an active liaison point of, while it still reads them."""
    if user is None or user.pk is None or not user.is_authenticated or not user.is_active:
        return NOTHING
    points = LiaisonPoint.objects.active().filter(leader=user, branch=OuterRef(unit_lookup))
    return Q(Exists(points)) & subtree_q(user, f"{unit_lookup}__path", (Role.LEADER,))


class ReviewQuerySet(models.QuerySet):
    def visible_to(self, user) -> ReviewQuerySet:
        """Drafts: their reviewer and the office. Signed: the township, the branch, the member itself."""
        signed = Q(status=ReviewStatus.SIGNED) & (
            subtree_q(user, "unit__path", READ_ROLES) | own_q(user, "member__user")
        )
        drafts = subtree_q(user, "unit__path", MANAGE_ROLES) | (
            own_q(user, "reviewer") & subtree_q(user, "unit__path", READ_ROLES)
        )
        return self.filter(signed | drafts)

    def writable_by(self, user) -> ReviewQuerySet:
        """Drafts `user` reviews now: a leader its liaison branches and their secretaries,
        a secretary the members of its branch."""
        leader = Q(kind__in=[ReviewKind.BRANCH, ReviewKind.SECRETARY]) & liaison_q(user, "unit")
        secretary = Q(kind=ReviewKind.MEMBER) & secretary_q(user, "unit__path")
        return self.filter(own_q(user, "reviewer"), status=ReviewStatus.DRAFT).filter(leader | secretary)

    signable_by = writable_by


class Review(models.Model):
    """A review sheet (附件四 for a branch and its secretary, 附件五 for a member)."""

    round = models.ForeignKey(
        ReviewRound, on_delete=models.PROTECT, related_name="reviews", verbose_name=_("round")
    )
    kind = models.CharField(_("kind of review"), max_length=10, choices=ReviewKind.choices)
    unit = models.ForeignKey(
        OrgUnit, on_delete=models.PROTECT, related_name="reviews", verbose_name=_("branch")
    )
    # The secretary's or the member's own record; none for a review of the branch itself.
    member = models.ForeignKey(
        Member,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reviews",
        verbose_name=_("party member"),
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="reviews_written",
        verbose_name=_("reviewer"),
    )
    reviewed_on = models.DateField(_("date of the review"), null=True, blank=True)
    method = models.CharField(_("method of review"), max_length=12, choices=ReviewMethod.choices, blank=True)
    meeting_on = models.DateField(_("meeting date"), null=True, blank=True)
    meeting_place = models.CharField(
        _("meeting place"), max_length=100, blank=True, validators=[plain_text_validator]
    )
    attendees = models.TextField(
        _("attendees"), max_length=1000, blank=True, validators=[plain_text_validator]
    )
    public_representatives = models.TextField(
        _("invited representatives of the public"),
        max_length=1000,
        blank=True,
        validators=[plain_text_validator],
        help_text=_("Names, separated by 、"),
    )
    aspect_1 = models.TextField(max_length=TEXT_LIMIT, blank=True)
    aspect_2 = models.TextField(max_length=TEXT_LIMIT, blank=True)
    aspect_3 = models.TextField(max_length=TEXT_LIMIT, blank=True)
    aspect_4 = models.TextField(max_length=TEXT_LIMIT, blank=True)
    achievements = models.TextField(_("achievements affirmed"), max_length=TEXT_LIMIT, blank=True)
    problems = models.TextField(_("problems pointed out"), max_length=TEXT_LIMIT, blank=True)
    direction = models.TextField(_("direction of effort"), max_length=TEXT_LIMIT, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=ReviewStatus.choices, default=ReviewStatus.DRAFT
    )
    signed_at = models.DateTimeField(_("signed at"), null=True, blank=True)
    history = HistoricalRecords()

    objects = ReviewQuerySet.as_manager()

    class Meta:
        verbose_name = _("review sheet")
        verbose_name_plural = _("review sheets")
        ordering = ["round", "unit__path", "kind", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "kind", "unit"],
                condition=Q(member__isnull=True),
                name="one_branch_review_per_round",
                violation_error_message=_("This branch already has this review in the round."),
            ),
            models.UniqueConstraint(
                fields=["round", "kind", "member"],
                condition=Q(member__isnull=False),
                name="one_member_review_per_round",
                violation_error_message=_("This person already has this review in the round."),
            ),
            models.CheckConstraint(
                condition=Q(kind="branch", member__isnull=True)
                | (~Q(kind="branch") & Q(member__isnull=False)),
                name="review_subject_matches_kind",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.subject} · {self.round.period}"

    @property
    def subject(self) -> str:
        return f"{self.unit.name} {self.member.name}" if self.member_id else self.unit.name

    @property
    def aspect_labels(self) -> tuple:
        return BRANCH_ASPECTS if self.kind == ReviewKind.BRANCH else MEMBER_ASPECTS

    @property
    def aspects(self) -> list[tuple[str, str]]:
        """(aspect of seed 004, the comment on it), in order."""
        texts = (self.aspect_1, self.aspect_2, self.aspect_3, self.aspect_4)
        return list(zip(self.aspect_labels, texts, strict=True))

    def clean(self) -> None:
        if self.member_id and self.unit_id and self.member.unit_id != self.unit_id:
            raise ValidationError({"member": _("The member is not in this branch.")})
        if self.kind == ReviewKind.SECRETARY and self.member_id and self.member.position != "secretary":
            raise ValidationError({"member": _("Only the branch's secretary is reviewed with the branch.")})


class ReviewDemandQuerySet(models.QuerySet):
    def visible_to(self, user) -> ReviewDemandQuerySet:
        return self.filter(review__in=Review.objects.visible_to(user))


class ReviewDemand(models.Model):
    """A rectification demand written on a sheet: opened as a rectification when the sheet is signed."""

    review = models.ForeignKey(
        Review, on_delete=models.CASCADE, related_name="demands", verbose_name=_("review")
    )
    problem = models.TextField(_("problem"), max_length=TEXT_LIMIT)
    demand = models.TextField(_("rectification demand"), max_length=TEXT_LIMIT)
    deadline = models.DateField(_("rectification deadline"))
    rectification = models.OneToOneField(
        "inspections.Rectification",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("rectification"),
    )
    history = HistoricalRecords()

    objects = ReviewDemandQuerySet.as_manager()

    class Meta:
        verbose_name = _("rectification demand")
        verbose_name_plural = _("rectification demands")
        ordering = ["review", "pk"]

    def __str__(self) -> str:
        return self.problem[:40]


class WorkReportQuerySet(models.QuerySet):
    def visible_to(self, user) -> WorkReportQuerySet:
        return self.filter(subtree_q(user, "unit__path", READ_ROLES) | own_q(user, "member__user"))

    def writable_by(self, user) -> WorkReportQuerySet:
        """A branch's report: its secretary (or the office); a member's: the member itself."""
        branch = Q(member__isnull=True) & subtree_q(user, "unit__path", KEEP_ROLES)
        return self.filter(branch | own_q(user, "member__user"))


class WorkReport(models.Model):
    """汇报材料 (seed 000 §四 step 2): what the branch or the member reports before the review."""

    round = models.ForeignKey(
        ReviewRound, on_delete=models.PROTECT, related_name="work_reports", verbose_name=_("round")
    )
    unit = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="+", verbose_name=_("branch"))
    member = models.ForeignKey(
        Member,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("party member"),
    )
    text = models.TextField(_("work report"), max_length=TEXT_LIMIT * 2, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("submitted by"),
    )
    submitted_at = models.DateTimeField(_("submitted at"), default=timezone.now)
    history = HistoricalRecords()

    objects = WorkReportQuerySet.as_manager()

    class Meta:
        verbose_name = _("work report")
        verbose_name_plural = _("work reports")
        constraints = [
            models.UniqueConstraint(
                fields=["round", "unit"], condition=Q(member__isnull=True), name="one_branch_work_report"
            ),
            models.UniqueConstraint(
                fields=["round", "member"], condition=Q(member__isnull=False), name="one_member_work_report"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member or self.unit} · {self.round.period}"


# 五带头 (seed 001): what a member's self-assessment answers to.
FIVE_EXAMPLES = (
    _("Taking the lead in study"),
    _("Taking the lead in excellent work"),
    _("Taking the lead in serving the people"),
    _("Taking the lead in obeying the law and discipline"),
    _("Taking the lead in upholding what is right"),
)


class SelfAssessmentQuerySet(models.QuerySet):
    def visible_to(self, user) -> SelfAssessmentQuerySet:
        return self.filter(subtree_q(user, "member__unit__path", READ_ROLES) | own_q(user, "member__user"))

    def writable_by(self, user) -> SelfAssessmentQuerySet:
        return self.filter(own_q(user, "member__user"))


class SelfAssessment(models.Model):
    """党员自评 (seed 002): a member's own account of the half-year against 五带头."""

    round = models.ForeignKey(
        ReviewRound, on_delete=models.PROTECT, related_name="self_assessments", verbose_name=_("round")
    )
    member = models.ForeignKey(
        Member, on_delete=models.PROTECT, related_name="self_assessments", verbose_name=_("party member")
    )
    example_1 = models.TextField(max_length=TEXT_LIMIT, blank=True)
    example_2 = models.TextField(max_length=TEXT_LIMIT, blank=True)
    example_3 = models.TextField(max_length=TEXT_LIMIT, blank=True)
    example_4 = models.TextField(max_length=TEXT_LIMIT, blank=True)
    example_5 = models.TextField(max_length=TEXT_LIMIT, blank=True)
    shortcomings = models.TextField(_("shortcomings and direction"), max_length=TEXT_LIMIT, blank=True)
    written_at = models.DateTimeField(_("written at"), default=timezone.now)
    history = HistoricalRecords()

    objects = SelfAssessmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("self-assessment")
        verbose_name_plural = _("self-assessments")
        constraints = [models.UniqueConstraint(fields=["round", "member"], name="one_self_assessment")]

    def __str__(self) -> str:
        return f"{self.member} · {self.round.period}"

    @property
    def examples(self) -> list[tuple[str, str]]:
        texts = (self.example_1, self.example_2, self.example_3, self.example_4, self.example_5)
        return list(zip(FIVE_EXAMPLES, texts, strict=True))


# ---------------------------------------------------------------------------------------
# Mass evaluations

# What the masses evaluate (seed 002), shown on the ballot and the campaign page.
BRANCH_ITEMS = (
    _("Completion of the unit's central work and key tasks"),
    _("Making and keeping commitments"),
    _("Doing practical and good things for the people and solving their difficulties"),
    _("Rectification of outstanding problems"),
    _("Building the Party organisation and its members"),
)
MEMBER_ITEMS = (
    _("Fulfilling the duties of one's post"),
    _("Making and keeping commitments"),
    _("Keeping in touch with and serving the people"),
    _("Work style, integrity and self-discipline"),
)
DEFAULT_THRESHOLD = Fraction(4, 5)  # seed 000 §五: below 80 % satisfaction, rectify
TWO_THIRDS = Fraction(2, 3)  # seed 003: below two thirds, 补课
LOWEST_THRESHOLD = Fraction(1, 2)


def new_public_token() -> str:
    """The campaign's public ballot link: unguessable, so campaigns cannot be walked by id."""
    return secrets.token_urlsafe(12)


class CampaignStatus(models.TextChoices):
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")


class CampaignQuerySet(models.QuerySet):
    def visible_to(self, user) -> CampaignQuerySet:
        """The organiser's readers, the branches evaluated (their secretaries), and a member
        evaluated in it once the results are published."""
        branches = CampaignBranch.objects.filter(campaign=OuterRef("pk")).filter(
            subtree_q(user, "unit__path", READ_ROLES)
        )
        own = EvaluationSubject.objects.filter(campaign=OuterRef("pk")).filter(own_q(user, "member__user"))
        return self.filter(
            subtree_q(user, "unit__path", READ_ROLES)
            | Q(Exists(branches))
            | (Q(published_on__isnull=False) & Q(Exists(own)))
        )

    def writable_by(self, user) -> CampaignQuerySet:
        """Who runs it: the office for a township's campaign, the branch's secretary for its own."""
        return self.filter(subtree_q(user, "unit__path", KEEP_ROLES))

    closable_by = writable_by

    def publishable_by(self, user) -> CampaignQuerySet:
        """整理通报: the office publishes the results to the branches."""
        return self.filter(subtree_q(user, "unit__path", MANAGE_ROLES), status=CampaignStatus.CLOSED)


class Campaign(models.Model):
    """A 群众评议 campaign of a period for a set of branches and their members."""

    unit = models.ForeignKey(
        OrgUnit,
        on_delete=models.PROTECT,
        related_name="campaigns",
        verbose_name=_("organised by"),
        help_text=_("The township, or a branch running its own evaluation."),
    )
    period = models.CharField(_("period"), max_length=6, validators=[validate_period])
    title = models.CharField(_("title"), max_length=100, validators=[plain_text_validator])
    opens_on = models.DateField(_("opens on"))
    closes_on = models.DateField(_("closes on"))
    # The pass mark as an exact fraction: 4/5 (80 %), 2/3, or a whole percentage from 50 to 100.
    threshold_numerator = models.PositiveSmallIntegerField(_("threshold numerator"), default=4)
    threshold_denominator = models.PositiveSmallIntegerField(_("threshold denominator"), default=5)
    status = models.CharField(
        _("status"), max_length=10, choices=CampaignStatus.choices, default=CampaignStatus.OPEN
    )
    public_token = models.CharField(max_length=24, unique=True, default=new_public_token, editable=False)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    published_on = models.DateField(_("results published on"), null=True, blank=True)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("opened by"),
    )
    created_at = models.DateTimeField(default=timezone.now)
    history = HistoricalRecords(excluded_fields=["created_at"])

    objects = CampaignQuerySet.as_manager()

    class Meta:
        verbose_name = _("mass evaluation")
        verbose_name_plural = _("mass evaluations")
        ordering = ["-opens_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_on__gte=models.F("opens_on")), name="campaign_closes_after_open"
            ),
            models.CheckConstraint(
                condition=Q(threshold_denominator__gt=0)
                & Q(threshold_numerator__lte=models.F("threshold_denominator"))
                & Q(threshold_numerator__gte=models.F("threshold_denominator") / 2.0),
                name="campaign_threshold_50_to_100",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def period_obj(self) -> Period:
        return Period.parse(self.period)

    @property
    def threshold(self) -> Fraction:
        return Fraction(self.threshold_numerator, self.threshold_denominator)

    @property
    def threshold_label(self) -> str:
        if self.threshold == TWO_THIRDS:
            return "2/3"
        return f"{float(self.threshold) * 100:g}%"

    def passes(self, satisfied: int, valid: int) -> bool:
        """Exactly at the threshold passes: compared in whole numbers, never in floating point."""
        return satisfied * self.threshold_denominator >= self.threshold_numerator * valid

    def accepts_ballots(self, today: datetime.date | None = None) -> bool:
        today = today or timezone.localdate()
        return self.status == CampaignStatus.OPEN and self.opens_on <= today <= self.closes_on

    def clean(self) -> None:
        if self.opens_on and self.closes_on and self.closes_on < self.opens_on:
            raise ValidationError({"closes_on": _("The campaign cannot close before it opens.")})
        if self.threshold_denominator and not LOWEST_THRESHOLD <= self.threshold <= 1:
            raise ValidationError(_("The threshold must lie between 50 % and 100 %."))


class CampaignBranch(models.Model):
    """A branch evaluated in a campaign (with its members)."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="branches")
    unit = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="+", verbose_name=_("branch"))

    class Meta:
        constraints = [models.UniqueConstraint(fields=["campaign", "unit"], name="unique_campaign_branch")]

    def __str__(self) -> str:
        return f"{self.campaign} · {self.unit}"


class EvaluationSubjectQuerySet(models.QuerySet):
    def visible_to(self, user) -> EvaluationSubjectQuerySet:
        """Who reads the organiser reads every subject; a branch its own and its members';
        a member its own result once published."""
        return self.filter(
            subtree_q(user, "campaign__unit__path", READ_ROLES)
            | subtree_q(user, "unit__path", READ_ROLES)
            | (Q(campaign__published_on__isnull=False) & own_q(user, "member__user"))
        )

    def tallied_by(self, user) -> EvaluationSubjectQuerySet:
        """Subjects whose paper tallies `user` enters: the branch's secretary, or who runs the campaign,
        while the campaign is open."""
        return self.filter(campaign__status=CampaignStatus.OPEN).filter(
            secretary_q(user, "unit__path") | Q(campaign__in=Campaign.objects.writable_by(user))
        )


class EvaluationSubject(models.Model):
    """A branch or a member evaluated in a campaign, and its result once the campaign closed."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="subjects")
    unit = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="+", verbose_name=_("branch"))
    member = models.ForeignKey(
        Member,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="evaluations",
        verbose_name=_("party member"),
    )
    # Paper tallies (entered by the secretary): ballots handed out, returned and valid, and the counts.
    handed_out = models.PositiveIntegerField(_("ballots handed out"), default=0)
    returned = models.PositiveIntegerField(_("ballots returned"), default=0)
    paper_valid = models.PositiveIntegerField(_("valid ballots"), default=0)
    paper_satisfied = models.PositiveIntegerField(_("satisfied"), default=0)
    paper_basic = models.PositiveIntegerField(_("basically satisfied"), default=0)
    paper_unsatisfied = models.PositiveIntegerField(_("unsatisfied"), default=0)
    paper_opinions = models.TextField(_("opinions and suggestions"), max_length=TEXT_LIMIT, blank=True)
    tallied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    tallied_at = models.DateTimeField(null=True, blank=True)
    # Fixed when the campaign closes: paper and online ballots together.
    valid = models.PositiveIntegerField(_("valid ballots"), null=True, blank=True)
    satisfied = models.PositiveIntegerField(_("satisfied"), null=True, blank=True)
    basic = models.PositiveIntegerField(_("basically satisfied"), null=True, blank=True)
    unsatisfied = models.PositiveIntegerField(_("unsatisfied"), null=True, blank=True)
    passed = models.BooleanField(_("passed"), null=True, blank=True)
    rectification = models.OneToOneField(
        "inspections.Rectification",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("rectification"),
    )
    history = HistoricalRecords()

    objects = EvaluationSubjectQuerySet.as_manager()

    class Meta:
        verbose_name = _("evaluation subject")
        verbose_name_plural = _("evaluation subjects")
        ordering = ["campaign", "unit__path", "member__name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "unit"], condition=Q(member__isnull=True), name="one_branch_subject"
            ),
            models.UniqueConstraint(
                fields=["campaign", "member"], condition=Q(member__isnull=False), name="one_member_subject"
            ),
            # 发出 ≥ 收回 ≥ 有效 = 满意 + 基本满意 + 不满意
            models.CheckConstraint(
                condition=Q(returned__lte=models.F("handed_out"))
                & Q(paper_valid__lte=models.F("returned"))
                & Q(
                    paper_valid=models.F("paper_satisfied")
                    + models.F("paper_basic")
                    + models.F("paper_unsatisfied")
                ),
                name="paper_tally_adds_up",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit.name} {self.member.name}" if self.member_id else self.unit.name

    @property
    def subject(self) -> str:
        return str(self)

    @property
    def satisfaction(self) -> Fraction | None:
        """(满意 + 基本满意) ÷ 有效票, once counted."""
        if not self.valid:
            return None
        return Fraction(self.satisfied + self.basic, self.valid)

    def clean(self) -> None:
        if self.returned > self.handed_out:
            raise ValidationError({"returned": _("More ballots returned than handed out.")})
        if self.paper_valid > self.returned:
            raise ValidationError({"paper_valid": _("More valid ballots than returned.")})
        if self.paper_satisfied + self.paper_basic + self.paper_unsatisfied != self.paper_valid:
            # On a field: the check constraint restating the rule is then not reported a second time.
            raise ValidationError(
                {"paper_valid": _("满意, 基本满意 and 不满意 must add up to the valid ballots.")}
            )


class BallotCode(models.Model):
    """A one-time code handed out on paper: one code, one ballot. It is never linked to the vote."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="codes")
    code = models.CharField(max_length=16, unique=True)
    used_on = models.DateField(null=True, blank=True)

    class Meta:
        verbose_name = _("ballot code")
        verbose_name_plural = _("ballot codes")
        ordering = ["campaign", "pk"]

    def __str__(self) -> str:
        return self.code


class Choice(models.TextChoices):
    SATISFIED = "satisfied", _("Satisfied")
    BASIC = "basic", _("Basically satisfied")
    UNSATISFIED = "unsatisfied", _("Unsatisfied")


class Vote(models.Model):
    """One online ballot's mark on one subject: no account, no address, only the day."""

    subject = models.ForeignKey(EvaluationSubject, on_delete=models.CASCADE, related_name="votes")
    choice = models.CharField(max_length=12, choices=Choice.choices)
    opinion = models.TextField(_("opinions and suggestions"), max_length=1000, blank=True)
    cast_on = models.DateField()

    class Meta:
        verbose_name = _("vote")
        verbose_name_plural = _("votes")
        indexes = [models.Index(fields=["subject", "choice"])]

    def __str__(self) -> str:
        return f"{self.subject} · {self.get_choice_display()}"


# ---------------------------------------------------------------------------------------
# 创建基层党组织建设先进单位 (seed 001): the yearly creation round, its filings, the four-step
# assessment, the titles conferred and revoked, and the 优秀共产党员 nominations.


class CreationStatus(models.TextChoices):
    """The round's steps (seed 001 三): filing, assessing (自检自查 closes when the office starts
    统一考核), summarised (综合评价 and 工作总结 done, 审验 and 检查核实 by the office), submitted
    to a leading-group leader, approved (titles and commendations conferred)."""

    FILING = "filing", _("Plans and materials being filed")
    ASSESSING = "assessing", _("Being assessed")
    SUMMARISED = "summarised", _("Summarised, under verification")
    SUBMITTED = "submitted", _("Submitted for approval")
    APPROVED = "approved", _("Approved and commended")


DATE_ORDER = (
    "plan_due",
    "progress_1_due",
    "progress_2_due",
    "materials_due",
    "assessment_starts",
    "assessment_ends",
    "commendation_on",
)


def creation_dates(year: int) -> dict[str, datetime.date]:
    """Seed 001's dates for the round that assesses in May of `year`: the plan by 8月25日 of
    the year before, progress reported each half-year, materials by early May, checking in
    mid and late May, commendation before 七·一."""
    return {
        "plan_due": datetime.date(year - 1, 8, 25),
        "progress_1_due": datetime.date(year - 1, 12, 31),
        "progress_2_due": datetime.date(year, 4, 30),
        "materials_due": datetime.date(year, 5, 5),
        "assessment_starts": datetime.date(year, 5, 15),
        "assessment_ends": datetime.date(year, 5, 31),
        "commendation_on": datetime.date(year, 6, 30),
    }


# The criteria of seed 001 二 scored at 自检自查 and 统一考核, grouped by goal; 五个好 (seed 001
# 二(三)1) is its own group. Codes are stored with the scores: never renumber them.
CREATION_GOALS = (
    (
        "leadership",
        _("A strong and capable leading team"),
        (
            ("leadership_execution", _("Strong in carrying out decisions")),
            ("leadership_innovation", _("Strong in innovation")),
            ("leadership_cohesion", _("Strong in cohesion")),
        ),
    ),
    (
        "responsibility",
        _("Party-building responsibilities fully in place"),
        (
            ("responsibility_ranks", _("Strong basic ranks")),
            ("responsibility_venues", _("Sound basic venues")),
            ("responsibility_systems", _("Complete basic systems")),
            ("responsibility_vehicles", _("Effective basic vehicles")),
            ("responsibility_support", _("Strong basic support")),
        ),
    ),
    (
        "role",
        _("The grass-roots organisation plays an outstanding role"),
        (
            ("role_bastion", _("The branch as a fighting bastion")),
            ("role_vanguard", _("Members as vanguards and models (five examples)")),
        ),
    ),
    (
        "development",
        _("Marked results in scientific development"),
        (
            ("development_economy", _("Economic development")),
            ("development_harmony", _("Social harmony and stability")),
            ("development_satisfaction", _("The people satisfied")),
        ),
    ),
    (
        "five_goods",
        _("Five goods"),
        (
            ("good_leadership", _("A good leading team")),
            ("good_members", _("Good party members")),
            ("good_mechanisms", _("Good working mechanisms")),
            ("good_results", _("Good work results")),
            ("good_reputation", _("A good name among the people")),
        ),
    ),
)
CRITERIA = {code: label for _goal, _label, items in CREATION_GOALS for code, label in items}
GOAL_OF = {code: goal for goal, _label, items in CREATION_GOALS for code, _item in items}
SCORE_MAX = 10  # each criterion is scored 0–10


def default_weights() -> dict[str, int]:
    return {"leadership": 20, "responsibility": 25, "role": 25, "development": 10, "five_goods": 20}


# Which moves a round may make; who may make them are the queryset's questions. A returned
# round goes back to SUMMARISED, where the office may still correct scores and the summary.
CREATION_TRANSITIONS = {
    CreationStatus.FILING: {CreationStatus.ASSESSING},
    CreationStatus.ASSESSING: {CreationStatus.SUMMARISED},
    CreationStatus.SUMMARISED: {CreationStatus.SUBMITTED},
    CreationStatus.SUBMITTED: {CreationStatus.APPROVED, CreationStatus.SUMMARISED},
    CreationStatus.APPROVED: set(),
}
# While the office scores and concludes (统一考核, 综合评价): until the round is submitted.
SCORING_STATUSES = (CreationStatus.ASSESSING, CreationStatus.SUMMARISED)
# While a branch files and amends its plan, progress reports and materials.
FILING_STATUSES = (CreationStatus.FILING, CreationStatus.ASSESSING)


class CreationRoundQuerySet(models.QuerySet):
    def visible_to(self, user) -> CreationRoundQuerySet:
        return self.filter(within_q(user, "township__path"))

    def readable_by(self, user) -> CreationRoundQuerySet:
        """Who follows the round's pages: the township's readers, and each branch in the round
        (its secretary). A member as such reads nothing of it but its own nomination."""
        branches = CreationBranch.objects.filter(round=OuterRef("pk")).filter(
            subtree_q(user, "unit__path", READ_ROLES)
        )
        return self.filter(subtree_q(user, "township__path", READ_ROLES) | Q(Exists(branches)))

    def overseen_by(self, user) -> CreationRoundQuerySet:
        """Who reads every branch's results (ranking, results list): the township's office,
        leaders and inspectors; a branch reads only its own."""
        return self.filter(subtree_q(user, "township__path", READ_ROLES))

    def writable_by(self, user) -> CreationRoundQuerySet:
        """The office of the township: dates, weights, assessment, summary, titles."""
        return self.filter(subtree_q(user, "township__path", MANAGE_ROLES))

    def approvable_by(self, user) -> CreationRoundQuerySet:
        """Submitted rounds `user` approves or returns: a seat in the township's leading group
        with its account, and never a round it scored (at any time: the scores' history)."""
        if user is None or user.pk is None or not user.is_active:
            return self.none()
        seat = LeadingGroupMember.objects.filter(unit=OuterRef("township"), user=user)
        scored = CreationAssessment.history.filter(round_id=OuterRef("pk"), assessed_by_id=user.pk)
        return (
            self.filter(status=CreationStatus.SUBMITTED)
            .filter(Exists(seat), subtree_q(user, "township__path", READ_ROLES))
            .exclude(Exists(scored))
        )


class CreationRound(models.Model):
    """A township's yearly round of 创建基层党组织建设先进单位, named by the year it is assessed
    and commended in (seed 001: materials in May, commendation before 七·一)."""

    township = models.ForeignKey(
        OrgUnit, on_delete=models.PROTECT, related_name="creation_rounds", verbose_name=_("township")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    plan_due = models.DateField(_("creation plans due"))
    progress_1_due = models.DateField(_("first progress report due"))
    progress_2_due = models.DateField(_("second progress report due"))
    materials_due = models.DateField(_("materials due"))
    assessment_starts = models.DateField(_("assessment starts"))
    assessment_ends = models.DateField(_("assessment ends"))
    commendation_on = models.DateField(_("commendation date"))
    # 综合评价: the weight of each goal (CREATION_GOALS) in the total, in whole numbers.
    weights = models.JSONField(_("weights"), default=default_weights)
    status = models.CharField(
        _("status"), max_length=12, choices=CreationStatus.choices, default=CreationStatus.FILING
    )
    summary = models.TextField(_("work summary"), max_length=TEXT_LIMIT * 4, blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    return_comment = models.TextField(
        _("comment on return"), max_length=TEXT_LIMIT, blank=True, validators=[plain_text_validator]
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("approved by"),
    )
    approved_on = models.DateField(_("approved on"), null=True, blank=True)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("opened by"),
    )
    opened_at = models.DateTimeField(_("opened at"), default=timezone.now)
    history = HistoricalRecords()

    objects = CreationRoundQuerySet.as_manager()

    class Meta:
        verbose_name = _("creation round")
        verbose_name_plural = _("creation rounds")
        ordering = ["-year", "township"]
        constraints = [
            models.UniqueConstraint(
                fields=["township", "year"],
                name="unique_creation_round",
                violation_error_message=_("This township already has a creation round for this year."),
            )
        ]

    def __str__(self) -> str:
        return _("%(township)s · %(year)s creation round") % {"township": self.township, "year": self.year}

    @property
    def evidence_periods(self) -> list[Period]:
        """The half-years the portal's records are counted from: the plan's to the assessment's."""
        periods, period = [], Period.containing(self.plan_due)
        while period.start <= self.assessment_ends:
            periods.append(period)
            period = Period.containing(period.end + datetime.timedelta(days=1))
        return periods

    def move_to(self, status: str) -> None:
        if status not in CREATION_TRANSITIONS[CreationStatus(self.status)]:
            raise ValidationError(
                _("A round that is %(current)s cannot become %(new)s.")
                % {"current": self.get_status_display(), "new": CreationStatus(status).label}
            )
        self.status = status

    @property
    def accepts_filings(self) -> bool:
        return self.status in FILING_STATUSES

    def due_of(self, kind: str) -> datetime.date:
        """The date a filing of this kind is due by (FILING_DUE)."""
        return getattr(self, FILING_DUE[kind])

    def self_assessment_closed(self, today: datetime.date) -> str:
        """Why a branch may no longer change its 自检自查, or "" while it may."""
        if self.status != CreationStatus.FILING:
            return _("The office has started the unified assessment: the self-assessment is closed.")
        if today > self.materials_due:
            return _("The self-assessment closed with the materials on %(day)s.") % {
                "day": long_date(self.materials_due)
            }
        return ""

    def clean(self) -> None:
        steps = [(name, getattr(self, name)) for name in DATE_ORDER]
        for (_before, first), (after, second) in itertools.pairwise(steps):
            if first and second and second < first:
                raise ValidationError({after: _("This date comes before the step it follows.")})
        goals = {goal for goal, _label, _items in CREATION_GOALS}
        if set(self.weights) != goals:
            raise ValidationError({"weights": _("Every goal needs a weight.")})
        values = list(self.weights.values())
        if any(not isinstance(w, int) or isinstance(w, bool) or w < 0 for w in values) or sum(values) != 100:
            raise ValidationError({"weights": _("The weights are whole numbers adding up to 100.")})


class CreationBranchQuerySet(models.QuerySet):
    def visible_to(self, user) -> CreationBranchQuerySet:
        return self.filter(subtree_q(user, "unit__path", READ_ROLES))

    def writable_by(self, user) -> CreationBranchQuerySet:
        """A branch's filings and self-assessment: its secretary or the office."""
        return self.filter(subtree_q(user, "unit__path", KEEP_ROLES))

    def assessable_by(self, user) -> CreationBranchQuerySet:
        """统一考核 and 综合评价: the township's office, while the round is scored."""
        return self.filter(
            subtree_q(user, "round__township__path", MANAGE_ROLES), round__status__in=SCORING_STATUSES
        )


class CreationConclusion(models.TextChoices):
    PENDING = "", _("Not concluded")
    RECOMMENDED = "recommended", _("Recommended for the title")
    NOT_RECOMMENDED = "not_recommended", _("Not recommended")


class CreationBranch(models.Model):
    """A branch (党支部 or 党总支) in a round: what it filed, its 自检自查, and the assessors'
    统一考核 and conclusion (综合评价)."""

    round = models.ForeignKey(
        CreationRound, on_delete=models.PROTECT, related_name="branches", verbose_name=_("round")
    )
    unit = models.ForeignKey(
        OrgUnit, on_delete=models.PROTECT, related_name="creation_entries", verbose_name=_("branch")
    )
    # 自检自查 and 统一考核: {criterion code: {"score": 0–10, "note": "…"}}.
    self_scores = models.JSONField(_("self-assessment scores"), default=dict, blank=True)
    self_assessed_at = models.DateTimeField(_("self-assessed at"), null=True, blank=True)
    conclusion = models.CharField(
        _("conclusion"), max_length=16, choices=CreationConclusion.choices, blank=True, default=""
    )
    conclusion_note = models.TextField(
        _("assessors' conclusion"), max_length=TEXT_LIMIT, blank=True, validators=[plain_text_validator]
    )
    history = HistoricalRecords()

    objects = CreationBranchQuerySet.as_manager()

    class Meta:
        verbose_name = _("branch in a creation round")
        verbose_name_plural = _("branches in a creation round")
        ordering = ["round", "unit__path"]
        constraints = [
            models.UniqueConstraint(fields=["round", "unit"], name="one_creation_entry_per_branch")
        ]

    def __str__(self) -> str:
        return f"{self.unit} · {self.round.year}"


class CreationAssessment(models.Model):
    """统一考核: the office's scores of a branch on every criterion, and who gave them (an
    assessor never approves the round)."""

    round = models.ForeignKey(
        CreationRound, on_delete=models.PROTECT, related_name="assessments", verbose_name=_("round")
    )
    entry = models.OneToOneField(
        CreationBranch, on_delete=models.PROTECT, related_name="assessment", verbose_name=_("branch")
    )
    scores = models.JSONField(_("scores"), default=dict)
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("assessor")
    )
    assessed_at = models.DateTimeField(_("assessed at"), default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("unified assessment")
        verbose_name_plural = _("unified assessments")

    def __str__(self) -> str:
        return str(self.entry)


class FilingKind(models.TextChoices):
    PLAN = "plan", _("Creation plan")
    PROGRESS_1 = "progress_1", _("First progress report")
    PROGRESS_2 = "progress_2", _("Second progress report")
    MATERIALS = "materials", _("Creation materials")


# Which date of the round each filing is due by.
FILING_DUE = {
    FilingKind.PLAN: "plan_due",
    FilingKind.PROGRESS_1: "progress_1_due",
    FilingKind.PROGRESS_2: "progress_2_due",
    FilingKind.MATERIALS: "materials_due",
}


class CreationFilingQuerySet(models.QuerySet):
    def visible_to(self, user) -> CreationFilingQuerySet:
        return self.filter(subtree_q(user, "entry__unit__path", READ_ROLES))


class CreationFiling(models.Model):
    """A branch's 创建方案, half-yearly progress report or materials: text and attachments
    (core.Attachment); filed once and then amended, its filing time kept."""

    entry = models.ForeignKey(
        CreationBranch, on_delete=models.PROTECT, related_name="filings", verbose_name=_("branch")
    )
    kind = models.CharField(_("kind"), max_length=12, choices=FilingKind.choices)
    text = models.TextField(_("text"), max_length=TEXT_LIMIT * 2, blank=True)
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("filed by"),
    )
    filed_at = models.DateTimeField(_("filed at"), default=timezone.now)
    history = HistoricalRecords()

    objects = CreationFilingQuerySet.as_manager()

    class Meta:
        verbose_name = _("creation filing")
        verbose_name_plural = _("creation filings")
        ordering = ["entry", "kind"]
        constraints = [models.UniqueConstraint(fields=["entry", "kind"], name="one_filing_per_kind")]

    def __str__(self) -> str:
        return f"{self.entry} · {self.get_kind_display()}"

    @property
    def due(self) -> datetime.date:
        return self.entry.round.due_of(self.kind)

    @property
    def late(self) -> bool:
        return timezone.localdate(self.filed_at) > self.due


class TitleQuerySet(models.QuerySet):
    def visible_to(self, user) -> TitleQuerySet:
        return self.filter(subtree_q(user, "unit__path", READ_ROLES))

    def writable_by(self, user) -> TitleQuerySet:
        """The office of the branch's township: puts a titled branch under 限期整改, revokes."""
        return self.filter(subtree_q(user, "unit__path", MANAGE_ROLES))

    def standing(self) -> TitleQuerySet:
        return self.filter(revoked_on__isnull=True)

    def circulated_to(self, user) -> TitleQuerySet:
        """Revoked titles whose notice (通报批评) `user` reads: whoever reads the round, as the
        revocation is circulated to every branch of the township."""
        return self.filter(revoked_on__isnull=False, round__in=CreationRound.objects.visible_to(user))


class Title(models.Model):
    """基层党组织建设先进党支部（总支）, conferred by an approved round. Never deleted: a revoked
    title keeps its reason, date and who revoked it (seed 001 四(三))."""

    round = models.ForeignKey(
        CreationRound, on_delete=models.PROTECT, related_name="titles", verbose_name=_("round")
    )
    unit = models.ForeignKey(
        OrgUnit, on_delete=models.PROTECT, related_name="titles", verbose_name=_("branch")
    )
    conferred_on = models.DateField(_("conferred on"))
    revoked_on = models.DateField(_("revoked on"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("revoked by"),
    )
    revocation_reason = models.TextField(_("reason for revocation"), max_length=TEXT_LIMIT, blank=True)
    history = HistoricalRecords()

    objects = TitleQuerySet.as_manager()

    class Meta:
        verbose_name = _("advanced-unit title")
        verbose_name_plural = _("advanced-unit titles")
        ordering = ["-conferred_on", "unit__path"]
        constraints = [
            models.UniqueConstraint(fields=["round", "unit"], name="one_title_per_round"),
            models.CheckConstraint(
                condition=Q(revoked_on__isnull=True) | ~Q(revocation_reason=""),
                name="revocation_has_a_reason",
            ),
        ]

    def __str__(self) -> str:
        return _("%(year)s advanced unit of Party building: %(unit)s") % {
            "year": self.round.year,
            "unit": self.unit,
        }


class NominationQuerySet(models.QuerySet):
    def visible_to(self, user) -> NominationQuerySet:
        return self.filter(subtree_q(user, "member__unit__path", READ_ROLES) | own_q(user, "member__user"))

    def writable_by(self, user) -> NominationQuerySet:
        """A nomination is the branch's: its secretary (or the office) while the round files."""
        return self.filter(
            subtree_q(user, "member__unit__path", KEEP_ROLES),
            round__status__in=[CreationStatus.FILING, CreationStatus.ASSESSING],
        )

    def decidable_by(self, user) -> NominationQuerySet:
        """The office of the township records whether it recommends the nominee (综合评价), while
        the round is scored."""
        return self.filter(
            subtree_q(user, "member__unit__path", MANAGE_ROLES), round__status__in=SCORING_STATUSES
        )


class Nomination(models.Model):
    """A member nominated by its branch for 优秀共产党员, with an account against 五带头."""

    round = models.ForeignKey(
        CreationRound, on_delete=models.PROTECT, related_name="nominations", verbose_name=_("round")
    )
    member = models.ForeignKey(
        Member, on_delete=models.PROTECT, related_name="nominations", verbose_name=_("party member")
    )
    example_1 = models.TextField(max_length=TEXT_LIMIT, blank=True)
    example_2 = models.TextField(max_length=TEXT_LIMIT, blank=True)
    example_3 = models.TextField(max_length=TEXT_LIMIT, blank=True)
    example_4 = models.TextField(max_length=TEXT_LIMIT, blank=True)
    example_5 = models.TextField(max_length=TEXT_LIMIT, blank=True)
    nominated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("nominated by"),
    )
    nominated_at = models.DateTimeField(_("nominated at"), default=timezone.now)
    # The office's decision at 综合评价; the round's approval commends the recommended.
    recommended = models.BooleanField(_("recommended"), null=True, blank=True)
    commended_on = models.DateField(_("commended on"), null=True, blank=True)
    history = HistoricalRecords()

    objects = NominationQuerySet.as_manager()

    class Meta:
        verbose_name = _("nomination of an outstanding party member")
        verbose_name_plural = _("nominations of outstanding party members")
        ordering = ["round", "member__unit__path", "member__name"]
        constraints = [models.UniqueConstraint(fields=["round", "member"], name="one_nomination_per_round")]

    def __str__(self) -> str:
        return f"{self.member} · {self.round.year}"

    @property
    def examples(self) -> list[tuple[str, str]]:
        texts = (self.example_1, self.example_2, self.example_3, self.example_4, self.example_5)
        return list(zip(FIVE_EXAMPLES, texts, strict=True))
