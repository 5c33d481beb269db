from __future__ import annotations

import redis
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import DatabaseError, connection
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from accounts.scoping import get_for_user
from core.forms import ImportFileForm
from core.imports import Ledger, WorkbookError, get_ledger, template_workbook
from core.models import Upload
from core.services import upload_confirm, upload_discard, upload_preview

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


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
    report = upload = None
    if request.method == "POST" and form.is_valid():
        try:
            upload, report = upload_preview(
                ledger=ledger, user=request.user, upload_file=form.cleaned_data["file"]
            )
        except WorkbookError as exc:
            form.add_error("file", str(exc))
    context = {"ledger": ledger, "form": form, "report": report, "upload": upload}
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
    try:
        report = upload_confirm(ledger=ledger, user=request.user, upload=upload)
    except WorkbookError as exc:
        messages.error(request, str(exc))
        return redirect("core:import", kind=ledger.kind)
    if report.ok:
        messages.success(request, _("%(count)d rows imported.") % {"count": report.saved})
        return redirect(ledger.done_url)
    # The data changed between preview and confirmation: show what is wrong now.
    context = {"ledger": ledger, "form": ImportFileForm(), "report": report, "upload": None}
    return render(request, "core/import.html", context)


@login_required
@require_GET
def import_template(request, kind: str):
    ledger = _ledger_for(request.user, kind)
    response = HttpResponse(template_workbook(ledger), content_type=XLSX_TYPE)
    filename = _("%(label)s import template") % {"label": ledger.label}
    response["Content-Disposition"] = content_disposition_header(True, f"{filename}.xlsx")
    return response
