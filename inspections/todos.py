"""What the inspections app asks of a user on its home page (core.todos): rectifications to
answer, circulars to read, approve or redraft, replies waiting for a re-check, planned
inspections, and for the office the overdue rectifications of its units."""

from __future__ import annotations

import datetime
from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.models import OrgUnit
from core.reminders import REMIND_AHEAD
from core.todos import Todo, register_todos
from inspections.deadlines import circular_read_key, rectification_key
from inspections.models import (
    Circular,
    CircularReceipt,
    CircularStatus,
    Inspection,
    InspectionStatus,
    Rectification,
    branch_q,
    covered_q,
)

LIMIT = 10


def _rectification(rectification, title: str, due=None, key="") -> Todo:
    return Todo(
        title % {"problem": rectification.problem[:30]},
        reverse("inspections:rectification", args=[rectification.pk]),
        _("Rectification"),
        due,
        rectification.member.name if rectification.member_id else rectification.unit.name,
        key,
    )


def rectification_todos(user, today: datetime.date):
    owed = (
        Rectification.objects.answerable_by(user)
        .select_related("unit", "member")
        .order_by("deadline", "pk")[:LIMIT]
    )
    for rectification in owed:
        key = rectification_key(rectification.pk, rectification.deadline)
        yield _rectification(rectification, _("Rectify “%(problem)s” and reply"), rectification.deadline, key)
    replies = (
        Rectification.objects.recheckable_by(user).select_related("unit", "member").order_by("deadline", "pk")
    )
    for rectification in replies[:LIMIT]:
        yield _rectification(rectification, _("Re-check the reply to “%(problem)s”"))
    if OrgUnit.objects.writable_by(user).exists():
        overdue = Rectification.objects.visible_to(user).overdue(today).count()
        if overdue:
            yield Todo(
                _("%(count)d rectifications are overdue") % {"count": overdue},
                f"{reverse('inspections:rectifications')}?{urlencode({'state': 'overdue'})}",
                _("Rectification"),
            )


def circular_todos(user, today: datetime.date):
    kind = _("Inspection circular")
    unread = (
        CircularReceipt.objects.filter(branch_q(user, "unit__path"), read_at__isnull=True)
        .filter(circular__status=CircularStatus.ISSUED)
        .select_related("circular", "unit")
        .order_by("-circular__issued_at")[:LIMIT]
    )
    for receipt in unread:
        yield Todo(
            _("Read the circular “%(title)s” and confirm") % {"title": receipt.circular.title[:30]},
            reverse("inspections:circular", args=[receipt.circular_id]),
            kind,
            note=receipt.unit.name,
            key=circular_read_key(receipt.circular_id, receipt.unit_id),
        )
    for circular in Circular.objects.approvable_by(user).order_by("submitted_at")[:LIMIT]:
        yield Todo(
            _("Approve or return the circular “%(title)s”") % {"title": circular.title[:30]},
            reverse("inspections:circular", args=[circular.pk]),
            kind,
        )
    returned = Circular.objects.writable_by(user).filter(status=CircularStatus.RETURNED)
    for circular in returned.order_by("-decided_at")[:LIMIT]:
        yield Todo(
            _("The circular “%(title)s” was returned: revise it") % {"title": circular.title[:30]},
            reverse("inspections:circular", args=[circular.pk]),
            kind,
        )


def inspection_todos(user, today: datetime.date):
    """The inspections planned by the groups `user` sits in, this month and the next."""
    planned = (
        Inspection.objects.filter(covered_q(user, "unit__path"))
        .filter(status=InspectionStatus.PLANNED, date__lte=today + REMIND_AHEAD)
        .select_related("unit")
        .order_by("date", "pk")[:LIMIT]
    )
    for inspection in planned:
        yield Todo(
            _("Planned inspection of %(unit)s") % {"unit": inspection.unit.name},
            reverse("inspections:detail", args=[inspection.pk]),
            _("Inspection"),
            inspection.date,
            inspection.unit.name,
        )


register_todos("rectifications", rectification_todos)
register_todos("circulars", circular_todos)
register_todos("inspections", inspection_todos)
