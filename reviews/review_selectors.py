"""Scoped reads of the leader reviews: whom a user may review in a round, and the round's coverage."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from accounts.models import Level, OrgUnit, Role
from accounts.scoping import READ_ROLES, subtree_q
from branches.models import LiaisonPoint, Member, Position
from commitments.models import Commitment
from reviews.models import Review, ReviewKind, ReviewRound, ReviewStatus, SelfAssessment, secretary_q


def round_branches(review_round: ReviewRound) -> QuerySet:
    return OrgUnit.objects.filter(path__under=review_round.township.path, level=Level.BRANCH).order_by("path")


def signed_sheets(user, review_round: ReviewRound, unit: OrgUnit) -> list[Review]:
    """A branch's signed sheets `user` reads, in the order of its Word file: the branch's, its
    secretary's, then each member's by name."""
    reviews = list(
        Review.objects.visible_to(user)
        .filter(round=review_round, unit__path__under=unit.path, status=ReviewStatus.SIGNED)
        .select_related("round__township", "unit", "member", "reviewer")
        .order_by("kind", "member__name", "pk")
    )
    order = {ReviewKind.BRANCH: 0, ReviewKind.SECRETARY: 1, ReviewKind.MEMBER: 2}
    reviews.sort(key=lambda r: (order[r.kind], r.member.name if r.member_id else ""))
    return reviews


def liaison_branches(user, review_round: ReviewRound) -> QuerySet:
    """The round's branches `user` reviews as their liaison leader (an active point, still read)."""
    points = LiaisonPoint.objects.active().filter(leader=user, branch=OuterRef("pk"))
    if user is None or not user.is_authenticated or user.pk is None:
        return OrgUnit.objects.none()
    return round_branches(review_round).filter(Exists(points)).filter(subtree_q(user, "path", (Role.LEADER,)))


def reviewable_members(user, review_round: ReviewRound) -> QuerySet:
    """Members `user` reviews as the secretary of their branch (never itself)."""
    return (
        Member.objects.filter(secretary_q(user, "unit__path"), unit__path__under=review_round.township.path)
        .exclude(user=user)
        .select_related("unit")
        .order_by("unit__path", "name")
    )


def branch_secretary(unit: OrgUnit):
    return Member.objects.filter(unit=unit, position=Position.SECRETARY).order_by("pk").first()


def may_review_in(user, review_round: ReviewRound) -> QuerySet:
    """A queryset that is not empty when `user` may write at least one sheet in the round."""
    if liaison_branches(user, review_round).exists():
        return liaison_branches(user, review_round)
    return reviewable_members(user, review_round)


def member_commitments(member, period: str) -> QuerySet:
    """The member's own commitments of the period, with their completion (the commitments app's rule)."""
    return (
        Commitment.objects.filter(letter__member=member, letter__period=period)
        .with_status()
        .order_by("deadline", "pk")
    )


@dataclass
class BranchRow:
    unit: OrgUnit
    branch_review: dict | None = None  # {"pk", "status", "visible"}
    secretary_review: dict | None = None
    secretary: Member | None = None
    members: int = 0
    reviewed: int = 0
    signed: int = 0
    assessed: int = 0
    may_review_branch: bool = False
    may_review_members: bool = False

    @property
    def drafts(self) -> int:
        return self.reviewed - self.signed


def coverage(review_round: ReviewRound, user) -> list[BranchRow]:
    """Branches × (branch sheet, secretary sheet, members reviewed, self-assessments) in a
    fixed number of queries, whatever the number of branches: so the office sees who is missing.

    Statuses are shown for every branch the user reads; a sheet is linked only where it may
    open it (drafts stay with their reviewer and the office).
    """
    branches = list(round_branches(review_round).filter(subtree_q(user, "path", READ_ROLES)))
    if not branches:
        return []
    rows = {unit.path: BranchRow(unit=unit) for unit in branches}

    def row_of(path: str) -> BranchRow | None:
        """The branch a unit lies in: the unit itself or the nearest branch above it (a 党小组's)."""
        codes = path.strip("/").split("/")
        for depth in range(len(codes), 0, -1):
            row = rows.get("/" + "/".join(codes[:depth]) + "/")
            if row is not None:
                return row
        return None

    # The whole township in one filter; rows of branches the user does not read find no row.
    under = Q(unit__path__under=review_round.township.path)
    visible = set(Review.objects.visible_to(user).filter(round=review_round).values_list("pk", flat=True))
    reviews = Review.objects.filter(round=review_round).filter(under).order_by()
    for pk, kind, status, path in reviews.values_list("pk", "kind", "status", "unit__path"):
        row = row_of(path)
        if row is None:
            continue
        cell = {"pk": pk, "status": status, "visible": pk in visible}
        if kind == ReviewKind.BRANCH:
            row.branch_review = cell
        elif kind == ReviewKind.SECRETARY:
            row.secretary_review = cell
        else:
            row.reviewed += 1
            row.signed += status == "signed"
    members = Member.objects.filter(under).order_by().values_list("unit__path").annotate(n=Count("pk"))
    for path, count in members:
        if row := row_of(path):
            row.members += count
    secretaries = Member.objects.filter(
        unit__in=[unit.pk for unit in branches], position=Position.SECRETARY
    ).order_by("pk")
    by_pk = {unit.pk: rows[unit.path] for unit in branches}
    for member in secretaries:
        row = by_pk[member.unit_id]
        row.secretary = row.secretary or member
    assessed = (
        SelfAssessment.objects.filter(round=review_round)
        .filter(member__unit__path__under=review_round.township.path)
        .order_by()
        .values_list("member__unit__path")
        .annotate(n=Count("pk"))
    )
    for path, count in assessed:
        if row := row_of(path):
            row.assessed += count
    liaison = set(liaison_branches(user, review_round).values_list("pk", flat=True))
    secretary_paths = list(OrgUnit.objects.filter(secretary_q(user, "path")).values_list("path", flat=True))
    for row in rows.values():
        row.may_review_branch = row.unit.pk in liaison
        row.may_review_members = any(row.unit.path.startswith(p) for p in secretary_paths)
    return [rows[unit.path] for unit in branches]
