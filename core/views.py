from __future__ import annotations

import mimetypes

import redis
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import DatabaseError, connection
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from accounts.models import OrgUnit
from accounts.scoping import get_for_user
from core.archive import archive_filename
from core.downloads import XLSX_TYPE, download
from core.forms import ArchiveForm, ImportFileForm
from core.imports import Ledger, WorkbookError, annotated_workbook, get_ledger, template_workbook
from core.jobs import job_create, job_enqueue, jobs_fail_abandoned
from core.models import Attachment, Job, Upload
from core.periods import Period
from core.services import upload_check, upload_discard, upload_import_start, upload_preview


@never_cache
@require_GET
def healthz(request):
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        database = "ok"
    except DatabaseError:
        database = "down"
    if not settings.REDIS_URL:
        broker = "eager"
    else:
        try:
            redis.Redis.from_url(settings.REDIS_URL, socket_timeout=1, socket_connect_timeout=1).ping()
            broker = "ok"
        except redis.RedisError:
            broker = "down"
    status = 200 if database == "ok" else 503
    return JsonResponse({"database": database, "broker": broker}, status=status)


def _ledger_for(user, kind: str) -> Ledger:
    ledger = get_ledger(kind)
    if ledger is None or not ledger.may_import(user):
        raise Http404
    return ledger


@login_required
def import_start(request, kind: str):
    ledger = _ledger_for(request.user, kind)
    form = ImportFileForm(request.POST or None, request.FILES or None)
    options_form = (
        ledger.options_form(request.POST or None, actor=request.user) if ledger.options_form else None
    )
    report = upload = None
    valid = form.is_valid() and (options_form is None or options_form.is_valid())
    if request.method == "POST" and valid:
        options_data = {
            name: request.POST.get(name, "") for name in (options_form.fields if options_form else [])
        }
        try:
            upload, report = upload_preview(
                ledger=ledger,
                user=request.user,
                upload_file=form.cleaned_data["file"],
                options_data=options_data,
            )
        except WorkbookError as exc:
            form.add_error("file", str(exc))
    context = {
        "ledger": ledger,
        "form": form,
        "options_form": options_form,
        "report": report,
        "upload": upload,
    }
    return render(request, "core/import.html", context)


@login_required
@require_POST
def import_confirm(request, pk: int):
    upload = get_for_user(Upload, request.user, pk)
    ledger = _ledger_for(request.user, upload.kind)
    if "discard" in request.POST:
        upload_discard(upload=upload)
        messages.info(request, _("The import was cancelled; nothing was saved."))
        return redirect("core:import", kind=ledger.kind)
    # The check runs again, with the saving, in the job: the data may have changed since the preview.
    job = upload_import_start(ledger=ledger, user=request.user, upload=upload)
    return redirect("core:job_detail", pk=job.pk)


@login_required
@require_GET
def import_errors(request, pk: int):
    """The uploaded workbook with an error column added, from the one reading of the check."""
    upload = get_for_user(Upload, request.user, pk)
    ledger = _ledger_for(request.user, upload.kind)
    try:
        report = upload_check(ledger=ledger, user=request.user, upload=upload, dry_run=True)
    except WorkbookError as exc:
        messages.error(request, str(exc))
        return redirect("core:import", kind=ledger.kind)
    stem = upload.original_name.rsplit(".", 1)[0]
    return download(annotated_workbook(report), _("%(name)s (errors marked).xlsx") % {"name": stem})


@login_required
@require_GET
def import_template(request, kind: str):
    ledger = _ledger_for(request.user, kind)
    return download(
        template_workbook(ledger), _("%(label)s import template") % {"label": ledger.label} + ".xlsx"
    )


@login_required
@require_GET
def attachment_download(request, pk: int):
    """An attachment is served only to whoever may see the record it belongs to."""
    try:
        attachment = Attachment.objects.select_related("content_type").get(pk=pk)
    except Attachment.DoesNotExist:
        raise Http404 from None
    owner_model = attachment.content_type.model_class()
    get_for_user(owner_model, request.user, attachment.object_id)
    response = FileResponse(
        attachment.file.open("rb"),
        content_type=attachment.mime_type,
        as_attachment=not attachment.is_image,
        filename=attachment.original_name,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; sandbox"
    return response


@login_required
def job_list(request):
    jobs_fail_abandoned(jobs=Job.objects.visible_to(request.user))  # so that it works without beat too
    jobs = Job.objects.visible_to(request.user)[:50]
    return render(request, "core/job_list.html", {"jobs": jobs})


@login_required
def job_detail(request, pk: int):
    jobs_fail_abandoned(jobs=Job.objects.visible_to(request.user).filter(pk=pk))  # without beat too
    job = get_for_user(Job, request.user, pk)
    return render(request, "core/job_detail.html", {"job": job})


@login_required
@require_GET
def job_download(request, pk: int):
    job = get_for_user(Job, request.user, pk)
    if not job.result:
        raise Http404
    content_type = mimetypes.guess_type(job.result_name)[0] or XLSX_TYPE
    return FileResponse(
        job.result.open("rb"), as_attachment=True, filename=job.result_name, content_type=content_type
    )


@login_required
@require_POST
def archive_start(request, pk: int):
    """Start the archive (回档) of a unit and a period: its office and its secretary."""
    unit = get_for_user(OrgUnit, request.user, pk, need="kept_by")
    form = ArchiveForm(request.POST)
    if not form.is_valid():
        for error in form.errors.get("period", []):
            messages.error(request, error)
        return redirect("branches:unit_detail", pk=unit.pk)
    period = Period.parse(form.cleaned_data["period"])
    job = job_create(
        owner=request.user,
        kind="archive",
        title=archive_filename(unit, period),
        params={"unit": unit.code, "period": period.code},
    )
    job_enqueue(job)
    return redirect("core:job_detail", pk=job.pk)
