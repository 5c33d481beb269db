"""Period summaries (活动总结): written by each branch, followed and published by the office."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.models import OrgUnit
from accounts.scoping import get_for_user, require
from branches.meeting_selectors import summary_filing
from branches.models import PeriodSummary
from branches.summary_forms import SummaryFilterForm, SummaryForm, summary_branches
from branches.summary_services import summary_publish, summary_save
from core.models import Attachment
from core.periods import Period


@login_required
def summary_list(request):
    """Who has filed the period's summary (for the readers of branches), or one's published ones."""
    form = SummaryFilterForm(request.GET)
    period = form.chosen_period()
    context = {
        "form": form,
        "period": Period.parse(period),
        "branches": summary_filing(request.user, period),
        "summaries": PeriodSummary.objects.visible_to(request.user)
        .filter(period=period)
        .select_related("unit"),
        "reads_branches": OrgUnit.objects.visible_to(request.user).exists(),
        "can_file": summary_branches(request.user).exists(),
    }
    return render(request, "branches/summaries/list.html", context)


@login_required
def summary_create(request):
    require(summary_branches(request.user))
    return _summary_form(request, PeriodSummary())


@login_required
def summary_edit(request, pk: int):
    summary = get_for_user(PeriodSummary, request.user, pk, need="writable_by")
    if summary.published_on:
        raise PermissionDenied
    return _summary_form(request, summary)


def _summary_form(request, summary: PeriodSummary):
    form = SummaryForm(request.POST or None, request.FILES or None, instance=summary, actor=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            saved = summary_save(actor=request.user, summary=form.instance, files=form.cleaned_data["files"])
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Summary saved."))
            return redirect("branches:summary_detail", pk=saved.pk)
    title = str(summary) if summary.pk else _("Write the period summary")
    return render(request, "branches/summaries/form.html", {"form": form, "title": title})


@login_required
def summary_detail(request, pk: int):
    summary = get_for_user(PeriodSummary, request.user, pk, ask=["writable_by", "publishable_by"])
    context = {
        "summary": summary,
        "period": Period.parse(summary.period),
        "attachments": Attachment.objects.for_objects([summary]),
        "can_edit": summary.may["writable_by"] and not summary.published_on,
        "can_publish": summary.may["publishable_by"] and not summary.published_on,
    }
    return render(request, "branches/summaries/detail.html", context)


@login_required
@require_POST
def summary_publish_view(request, pk: int):
    summary = get_for_user(PeriodSummary, request.user, pk, need="publishable_by")
    try:
        summary_publish(actor=request.user, summary=summary)
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    else:
        messages.success(request, _("Summary published to the branch's members and on its public board."))
    return redirect("branches:summary_detail", pk=summary.pk)
