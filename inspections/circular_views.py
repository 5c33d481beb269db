"""督查通报: drafted by a group for a month, approved by the leading group, read by the branches."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.scoping import get_for_user, require
from core.downloads import DOCX_TYPE, download
from inspections.documents import circular_docx
from inspections.drafting import circular_draft, circular_title
from inspections.models import Circular, CircularReceipt, CircularStatus
from inspections.rectification_forms import (
    CircularForm,
    DecideForm,
    DraftMonthForm,
    drafting_groups,
    parse_month,
)
from inspections.services import (
    circular_acknowledge,
    circular_decide,
    circular_issue,
    circular_save,
    circular_submit,
)

PER_PAGE = 30
QUESTIONS = ["kept_by", "writable_by", "approvable_by", "issuable_by", "acknowledgeable_by"]


@login_required
def circular_list(request):
    circulars = Circular.objects.visible_to(request.user).select_related("township", "group", "drafted_by")
    page = Paginator(circulars, PER_PAGE).get_page(request.GET.get("page"))
    shown = [circular.pk for circular in page]
    kept = Circular.objects.kept_by(request.user).filter(pk__in=shown)
    unread = dict(
        kept.annotate(unread=Count("receipts", filter=Q(receipts__read_at__isnull=True))).values_list(
            "pk", "unread"
        )
    )
    to_read = set(
        Circular.objects.acknowledgeable_by(request.user).filter(pk__in=shown).values_list("pk", flat=True)
    )
    for circular in page:
        circular.unread = unread.get(circular.pk)
        circular.to_read = circular.pk in to_read
    context = {"page": page, "can_draft": drafting_groups(request.user).exists()}
    return render(request, "inspections/circular_list.html", context)


@login_required
def circular_create(request):
    """A new circular; ?month=2026-11 pre-fills it from that month's finalised inspections."""
    groups = drafting_groups(request.user)
    require(groups)
    first_group = groups.first()
    this_month = timezone.localdate().replace(day=1)
    query = request.GET.copy()
    if "month" in query and not query.get("group"):
        query["group"] = str(first_group.pk)  # one group for most drafters: no need to pick it
    month_form = DraftMonthForm(
        query if "month" in query else None,
        initial={"group": first_group.pk, "month": f"{this_month:%Y-%m}"},
        actor=request.user,
    )
    initial = {
        "group": first_group.pk,
        "month_text": f"{this_month:%Y-%m}",
        "title": circular_title(first_group.township, this_month),
    }
    if request.method == "GET" and month_form.is_bound and month_form.is_valid():
        group = month_form.cleaned_data["group"]
        month = parse_month(month_form.cleaned_data["month"])
        if month is None:
            month_form.add_error("month", _("Choose a month."))
        else:
            title, body = circular_draft(group.township, month)
            initial = {"group": group.pk, "month_text": f"{month:%Y-%m}", "title": title, "body": body}
    circular = Circular()
    form = CircularForm(request.POST or None, instance=circular, actor=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            saved = circular_save(actor=request.user, circular=form.instance)
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("Draft saved."))
            return redirect("inspections:circular", pk=saved.pk)
    context = {"form": form, "month_form": month_form, "title": _("Draft a circular")}
    return render(request, "inspections/circular_form.html", context)


@login_required
def circular_edit(request, pk: int):
    circular = get_for_user(Circular, request.user, pk, need="writable_by")
    form = CircularForm(request.POST or None, instance=circular, actor=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            saved = circular_save(actor=request.user, circular=form.instance)
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("Draft saved."))
            return redirect("inspections:circular", pk=saved.pk)
    context = {"form": form, "title": _("Edit the circular"), "circular": circular}
    return render(request, "inspections/circular_form.html", context)


@login_required
def circular_detail(request, pk: int):
    circular = get_for_user(Circular, request.user, pk, ask=QUESTIONS)
    keeper = circular.may["kept_by"]
    receipts = []
    if keeper and circular.status == CircularStatus.ISSUED:
        receipts = list(CircularReceipt.objects.filter(circular=circular).select_related("unit", "read_by"))
    may = circular.may
    context = {
        "circular": circular,
        "keeper": keeper,
        "receipts": receipts,
        "unread_count": sum(1 for receipt in receipts if receipt.read_at is None),
        "can_edit": may["writable_by"],
        "decide_form": DecideForm() if may["approvable_by"] else None,
        "can_issue": may["issuable_by"],
        "can_acknowledge": may["acknowledgeable_by"],
    }
    return render(request, "inspections/circular_detail.html", context)


def _act(request, action, success: str, pk: int):
    try:
        action()
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, success)
    return redirect("inspections:circular", pk=pk)


@login_required
@require_POST
def circular_submit_view(request, pk: int):
    circular = get_for_user(Circular, request.user, pk, need="writable_by")
    return _act(
        request,
        lambda: circular_submit(actor=request.user, circular=circular),
        _("Circular submitted to the leading group."),
        circular.pk,
    )


@login_required
@require_POST
def circular_decide_view(request, pk: int):
    circular = get_for_user(Circular, request.user, pk, need="approvable_by")
    form = DecideForm(request.POST)
    if not form.is_valid():
        for message in form.errors.get("__all__", []) or [_("Choose approve or return.")]:
            messages.error(request, message)
        return redirect("inspections:circular", pk=circular.pk)
    approve = form.cleaned_data["decision"] == "approve"
    return _act(
        request,
        lambda: circular_decide(
            actor=request.user, circular=circular, approve=approve, comment=form.cleaned_data["comment"]
        ),
        _("Circular approved.") if approve else _("Circular returned."),
        circular.pk,
    )


@login_required
@require_POST
def circular_issue_view(request, pk: int):
    circular = get_for_user(Circular, request.user, pk, need="issuable_by")
    return _act(
        request,
        lambda: circular_issue(actor=request.user, circular=circular),
        _("Circular issued to the branches."),
        circular.pk,
    )


@login_required
@require_POST
def circular_acknowledge_view(request, pk: int):
    circular = get_for_user(Circular, request.user, pk, need="acknowledgeable_by")
    return _act(
        request,
        lambda: circular_acknowledge(actor=request.user, circular=circular),
        _("Marked as read."),
        circular.pk,
    )


@login_required
def circular_word(request, pk: int):
    circular = get_for_user(Circular, request.user, pk)
    return download(circular_docx(circular), f"{circular.title}.docx", DOCX_TYPE)
