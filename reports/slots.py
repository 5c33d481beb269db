"""信息报送日 (seed 000 §八.1): every month's 15th and 30th; a month without a 30th uses its last day.

A report counts for the first slot on or after the day it was submitted (Asia/Shanghai):
submitted after one slot and on or before the next, it counts for the next.
"""

from __future__ import annotations

import calendar
import datetime
from collections.abc import Iterator

from django.utils import timezone

SLOT_DAYS = (15, 30)


def month_slots(year: int, month: int) -> list[datetime.date]:
    last = calendar.monthrange(year, month)[1]
    return [datetime.date(year, month, min(day, last)) for day in SLOT_DAYS]


def slot_on_or_after(day: datetime.date) -> datetime.date:
    for slot in month_slots(day.year, day.month):
        if day <= slot:
            return slot
    following = day.replace(day=1) + datetime.timedelta(days=32)
    return month_slots(following.year, following.month)[0]


def slot_for(submitted_at: datetime.datetime) -> datetime.date:
    """The slot a submission counts for, judged by its date in Asia/Shanghai."""
    return slot_on_or_after(timezone.localtime(submitted_at).date())


def previous_slot(slot: datetime.date) -> datetime.date:
    earlier = [s for s in month_slots(slot.year, slot.month) if s < slot]
    if earlier:
        return earlier[-1]
    before = slot.replace(day=1) - datetime.timedelta(days=1)
    return month_slots(before.year, before.month)[-1]


def slots_between(first: datetime.date, last: datetime.date) -> Iterator[datetime.date]:
    """Every slot date from `first` to `last`, both included."""
    year, month = first.year, first.month
    while (year, month) <= (last.year, last.month):
        for slot in month_slots(year, month):
            if first <= slot <= last:
                yield slot
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)


def window(slot: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The days whose submissions count for `slot`: after the previous slot, up to this one."""
    return previous_slot(slot) + datetime.timedelta(days=1), slot
