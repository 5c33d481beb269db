"""What the reports app asks of a user on its home page (core.todos): returned reports and
drafts for the branch, reports to adopt or return and branches behind on the last reporting
day for the office. The next reporting day is a deadline, listed from the reminder engine."""

from __future__ import annotations

import datetime
from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.models import OrgUnit
from core.todos import Todo, register_todos
from reports.models import Report, ReportStatus
from reports.selectors import branches_owing
from reports.slots import previous_slot, slot_on_or_after

LIMIT = 10


def report_todos(user, today: datetime.date):
    kind = _("Information report")
    returned = Report.objects.resubmittable_by(user).select_related("unit").order_by("-pk")[:LIMIT]
    for report in returned:
        yield Todo(
            _("Returned report “%(title)s”: revise and send again") % {"title": report.title[:30]},
            reverse("reports:detail", args=[report.pk]),
            kind,
            note=report.unit.name,
        )
    drafts = (
        Report.objects.writable_by(user)
        .filter(status=ReportStatus.DRAFT, unit__in=OrgUnit.objects.of_secretary(user))
        .select_related("unit")
        .order_by("-pk")[:LIMIT]
    )
    for report in drafts:
        yield Todo(
            _("Draft “%(title)s” not sent yet") % {"title": report.title[:30]},
            reverse("reports:detail", args=[report.pk]),
            kind,
            note=report.unit.name,
        )
    managed = OrgUnit.objects.writable_by(user)
    if not managed.exists():
        return
    waiting = Report.objects.reviewable_by(user).count()
    if waiting:
        yield Todo(
            _("%(count)d reports wait for you to adopt or return them") % {"count": waiting},
            f"{reverse('reports:list')}?{urlencode({'status': ReportStatus.SUBMITTED})}",
            kind,
        )
    slot = previous_slot(slot_on_or_after(today))
    behind = branches_owing(slot, managed).count()
    if behind:
        yield Todo(
            _("%(count)d branches sent nothing for the reporting day %(day)s")
            % {"count": behind, "day": slot},
            f"{reverse('reports:grid')}?{urlencode({'start': f'{slot:%Y-%m}', 'end': f'{slot:%Y-%m}'})}",
            kind,
        )


register_todos("reports", report_todos)
