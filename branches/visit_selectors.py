"""Reads of the liaison visits: the scoped list, coverage per leader and month, and the
liaison branches that have gone too long without a visit (the office's dashboard)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, OuterRef, QuerySet, Subquery
from django.db.models.functions import ExtractMonth

from accounts.scoping import MANAGE_ROLES, subtree_q
from branches.models import LiaisonPoint, LiaisonSetting, LiaisonVisit

DEFAULT_GAP_DAYS = LiaisonSetting._meta.get_field("visit_gap_days").default


def visits_visible_to(user) -> QuerySet[LiaisonVisit]:
    return LiaisonVisit.objects.visible_to(user).select_related("leader", "branch", "confirmed_by")


@dataclass
class CoverageRow:
    leader: str
    branch: str
    branch_path: str
    active: bool  # still a liaison point (a row without one had visits this year)
    months: list[int] = field(default_factory=lambda: [0] * 12)

    @property
    def total(self) -> int:
        return sum(self.months)

    @property
    def by_month(self) -> list[tuple[int, int]]:
        """(month, visits) of the months with visits."""
        return [(number, count) for number, count in enumerate(self.months, start=1) if count]


COVERAGE_KEYS = (
    "leader_id",
    "branch_id",
    "leader__full_name",
    "leader__username",
    "branch__name",
    "branch__path",
)


def visit_coverage(user, year: int) -> list[CoverageRow]:
    """Visits of `year` per leader, liaison branch and month: every active point `user` reads,
    and any pair that had visits in the year although its point has ended. Two queries."""
    rows: dict[tuple[int, int], CoverageRow] = {}
    points = LiaisonPoint.objects.visible_to(user).active().order_by()
    for leader_id, branch_id, full_name, username, name, path in points.values_list(*COVERAGE_KEYS):
        rows[leader_id, branch_id] = CoverageRow(full_name or username, name, path, active=True)
    counts = (
        LiaisonVisit.objects.visible_to(user)
        .filter(visited_on__year=year)
        .order_by()
        .annotate(month=ExtractMonth("visited_on"))
        .values(*COVERAGE_KEYS, "month")
        .annotate(count=Count("pk"))
        .values_list(*COVERAGE_KEYS, "month", "count")
    )
    for leader_id, branch_id, full_name, username, name, path, month, count in counts:
        row = rows.setdefault(
            (leader_id, branch_id), CoverageRow(full_name or username, name, path, active=False)
        )
        row.months[month - 1] += count
    return sorted(rows.values(), key=lambda row: (row.leader, row.branch_path))


@dataclass(frozen=True)
class VisitGap:
    point: LiaisonPoint
    last_visit: datetime.date | None
    gap_days: int


def gap_days_of(limits: dict[str, int], path: str) -> int:
    """The setting of the township `path` lies in (the nearest one above it), or the default."""
    townships = [township for township in limits if path.startswith(township)]
    return limits[max(townships, key=len)] if townships else DEFAULT_GAP_DAYS


def visit_gaps(user, today: datetime.date) -> list[VisitGap]:
    """Active liaison points of the units `user` manages whose leader has not visited the branch
    for longer than the township allows (counted from the point's start when never visited).
    Two queries."""
    last = (
        LiaisonVisit.objects.filter(leader=OuterRef("leader"), branch=OuterRef("branch"))
        .order_by("-visited_on")
        .values("visited_on")[:1]
    )
    points = (
        LiaisonPoint.objects.active()
        .filter(subtree_q(user, "branch__path", MANAGE_ROLES))
        .select_related("leader", "branch")
        .annotate(last_visit=Subquery(last))
        .order_by("leader__username", "branch__path")
    )
    limits = dict(
        LiaisonSetting.objects.filter(subtree_q(user, "township__path", MANAGE_ROLES))
        .order_by()
        .values_list("township__path", "visit_gap_days")
    )
    gaps = []
    for point in points:
        days = gap_days_of(limits, point.branch.path)
        since = max(point.last_visit or point.started_on, point.started_on)
        if since < today - datetime.timedelta(days=days):
            gaps.append(VisitGap(point, point.last_visit, days))
    return gaps


def visits_per_leader(under: str, start: datetime.date, end: datetime.date) -> list[tuple[str, int]]:
    """(leader, visits from `start` to `end`) to the branches under `under`, most first: every
    leader holding a liaison point there, those with none counted 0. Two queries; the caller
    has checked that its reader may see the subtree at `under`."""
    names = {
        leader_id: full_name or username
        for leader_id, full_name, username in LiaisonPoint.objects.active()
        .filter(branch__path__under=under)
        .order_by()
        .values_list("leader_id", "leader__full_name", "leader__username")
    }
    counts = dict.fromkeys(names, 0)
    for leader_id, full_name, username, count in (
        LiaisonVisit.objects.filter(branch__path__under=under, visited_on__range=(start, end))
        .order_by()
        .values_list("leader_id", "leader__full_name", "leader__username")
        .annotate(n=Count("pk"))
    ):
        names[leader_id] = full_name or username
        counts[leader_id] = count
    return sorted(((names[pk], count) for pk, count in counts.items()), key=lambda row: (-row[1], row[0]))
