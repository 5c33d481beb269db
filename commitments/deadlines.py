"""What the commitments app declares to the reminder engine: each open commitment's
deadline, and each branch's ledger filing (mid-January and mid-July, seed 002)."""

from __future__ import annotations

import datetime

from django.db.models import Count, Exists, F, Min, OuterRef, Q
from django.db.models.functions import Length, Substr
from django.db.models.lookups import Exact
from django.urls import reverse

from accounts.models import Level, OrgUnit
from commitments.models import Commitment, PeriodLock
from core.dates import short_date
from core.periods import Period
from core.reminders import Deadline, register_source


def _closed(period, path) -> Exists:
    """A lock of `period` on the unit at `path` or on a unit above it.

    One anti-join with the lock table, however many locks there are (not one condition
    per lock, which every row of the scan would be tested against). The path's head is
    compared with the lock's path: a LIKE on an escaped column (three REPLACEs per pair of
    a letter and a lock) cost the county's board 240 ms of its 300; and it is exact on
    SQLite too, whose LIKE ignores case.
    """
    lock_path = F("unit__path")
    return Exists(
        PeriodLock.objects.filter(period=period).filter(Exact(Substr(path, 1, Length(lock_path)), lock_path))
    )


def _last_half_year(today: datetime.date) -> Period:
    current = Period.containing(today)
    return Period(current.year, 1) if current.half == 2 else Period(current.year - 1, 2)


def _open_items(today: datetime.date, units, until: datetime.date):
    # Bounded on both sides (the partial index on open commitments' deadlines serves it):
    # overdue ones are chased back to the start of the last half-year. Its ledger is filed
    # by then and the office closes it; what an older period left open is the office's to
    # record as not completed, not a reminder's.
    open_items = Commitment.objects.order_by().filter(
        percent__lt=100,
        incomplete_reason="",
        deadline__gte=_last_half_year(today).start,
        deadline__lte=until,
    )
    if units is not None:
        open_items = open_items.filter(letter__unit__in=units)
    return open_items


def _open_commitments(today: datetime.date, units, until: datetime.date):
    # Once the office has closed a period, what is left open is its call (未完成), not a reminder's.
    return _open_items(today, units, until).exclude(
        _closed(OuterRef("letter__period"), OuterRef("letter__unit__path"))
    )


def commitment_counts(today: datetime.date, units, until: datetime.date):
    """What commitment_deadlines yields, counted per unit (the office's board).

    The board wants how many each unit owes and how many of them are overdue, not each
    due date: counted per (unit, period) as overdue and not yet overdue, each count with
    its earliest due date (a few hundred rows, not one per unit and day, 37,000 in a
    county's half-year). The lock check follows, once per (unit, period), in Python
    against the few locks of those periods (a lock closes all of a unit's letters of its
    period alike): the same rule as `_closed`, a lock of the period on the unit or on a
    unit above it (its path a prefix of the unit's). As an anti-join in SQL it compared
    every open letter with every lock of its period, 300,000 path comparisons and half
    of the county's board.
    """
    overdue, coming = Q(deadline__lt=today), Q(deadline__gte=today)
    counts = list(
        _open_items(today, units, until)
        .values_list("letter__unit_id", "letter__unit__path", "letter__period")
        .annotate(
            overdue=Count("pk", filter=overdue),
            first_overdue=Min("deadline", filter=overdue),
            coming=Count("pk", filter=coming),
            first_coming=Min("deadline", filter=coming),
        )
        .order_by()
    )
    if not counts:
        return []
    closing = PeriodLock.objects.filter(period__in={row[2] for row in counts}).order_by()
    locks: dict[str, set[str]] = {}
    for period, path in closing.values_list("period", "unit__path"):
        locks.setdefault(period, set()).add(path)
    owed = []
    for unit_id, path, period, late, first_late, soon, first_soon in counts:
        paths = locks.get(period)
        if paths and any(path[:end] in paths for end in range(1, len(path) + 1)):
            continue  # closed by the office
        if late:
            owed.append((unit_id, first_late, late))
        if soon:
            owed.append((unit_id, first_soon, soon))
    return owed


def commitment_deadlines(today: datetime.date, units, until: datetime.date):
    open_items = _open_commitments(today, units, until)
    # Fetched at once: through a server-side cursor PostgreSQL plans for the first rows and
    # the whole scan takes four times as long.
    open_items = open_items.values_list(
        "pk", "content", "deadline", "letter__unit_id", "letter__member__user_id", "letter__member__name"
    )
    # A commitment's page is /commitments/<pk>/: built once, not reversed 100,000 times.
    detail = reverse("commitments:detail", args=[0]).removesuffix("0/")
    dates: dict[datetime.date, str] = {}  # a few hundred due dates among 100,000 commitments
    for pk, content, deadline, unit_id, member_user, member_name in open_items:
        day = dates.get(deadline) or dates.setdefault(deadline, short_date(deadline))
        yield Deadline(
            key=f"commitment:{pk}",
            kind="承诺事项",
            title=f"承诺事项「{content[:30]}」完成时限 {day}",
            due=deadline,
            unit_id=unit_id,
            link=f"{detail}{pk}/",
            owners=(member_user,) if member_user else (),
            who=member_name or "",
        )


def ledger_filing_deadlines(today: datetime.date, units, until: datetime.date):
    """The ledger of the period that ended last is due by its filing day, until the office closes it."""
    last = _last_half_year(today)
    due = last.filing_deadline
    if today > due + datetime.timedelta(days=60) or due > until:
        return
    branches = (units if units is not None else OrgUnit.objects.all()).filter(level=Level.BRANCH)
    branches = branches.order_by().exclude(_closed(last.code, OuterRef("path")))
    link = reverse("commitments:export")
    for unit_id in branches.values_list("pk", flat=True):
        yield Deadline(
            key=f"ledger:{unit_id}:{last.code}",
            kind="承诺践诺台账",
            title=f"承诺践诺台账（{last.label}）报送截止 {short_date(due)}",
            due=due,
            unit_id=unit_id,
            link=link,
        )


register_source("commitments", commitment_deadlines, count=commitment_counts)
register_source("ledger-filing", ledger_filing_deadlines)
