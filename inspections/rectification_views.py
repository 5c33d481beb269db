"""整改台账 and one rectification's page: its replies, its re-checks."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.scoping import get_for_user
from branches.selectors import top_unit
from core.jobs import job_create, job_enqueue, job_run
from core.models import Attachment
from core.periods import Period
from inspections.exports import ledger_queryset
from inspections.models import (
    Finding,
    Inspection,
    Rectification,
    RectificationCheck,
    RectificationNotice,
    RectificationStatus,
    Source,
)
from inspections.rectification_forms import RecheckForm, RectificationFilterForm, ReplyForm
from inspections.services import rectification_recheck, rectification_reply

PER_PAGE = 30
QUESTIONS = ["answerable_by", "recheckable_by"]


@login_required
def rectification_list(request):
    """整改台账: every rectification in scope; the export as a job from the same filters."""
    form = RectificationFilterForm(request.GET, actor=request.user)
    visible = Rectification.objects.visible_to(request.user)
    if request.method == "POST":
        return _export(request, form)
    rectifications = form.apply(visible.select_related("unit", "member", "issued_by"))
    page = Paginator(rectifications, PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "form": form,
        "page": page,
        "today": timezone.localdate(),
        "open_count": visible.open().count(),
        "overdue_count": visible.overdue().count(),
    }
    return render(request, "inspections/rectification_list.html", context)


def _export(request, form):
    period = Period.containing(timezone.localdate())
    unit = None
    if form.is_valid():
        if form.cleaned_data["period"]:
            period = Period.parse(form.cleaned_data["period"])
        unit = form.cleaned_data["unit"]
    params = {"export": "rectifications", "period": period.code, "unit": unit.code if unit else None}
    job = job_create(
        owner=request.user,
        kind="export",
        title=f"整改台账（{period.label}{'，' + unit.name if unit else ''}）",
        params=params,
    )
    top = top_unit(request.user, params["unit"])
    if ledger_queryset(request.user, top, period).count() <= settings.INLINE_EXPORT_ROWS:
        job_run(job.pk)  # small enough to build while the user waits
    else:
        job_enqueue(job)  # a county's ledger: a worker builds it, the job page shows progress
    return redirect("core:job_detail", pk=job.pk)


@login_required
def rectification_detail(request, pk: int):
    rectification = get_for_user(Rectification, request.user, pk, ask=QUESTIONS)
    return _detail(request, rectification)


def _detail(request, rectification: Rectification, *, reply_form=None, recheck_form=None):
    user = request.user
    may = rectification.may
    replies = list(rectification.replies.select_related("replied_by").order_by("version"))
    checks = {
        check.reply_id: check
        for check in RectificationCheck.objects.filter(rectification=rectification).select_related(
            "checked_by"
        )
    }
    files: dict[int, list] = {}
    for attachment in Attachment.objects.for_objects(replies).order_by("pk"):
        files.setdefault(attachment.object_id, []).append(attachment)
    timeline = [(reply, files.get(reply.pk, []), checks.get(reply.pk)) for reply in replies]

    # The source: a link only where the user may open it.
    source_inspection = None
    if rectification.source == Source.INSPECTION:
        finding = Finding.objects.filter(pk=rectification.source_id).select_related("inspection").first()
        if finding and Inspection.objects.visible_to(user).filter(pk=finding.inspection_id).exists():
            source_inspection = finding.inspection
    notice = None
    notice_visible = False
    if rectification.notice_id:
        notice = RectificationNotice.objects.select_related("township").get(pk=rectification.notice_id)
        notice_visible = RectificationNotice.objects.visible_to(user).filter(pk=notice.pk).exists()

    answerable = may["answerable_by"]
    recheckable = may["recheckable_by"]
    context = {
        "rectification": rectification,
        "today": timezone.localdate(),
        "overdue": rectification.is_overdue(),
        "timeline": timeline,
        "source_inspection": source_inspection,
        "notice": notice,
        "notice_visible": notice_visible,
        "reply_form": (reply_form or ReplyForm()) if answerable else None,
        "recheck_form": (recheck_form or RecheckForm()) if recheckable else None,
        "sent_back": rectification.status == RectificationStatus.RETURNED,
    }
    return render(request, "inspections/rectification_detail.html", context)


def _reload(rectification: Rectification, user) -> Rectification:
    return get_for_user(Rectification, user, rectification.pk, ask=QUESTIONS)


@login_required
@require_POST
def rectification_reply_view(request, pk: int):
    rectification = get_for_user(Rectification, request.user, pk, need="answerable_by", ask=QUESTIONS)
    form = ReplyForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("The reply was not saved: correct the fields marked below."))
        return _detail(request, rectification, reply_form=form)
    try:
        rectification_reply(
            actor=request.user,
            rectification=rectification,
            measures=form.cleaned_data["measures"],
            result=form.cleaned_data["result"],
            files=form.cleaned_data["files"],
        )
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return _detail(request, _reload(rectification, request.user), reply_form=form)
    messages.success(request, _("Reply sent for re-check."))
    return redirect("inspections:rectification", pk=rectification.pk)


@login_required
@require_POST
def rectification_recheck_view(request, pk: int):
    rectification = get_for_user(Rectification, request.user, pk, need="recheckable_by", ask=QUESTIONS)
    form = RecheckForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("The re-check was not saved: correct the fields marked below."))
        return _detail(request, rectification, recheck_form=form)
    passed = form.cleaned_data["decision"] == "pass"
    try:
        rectification_recheck(
            actor=request.user,
            rectification=rectification,
            passed=passed,
            comment=form.cleaned_data["comment"],
            new_deadline=form.cleaned_data["new_deadline"],
        )
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return _detail(request, _reload(rectification, request.user), recheck_form=form)
    messages.success(request, _("Re-check passed.") if passed else _("Sent back for more work."))
    return redirect("inspections:rectification", pk=rectification.pk)
