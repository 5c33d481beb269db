"""Inspection groups, the monthly round, inspections, their findings and rectification notices."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.models import OrgUnit
from accounts.scoping import get_for_user, require
from core.downloads import DOCX_TYPE, download
from core.forms import show_refusal
from core.history import history_rows
from core.models import Attachment
from inspections.documents import notice_docx
from inspections.forms import (
    FindingForm,
    GroupForm,
    InspectionFilterForm,
    InspectionForm,
    NoticeForm,
    managed_townships,
)
from inspections.models import (
    Finding,
    Inspection,
    InspectionGroup,
    InspectionStatus,
    RectificationNotice,
    inspectable_units,
)
from inspections.selectors import (
    coverage_grid,
    findings_by_category,
    notice_of,
    staff_branches,
)
from inspections.services import (
    finding_delete,
    finding_save,
    group_save,
    inspection_finalise,
    inspection_save,
    notice_issue,
)

PER_PAGE = 30
HISTORY_ROWS = 20


# ---------------------------------------------------------------------------------------
# Groups


@login_required
def group_list(request):
    require(staff_branches(request.user))
    groups = (
        InspectionGroup.objects.visible_to(request.user)
        .select_related("township", "leader")
        .prefetch_related("members", "units")
    )
    writable = set(InspectionGroup.objects.writable_by(request.user).values_list("pk", flat=True))
    context = {
        "groups": groups,
        "writable": writable,
        "can_create": managed_townships(request.user).exists(),
    }
    return render(request, "inspections/group_list.html", context)


@login_required
def group_create(request):
    require(managed_townships(request.user))
    return _group_form(request, InspectionGroup())


@login_required
def group_edit(request, pk: int):
    group = get_for_user(InspectionGroup, request.user, pk, need="writable_by")
    return _group_form(request, group)


def _group_form(request, group: InspectionGroup):
    form = GroupForm(request.POST or None, instance=group, actor=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            group_save(
                group=form.instance, members=form.cleaned_data["members"], units=form.cleaned_data["units"]
            )
        except ValidationError as exc:
            show_refusal(form, exc)
        else:
            messages.success(request, _("Inspection group saved."))
            return redirect("inspections:groups")
    title = _("Edit inspection group") if group.pk else _("New inspection group")
    return render(request, "inspections/group_form.html", {"form": form, "title": title})


# ---------------------------------------------------------------------------------------
# The monthly round


@login_required
def coverage(request):
    """Branches × months: every branch should be inspected each month (seed 000 §七.1)."""
    require(staff_branches(request.user))
    today = timezone.localdate()
    try:
        year = int(request.GET.get("year") or today.year)
    except ValueError:
        year = today.year
    if not 2000 <= year <= today.year + 1:
        year = today.year
    grid = coverage_grid(request.user, year, today=today)
    context = {
        "grid": grid,
        "years": list(range(today.year + 1, today.year - 5, -1)),
        "can_plan": inspectable_units(request.user).exists(),
    }
    return render(request, "inspections/coverage.html", context)


# ---------------------------------------------------------------------------------------
# Inspections


@login_required
def inspection_list(request):
    require(OrgUnit.objects.visible_to(request.user))
    form = InspectionFilterForm(request.GET, actor=request.user)
    inspections = form.apply(Inspection.objects.visible_to(request.user).select_related("unit", "group"))
    page = Paginator(inspections, PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "form": form,
        "page": page,
        "can_write": inspectable_units(request.user).exists(),
        "can_see_round": staff_branches(request.user).exists(),
    }
    return render(request, "inspections/inspection_list.html", context)


@login_required
def inspection_create(request):
    require(inspectable_units(request.user))
    initial = {}
    for name in ("unit", "group", "date"):
        if request.GET.get(name):
            initial[name] = request.GET[name]
    return _inspection_form(request, Inspection(), initial)


@login_required
def inspection_edit(request, pk: int):
    inspection = get_for_user(Inspection, request.user, pk, need="writable_by")
    return _inspection_form(request, inspection, {})


def _inspection_form(request, inspection: Inspection, initial: dict):
    plan = "plan" in request.POST and (inspection.pk is None or inspection.status == InspectionStatus.PLANNED)
    form = InspectionForm(
        request.POST or None,
        request.FILES or None,
        instance=inspection,
        initial=initial,
        actor=request.user,
        plan=plan,
    )
    if request.method == "POST" and form.is_valid():
        record = form.instance
        if record.status != InspectionStatus.FINAL:
            # A planned inspection opened for recording becomes a draft.
            record.status = InspectionStatus.PLANNED if plan else InspectionStatus.DRAFT
        try:
            saved = inspection_save(
                actor=request.user,
                inspection=record,
                participants=form.cleaned_data["participants"],
                files=form.cleaned_data["files"],
            )
        except ValidationError as exc:
            show_refusal(form, exc)
        else:
            messages.success(request, _("Inspection planned.") if plan else _("Inspection saved."))
            return redirect("inspections:detail", pk=saved.pk)
    if not inspection.pk:
        title = _("Record an inspection")
    elif inspection.status == InspectionStatus.PLANNED:
        title = _("Record the planned inspection")
    else:
        title = _("Edit inspection")
    context = {"form": form, "title": title, "inspection": inspection}
    return render(request, "inspections/inspection_form.html", context)


@login_required
def inspection_detail(request, pk: int):
    inspection = get_for_user(Inspection, request.user, pk, ask=["writable_by", "noticeable_by"])
    findings = list(inspection.findings.all())
    files: dict[int, list] = {}
    for attachment in Attachment.objects.for_objects(findings):
        files.setdefault(attachment.object_id, []).append(attachment)
    for finding in findings:
        finding.files = files.get(finding.pk, [])
    notice = notice_of(inspection)
    may_write = inspection.may["writable_by"]
    may_issue = (
        notice is None
        and inspection.status == InspectionStatus.FINAL
        and any(finding.needs_rectification for finding in findings)
        and inspection.may["noticeable_by"]
    )
    office = OrgUnit.objects.writable_by(request.user).filter(pk=inspection.unit_id).exists()
    context = {
        "inspection": inspection,
        "participants": list(inspection.participants.all()),
        "attachments": Attachment.objects.for_objects([inspection]),
        "categories": findings_by_category(findings),
        "has_findings": bool(findings),
        "notice": notice,
        "may_write": may_write,
        "may_finalise": may_write and inspection.status == InspectionStatus.DRAFT,
        "may_issue": may_issue,
        "history": _history(inspection) if office else None,
    }
    return render(request, "inspections/inspection_detail.html", context)


def _history(inspection: Inspection) -> list:
    histories = [
        Inspection.history.filter(id=inspection.pk).select_related("history_user"),
        Finding.history.filter(inspection_id=inspection.pk).select_related("history_user"),
    ]
    records = sorted(
        (record for history in histories for record in history),
        key=lambda record: (record.history_date, record.history_id),
    )
    return history_rows(records)[:HISTORY_ROWS]


@login_required
@require_POST
def inspection_finalise_view(request, pk: int):
    inspection = get_for_user(Inspection, request.user, pk, need="writable_by")
    try:
        inspection_finalise(actor=request.user, inspection=inspection)
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    else:
        messages.success(request, _("Inspection finalised."))
    return redirect("inspections:detail", pk=inspection.pk)


# ---------------------------------------------------------------------------------------
# Findings


@login_required
def finding_create(request, pk: int):
    inspection = get_for_user(Inspection, request.user, pk, need="writable_by")
    return _finding_form(request, Finding(inspection=inspection), inspection)


@login_required
def finding_edit(request, pk: int):
    finding = get_for_user(Finding, request.user, pk, need="writable_by")
    return _finding_form(request, finding, finding.inspection)


def _finding_form(request, finding: Finding, inspection: Inspection):
    form = FindingForm(request.POST or None, request.FILES or None, instance=finding)
    if request.method == "POST" and form.is_valid():
        try:
            finding_save(actor=request.user, finding=form.instance, files=form.cleaned_data["files"])
        except ValidationError as exc:
            show_refusal(form, exc)
        else:
            messages.success(request, _("Finding saved."))
            return redirect("inspections:detail", pk=inspection.pk)
    title = _("Edit finding") if finding.pk else _("Add a finding")
    context = {"form": form, "title": title, "inspection": inspection, "finding": finding}
    return render(request, "inspections/finding_form.html", context)


@login_required
@require_POST
def finding_delete_view(request, pk: int):
    finding = get_for_user(Finding, request.user, pk, need="writable_by")
    inspection_pk = finding.inspection_id
    try:
        finding_delete(finding=finding)
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    else:
        messages.success(request, _("Finding deleted."))
    return redirect("inspections:detail", pk=inspection_pk)


# ---------------------------------------------------------------------------------------
# Rectification notices


@login_required
def notice_create(request, pk: int):
    inspection = get_for_user(Inspection, request.user, pk, need="noticeable_by")
    existing = notice_of(inspection)
    if existing is not None:
        messages.info(request, _("This inspection's rectification notice has already been issued."))
        return redirect("inspections:notice", pk=existing.pk)
    if inspection.status != InspectionStatus.FINAL:
        messages.error(request, _("Finalise the inspection before issuing its rectification notice."))
        return redirect("inspections:detail", pk=inspection.pk)
    findings = inspection.findings.filter(needs_rectification=True)
    form = NoticeForm(request.POST or None, findings=findings)
    if request.method == "POST" and form.is_valid():
        try:
            notice = notice_issue(actor=request.user, inspection=inspection, items=form.items())
        except ValidationError as exc:
            messages.error(request, exc.messages[0])
        else:
            messages.success(request, _("Rectification notice %(label)s issued.") % {"label": notice.label})
            return redirect("inspections:notice", pk=notice.pk)
    context = {"form": form, "inspection": inspection}
    return render(request, "inspections/notice_form.html", context)


@login_required
def notice_detail(request, pk: int):
    notice = get_for_user(RectificationNotice, request.user, pk)
    rectifications = list(notice.rectifications.order_by("pk"))
    context = {
        "notice": notice,
        "rectifications": rectifications,
        "inspection": notice.inspection,
        "township": notice.township,
    }
    return render(request, "inspections/notice.html", context)


@login_required
def notice_word(request, pk: int):
    notice = get_for_user(RectificationNotice, request.user, pk)
    return download(notice_docx(notice), f"{notice.label}.docx", DOCX_TYPE)
