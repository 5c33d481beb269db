from __future__ import annotations

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core import jobs
from core.attachments import CheckedFile
from core.imports import ImportReport, Ledger, WorkbookError, describe, get_ledger, run_import
from core.jobs import JobError
from core.models import Attachment, Job, Notification, ReminderPolicy, Upload, Webhook
from core.outbound import Refused, check_url
from core.validators import clean_file_name

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
    name = clean_file_name(upload_file.name)
    upload = Upload(owner=user, kind=ledger.kind, original_name=name, options=options_data)
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
def upload_import_start(*, ledger: Ledger, user, upload: Upload) -> Job:
    """Hand a previewed file to a worker, which saves every row of it or none."""
    title = _("Import %(label)s: %(name)s") % {"label": ledger.label, "name": upload.original_name}
    job = jobs.job_create(
        owner=user,
        kind="import",
        title=title[: Job._meta.get_field("title").max_length],
        params={"upload": upload.pk, "done_url": reverse(ledger.done_url)},
    )
    jobs.job_enqueue(job)
    return job


@transaction.atomic
def _import_job(job: Job, progress) -> str:
    """Job handler: `params` = {"upload": id}. Reports how many rows were saved, or why none was."""
    # Locked: a second job for the same file (a double click) waits, then finds it gone.
    upload = Upload.objects.visible_to(job.owner).select_for_update().filter(pk=job.params["upload"]).first()
    ledger = get_ledger(upload.kind) if upload else None
    if ledger is None or not ledger.may_import(job.owner):
        raise JobError(
            _(
                "The uploaded file is no longer here: it was imported, cancelled, or left unconfirmed "
                "for a day. Upload it again."
            )
        )
    try:
        report = upload_check(ledger=ledger, user=job.owner, upload=upload, dry_run=False)
    except WorkbookError as exc:
        raise JobError(str(exc)) from None
    if not report.ok:
        # The data changed between the preview and now: name the first problems.
        problems = [describe(error, sheets=report.several_sheets) for error in report.errors[:5]]
        summary = _("%(count)d errors; nothing was saved.") % {"count": len(report.errors)}
        raise JobError(summary + "；".join(problems))
    return _("%(count)d rows imported, %(unchanged)d unchanged.") % {
        "count": report.saved,
        "unchanged": report.unchanged,
    }


jobs.register("import", _import_job)


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
        original_name=clean_file_name(name),
        mime_type=checked.mime_type,
        size=len(checked.content),
        uploaded_by=actor,
    )
    attachment.file.save(f"upload.{checked.extension}", ContentFile(checked.content), save=False)
    attachment.save()
    return attachment


@transaction.atomic
def notification_mark_read(*, notification: Notification) -> None:
    Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(read_at=timezone.now())


@transaction.atomic
def reminder_policy_save(*, policy: ReminderPolicy) -> ReminderPolicy:
    policy.full_clean()
    policy.save()
    return policy


@transaction.atomic
def webhook_save(*, webhook: Webhook) -> Webhook:
    """A group bot reaches only public https addresses (checked again at each sending)."""
    webhook.full_clean()
    try:
        check_url(webhook.url)
    except Refused as exc:
        raise ValidationError({"url": str(exc)}) from exc
    webhook.save()
    return webhook


@transaction.atomic
def webhook_delete(*, webhook: Webhook) -> None:
    webhook.delete()
