"""Reads of the 优秀共产党员 nominations and of the titles conferred.

A nominee's own record over the round's evidence periods — its commitments and their
completion, its signed review sheets, its mass-evaluation results — comes in three queries
however many nominees a page lists, each through the reader's own scope. A result below the
campaign's pass mark flags the nominee: seed 000 §五.4 makes the evaluation weigh in the
commendation, so the office sees it rather than having the nominee silently dropped.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Level, OrgUnit
from accounts.scoping import KEEP_ROLES, own_q, subtree_q
from branches.models import Member
from commitments.models import Commitment, Status
from inspections.models import Rectification, Source
from reviews.evaluation_services import satisfaction_label
from reviews.models import (
    FILING_STATUSES,
    CampaignStatus,
    CreationRound,
    EvaluationSubject,
    Nomination,
    Review,
    ReviewStatus,
    Title,
)


@dataclass
class Evaluation:
    subject: EvaluationSubject
    satisfaction: str

    @property
    def below_threshold(self) -> bool:
        return self.subject.passed is False


@dataclass
class MemberEvidence:
    commitments: list[Commitment] = field(default_factory=list)
    reviews: list[Review] = field(default_factory=list)
    evaluations: list[Evaluation] = field(default_factory=list)

    @property
    def commitments_done(self) -> int:
        return sum(1 for c in self.commitments if c.status_code == Status.DONE)

    @property
    def below_threshold(self) -> list[Evaluation]:
        return [e for e in self.evaluations if e.below_threshold]


def member_evidence(
    creation_round: CreationRound, members: Iterable[Member], user
) -> dict[int, MemberEvidence]:
    """Each member's evidence over the round's periods, by member id: three queries for any number."""
    evidence = {member.pk: MemberEvidence() for member in members}
    if not evidence:
        return evidence
    codes = [period.code for period in creation_round.evidence_periods]  # as the branches' evidence
    commitments = (
        Commitment.objects.visible_to(user)
        .filter(letter__member__in=list(evidence), letter__period__in=codes)
        .select_related("letter")
        .order_by("letter__period", "deadline", "pk")
    )
    for commitment in commitments:
        evidence[commitment.letter.member_id].commitments.append(commitment)
    reviews = (
        Review.objects.visible_to(user)
        .filter(member__in=list(evidence), status=ReviewStatus.SIGNED, round__period__in=codes)
        .select_related("round", "reviewer")
        .order_by("round__period", "pk")
    )
    for review in reviews:
        evidence[review.member_id].reviews.append(review)
    subjects = (
        EvaluationSubject.objects.visible_to(user)
        .filter(member__in=list(evidence), campaign__status=CampaignStatus.CLOSED, campaign__period__in=codes)
        .select_related("campaign")
        .order_by("campaign__closes_on", "pk")
    )
    for subject in subjects:
        evidence[subject.member_id].evaluations.append(Evaluation(subject, satisfaction_label(subject)))
    return evidence


def round_nominations(creation_round: CreationRound, user) -> QuerySet:
    """The round's nominations `user` reads (a member: its own), branch by branch."""
    return (
        Nomination.objects.visible_to(user)
        .filter(round=creation_round)
        .select_related("member__unit", "nominated_by")
        .order_by("member__unit__path", "member__name", "pk")
    )


def own_nominations(user) -> QuerySet:
    """The user's own nominations, as a party member, newest round first."""
    return (
        Nomination.objects.visible_to(user)
        .filter(own_q(user, "member__user"))
        .select_related("round")
        .order_by("-round__year")
    )


def takes_nominations(creation_round: CreationRound, today: datetime.date | None = None) -> bool:
    """Branches nominate while the round files and is assessed, up to the assessment's last day."""
    today = today or timezone.localdate()
    return creation_round.status in FILING_STATUSES and today <= creation_round.assessment_ends


def nominable_members(user, creation_round: CreationRound) -> QuerySet:
    """Members `user` may nominate in the round: of the branches it keeps (its secretary, the
    office), never itself."""
    return (
        Member.objects.filter(
            subtree_q(user, "unit__path", KEEP_ROLES), unit__path__under=creation_round.township.path
        )
        .exclude(user=user)
        .select_related("unit")
        .order_by("unit__path", "name")
    )


# ---------------------------------------------------------------------------------------
# Titles


def honour(unit: OrgUnit) -> str:
    """基层党组织建设先进党支部, or 先进党总支 for a general branch (seed 001 四(三))."""
    if unit.level == Level.GENERAL_BRANCH:
        return _("Advanced general Party branch of grass-roots Party building")
    return _("Advanced Party branch of grass-roots Party building")


def title_wording(title: Title) -> str:
    """2025年度基层党组织建设先进党支部."""
    return _("%(honour)s of %(year)s") % {"honour": honour(title.unit), "year": title.round.year}


def standing_titles(unit: OrgUnit, user=None) -> list[Title]:
    """Standing titles of `unit` and the units below it, newest first. Without a user (the
    public board) every standing title: a title is public; with one, through its scope."""
    titles = Title.objects.visible_to(user) if user is not None else Title.objects.all()
    return list(
        titles.standing()
        .filter(unit__path__under=unit.path)
        .select_related("round", "unit")
        .order_by("-round__year", "unit__path")
    )


def visible_titles(user) -> QuerySet:
    """The titles `user` reads, standing and revoked, newest round first."""
    return (
        Title.objects.visible_to(user)
        .select_related("round__township", "unit", "revoked_by")
        .order_by("-round__year", "unit__path")
    )


def with_rectifications(titles: Iterable[Title], user) -> list[Title]:
    """`titles`, each with the rectifications (限期整改) opened on it that `user` reads as
    `title.rectifications`: one query."""
    titles = list(titles)
    by_pk = {title.pk: title for title in titles}
    for title in titles:
        title.rectifications = []
    rectifications = (
        Rectification.objects.visible_to(user)
        .filter(source=Source.CREATION, source_id__in=list(by_pk))
        .order_by("issued_on", "pk")
    )
    for rectification in rectifications:
        by_pk[rectification.source_id].rectifications.append(rectification)
    return titles
