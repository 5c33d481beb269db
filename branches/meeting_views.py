"""Joint meetings (联席会议): convened, minuted and followed up by the office."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.scoping import get_for_user, require
from branches.meeting_documents import minutes_docx
from branches.meeting_forms import DecisionDoneForm, DecisionForm, MeetingForm, MinutesForm
from branches.meeting_selectors import convening_townships, meeting_decisions, meeting_list, open_decisions_of
from branches.meeting_services import decision_add, decision_report_done, meeting_save, minutes_save
from branches.models import JointMeeting, MeetingDecision
from core.downloads import DOCX_TYPE, download
from core.models import Attachment
from core.panels import register_unit_panel

PER_PAGE = 30


@login_required
def meeting_list_view(request):
    page = Paginator(meeting_list(request.user), PER_PAGE).get_page(request.GET.get("page"))
    can_convene = convening_townships(request.user).exists()
    return render(request, "branches/meetings/list.html", {"page": page, "can_convene": can_convene})


@login_required
def meeting_create(request):
    require(convening_townships(request.user))
    return _meeting_form(request, JointMeeting())


@login_required
def meeting_edit(request, pk: int):
    meeting = get_for_user(JointMeeting, request.user, pk, need="writable_by")
    return _meeting_form(request, meeting)


def _meeting_form(request, meeting: JointMeeting):
    form = MeetingForm(request.POST or None, instance=meeting, actor=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            saved = meeting_save(
                actor=request.user, meeting=form.instance, attendees=list(form.cleaned_data["attendees"])
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Meeting saved; the attendees are invited through their inbox."))
            return redirect("branches:meeting_detail", pk=saved.pk)
    title = meeting.topic if meeting.pk else _("Convene a joint meeting")
    return render(request, "branches/form.html", {"form": form, "title": title})


@login_required
def meeting_detail(request, pk: int):
    meeting = get_for_user(JointMeeting, request.user, pk, ask=["writable_by"])
    can_write = meeting.may["writable_by"]
    context = {
        "meeting": meeting,
        "attendees": meeting.attendees.order_by("full_name", "username"),
        "decisions": meeting_decisions(meeting, request.user),
        "attachments": Attachment.objects.for_objects([meeting]),
        "can_write": can_write,
        "decision_form": DecisionForm(meeting=meeting, actor=request.user) if can_write else None,
        "today": timezone.localdate(),
    }
    return render(request, "branches/meetings/detail.html", context)


@login_required
def meeting_minutes(request, pk: int):
    meeting = get_for_user(JointMeeting, request.user, pk, need="writable_by")
    form = MinutesForm(request.POST or None, request.FILES or None, initial={"minutes": meeting.minutes})
    if request.method == "POST" and form.is_valid():
        try:
            minutes_save(
                actor=request.user,
                meeting=meeting,
                minutes=form.cleaned_data["minutes"],
                files=form.cleaned_data["files"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Minutes saved."))
            return redirect("branches:meeting_detail", pk=meeting.pk)
    title = _("Minutes of “%(topic)s”") % {"topic": meeting.topic}
    return render(
        request, "branches/meetings/minutes_form.html", {"form": form, "title": title, "meeting": meeting}
    )


@login_required
def meeting_word(request, pk: int):
    meeting = get_for_user(JointMeeting, request.user, pk)
    decisions = meeting_decisions(meeting, request.user)
    return download(minutes_docx(meeting, decisions), f"{meeting.topic}会议纪要.docx", DOCX_TYPE)


@login_required
@require_POST
def decision_create(request, pk: int):
    meeting = get_for_user(JointMeeting, request.user, pk, need="writable_by")
    form = DecisionForm(request.POST, meeting=meeting, actor=request.user)
    if form.is_valid():
        try:
            decision_add(actor=request.user, meeting=meeting, decision=form.instance)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Decision recorded; the responsible are told through their inbox."))
            return redirect("branches:meeting_detail", pk=meeting.pk)
    for errors in form.errors.values():
        for error in errors:
            messages.error(request, error)
    return redirect("branches:meeting_detail", pk=meeting.pk)


@login_required
@require_POST
def decision_done(request, pk: int):
    decision = get_for_user(MeetingDecision, request.user, pk, need="reportable_by")
    form = DecisionDoneForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say how the decision was carried out."))
    else:
        try:
            decision_report_done(actor=request.user, decision=decision, note=form.cleaned_data["note"])
        except ValidationError as exc:
            messages.error(request, exc.messages[0])
        else:
            messages.success(request, _("Decision reported done."))
    return redirect("branches:meeting_detail", pk=decision.meeting_id)


def open_decisions_panel(request, unit) -> str:
    """The unit page's section: joint meeting decisions still open for this unit and below."""
    decisions = list(open_decisions_of(unit, request.user)[:10])
    if not decisions:
        return ""
    context = {"unit": unit, "decisions": decisions, "today": timezone.localdate()}
    return render_to_string("branches/meetings/_unit_panel.html", context, request=request)


register_unit_panel(open_decisions_panel)
