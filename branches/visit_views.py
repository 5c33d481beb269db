"""Liaison visits: a leader records a visit to its liaison branch, the branch's secretary
confirms it, the office sees them all, their coverage per month, and sets the allowed gap."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.models import Level, OrgUnit
from accounts.scoping import get_for_user, require
from branches.models import LiaisonPoint, LiaisonSetting, LiaisonVisit
from branches.visit_forms import ConfirmForm, FollowUpFormSet, LiaisonSettingForm, VisitForm
from branches.visit_selectors import DEFAULT_GAP_DAYS, visit_coverage, visits_visible_to
from branches.visit_services import follow_up_done, liaison_setting_save, visit_confirm, visit_record
from core.models import Attachment

VISITS_PER_PAGE = 50
VISIT_QUESTIONS = ["writable_by", "confirmable_by", "followed_up_by"]


@login_required
def visit_list(request):
    user = request.user
    page = Paginator(visits_visible_to(user), VISITS_PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "points": LiaisonPoint.objects.visited_by(user).select_related("branch").order_by("branch__path"),
        "manages": OrgUnit.objects.writable_by(user).exists(),
    }
    return render(request, "branches/visits/list.html", context)


@login_required
def visit_create(request, branch: int):
    """Only to one of the leader's own active liaison branches: any other branch is not found."""
    points = LiaisonPoint.objects.visited_by(request.user).select_related("branch")
    point = get_object_or_404(points, branch=branch)
    visit = LiaisonVisit(leader=request.user, branch=point.branch)
    form = VisitForm(
        request.POST or None,
        request.FILES or None,
        instance=visit,
        initial={"visited_on": timezone.localdate()},
    )
    formset = FollowUpFormSet(request.POST or None, instance=visit, prefix="follow_ups")
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        try:
            saved = visit_record(
                actor=request.user,
                visit=form.instance,
                follow_ups=formset.save(commit=False),
                files=form.cleaned_data["files"],
            )
        except ValidationError as exc:
            for message in exc.messages:
                form.add_error(None, message)
        else:
            messages.success(request, _("Visit recorded: the branch's secretary is asked to confirm it."))
            return redirect("branches:visit_detail", pk=saved.pk)
    context = {"branch": point.branch, "form": form, "formset": formset}
    return render(request, "branches/visits/form.html", context)


@login_required
def visit_detail(request, pk: int):
    visit = get_for_user(LiaisonVisit, request.user, pk, ask=VISIT_QUESTIONS)
    files = list(Attachment.objects.for_objects([visit]).order_by("pk"))
    context = {
        "visit": visit,
        "follow_ups": visit.follow_ups.order_by("pk"),
        "photos": [f for f in files if f.is_image],
        "documents": [f for f in files if not f.is_image],
        "confirm_form": ConfirmForm(initial={"remark": visit.remark}),
    }
    return render(request, "branches/visits/detail.html", context)


@login_required
@require_POST
def visit_confirm_view(request, pk: int):
    visit = get_for_user(LiaisonVisit, request.user, pk, need="confirmable_by")
    form = ConfirmForm(request.POST)
    confirm = "confirm" in request.POST
    if not form.is_valid():
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, message)
        return redirect("branches:visit_detail", pk=visit.pk)
    try:
        visit_confirm(actor=request.user, visit=visit, remark=form.cleaned_data["remark"], confirm=confirm)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Visit confirmed.") if confirm else _("Remark saved."))
    return redirect("branches:visit_detail", pk=visit.pk)


@login_required
@require_POST
def visit_follow_up_done(request, pk: int, follow_up: int):
    visit = get_for_user(LiaisonVisit, request.user, pk, need="followed_up_by")
    follow_up_done(follow_up=get_object_or_404(visit.follow_ups, pk=follow_up))
    messages.success(request, _("Follow-up marked as done."))
    return redirect("branches:visit_detail", pk=visit.pk)


@login_required
def visit_coverage_view(request):
    today = timezone.localdate()
    try:
        year = int(request.GET.get("year", today.year))
    except ValueError:
        year = today.year
    if not 2000 <= year <= today.year:
        year = today.year
    context = {
        "year": year,
        "years": range(today.year, today.year - 5, -1),
        "months": range(1, 13),
        "rows": visit_coverage(request.user, year),
        "manages": OrgUnit.objects.writable_by(request.user).exists(),
    }
    return render(request, "branches/visits/coverage.html", context)


@login_required
def visit_setting(request):
    """The office sets, per township, how many days a liaison branch may go without a visit."""
    townships = OrgUnit.objects.writable_by(request.user).filter(level=Level.COMMITTEE).order_by("path")
    require(townships)
    first = townships.first()
    current = LiaisonSetting.objects.filter(township=first).first()
    initial = {"township": first, "visit_gap_days": current.visit_gap_days if current else DEFAULT_GAP_DAYS}
    form = LiaisonSettingForm(request.POST or None, townships=townships, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            setting = liaison_setting_save(**form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request,
                _("Saved: a liaison branch without a visit for %(days)d days is flagged.")
                % {"days": setting.visit_gap_days},
            )
            return redirect("dashboards:home")
    return render(request, "branches/form.html", {"form": form, "title": _("Liaison visit setting")})
