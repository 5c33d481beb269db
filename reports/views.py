from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.models import OrgUnit
from accounts.scoping import get_for_user, require
from branches.selectors import top_unit
from core.downloads import DOCX_TYPE, download
from core.jobs import JobError, job_create, job_run
from core.models import Attachment
from reports.exports import circular_docx, circular_rows, months_label, parse_months, report_docx
from reports.forms import MonthsForm, ReportFilterForm, ReportForm, ReviewForm, reporting_branches
from reports.models import Report, ReportStatus
from reports.selectors import grid_rows, reporting_units, slot_grid
from reports.services import report_review, report_save, report_submit
from reports.slots import month_slots

PER_PAGE = 30


@login_required
def report_list(request):
    form = ReportFilterForm(request.GET, actor=request.user)
    reports = form.apply(Report.objects.visible_to(request.user).select_related("unit"))
    page = Paginator(reports, PER_PAGE).get_page(request.GET.get("page"))
    can_write = reporting_branches(request.user).exists()
    return render(request, "reports/list.html", {"form": form, "page": page, "can_write": can_write})


@login_required
def report_create(request):
    require(reporting_branches(request.user))
    return _report_form(request, Report())


@login_required
def report_edit(request, pk: int):
    report = get_for_user(Report, request.user, pk, need="writable_by", ask=["resubmittable_by"])
    if not _may_change(report):
        raise PermissionDenied
    return _report_form(request, report)


def _may_change(report: Report) -> bool:
    """A draft is kept by whoever writes for its branch; a returned report only by the branch.

    Submitted and adopted reports change only after being returned.
    """
    if report.status == ReportStatus.RETURNED:
        return report.may["resubmittable_by"]
    return report.status == ReportStatus.DRAFT and report.may["writable_by"]


def _report_form(request, report: Report):
    form = ReportForm(request.POST or None, request.FILES or None, instance=report, actor=request.user)
    if request.method == "POST" and form.is_valid():
        saved = report_save(actor=request.user, report=form.instance, files=form.cleaned_data["files"])
        if "submit" in request.POST:
            report_submit(actor=request.user, report=saved)
            messages.success(request, _("Report submitted."))
        else:
            messages.success(request, _("Draft saved."))
        return redirect("reports:detail", pk=saved.pk)
    title = _("Edit report") if report.pk else _("Write a report")
    return render(request, "reports/form.html", {"form": form, "title": title})


@login_required
def report_detail(request, pk: int):
    report = get_for_user(Report, request.user, pk, ask=["writable_by", "reviewable_by", "resubmittable_by"])
    can_write = report.may["writable_by"]
    versions = []
    if can_write:
        versions = list(
            report.history.filter(status=ReportStatus.SUBMITTED)
            .order_by("-history_date")
            .select_related("history_user")
        )
    context = {
        "report": report,
        "attachments": Attachment.objects.for_objects([report]),
        "can_change": _may_change(report),
        "review_form": ReviewForm()
        if report.may["reviewable_by"] and report.status == ReportStatus.SUBMITTED
        else None,
        "versions": versions,
    }
    return render(request, "reports/detail.html", context)


@login_required
@require_POST
def report_send(request, pk: int):
    report = get_for_user(Report, request.user, pk, need="writable_by", ask=["resubmittable_by"])
    if report.status == ReportStatus.RETURNED and not report.may["resubmittable_by"]:
        raise PermissionDenied
    try:
        report_submit(actor=request.user, report=report)
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    else:
        messages.success(request, _("Report submitted."))
    return redirect("reports:detail", pk=report.pk)


@login_required
@require_POST
def report_review_view(request, pk: int):
    report = get_for_user(Report, request.user, pk, need="reviewable_by")
    form = ReviewForm(request.POST)
    if not form.is_valid():
        for message in form.errors.get("__all__", []) or [_("Choose adopt or return.")]:
            messages.error(request, message)
        return redirect("reports:detail", pk=report.pk)
    adopt = form.cleaned_data["decision"] == "adopt"
    try:
        report_review(actor=request.user, report=report, adopt=adopt, note=form.cleaned_data["note"])
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    else:
        messages.success(request, _("Report adopted.") if adopt else _("Report returned."))
    return redirect("reports:detail", pk=report.pk)


@login_required
def report_print(request, pk: int):
    report = get_for_user(Report, request.user, pk)
    return render(request, "reports/print.html", {"report": report})


@login_required
def report_word(request, pk: int):
    report = get_for_user(Report, request.user, pk)
    return download(report_docx(report), f"{report.title}.docx", DOCX_TYPE)


def _months(request):
    form = MonthsForm(request.GET, actor=request.user)
    today = timezone.localdate()
    text = f"{today:%Y-%m}"
    unit = None
    if form.is_valid():
        text = form.cleaned_data["months"] or text
        unit = form.cleaned_data["unit"]
    try:
        first, last = parse_months(text)
    except JobError:
        first, last = parse_months(f"{today:%Y-%m}")
    # The pickers show the months the page covers, however they were asked for.
    shown = request.GET.copy()
    shown.pop("months", None)
    shown.update({"start": f"{first:%Y-%m}", "end": f"{last:%Y-%m}"})
    form = MonthsForm(shown, actor=request.user)
    form.is_valid()
    return form, first, last, unit


@login_required
def slot_grid_view(request):
    """Branches × the 15th and 30th: who reported on time, late, or not at all.

    It opens at the user's level: a county office sees its townships, each adding up its
    branches and opening the same grid for that township; a township office sees its branches.
    """
    form, first, last, unit = _months(request)
    slots, rows = grid_rows(request.user, first, last, unit=unit)
    context = {
        "form": form,
        "slots": slots,
        "rows": rows,
        "label": months_label(first, last),
        "unit": unit,
        "up": _up(request.user, unit),
        "drills": any(row.drill for row in rows),
    }
    return render(request, "reports/grid.html", context)


def _up(user, unit):
    """The unit above the one chosen, when the user reads it: where the page goes back to."""
    if unit is None or unit.parent_id is None:
        return None
    return OrgUnit.objects.visible_to(user).filter(pk=unit.parent_id).first()


@login_required
def circular(request):
    """信息报送情况通报: the page, its Word file (?format=docx) and its workbook (POST).

    The Word file and the workbook list every branch; the page opens at the user's level,
    as the grid does (a county office sees its townships).
    """
    require(OrgUnit.objects.visible_to(request.user))
    form, first, last, unit = _months(request)
    scope_name = unit.name if unit else _scope_name(request.user)
    if request.GET.get("format") == "docx":
        _slots, rows = circular_rows(request.user, first, last, unit)
        return download(
            circular_docx(scope_name, first, last, rows),
            f"信息报送情况通报（{months_label(first, last)}）.docx",
            DOCX_TYPE,
        )
    if request.method == "POST":
        params = {
            "export": "reports",
            "month": f"{first:%Y-%m}:{last:%Y-%m}",
            "unit": unit.code if unit else None,
        }
        job = job_create(
            owner=request.user,
            kind="export",
            title=f"信息报送情况统计（{months_label(first, last)}）",
            params=params,
        )
        job_run(job.pk)  # one row per branch: small enough to build while the user waits
        return redirect("core:job_detail", pk=job.pk)
    slots, rows = grid_rows(request.user, first, last, unit=unit)
    context = {
        "form": form,
        "rows": rows,
        "slots": slots,
        "label": months_label(first, last),
        "scope_name": scope_name,
        "unit": unit,
        "up": _up(request.user, unit),
        "drills": any(row.drill for row in rows),
    }
    return render(request, "reports/circular.html", context)


def _scope_name(user) -> str:
    return top_unit(user, None).name


@login_required
def my_slots(request):
    """A secretary's year: which slots its branch met and which it missed."""
    today = timezone.localdate()
    first, last = parse_months(f"{today.year}-01:{today.year}-12")
    units = reporting_units(request.user).filter(
        pk__in=OrgUnit.objects.of_secretary(request.user).values("pk")
    )
    slots, rows = slot_grid(request.user, first, last, units=units)
    context = {
        "rows": rows,
        "slots": slots,
        "year": today.year,
        "this_month": month_slots(today.year, today.month),
    }
    return render(request, "reports/mine.html", context)
