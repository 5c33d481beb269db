"""Every write of the leader reviews: rounds, sheets and their demands, work reports,
self-assessments and the office's compilation (整理公开).

A signed sheet opens each of its rectification demands through the inspections app's
`open_rectification`; nothing here reaches into that app's models.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Level, OrgUnit
from core.reminders import decision_notify
from core.services import attachment_add
from inspections.services import open_rectification
from reviews.models import (
    Review,
    ReviewDemand,
    ReviewKind,
    ReviewMethod,
    ReviewRound,
    ReviewStatus,
    SelfAssessment,
    WorkReport,
)


@transaction.atomic
def round_open(*, actor, township: OrgUnit, period: str, ends_on: datetime.date) -> ReviewRound:
    """The office opens the half-year's round of leader reviews in its township."""
    review_round = ReviewRound(township=township, period=period, ends_on=ends_on, opened_by=actor)
    review_round.full_clean()
    review_round.save()
    return review_round


def _locked_draft(review: Review) -> Review:
    locked = Review.objects.select_for_update().get(pk=review.pk)
    if locked.status != ReviewStatus.DRAFT:
        raise ValidationError(_("This review sheet is signed: it can no longer be changed."))
    return locked


@transaction.atomic
def review_save(
    *,
    actor,
    review: Review,
    demands: Iterable[ReviewDemand] = (),
    deleted: Iterable[ReviewDemand] = (),
    today: datetime.date | None = None,
) -> Review:
    """Save a draft sheet with its rectification demands (added, changed, removed).

    The caller has checked that `actor` may write this sheet; a signed one is refused here,
    whatever the caller checked, and the database stays as it was.
    """
    today = today or timezone.localdate()
    if review.pk is None:
        review.reviewer = actor
        review.status = ReviewStatus.DRAFT
    else:
        _locked_draft(review)
    review.full_clean()
    review.save()
    for demand in deleted:
        if demand.pk and demand.review_id == review.pk:
            demand.delete()
    for demand in demands:
        demand.review = review
        if demand.deadline and demand.deadline < today:
            raise ValidationError(_("A rectification deadline cannot be before today."))
        demand.full_clean()
        demand.save()
    return review


@transaction.atomic
def review_sign(*, actor, review: Review, today: datetime.date | None = None) -> Review:
    """Sign a draft: it becomes read-only, the subject sees it, and each demand opens a rectification."""
    today = today or timezone.localdate()
    review = _locked_draft(review)
    if not review.reviewed_on or not review.method:
        raise ValidationError(_("Fill in the date and the method of the review before signing."))
    if review.reviewed_on > today:
        raise ValidationError(_("A review cannot be signed before the day it takes place."))
    if review.method == ReviewMethod.CONCENTRATED and not (review.meeting_on and review.meeting_place):
        raise ValidationError(_("A collective review needs the meeting's date and place."))
    if not (review.achievements.strip() or review.problems.strip() or review.direction.strip()):
        raise ValidationError(_("Write the achievements, the problems or the direction before signing."))
    demands = list(review.demands.order_by("pk"))
    for demand in demands:
        if demand.deadline < today:
            raise ValidationError(
                _("The deadline of “%(problem)s” has passed: change it before signing.")
                % {"problem": demand.problem[:30]}
            )
    member = review.member if review.kind != ReviewKind.BRANCH else None
    for demand in demands:
        demand.rectification = open_rectification(
            unit=review.unit,
            member=member,
            source=review,
            problem=demand.problem,
            demand=demand.demand,
            deadline=demand.deadline,
            issued_by=actor,
            issued_on=today,
        )
        demand.save(update_fields=["rectification"])
    review.status = ReviewStatus.SIGNED
    review.signed_at = timezone.now()
    review.save(update_fields=["status", "signed_at"])
    body = _("%(reviewer)s signed the review of %(subject)s.") % {
        "reviewer": str(actor),
        "subject": review.subject,
    }
    if demands:
        body += "\n" + _("%(count)d rectification demand(s) were opened.") % {"count": len(demands)}
    decision_notify(
        unit=review.unit,
        key=f"review:{review.pk}:signed",
        title=f"【领导点评】{review.subject}",
        body=body,
        link=reverse("reviews:review", args=[review.pk]),
        owners=[review.member.user_id] if review.member_id and review.member.user_id else [],
    )
    return review


@transaction.atomic
def work_report_save(
    *, actor, review_round: ReviewRound, unit: OrgUnit, member=None, text: str, files=()
) -> WorkReport:
    """汇报材料 of a branch (member None) or of a member: one per round, rewritten until reviewed."""
    report = (
        WorkReport.objects.select_for_update().filter(round=review_round, unit=unit, member=member).first()
    ) or WorkReport(round=review_round, unit=unit, member=member)
    report.text = text
    report.submitted_by = actor if getattr(actor, "pk", None) else None
    report.submitted_at = timezone.now()
    report.full_clean()
    report.save()
    for checked, name in files:
        attachment_add(owner=report, checked=checked, name=name, actor=actor)
    return report


@transaction.atomic
def self_assessment_save(
    *, actor, review_round: ReviewRound, member, texts: dict[str, str]
) -> SelfAssessment:
    """党员自评 against 五带头: the member's own, rewritten as often as it likes."""
    assessment = SelfAssessment.objects.select_for_update().filter(
        round=review_round, member=member
    ).first() or SelfAssessment(round=review_round, member=member)
    for field, value in texts.items():
        setattr(assessment, field, value)
    assessment.written_at = timezone.now()
    assessment.full_clean()
    assessment.save()
    return assessment


@transaction.atomic
def round_compilation_save(
    *, actor, review_round: ReviewRound, compilation: str, publish: bool, today: datetime.date | None = None
) -> ReviewRound:
    """整理公开: keep the office's compilation; publishing it tells every branch in the township."""
    review_round = ReviewRound.objects.select_for_update().select_related("township").get(pk=review_round.pk)
    if publish and not compilation.strip():
        raise ValidationError(_("Write the compilation before publishing it."))
    review_round.compilation = compilation
    first = publish and review_round.published_on is None
    if publish:
        review_round.published_on = today or timezone.localdate()
    review_round.full_clean()
    review_round.save(update_fields=["compilation", "published_on"])
    if first:
        link = reverse("reviews:round_compile", args=[review_round.pk])
        branches = OrgUnit.objects.filter(path__under=review_round.township.path, level=Level.BRANCH)
        for unit in branches.order_by("path"):
            decision_notify(
                unit=unit,
                key=f"reviewround:{review_round.pk}:published:{unit.pk}",
                title=f"【点评公开】{review_round}",
                body=_("The compilation of the leader reviews has been published."),
                link=link,
            )
    return review_round
