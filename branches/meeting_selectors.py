"""Reads for joint meetings, their decisions and the period summaries, scoped by the user."""

from __future__ import annotations

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery

from accounts.models import Level, OrgUnit, RoleAssignment, User
from branches.models import JointMeeting, MeetingDecision, Member, PeriodSummary


def convening_townships(user) -> QuerySet[OrgUnit]:
    """Townships whose office `user` is: it convenes their joint meetings."""
    return OrgUnit.objects.writable_by(user).filter(level=Level.COMMITTEE).order_by("path")


def people_under(path: str) -> QuerySet[User]:
    """Accounts of a subtree: a role on one of its units, or a party record in it."""
    roles = RoleAssignment.objects.filter(org_unit__path__under=path).values("user_id")
    members = Member.objects.filter(unit__path__under=path, user__isnull=False).values("user_id")
    return User.objects.filter(Q(pk__in=roles) | Q(pk__in=members), is_active=True)


def invitable_people(user) -> QuerySet[User]:
    """Accounts the office may invite or name responsible: those of the units it manages."""
    query = Q(pk__in=[])
    for township in (
        OrgUnit.objects.writable_by(user).filter(level=Level.COMMITTEE).values_list("path", flat=True)
    ):
        query |= Q(pk__in=people_under(township).values("pk"))
    return User.objects.filter(query).order_by("full_name", "username")


def meeting_list(user) -> QuerySet[JointMeeting]:
    return (
        JointMeeting.objects.visible_to(user)
        .select_related("township")
        .annotate(
            decision_count=Count("decisions"),
            open_count=Count("decisions", filter=Q(decisions__done_on__isnull=True)),
        )
        .order_by("-held_at", "-pk")  # an aggregate drops the default ordering
    )


def meeting_decisions(meeting: JointMeeting, user) -> QuerySet[MeetingDecision]:
    """The decisions of a meeting the user reads, with whether it may report each done."""
    reportable = MeetingDecision.objects.reportable_by(user).filter(pk=OuterRef("pk"))
    return (
        MeetingDecision.objects.visible_to(user)
        .filter(meeting=meeting)
        .select_related("unit", "person")
        .annotate(may_report=Exists(reportable))
        .order_by("pk")
    )


def open_decisions_of(unit: OrgUnit, user) -> QuerySet[MeetingDecision]:
    """Decisions still open for a unit or the units below it, the earliest deadline first."""
    return (
        MeetingDecision.objects.visible_to(user)
        .open()
        .filter(unit__path__under=unit.path)
        .select_related("meeting", "unit")
        .order_by("deadline", "pk")
    )


def summary_filing(user, period: str) -> QuerySet[OrgUnit]:
    """The branches the user reads, each with its summary of `period` (if filed) and whether published."""
    summary = PeriodSummary.objects.filter(unit=OuterRef("pk"), period=period)
    return (
        OrgUnit.objects.visible_to(user)
        .filter(level=Level.BRANCH)
        .annotate(
            summary_pk=Subquery(summary.values("pk")[:1]),
            summary_published_on=Subquery(summary.values("published_on")[:1]),
        )
        .order_by("path")
    )


def published_summaries(unit: OrgUnit) -> QuerySet[PeriodSummary]:
    """Published summaries of a unit and the units below it: the public board shows them."""
    return (
        PeriodSummary.objects.filter(published_on__isnull=False, unit__path__under=unit.path)
        .select_related("unit")
        .order_by("-period", "unit__path")
    )
