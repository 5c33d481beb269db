from __future__ import annotations

import datetime
from dataclasses import dataclass, field

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


@dataclass
class BranchRow:
    unit: OrgUnit
    cells: list[tuple[datetime.date, str]] = field(default_factory=list)
    submitted: int = 0
    adopted: int = 0

    def count(self, state: str) -> int:
        return sum(1 for _slot, cell in self.cells if cell == state)

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


def on_time_rate(on_time: int, due: int) -> float | None:
    return on_time / due if due else None


def reporting_units(user):
    """The branches (党支部) that owe reports, within the user's scope."""
    return OrgUnit.objects.visible_to(user).filter(level=Level.BRANCH).order_by("path")


def slot_grid(user, first: datetime.date, last: datetime.date, *, units=None) -> tuple[list, list[BranchRow]]:
    """Branches × slots from `first` to `last`: on time, late, missing or still open.

    Three queries whatever the number of branches and slots.
    """
    slots = list(slots_between(first, last))
    units = list(units if units is not None else reporting_units(user))
    if not slots or not units:
        return slots, [BranchRow(unit) for unit in units]
    after_last = slot_on_or_after(slots[-1] + datetime.timedelta(days=1))
    reports = Report.objects.submitted().filter(unit__in=units, slot__gte=slots[0], slot__lte=after_last)
    met = set(reports.order_by().values_list("unit_id", "slot").distinct())
    totals = {
        row["unit_id"]: row
        for row in reports.filter(slot__lte=slots[-1])
        .values("unit_id")
        .annotate(n=Count("pk"), adopted=Count("pk", filter=Q(status=ReportStatus.ADOPTED)))
    }
    today = timezone.localdate()
    rows = []
    for unit in units:
        total = totals.get(unit.pk, {})
        row = BranchRow(unit, submitted=total.get("n", 0), adopted=total.get("adopted", 0))
        for slot in slots:
            following = slot_on_or_after(slot + datetime.timedelta(days=1))
            if (unit.pk, slot) in met:
                state = SlotState.ON_TIME
            elif slot >= today:
                state = SlotState.OPEN
            elif (unit.pk, following) in met:
                state = SlotState.LATE
            else:
                state = SlotState.MISSING
            row.cells.append((slot, state))
        rows.append(row)
    return slots, rows


def branches_owing(slot: datetime.date, units=None):
    """Branches with no report counting for `slot` yet (what the reminders ask for)."""
    units = (units if units is not None else OrgUnit.objects.all()).filter(level=Level.BRANCH)
    done = Report.objects.submitted().filter(slot=slot).values("unit_id")
    return units.exclude(pk__in=done)
