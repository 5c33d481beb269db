"""Inbox, the office's board of what is owed, the message log and the reminder settings."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.models import OrgUnit
from accounts.scoping import get_for_user, require
from core.forms import PolicyForm, WebhookForm
from core.models import DeliveryStatus, Notification, ReminderPolicy, Webhook
from core.outbound import failure_reason
from core.reminders import open_deadlines, remind_now, responsibles, send_soon, webhook_test
from core.services import notification_mark_read, reminder_policy_save, webhook_delete, webhook_save

# What the board lists and what "remind now" sends: the same deadlines, due within a week
# or overdue, so a secretary is never reminded of an item the office did not see.
BOARD_AHEAD = datetime.timedelta(days=7)
# A board of more branches than this opens folded, one line per branch (phones scroll less).
BOARD_OPEN_UP_TO = 8


@login_required
def inbox(request):
    messages_ = Notification.objects.inbox_of(request.user).order_by("-sent_at", "-pk")
    page = Paginator(messages_, 30).get_page(request.GET.get("page"))
    return render(request, "core/inbox.html", {"page": page})


@login_required
@require_POST
def inbox_open(request, pk: int):
    message = Notification.objects.inbox_of(request.user).filter(pk=pk).first()
    if message is None:
        raise Http404
    notification_mark_read(notification=message)
    if message.link and url_has_allowed_host_and_scheme(message.link, allowed_hosts=None):
        return redirect(message.link)
    return redirect("core:inbox")


@login_required
def board(request):
    """Who has not submitted: the open deadlines of each branch, due soon or overdue."""
    require(OrgUnit.objects.writable_by(request.user))
    today = timezone.localdate()
    units = OrgUnit.objects.writable_by(request.user)
    # Not the scan, nor a copy of its last result: the deadline sources asked for this
    # subtree and the coming week only (no recipients, no messages compared). A cached scan
    # would go on listing, for up to 15 minutes, what a branch has just filed.
    by_unit: dict[int, list] = {}
    for deadline in open_deadlines(today, units, until=today + BOARD_AHEAD):
        by_unit.setdefault(deadline.unit_id, []).append(deadline)
    rows = [
        (unit, sorted(by_unit[unit.pk], key=lambda d: d.due))
        for unit in units.filter(pk__in=by_unit).order_by("path")
    ]
    # Today's "remind now" rows by their keys: look-ups in the unique index.
    manual_keys = [f"manual:{unit_id}:{today}" for unit_id in by_unit]
    reminded = set(
        Notification.objects.filter(key__in=manual_keys).order_by().values_list("unit_id", flat=True)
    )
    # Told before the click: "remind now" reaches a branch only through its secretary's account.
    people = responsibles(set(by_unit))
    no_secretary = {
        unit_id for unit_id in by_unit if unit_id not in people or not people[unit_id].secretaries
    }
    context = {
        "rows": rows,
        "today": today,
        "reminded": reminded,
        "no_secretary": no_secretary,
        "without_secretary": [unit for unit, _deadlines in rows if unit.pk in no_secretary],
        "folded": len(rows) > BOARD_OPEN_UP_TO,
    }
    return render(request, "core/board.html", context)


@login_required
@require_POST
def board_remind(request, pk: int):
    require(OrgUnit.objects.writable_by(request.user))
    unit = get_for_user(OrgUnit, request.user, pk, need="writable_by")
    today = timezone.localdate()
    deadlines = open_deadlines(today, OrgUnit.objects.filter(pk=unit.pk), until=today + BOARD_AHEAD)
    try:
        created = remind_now(unit=unit, deadlines=deadlines)
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
        return redirect("core:board")
    if created:
        send_soon()
        messages.success(request, _("%(unit)s reminded.") % {"unit": unit.name})
    else:
        messages.info(request, _("%(unit)s was already reminded today.") % {"unit": unit.name})
    return redirect("core:board")


@login_required
def notification_log(request):
    require(OrgUnit.objects.writable_by(request.user))
    log = Notification.objects.visible_to(request.user).select_related("recipient", "unit")
    if request.GET.get("status") in DeliveryStatus.values:
        log = log.filter(status=request.GET["status"])
    page = Paginator(log, 50).get_page(request.GET.get("page"))
    return render(request, "core/notification_log.html", {"page": page, "statuses": DeliveryStatus.choices})


@login_required
def reminder_settings(request):
    require(OrgUnit.objects.writable_by(request.user))
    top = OrgUnit.objects.writable_by(request.user).order_by("path").first()
    policy = ReminderPolicy.objects.filter(unit=top).first() or ReminderPolicy(unit=top)
    policy_form = PolicyForm(request.POST if "policy" in request.POST else None, instance=policy)
    webhook_form = WebhookForm(request.POST if "webhook" in request.POST else None, actor=request.user)
    form = policy_form if policy_form.is_bound else webhook_form
    if form.is_bound and form.is_valid():
        try:
            if form is policy_form:
                reminder_policy_save(policy=form.instance)
            else:
                webhook_save(webhook=form.instance)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("core:reminder_settings")
    context = {
        "policy_form": policy_form,
        "webhook_form": webhook_form,
        "webhooks": Webhook.objects.visible_to(request.user).select_related("unit"),
        "top": top,
    }
    return render(request, "core/reminder_settings.html", context)


@login_required
@require_POST
def webhook_delete_view(request, pk: int):
    require(OrgUnit.objects.writable_by(request.user))
    webhook_delete(webhook=get_for_user(Webhook, request.user, pk, need="writable_by"))
    messages.success(request, _("Group bot removed."))
    return redirect("core:reminder_settings")


@login_required
@require_POST
def webhook_test_view(request, pk: int):
    require(OrgUnit.objects.writable_by(request.user))
    hook = get_for_user(Webhook, request.user, pk, need="writable_by")
    try:
        webhook_test(hook)
    except (OSError, ValueError) as exc:
        reason = failure_reason(exc)  # never the socket's own words
        messages.error(
            request, _("The group bot did not take the test message: %(error)s") % {"error": reason}
        )
    else:
        messages.success(request, _("Test message sent; check the group."))
    return redirect("core:reminder_settings")
