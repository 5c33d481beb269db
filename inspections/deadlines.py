"""What the inspections app declares to the reminder engine: each open rectification's
deadline (整改时限), and each circular a branch has not marked as read within three days."""

from __future__ import annotations

import datetime

from django.db.models import Count
from django.urls import reverse
from django.utils import timezone

from core.dates import short_date
from core.reminders import Deadline, register_source
from inspections.models import CircularReceipt, CircularStatus, Rectification, RectificationStatus

# Overdue rectifications are chased this long after their deadline; older ones are the
# office's to settle on the ledger, not a reminder's.
RECTIFICATIONS_CHASED = datetime.timedelta(days=180)
# A circular is to be read within three days of its issue; unread ones are chased this long.
READ_WITHIN = datetime.timedelta(days=3)
CIRCULARS_CHASED = datetime.timedelta(days=60)


def rectification_key(pk: int, deadline: datetime.date) -> str:
    """A new deadline after a send-back is a new deadline: reminded afresh."""
    return f"rectification:{pk}:{deadline:%Y-%m-%d}"


def circular_read_key(circular_id: int, unit_id: int) -> str:
    return f"circular-read:{circular_id}:{unit_id}"


def _owed_rectifications(today: datetime.date, units, until: datetime.date):
    owed = Rectification.objects.order_by().filter(
        status__in=[RectificationStatus.OPEN, RectificationStatus.RETURNED],
        deadline__gte=today - RECTIFICATIONS_CHASED,
        deadline__lte=until,
    )
    return owed if units is None else owed.filter(unit__in=units)


def rectification_counts(today: datetime.date, units, until: datetime.date):
    """What rectification_deadlines yields, counted per unit and deadline (the office's board)."""
    owed = _owed_rectifications(today, units, until)
    return owed.values_list("unit_id", "deadline").annotate(number=Count("pk")).order_by()


def rectification_deadlines(today: datetime.date, units, until: datetime.date):
    """Rectifications the branch (or the member) owes: open or sent back, not those replied
    and waiting for the re-check. A new deadline after a send-back is a new deadline (key)."""
    rows = _owed_rectifications(today, units, until).values_list(
        "pk", "problem", "deadline", "unit_id", "member__user_id", "member__name"
    )
    # A rectification's page is /rectifications/<pk>/: built once, not reversed per row.
    detail = reverse("inspections:rectification", args=[0]).removesuffix("0/")
    for pk, problem, deadline, unit_id, member_user, member_name in rows:
        yield Deadline(
            key=rectification_key(pk, deadline),
            kind="整改",
            title=f"整改「{problem[:30]}」整改时限 {short_date(deadline)}",
            due=deadline,
            unit_id=unit_id,
            link=f"{detail}{pk}/",
            owners=(member_user,) if member_user else (),
            who=member_name or "",
        )


def _start_of(day: datetime.date) -> datetime.datetime:
    """Midnight opening `day` in the portal's time zone (Asia/Shanghai)."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def unread_circular_deadlines(today: datetime.date, units, until: datetime.date):
    """An issued circular is due to be read (已阅) three days after the day it was issued.

    Owed from that day on only: the branch was told when it was issued, so no "due soon"
    reminder follows the issue itself; on the third day, and weekly after it, it is chased.
    """
    # Issued on a day `d` with d + 3 days <= today, and within the chasing window.
    last_day = min(today, until) - READ_WITHIN
    unread = CircularReceipt.objects.order_by().filter(
        read_at__isnull=True,
        circular__status=CircularStatus.ISSUED,
        circular__issued_at__gte=_start_of(today - CIRCULARS_CHASED),
        circular__issued_at__lt=_start_of(last_day + datetime.timedelta(days=1)),
    )
    if units is not None:
        unread = unread.filter(unit__in=units)
    rows = unread.values_list("circular_id", "unit_id", "circular__title", "circular__issued_at")
    detail = reverse("inspections:circular", args=[0]).removesuffix("0/")
    for circular_id, unit_id, title, issued_at in rows:
        yield Deadline(
            key=circular_read_key(circular_id, unit_id),
            kind="督查通报",
            title=f"督查通报「{title[:30]}」请阅知确认",
            due=timezone.localtime(issued_at).date() + READ_WITHIN,
            unit_id=unit_id,
            link=f"{detail}{circular_id}/",
        )


register_source("rectifications", rectification_deadlines, count=rectification_counts)
register_source("circular-reads", unread_circular_deadlines)
