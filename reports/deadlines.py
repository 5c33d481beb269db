"""What the reports app declares to the reminder engine: each branch's next reporting day,
and the last one while a branch still owes it."""

from __future__ import annotations

import datetime

from django.urls import reverse

from core.dates import short_date
from core.reminders import Deadline, register_source
from reports.selectors import branches_owing
from reports.slots import previous_slot, slot_on_or_after


def report_slot_deadlines(today: datetime.date, units, until: datetime.date):
    upcoming = slot_on_or_after(today)
    link = reverse("reports:create")
    # The last reporting day (overdue while still owed) and the next one.
    for slot in (previous_slot(upcoming), upcoming):
        if slot > until:
            continue
        for unit_id in branches_owing(slot, units).order_by().values_list("pk", flat=True):
            yield Deadline(
                key=f"report:{unit_id}:{slot:%Y-%m-%d}",
                kind="信息报送",
                title=f"信息报送日 {short_date(slot)}",
                due=slot,
                unit_id=unit_id,
                link=link,
            )


register_source("report-slots", report_slot_deadlines)
