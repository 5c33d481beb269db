"""What the commitments app declares to the reminder engine: each open commitment's
deadline, and each branch's ledger filing (mid-January and mid-July, seed 002)."""

from __future__ import annotations

import datetime

from django.db.models import Q
from django.urls import reverse

from branches.models import Level, OrgUnit
from commitments.models import Commitment, PeriodLock
from core.periods import Period
from core.reminders import Deadline, register_source

REMIND_AHEAD = datetime.timedelta(days=31)  # the longest "days before" an office may choose


def commitment_deadlines(today: datetime.date, units=None):
    open_items = Commitment.objects.filter(
        percent__lt=100, incomplete_reason="", deadline__lte=today + REMIND_AHEAD
    )
    if units is not None:
        open_items = open_items.filter(letter__unit__in=units)
    # Once the office has closed a period, what is left open is its call (未完成), not a reminder's.
    for path, period in PeriodLock.objects.values_list("unit__path", "period"):
        open_items = open_items.exclude(letter__period=period, letter__unit__path__startswith=path)
    # Fetched at once: through a server-side cursor PostgreSQL plans for the first rows and
    # the whole scan takes four times as long.
    open_items = open_items.values_list(
        "pk", "content", "deadline", "letter__unit_id", "letter__member__user_id"
    )
    # A commitment's page is /commitments/<pk>/: built once, not reversed 100,000 times.
    detail = reverse("commitments:detail", args=[0]).removesuffix("0/")
    for pk, content, deadline, unit_id, member_user in open_items:
        yield Deadline(
            key=f"commitment:{pk}",
            kind="承诺事项",
            title=f"承诺事项「{content[:30]}」完成时限 {deadline:%Y-%m-%d}",
            due=deadline,
            unit_id=unit_id,
            link=f"{detail}{pk}/",
            owners=(member_user,) if member_user else (),
        )


def ledger_filing_deadlines(today: datetime.date, units=None):
    """The ledger of the period that ended last is due by its filing day, until the office closes it."""
    current = Period.containing(today)
    last = Period(current.year, 1) if current.half == 2 else Period(current.year - 1, 2)
    due = last.filing_deadline
    if today > due + datetime.timedelta(days=60):
        return
    closed = PeriodLock.objects.filter(period=last.code).values_list("unit__path", flat=True)
    branches = (units if units is not None else OrgUnit.objects.all()).filter(level=Level.BRANCH)
    for path in closed:
        branches = branches.exclude(Q(path__startswith=path))
    link = reverse("commitments:export")
    for unit_id in branches.values_list("pk", flat=True):
        yield Deadline(
            key=f"ledger:{unit_id}:{last.code}",
            kind="承诺践诺台账",
            title=f"承诺践诺台账（{last.label}）报送截止 {due:%Y-%m-%d}",
            due=due,
            unit_id=unit_id,
            link=link,
        )


register_source("commitments", commitment_deadlines)
register_source("ledger-filing", ledger_filing_deadlines)
