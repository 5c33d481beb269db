from __future__ import annotations

import datetime

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from core.attachments import CheckedFile
from core.imports import ImportReport, Ledger, WorkbookError, run_import
from core.models import Attachment, Upload

# A preview left unconfirmed this long is abandoned.
UPLOAD_TTL = datetime.timedelta(hours=24)


def ledger_options(*, ledger: Ledger, user, data: dict) -> dict:
    """Check what the file is for (a branch, a period) with the ledger's own form."""
    if ledger.options_form is None:
        return {}
    form = ledger.options_form(data=data, actor=user)
    if not form.is_valid():
        raise WorkbookError(
            "；".join(
                f"{form.fields[name].label}：{' '.join(errors)}" for name, errors in form.errors.items()
            )
        )
    return form.cleaned_data


def upload_preview(*, ledger: Ledger, user, upload_file, options_data: dict) -> tuple[Upload, ImportReport]:
    """Check an uploaded file and keep it: for confirmation, or for its annotated copy."""
    report = run_import(
        ledger=ledger,
        user=user,
        fileobj=upload_file,
        max_rows=settings.IMPORT_MAX_ROWS,
        dry_run=True,
        options=ledger_options(ledger=ledger, user=user, data=options_data),
    )
    upload_file.seek(0)
    upload = Upload(owner=user, kind=ledger.kind, original_name=upload_file.name[:255], options=options_data)
    upload.file.save(upload.original_name, upload_file, save=True)
    return upload, report


def upload_check(*, ledger: Ledger, user, upload: Upload, dry_run: bool) -> ImportReport:
    """Run a stored file again: a preview, or the import itself (all its rows or none)."""
    options = ledger_options(ledger=ledger, user=user, data=upload.options)
    with upload.file.open("rb") as fileobj:
        report = run_import(
            ledger=ledger,
            user=user,
            fileobj=fileobj,
            max_rows=settings.IMPORT_MAX_ROWS,
            dry_run=dry_run,
            options=options,
        )
    if report.ok and not dry_run:
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


def attachment_add(*, owner, checked: CheckedFile, name: str, actor) -> Attachment:
    """Store a checked file for a record; the stored name never comes from the user."""
    attachment = Attachment(
        owner=owner,
        original_name=name[:255],
        mime_type=checked.mime_type,
        size=len(checked.content),
        uploaded_by=actor,
    )
    attachment.file.save(f"upload.{checked.extension}", ContentFile(checked.content), save=False)
    attachment.save()
    return attachment
