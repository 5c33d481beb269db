"""What the reports app adds to a branch's 回档: every report submitted for a slot of the
period, as its official .docx, with its photos and files as uploaded."""

from __future__ import annotations

from core.archive import register_part
from core.dates import short_date
from core.models import Attachment
from core.periods import Period
from reports.exports import report_docx
from reports.models import Report

SECTION = "02信息报送"


def write_part(user, branch, period: Period, writer) -> None:
    reports = (
        Report.objects.visible_to(user)
        .submitted()
        .filter(unit=branch, slot__gte=period.start, slot__lte=period.end)
        .select_related("unit")
        .order_by("slot", "submitted_at", "pk")
    )
    for report in reports.iterator(chunk_size=200):
        folder = writer.folder(SECTION, f"{short_date(report.slot)} {report.title}")
        writer.add_bytes(
            folder, f"{report.title}.docx", report_docx(report), note=report.get_status_display()
        )
        for attachment in Attachment.objects.for_objects([report]).order_by("pk"):
            writer.add_attachment(folder, attachment, note=report.title)


register_part("reports", 20, write_part)
