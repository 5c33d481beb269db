from __future__ import annotations

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Case, Q, Value, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from accounts.models import OrgUnit
from accounts.scoping import KEEP_ROLES, MANAGE_ROLES, READ_ROLES, own_q, subtree_q
from accounts.validators import plain_text_validator
from core.periods import Period, validate_period

AMENDMENT = "amendment"  # history change reason of an edit made after the period was locked


class Category(models.TextChoices):
    PLAN = "plan", _("Activity plan")
    GOAL = "goal", _("Annual goal")
    SERVICE = "service", _("Service commitment")
    PRACTICAL = "practical", _("Practical commitment")


# A member's own commitments (具体打算) are service or practical ones.
MEMBER_CATEGORIES = (Category.SERVICE, Category.PRACTICAL)


class Status(models.TextChoices):
    NOT_STARTED = "not_started", _("Not started")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Completed")
    OVERDUE = "overdue", _("Overdue")
    INCOMPLETE = "incomplete", _("Not completed")


class Channel(models.TextChoices):
    NETWORK = "network", _("Internet")
    BOARD = "board", _("Public notice board")
    LEAFLET = "leaflet", _("Leaflet")


def _owned_by(user, path_lookup: str, member_lookup: str, roles) -> Q:
    # A member files and reads its own commitments.
    return subtree_q(user, path_lookup, roles) | own_q(user, member_lookup)


class LetterQuerySet(models.QuerySet):
    def visible_to(self, user) -> LetterQuerySet:
        return self.filter(_owned_by(user, "unit__path", "member__user", READ_ROLES))

    def writable_by(self, user) -> LetterQuerySet:
        return self.filter(_owned_by(user, "unit__path", "member__user", KEEP_ROLES))


class CommitmentLetter(models.Model):
    """公开承诺书 (seed 002 附件一/二): a branch's or a member's commitments for a period."""

    unit = models.ForeignKey(
        OrgUnit,
        on_delete=models.PROTECT,
        related_name="commitment_letters",
        verbose_name=_("unit"),
    )
    member = models.ForeignKey(
        "branches.Member",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="commitment_letters",
        verbose_name=_("party member"),
    )
    period = models.CharField(_("period"), max_length=6, validators=[validate_period])
    signed_on = models.DateField(_("signed on"), null=True, blank=True)
    published_on = models.DateField(_("published on"), null=True, blank=True)
    channels = models.JSONField(_("published through"), default=list, blank=True)
    history = HistoricalRecords()

    objects = LetterQuerySet.as_manager()

    class Meta:
        verbose_name = _("commitment letter")
        verbose_name_plural = _("commitment letters")
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "period"],
                condition=Q(member__isnull=True),
                name="one_branch_letter_per_period",
            ),
            models.UniqueConstraint(
                fields=["member", "period"],
                condition=Q(member__isnull=False),
                name="one_member_letter_per_period",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.owner_name} · {Period.parse(self.period).label}"

    @property
    def owner_name(self) -> str:
        return self.member.name if self.member_id else self.unit.name

    @property
    def signer_label(self) -> str:
        """The paper form's signature line: a member signs its letter, a branch seals it."""
        return "承诺人（签名）" if self.member_id else "承诺单位（盖章）"

    @property
    def period_obj(self) -> Period:
        return Period.parse(self.period)

    def channel_labels(self) -> list[str]:
        return [str(Channel(value).label) for value in self.channels if value in Channel.values]


def status_expression(today: datetime.date):
    """A commitment's status, computed in SQL so that lists, counts and exports agree.

    `Commitment.status` is the same rule on an instance's fields; a test holds them together.
    """
    return Case(
        When(~Q(incomplete_reason=""), then=Value(Status.INCOMPLETE)),
        When(percent__gte=100, then=Value(Status.DONE)),
        When(deadline__lt=today, then=Value(Status.OVERDUE)),
        When(percent__gt=0, then=Value(Status.IN_PROGRESS)),
        default=Value(Status.NOT_STARTED),
        output_field=models.CharField(),
    )


class CommitmentQuerySet(models.QuerySet):
    def with_status(self) -> CommitmentQuerySet:
        return self.annotate(status_code=status_expression(timezone.localdate()))

    def visible_to(self, user) -> CommitmentQuerySet:
        q = _owned_by(user, "letter__unit__path", "letter__member__user", READ_ROLES)
        return self.filter(q).with_status()

    def writable_by(self, user) -> CommitmentQuerySet:
        return self.filter(_owned_by(user, "letter__unit__path", "letter__member__user", KEEP_ROLES))

    def closable_by(self, user) -> CommitmentQuerySet:
        """Commitments whose period's accounts `user` closes (marks not completed): the office's."""
        return self.filter(subtree_q(user, "letter__unit__path", MANAGE_ROLES))

    def published(self) -> CommitmentQuerySet:
        return self.filter(letter__published_on__isnull=False).with_status()

    def in_list_order(self) -> CommitmentQuerySet:
        """The order of the lists: by unit, then by member, category and deadline.

        Not the model's default ordering, which every query, scans and counts too, would
        pay for with two joins and a sort.
        """
        return self.order_by("letter__unit__path", "letter__member__name", "category", "deadline", "pk")


class Commitment(models.Model):
    letter = models.ForeignKey(
        CommitmentLetter,
        on_delete=models.CASCADE,
        related_name="commitments",
        verbose_name=_("commitment letter"),
    )
    category = models.CharField(_("category"), max_length=12, choices=Category.choices)
    content = models.TextField(_("commitment"), max_length=2000, validators=[plain_text_validator])
    measures = models.TextField(_("measures"), max_length=2000, blank=True, validators=[plain_text_validator])
    deadline = models.DateField(_("deadline"))
    target = models.CharField(
        _("measurable target"), max_length=200, blank=True, validators=[plain_text_validator]
    )
    responsible = models.ForeignKey(
        "branches.Member",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("responsible person"),
    )
    note = models.CharField(_("remarks"), max_length=200, blank=True, validators=[plain_text_validator])
    percent = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    completed_on = models.DateField(_("completed on"), null=True, blank=True)
    incomplete_reason = models.TextField(_("reason not completed"), blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    history = HistoricalRecords(excluded_fields=["created_at"])

    objects = CommitmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("commitment")
        verbose_name_plural = _("commitments")
        constraints = [
            models.CheckConstraint(condition=Q(percent__lte=100), name="commitment_percent_at_most_100"),
        ]
        indexes = [
            # The reminder scan's deadline range over open commitments; finished ones stay out.
            models.Index(
                fields=["deadline"],
                condition=Q(percent__lt=100, incomplete_reason=""),
                name="commitment_open_deadline",
            ),
        ]

    def __str__(self) -> str:
        return self.content[:40]

    @property
    def status(self) -> Status:
        """`status_expression` worked out from the fields: right however the row was loaded."""
        if self.incomplete_reason:
            return Status.INCOMPLETE
        if self.percent >= 100:
            return Status.DONE
        if self.deadline and self.deadline < timezone.localdate():
            return Status.OVERDUE
        if self.percent > 0:
            return Status.IN_PROGRESS
        return Status.NOT_STARTED

    def clean(self) -> None:
        try:
            letter = self.letter  # may be a letter not saved yet, while the form is checked
        except CommitmentLetter.DoesNotExist:
            return
        if not self.deadline:
            return
        period = letter.period_obj
        if self.deadline not in period:
            raise ValidationError(
                {
                    "deadline": _("The deadline must fall within %(period)s (%(start)s to %(end)s).")
                    % {"period": period.label, "start": period.start, "end": period.end}
                }
            )
        if letter.member_id and self.category not in MEMBER_CATEGORIES:
            raise ValidationError(
                {"category": _("A member's commitment is a service or a practical commitment.")}
            )


class ProgressQuerySet(models.QuerySet):
    def visible_to(self, user) -> ProgressQuerySet:
        return self.filter(
            _owned_by(user, "commitment__letter__unit__path", "commitment__letter__member__user", READ_ROLES)
        )

    def writable_by(self, user) -> ProgressQuerySet:
        return self.filter(
            _owned_by(user, "commitment__letter__unit__path", "commitment__letter__member__user", KEEP_ROLES)
        )


class Progress(models.Model):
    """践诺记录: what was done towards a commitment, with its evidence."""

    commitment = models.ForeignKey(
        Commitment, on_delete=models.CASCADE, related_name="progress_entries", verbose_name=_("commitment")
    )
    date = models.DateField(_("date"))
    text = models.TextField(_("what was done"), max_length=2000, validators=[plain_text_validator])
    percent = models.PositiveSmallIntegerField(_("progress (%)"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    history = HistoricalRecords(excluded_fields=["created_at"])

    objects = ProgressQuerySet.as_manager()

    class Meta:
        verbose_name = _("progress entry")
        verbose_name_plural = _("progress entries")
        ordering = ["-date", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(percent__lte=100), name="progress_percent_at_most_100"),
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.percent}%"


class PeriodLockQuerySet(models.QuerySet):
    def visible_to(self, user) -> PeriodLockQuerySet:
        return self.filter(subtree_q(user, "unit__path", READ_ROLES))

    def writable_by(self, user) -> PeriodLockQuerySet:
        return self.filter(subtree_q(user, "unit__path", MANAGE_ROLES))


class PeriodLock(models.Model):
    """The office closes a period's filing: later changes are kept as amendments."""

    unit = models.ForeignKey(OrgUnit, on_delete=models.CASCADE, related_name="+", verbose_name=_("unit"))
    period = models.CharField(_("period"), max_length=6, validators=[validate_period])
    locked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    locked_at = models.DateTimeField(default=timezone.now)

    objects = PeriodLockQuerySet.as_manager()

    class Meta:
        verbose_name = _("period lock")
        verbose_name_plural = _("period locks")
        constraints = [models.UniqueConstraint(fields=["unit", "period"], name="one_lock_per_unit_period")]

    def __str__(self) -> str:
        return f"{self.unit} · {self.period}"
