from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from accounts.models import OrgUnit, Role
from accounts.scoping import KEEP_ROLES, MANAGE_ROLES, READ_ROLES, own_q, subtree_q
from accounts.validators import plain_text_validator


class Category(models.TextChoices):
    NEWS = "news", _("News")
    EXPERIENCE = "experience", _("Experience")
    HIGHLIGHT = "highlight", _("Highlight")
    EXEMPLARY = "exemplary", _("Exemplary deeds")


class ReportStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    ADOPTED = "adopted", _("Adopted")
    RETURNED = "returned", _("Returned")


# Which transitions a report may make; who may make them are the queryset's questions.
TRANSITIONS = {
    ReportStatus.DRAFT: {ReportStatus.SUBMITTED},
    ReportStatus.SUBMITTED: {ReportStatus.ADOPTED, ReportStatus.RETURNED},
    ReportStatus.RETURNED: {ReportStatus.SUBMITTED},
    ReportStatus.ADOPTED: set(),
}


class ReportQuerySet(models.QuerySet):
    def visible_to(self, user) -> ReportQuerySet:
        """Submitted reports of the subtree; a draft only to its author and its branch's secretary."""
        draft_readers = own_q(user, "author") | subtree_q(user, "unit__path", (Role.SECRETARY,))
        return self.filter(subtree_q(user, "unit__path", READ_ROLES)).filter(
            ~Q(status=ReportStatus.DRAFT) | draft_readers
        )

    def writable_by(self, user) -> ReportQuerySet:
        return self.visible_to(user).filter(subtree_q(user, "unit__path", KEEP_ROLES))

    def reviewable_by(self, user) -> ReportQuerySet:
        """Reports `user` adopts or returns once submitted: those of the units it manages."""
        return self.submitted().filter(subtree_q(user, "unit__path", MANAGE_ROLES))

    def resubmittable_by(self, user) -> ReportQuerySet:
        """Returned reports `user` edits and sends again: only their branch, not the office.

        The office returned the report to the branch; answering its own comment would leave
        the branch out of the loop, so its role here is review, not keeping.
        """
        branch_roles = [role for role in KEEP_ROLES if role not in MANAGE_ROLES]
        return self.visible_to(user).filter(
            subtree_q(user, "unit__path", branch_roles), status=ReportStatus.RETURNED
        )

    def submitted(self) -> ReportQuerySet:
        return self.exclude(status=ReportStatus.DRAFT)


class Report(models.Model):
    """信息报送: a branch's information report (seed 000 §八)."""

    unit = models.ForeignKey(
        OrgUnit, on_delete=models.PROTECT, related_name="reports", verbose_name=_("unit")
    )
    title = models.CharField(_("title"), max_length=100, validators=[plain_text_validator])
    authors = models.CharField(_("author(s)"), max_length=100, validators=[plain_text_validator])
    category = models.CharField(
        _("kind of report"), max_length=12, choices=Category.choices, default=Category.NEWS
    )
    body = models.TextField(_("text"), max_length=20000)
    urgent = models.BooleanField(
        _("urgent"), default=False, help_text=_("Time-sensitive: may be sent any day (时效性较强).")
    )
    status = models.CharField(
        _("status"), max_length=10, choices=ReportStatus.choices, default=ReportStatus.DRAFT
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    # The 15th or 30th (or month end) this report counts for, fixed at its first submission.
    slot = models.DateField(_("slot"), null=True, blank=True, db_index=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    adoption_note = models.CharField(_("where it was used"), max_length=200, blank=True)
    return_comment = models.TextField(_("comment"), blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    history = HistoricalRecords(excluded_fields=["created_at"])

    objects = ReportQuerySet.as_manager()

    class Meta:
        verbose_name = _("information report")
        verbose_name_plural = _("information reports")
        ordering = ["-submitted_at", "-created_at"]
        indexes = [models.Index(fields=["unit", "slot"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="draft") | Q(submitted_at__isnull=False, slot__isnull=False),
                name="submitted_report_has_its_slot",
            )
        ]

    def __str__(self) -> str:
        return self.title

    def move_to(self, status: str) -> None:
        if status not in TRANSITIONS[ReportStatus(self.status)]:
            raise ValidationError(
                _("A report that is %(current)s cannot become %(new)s.")
                % {"current": self.get_status_display(), "new": ReportStatus(status).label}
            )
        self.status = status

    @property
    def editable(self) -> bool:
        return self.status in (ReportStatus.DRAFT, ReportStatus.RETURNED)
