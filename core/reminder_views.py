"""Inbox, the office's board of what is owed, the message log and the reminder settings."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.models import Level, OrgUnit
from accounts.scoping import get_for_user, require
from core.forms import PolicyForm, WebhookForm
from core.models import DeliveryStatus, Notification, ReminderPolicy, Webhook
from core.outbound import failure_reason
from core.reminders import Owed, open_deadlines, remind_now, responsibles, send_soon, webhook_test
from core.services import notification_mark_read, reminder_policy_save, webhook_delete, webhook_save

# What the board lists and what "remind now" sends: the same deadlines, due within a week
# or overdue, so a secretary is never reminded of an item the office did not see.
BOARD_AHEAD = datetime.timedelta(days=7)
# A board of more rows than this opens folded, one line per branch (phones scroll less).
BOARD_OPEN_UP_TO = 8
BOARD_ROWS = 25  # rows (a branch, or a township and what it owes) per page
BOARD_ITEMS = 5  # deadlines in a branch's row: the most overdue; the rest on the branch's own page
UNIT_ITEMS = 50  # deadlines per page of one branch's own page
NAMED_UP_TO = 20  # branches without a secretary's account named in the warning; the rest counted


@dataclass
class BoardRow:
    """One line of the board: a unit and what it owes, or a township and what its units owe."""

    pk: int
    name: str
    path: str
    group: bool  # a committee below the office's own: opened on a board of its own
    items: int = 0
    overdue: int = 0
    units: int = 0  # units owing something in a group
    deadlines: list = field(default_factory=list)  # the first BOARD_ITEMS, for a unit's row


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
    """Who has not submitted: per unit, how many deadlines are due within a week or overdue.

    It opens at the office's level: a county office sees a line per township (opened as a
    board of its own), a township office a line per branch, each with its most overdue
    items and the remind button; a branch's page lists all it owes. Paginated: a county's
    board is a few dozen lines, not 100,000 items, and its queries do not grow with it.
    """
    require(OrgUnit.objects.writable_by(request.user))
    writable = OrgUnit.objects.writable_by(request.user)
    today = timezone.localdate()
    until = today + BOARD_AHEAD
    if request.GET.get("unit"):
        return _board_unit(request, writable, today, until)
    scope = _board_scope(request, writable)
    units = writable.filter(path__under=scope.path) if scope else writable
    # Not the scan, nor a copy of its last result: the deadline sources asked for this
    # subtree and the coming week only, counted (no recipients, no messages compared). A
    # cached scan would go on listing, for up to 15 minutes, what a branch has just filed.
    owed = Owed(today, units, until=until)
    rows = _board_rows(units, owed)
    page = Paginator(rows, BOARD_ROWS).get_page(request.GET.get("page"))
    shown = [row for row in page if not row.group]
    listed = owed.deadlines(row.pk for row in shown)
    for row in shown:
        row.deadlines = listed[row.pk][:BOARD_ITEMS]
    # Told before the click: "remind now" reaches a branch only through its secretary's account.
    people = responsibles(set(owed.by_unit))
    no_secretary = {uid for uid in owed.by_unit if uid not in people or not people[uid].secretaries}
    without = sorted((people[uid].path, uid, people[uid].name) for uid in no_secretary if uid in people)
    context = {
        "rows": page.object_list,
        "page": page,
        "scope": scope,
        "today": today,
        "reminded": _reminded_today([row.pk for row in shown], today),
        "no_secretary": no_secretary,
        "without_secretary": [(uid, name) for _path, uid, name in without[:NAMED_UP_TO]],
        "without_secretary_more": max(len(without) - NAMED_UP_TO, 0),
        "folded": len(rows) > BOARD_OPEN_UP_TO,
        "total": sum(t.items for t in owed.by_unit.values()),
        "overdue": sum(t.overdue for t in owed.by_unit.values()),
    }
    return render(request, "core/board.html", context)


def _board_scope(request, writable) -> OrgUnit | None:
    """The township (or any unit the office manages) whose board is asked for, or None: all of them."""
    pk = request.GET.get("scope")
    if not pk:
        return None
    if not pk.isdigit():
        raise Http404
    return get_object_or_404(writable.only("pk", "name", "path"), pk=pk)


def _board_rows(units, owed: Owed) -> list[BoardRow]:
    """A row per unit owing something, except that what a committee below the outermost
    ones shown owes is one row (a county office sees its townships, not 500 branches)."""
    found = units.filter(Q(pk__in=list(owed.by_unit)) | Q(level=Level.COMMITTEE)).order_by()
    owing, committees = {}, {}
    for pk, name, path, level in found.values_list("pk", "name", "path", "level"):
        if pk in owed.by_unit:
            owing[pk] = (name, path)
        if level == Level.COMMITTEE:
            committees[path] = (pk, name)
    rows: dict[str, BoardRow] = {}
    for unit_id, (name, path) in owing.items():
        tally = owed.by_unit[unit_id]
        group = _group_of(path, committees)
        if group is None:
            rows[path] = row = BoardRow(unit_id, name, path, group=False)
        else:
            row = rows.get(group)
            if row is None:
                rows[group] = row = BoardRow(*committees[group], group, group=True)
            row.units += 1
        row.items += tally.items
        row.overdue += tally.overdue
    return [rows[path] for path in sorted(rows)]


def _group_of(path: str, committees: dict) -> str | None:
    """The path of the committee just below the outermost one above `path`, if any."""
    codes = path.strip("/").split("/")
    outermost = None
    for depth in range(1, len(codes) + 1):
        above = "/" + "/".join(codes[:depth]) + "/"
        if above in committees:
            if outermost is None:
                outermost = above
            else:
                return above
    return None


def _reminded_today(unit_ids: list[int], today) -> set[int]:
    """Units reminded by hand today: look-ups of their keys in the unique index."""
    keys = [f"manual:{unit_id}:{today}" for unit_id in unit_ids]
    return set(Notification.objects.filter(key__in=keys).order_by().values_list("unit_id", flat=True))


def _board_unit(request, writable, today, until):
    """One unit's own page: all it owes, paginated, and its remind button."""
    pk = request.GET["unit"]
    if not pk.isdigit():
        raise Http404
    unit = get_object_or_404(writable.only("pk", "name", "path", "parent_id"), pk=pk)
    deadlines = sorted(
        open_deadlines(today, OrgUnit.objects.filter(pk=unit.pk), until=until), key=lambda d: (d.due, d.key)
    )
    who = responsibles({unit.pk}).get(unit.pk)
    context = {
        "unit": unit,
        "page": Paginator(deadlines, UNIT_ITEMS).get_page(request.GET.get("page")),
        "today": today,
        "count": len(deadlines),
        "overdue": sum(d.due < today for d in deadlines),
        "reminded": _reminded_today([unit.pk], today),
        "no_secretary": set() if who and who.secretaries else {unit.pk},
    }
    return render(request, "core/board_unit.html", context)


@login_required
@require_POST
def board_remind(request, pk: int):
    require(OrgUnit.objects.writable_by(request.user))
    unit = get_for_user(OrgUnit, request.user, pk, need="writable_by")
    today = timezone.localdate()
    deadlines = open_deadlines(today, OrgUnit.objects.filter(pk=unit.pk), until=today + BOARD_AHEAD)
    # Back to the page of the board the button was on (a township's, page 3 of it).
    back = request.POST.get("next", "")
    if not (back.startswith(reverse("core:board")) and url_has_allowed_host_and_scheme(back, None)):
        back = reverse("core:board")
    try:
        created = remind_now(unit=unit, deadlines=deadlines)
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
        return redirect(back)
    if created:
        send_soon()
        messages.success(request, _("%(unit)s reminded.") % {"unit": unit.name})
    else:
        messages.info(request, _("%(unit)s was already reminded today.") % {"unit": unit.name})
    return redirect(back)


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
