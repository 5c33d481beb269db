"""Inbox, the office's board of what is owed, the message log and the reminder settings."""

from __future__ import annotations

import datetime

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from kombu.exceptions import OperationalError

from accounts.models import Role
from accounts.scoping import get_for_user
from core.models import DeliveryStatus, Notification, ReminderPolicy, Webhook
from core.reminders import open_deadlines, remind_now, webhook_test

OrgUnit = Notification._meta.get_field("unit").related_model


def _office_only(user) -> None:
    if not user.has_role(Role.OFFICE):
        raise PermissionDenied


def _kick_sender() -> None:
    """Ask the worker to send now; with Redis down, the next beat scan sends it (nothing is lost)."""
    from core.tasks import scan_reminders

    try:
        scan_reminders.delay()
    except OperationalError:
        pass


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
    if message.read_at is None:
        Notification.objects.filter(pk=message.pk).update(read_at=timezone.now())
    if message.link and url_has_allowed_host_and_scheme(message.link, allowed_hosts=None):
        return redirect(message.link)
    return redirect("core:inbox")


@login_required
def board(request):
    """Who has not submitted: the open deadlines of each branch, due soon or overdue."""
    _office_only(request.user)
    today = timezone.localdate()
    units = OrgUnit.objects.visible_to(request.user)
    horizon = today + datetime.timedelta(days=7)
    by_unit: dict[int, list] = {}
    for deadline in open_deadlines(today, units):
        if deadline.due <= horizon:
            by_unit.setdefault(deadline.unit_id, []).append(deadline)
    rows = [
        (unit, sorted(by_unit[unit.pk], key=lambda d: d.due))
        for unit in units.filter(pk__in=by_unit).order_by("path")
    ]
    reminded = set(
        Notification.objects.filter(
            key__startswith="manual:", key__endswith=f":{today}", unit__in=units
        ).values_list("unit_id", flat=True)
    )
    return render(request, "core/board.html", {"rows": rows, "today": today, "reminded": reminded})


@login_required
@require_POST
def board_remind(request, pk: int):
    _office_only(request.user)
    unit = get_for_user(OrgUnit, request.user, pk)
    deadlines = open_deadlines(timezone.localdate(), OrgUnit.objects.filter(pk=unit.pk))
    try:
        created = remind_now(unit=unit, deadlines=deadlines)
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
        return redirect("core:board")
    if created:
        _kick_sender()
        messages.success(request, _("%(unit)s reminded.") % {"unit": unit.name})
    else:
        messages.info(request, _("%(unit)s was already reminded today.") % {"unit": unit.name})
    return redirect("core:board")


@login_required
def notification_log(request):
    _office_only(request.user)
    log = Notification.objects.visible_to(request.user).select_related("recipient", "unit")
    if request.GET.get("status") in DeliveryStatus.values:
        log = log.filter(status=request.GET["status"])
    page = Paginator(log, 50).get_page(request.GET.get("page"))
    return render(request, "core/notification_log.html", {"page": page, "statuses": DeliveryStatus.choices})


class PolicyForm(forms.ModelForm):
    class Meta:
        model = ReminderPolicy
        fields = ["days_before", "weekly_days"]


class WebhookForm(forms.ModelForm):
    url = forms.URLField(label=gettext_lazy("webhook address"), assume_scheme="https", max_length=500)

    class Meta:
        model = Webhook
        fields = ["unit", "platform", "url", "active"]

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = OrgUnit.objects.writable_by(actor)
        self.fields["url"].help_text = _("The address the group's bot settings show (https://…).")

    def clean_url(self):
        url = self.cleaned_data["url"]
        if not url.startswith(("https://", "http://")):
            raise forms.ValidationError(_("Enter an http(s) address."))
        return url


@login_required
def reminder_settings(request):
    _office_only(request.user)
    top = OrgUnit.objects.writable_by(request.user).order_by("path").first()
    policy = ReminderPolicy.objects.filter(unit=top).first() or ReminderPolicy(unit=top)
    policy_form = PolicyForm(request.POST if "policy" in request.POST else None, instance=policy)
    webhook_form = WebhookForm(request.POST if "webhook" in request.POST else None, actor=request.user)
    if request.method == "POST":
        for form in (policy_form, webhook_form):
            if form.is_bound and form.is_valid():
                form.save()
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
def webhook_delete(request, pk: int):
    _office_only(request.user)
    get_for_user(Webhook, request.user, pk, write=True).delete()
    messages.success(request, _("Group bot removed."))
    return redirect("core:reminder_settings")


@login_required
@require_POST
def webhook_test_view(request, pk: int):
    _office_only(request.user)
    hook = get_for_user(Webhook, request.user, pk, write=True)
    try:
        webhook_test(hook)
    except (OSError, ValueError) as exc:
        messages.error(request, _("The group bot did not take the test message: %(error)s") % {"error": exc})
    else:
        messages.success(request, _("Test message sent; check the group."))
    return redirect("core:reminder_settings")
