from __future__ import annotations

import datetime
from collections import Counter
from dataclasses import dataclass, field
from functools import cached_property

from django.db.models import Count, Q
from django.utils import timezone

from accounts.models import Level, OrgUnit
from reports.models import Report, ReportStatus
from reports.slots import slot_on_or_after, slots_between


class SlotState:
    ON_TIME = "on_time"
    LATE = "late"  # nothing by the slot, but a report came before the next one
    MISSING = "missing"
    OPEN = "open"  # the slot is today or still ahead


PASSED = (SlotState.ON_TIME, SlotState.LATE, SlotState.MISSING)


@dataclass
class BranchRow:
    unit: OrgUnit
    cells: list[tuple[datetime.date, str]] = field(default_factory=list)
    submitted: int = 0
    adopted: int = 0
    drill = False  # a branch is the bottom of the grid

    @cached_property
    def _tally(self) -> Counter:
        # Counted once, when first asked: the cells are complete by then.
        return Counter(state for _slot, state in self.cells)

    def count(self, state: str) -> int:
        return self._tally[state]

    @property
    def on_time(self) -> int:
        return self.count(SlotState.ON_TIME)

    @property
    def late(self) -> int:
        return self.count(SlotState.LATE)

    @property
    def missing(self) -> int:
        return self.count(SlotState.MISSING)

    @property
    def due(self) -> int:
        """Reporting days passed, whatever their state: the days still open do not count yet."""
        return self.on_time + self.late + self.missing

    @property
    def on_time_rate(self) -> float | None:
        """按时报送率: on time (√) ÷ reporting days passed (√ + 补 + ×)."""
        return on_time_rate(self.on_time, self.due)


@dataclass
class SlotCount:
    """One reporting day of a committee's branches: how many were on time, late, missing."""

    on_time: int = 0
    late: int = 0
    missing: int = 0
    open: int = 0

    @property
    def state(self) -> str:
        """The worst state among the branches, for the cell's colour."""
        for state in (SlotState.MISSING, SlotState.LATE, SlotState.ON_TIME):
            if getattr(self, state):
                return state
        return SlotState.OPEN


@dataclass
class CommitteeRow:
    """A committee under the grid's top (a township under the county): its branches added up."""

    unit: OrgUnit
    cells: list[tuple[datetime.date, SlotCount]] = field(default_factory=list)
    branches: int = 0
    submitted: int = 0
    adopted: int = 0
    on_time: int = 0
    late: int = 0
    missing: int = 0
    drill = True  # its row opens the same grid for the committee

    @property
    def due(self) -> int:
        return self.on_time + self.late + self.missing

    @property
    def on_time_rate(self) -> float | None:
        return on_time_rate(self.on_time, self.due)


def on_time_rate(on_time: int, due: int) -> float | None:
    return on_time / due if due else None


def reporting_units(user):
    """The branches (党支部) that owe reports, within the user's scope."""
    return OrgUnit.objects.visible_to(user).filter(level=Level.BRANCH).order_by("path")


class _Slots:
    """The slots of a range, each with the one after it, and the reports that met them."""

    def __init__(self, first: datetime.date, last: datetime.date):
        self.slots = list(slots_between(first, last))
        # The slot after each one, worked out once rather than for every branch.
        self.following = [slot_on_or_after(slot + datetime.timedelta(days=1)) for slot in self.slots]
        self.today = timezone.localdate()

    def reports(self, units):
        """Submitted reports of `units` (a queryset or a list) for the range's slots and the one after."""
        return Report.objects.submitted().filter(
            unit__in=units, slot__gte=self.slots[0], slot__lte=self.following[-1]
        )

    def met_and_totals(self, units) -> tuple[set, dict]:
        reports = self.reports(units)
        # `order_by()`: Meta.ordering would add its columns to the DISTINCT and defeat it.
        met = set(reports.order_by().values_list("unit_id", "slot").distinct())
        totals = {
            row["unit_id"]: row
            for row in reports.filter(slot__lte=self.slots[-1])
            .order_by()
            .values("unit_id")
            .annotate(n=Count("pk"), adopted=Count("pk", filter=Q(status=ReportStatus.ADOPTED)))
        }
        return met, totals

    def states(self, unit_id: int, met: set) -> list[str]:
        states = []
        for slot, following in zip(self.slots, self.following, strict=True):
            if (unit_id, slot) in met:
                states.append(SlotState.ON_TIME)
            elif slot >= self.today:
                states.append(SlotState.OPEN)
            elif (unit_id, following) in met:
                states.append(SlotState.LATE)
            else:
                states.append(SlotState.MISSING)
        return states


def slot_grid(user, first: datetime.date, last: datetime.date, *, units=None) -> tuple[list, list[BranchRow]]:
    """Branches × slots from `first` to `last`: on time, late, missing or still open.

    Three queries whatever the number of branches and slots.
    """
    grid = _Slots(first, last)
    units = list(units if units is not None else reporting_units(user))
    if not grid.slots or not units:
        return grid.slots, [BranchRow(unit) for unit in units]
    met, totals = grid.met_and_totals(units)
    rows = []
    for unit in units:
        total = totals.get(unit.pk, {})
        row = BranchRow(unit, submitted=total.get("n", 0), adopted=total.get("adopted", 0))
        row.cells = list(zip(grid.slots, grid.states(unit.pk, met), strict=True))
        rows.append(row)
    return grid.slots, rows


def grid_tops(user, unit: OrgUnit | None = None) -> list[OrgUnit]:
    """Where the grid opens: the chosen unit, or the top units of the user's scope."""
    if unit is not None:
        return [unit]
    visible = OrgUnit.objects.visible_to(user)
    return list(visible.filter(Q(parent__isnull=True) | ~Q(parent__in=visible.values("pk"))).order_by("path"))


def grid_rows(
    user, first: datetime.date, last: datetime.date, *, unit: OrgUnit | None = None
) -> tuple[list, list[BranchRow | CommitteeRow]]:
    """The grid as the user opens it, bounded by the tree's shape rather than its size.

    Under each top unit (the chosen one, or the top of the user's scope): each committee
    directly below it is one row adding up its branches (a county office sees its
    townships), and the branches not under such a committee are a row each (a township
    office sees its branches, those of its 党总支 included). A constant number of queries.
    """
    tops = grid_tops(user, unit)
    grid = _Slots(first, last)
    if not tops:
        return grid.slots, []
    top_ids = [top.pk for top in tops]
    own_branch = (
        Q(pk__in=top_ids)
        | Q(parent__in=top_ids)
        | Q(parent__parent__in=top_ids, parent__level=Level.GENERAL_BRANCH)
    )
    units = list(
        OrgUnit.objects.visible_to(user)
        .filter(Q(parent__in=top_ids, level=Level.COMMITTEE) | Q(own_branch, level=Level.BRANCH))
        .order_by("path")
    )
    committees = [u for u in units if u.level == Level.COMMITTEE]
    direct = [u.pk for u in units if u.level == Level.BRANCH]
    under = Q(pk__in=[])
    for committee in committees:
        under |= Q(path__under=committee.path)
    # Every branch the grid counts: its own rows, and those the committees' rows add up.
    branches = OrgUnit.objects.visible_to(user).filter(under | Q(pk__in=direct), level=Level.BRANCH)
    # Of those the committees add up, only the ids and paths are needed.
    added_up = list(branches.filter(under).order_by().values_list("pk", "path")) if committees else []
    rows: dict[int, BranchRow | CommitteeRow] = {}
    for u in units:
        if u.level == Level.COMMITTEE:
            rows[u.pk] = CommitteeRow(u, cells=[(slot, SlotCount()) for slot in grid.slots])
        else:
            rows[u.pk] = BranchRow(u)
    by_path = {u.path: rows[u.pk] for u in committees}
    owner = {u.pk: rows[u.pk] for u in units if u.level == Level.BRANCH}
    for pk, path in added_up:
        codes = path.strip("/").split("/")
        for depth in range(len(codes) - 1, 0, -1):
            row = by_path.get("/" + "/".join(codes[:depth]) + "/")
            if row is not None:
                owner[pk] = row
                row.branches += 1
                break
    if not grid.slots or not owner:
        return grid.slots, list(rows.values())
    met, totals = grid.met_and_totals(branches.values("pk"))
    for pk, row in owner.items():
        total = totals.get(pk, {})
        row.submitted += total.get("n", 0)
        row.adopted += total.get("adopted", 0)
        states = grid.states(pk, met)
        if isinstance(row, BranchRow):
            row.cells = list(zip(grid.slots, states, strict=True))
            continue
        for (_slot, cell), state in zip(row.cells, states, strict=True):
            setattr(cell, state, getattr(cell, state) + 1)
    for row in rows.values():
        if isinstance(row, CommitteeRow):
            row.on_time = sum(cell.on_time for _slot, cell in row.cells)
            row.late = sum(cell.late for _slot, cell in row.cells)
            row.missing = sum(cell.missing for _slot, cell in row.cells)
    return grid.slots, list(rows.values())


def branches_owing(slot: datetime.date, units=None):
    """Branches with no report counting for `slot` yet (what the reminders ask for)."""
    units = (units if units is not None else OrgUnit.objects.all()).filter(level=Level.BRANCH)
    done = Report.objects.submitted().filter(slot=slot).values("unit_id")
    return units.exclude(pk__in=done)
