"""Writes for the period summaries (活动总结, seed 000 §五.5)."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from branches.models import Member, PeriodSummary
from core.periods import Period
from core.reminders import decision_notify
from core.services import attachment_add


@transaction.atomic
def summary_save(*, actor, summary: PeriodSummary, files=(), now=None) -> PeriodSummary:
    """File a branch's summary of a period, or revise it until it is published."""
    if summary.pk is None:
        summary.filed_by = actor
        summary.filed_at = now or timezone.now()
    elif PeriodSummary.objects.filter(pk=summary.pk, published_on__isnull=False).exists():
        raise ValidationError(_("A published summary can no longer be changed."))
    summary.full_clean()
    summary.save()
    for checked, name in files:
        attachment_add(owner=summary, checked=checked, name=name, actor=actor)
    return summary


@transaction.atomic
def summary_publish(*, actor, summary: PeriodSummary, today: datetime.date | None = None) -> PeriodSummary:
    """The office publishes a summary: the branch's members read it, and so does its public board."""
    summary = PeriodSummary.objects.select_for_update().select_related("unit").get(pk=summary.pk)
    if summary.published_on is not None:
        raise ValidationError(_("This summary is already published."))
    summary.published_on = today or timezone.localdate()
    summary.save(update_fields=["published_on"])
    members = Member.objects.filter(Q(unit=summary.unit) | Q(unit__parent=summary.unit), user__isnull=False)
    decision_notify(
        unit=summary.unit,
        key=f"summary:{summary.pk}:published",
        title=_("%(unit)s published its summary of the %(period)s")
        % {"unit": summary.unit, "period": Period.parse(summary.period).label},
        body=summary.done[:200],
        link=reverse("branches:summary_detail", args=[summary.pk]),
        owners=list(members.values_list("user_id", flat=True)),
    )
    return summary
