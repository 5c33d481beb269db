from __future__ import annotations

import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from core.imports import ImportReport, Ledger, run_import
from core.models import Upload

# A preview left unconfirmed this long is abandoned.
UPLOAD_TTL = datetime.timedelta(hours=24)


def upload_preview(*, ledger: Ledger, user, upload_file) -> tuple[Upload | None, ImportReport]:
    """Check an uploaded file; keep it for confirmation only when every row is valid."""
    report = run_import(
        ledger=ledger, user=user, fileobj=upload_file, max_rows=settings.IMPORT_MAX_ROWS, dry_run=True
    )
    if not report.ok:
        return None, report
    upload_file.seek(0)
    upload = Upload(owner=user, kind=ledger.kind, original_name=upload_file.name[:255])
    upload.file.save(upload.original_name, upload_file, save=True)
    return upload, report


def upload_confirm(*, ledger: Ledger, user, upload: Upload) -> ImportReport:
    """Import a previewed file for real: all its rows or, if anything changed since, none."""
    with upload.file.open("rb") as fileobj:
        report = run_import(
            ledger=ledger, user=user, fileobj=fileobj, max_rows=settings.IMPORT_MAX_ROWS, dry_run=False
        )
    if report.ok:
        upload_discard(upload=upload)
    return report


@transaction.atomic
def upload_discard(*, upload: Upload) -> None:
    upload.file.delete(save=False)
    upload.delete()


def uploads_purge_stale(*, older_than: datetime.timedelta = UPLOAD_TTL) -> int:
    """Delete previewed files nobody confirmed; returns how many went."""
    stale = Upload.objects.filter(created_at__lt=timezone.now() - older_than)
    count = 0
    for upload in stale.iterator():
        upload_discard(upload=upload)
        count += 1
    return count
