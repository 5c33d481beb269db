"""Scoped reads of the inspections app: the monthly round's coverage grid and the rights pages ask."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, Q
from django.utils import timezone

from accounts.models import Level, OrgUnit
from accounts.scoping import subtree_q
from inspections.models import (
    STAFF_ROLES,
    Finding,
    FindingCategory,
    Inspection,
    InspectionStatus,
    Rectification,
    RectificationNotice,
    RectificationStatus,
)


def staff_branches(user):
    """The branches whose monthly round `user` follows: the office, leaders and inspectors."""
    return OrgUnit.objects.filter(level=Level.BRANCH).filter(subtree_q(user, "path", STAFF_ROLES))


@dataclass
class Cell:
    month: int
    done: list = field(default_factory=list)  # inspections recorded (draft or finalised)
    planned: list = field(default_factory=list)


@dataclass
class CoverageRow:
    unit: OrgUnit
    cells: list[Cell]
    missing: bool = False  # not yet inspected in the current month


@dataclass
class Coverage:
    year: int
    today: datetime.date
    rows: list[CoverageRow]
    months: list[int]

    @property
    def missing_count(self) -> int:
        return sum(1 for row in self.rows if row.missing)


def coverage_grid(user, year: int, today: datetime.date | None = None) -> Coverage:
    """Branches × the twelve months of `year`: each branch's inspections and planned ones.

    Three queries whatever the number of branches: the branches, the year's inspections, and
    the branches inspected in the current month (which may lie outside `year`).
    """
    today = today or timezone.localdate()
    branches = list(staff_branches(user).order_by("path"))
    visible = Inspection.objects.visible_to(user).filter(unit__level=Level.BRANCH)
    inspections = visible.filter(date__year=year).select_related("group").order_by("date", "pk")
    cells: dict[int, list[Cell]] = {unit.pk: [Cell(month) for month in range(1, 13)] for unit in branches}
    for inspection in inspections:
        row = cells.get(inspection.unit_id)
        if row is None:
            continue
        cell = row[inspection.date.month - 1]
        (cell.planned if inspection.status == InspectionStatus.PLANNED else cell.done).append(inspection)
    inspected = set(
        visible.exclude(status=InspectionStatus.PLANNED)
        .filter(date__year=today.year, date__month=today.month, date__lte=today)
        .values_list("unit_id", flat=True)
    )
    rows = [CoverageRow(unit, cells[unit.pk], unit.pk not in inspected) for unit in branches]
    return Coverage(year=year, today=today, rows=rows, months=list(range(1, 13)))


def findings_by_category(findings) -> list[tuple[str, list[Finding]]]:
    """The five categories of seed 000 §七.2 in their order, each with its findings (maybe none)."""
    grouped: dict[str, list[Finding]] = {code: [] for code in FindingCategory.values}
    for finding in findings:
        grouped.setdefault(finding.category, []).append(finding)
    return [(FindingCategory(code).label, grouped[code]) for code in FindingCategory.values]


def notice_of(inspection: Inspection):
    return RectificationNotice.objects.filter(inspection=inspection, unit_id=inspection.unit_id).first()


# ---------------------------------------------------------------------------------------
# Figures, one definition for the dashboards, a creation round's evidence and the exports.
# The callers have checked that their reader may see the subtree at `under`.


def rectification_counts(under: str, start: datetime.date, end: datetime.date, today: datetime.date):
    """(unit path, source, issued on, opened, closed, overdue) of the rectifications opened
    from `start` to `end` under `under`, whatever raised them: closed is 复验通过, overdue is
    past its deadline on `today` without it."""
    return list(
        Rectification.objects.filter(unit__path__under=under, issued_on__range=(start, end))
        .order_by()
        .values_list("unit__path", "source", "issued_on")
        .annotate(
            n=Count("pk"),
            closed=Count("pk", filter=Q(status=RectificationStatus.PASSED)),
            overdue=Count("pk", filter=~Q(status=RectificationStatus.PASSED) & Q(deadline__lt=today)),
        )
    )


def oldest_open_rectifications(under: str, limit: int = 5):
    """The rectifications under `under` open longest, whatever period they were opened in."""
    return (
        Rectification.objects.open()
        .filter(unit__path__under=under)
        .select_related("unit", "member")
        .order_by("issued_on", "pk")[:limit]
    )


def inspection_counts(under: str, start: datetime.date, end: datetime.date) -> list[tuple[str, int]]:
    """(unit path, finalised inspections) from `start` to `end` under `under`."""
    return list(
        Inspection.objects.finalised()
        .filter(unit__path__under=under, date__range=(start, end))
        .order_by()
        .values_list("unit__path")
        .annotate(n=Count("pk"))
    )
