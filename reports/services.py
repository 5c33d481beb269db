from __future__ import annotations

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.reminders import decision_notify
from core.services import attachment_add
from reports.models import Report, ReportStatus
from reports.slots import slot_for


@transaction.atomic
def report_save(*, actor, report: Report, files=()) -> Report:
    if report.pk is None:
        report.author = actor
    report.full_clean()
    report.save()
    for checked, name in files:
        attachment_add(owner=report, checked=checked, name=name, actor=actor)
    return report


@transaction.atomic
def report_submit(*, actor, report: Report, now=None) -> Report:
    """Send a draft, or a returned report once revised; its slot is set by the first sending."""
    report = Report.objects.select_for_update().get(pk=report.pk)
    report.move_to(ReportStatus.SUBMITTED)
    if report.submitted_at is None:
        report.submitted_at = now or timezone.now()
        report.slot = slot_for(report.submitted_at)
    report.return_comment = ""
    report.save(update_fields=["status", "submitted_at", "slot", "return_comment"])
    return report


@transaction.atomic
def report_review(*, actor, report: Report, adopt: bool, note: str = "") -> Report:
    """The office adopts a report (noting where it was used) or returns it with a comment."""
    report = Report.objects.select_for_update().get(pk=report.pk)
    report.move_to(ReportStatus.ADOPTED if adopt else ReportStatus.RETURNED)
    report.reviewed_by = actor
    report.reviewed_at = timezone.now()
    if adopt:
        report.adoption_note = note
    else:
        report.return_comment = note
    report.save(update_fields=["status", "reviewed_by", "reviewed_at", "adoption_note", "return_comment"])
    decision = (
        _("The office adopted the report “%(title)s”.")
        if adopt
        else _("The office returned the report “%(title)s”: please revise it and submit it again.")
    )
    lines = [decision % {"title": report.title}]
    if note:
        lines.append((_("Where it was used: %(note)s") if adopt else _("Comment: %(note)s")) % {"note": note})
    decision_notify(
        unit=report.unit,
        # A report is reviewed again after each resubmission: each review is its own decision.
        key=f"report:{report.pk}:review:{report.reviewed_at:%Y%m%d%H%M%S%f}",
        title=f"【{report.get_status_display()}】{report.title}",
        body="\n".join(lines),
        link=reverse("reports:detail", args=[report.pk]),
    )
    return report
