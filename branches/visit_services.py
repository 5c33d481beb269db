"""Writes of the liaison visits (seed 000 §二, seed 003 联系点制度): a leader records a visit to
one of its liaison branches, the branch's secretary confirms it, follow-ups are done, and the
office sets how long a liaison branch may go without a visit."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import OrgUnit
from branches.models import LiaisonPoint, LiaisonSetting, LiaisonVisit, VisitFollowUp
from core.attachments import CheckedFile
from core.dates import short_date
from core.reminders import decision_notify
from core.services import attachment_add


@transaction.atomic
def visit_record(
    *,
    actor,
    visit: LiaisonVisit,
    follow_ups: Iterable[VisitFollowUp] = (),
    files: Iterable[tuple[CheckedFile, str]] = (),
    today: datetime.date | None = None,
) -> LiaisonVisit:
    """Save `actor`'s visit to `visit.branch` with its follow-ups and its checked photos and files.

    Only to an active liaison branch of `actor`, on a day that has come; the branch's
    secretaries are asked to confirm it.
    """
    today = today or timezone.localdate()
    if not LiaisonPoint.objects.visited_by(actor).filter(branch=visit.branch_id).exists():
        raise ValidationError(_("You can record visits only to your own liaison branches."))
    visit.leader = actor
    if visit.visited_on and visit.visited_on > today:
        raise ValidationError(_("A visit cannot be recorded before the day it takes place."))
    visit.full_clean()
    visit.save()
    for follow_up in follow_ups:
        follow_up.visit = visit
        if follow_up.deadline and follow_up.deadline < visit.visited_on:
            raise ValidationError(_("A follow-up's deadline cannot be before the visit."))
        follow_up.full_clean()
        follow_up.save()
    for checked, name in files:
        attachment_add(owner=visit, checked=checked, name=name, actor=actor)
    decision_notify(
        unit=visit.branch,
        key=f"visit:{visit.pk}:recorded",
        title=f"【联系点走访】{actor} {short_date(visit.visited_on)} {visit.get_kind_display()}，请确认",
        body=_("%(leader)s recorded a visit to your branch. Confirm it or add a remark.")
        % {"leader": str(actor)},
        link=reverse("branches:visit_detail", args=[visit.pk]),
    )
    return visit


@transaction.atomic
def visit_confirm(*, actor, visit: LiaisonVisit, remark: str, confirm: bool) -> LiaisonVisit:
    """The branch's answer: 确认 the visit (once), or only add or change its remark."""
    visit = LiaisonVisit.objects.select_for_update().get(pk=visit.pk)
    if confirm and visit.confirmed_at:
        raise ValidationError(_("This visit is already confirmed."))
    visit.remark = remark
    if confirm:
        visit.confirmed_at = timezone.now()
        visit.confirmed_by = actor
    visit.full_clean()
    visit.save(update_fields=["remark", "confirmed_at", "confirmed_by"])
    return visit


@transaction.atomic
def follow_up_done(*, follow_up: VisitFollowUp, done_on: datetime.date | None = None) -> VisitFollowUp:
    """A follow-up is done: its reminders stop."""
    follow_up = VisitFollowUp.objects.select_for_update().get(pk=follow_up.pk)
    if follow_up.done_on is None:
        follow_up.done_on = done_on or timezone.localdate()
        follow_up.save(update_fields=["done_on"])
    return follow_up


@transaction.atomic
def liaison_setting_save(*, township: OrgUnit, visit_gap_days: int) -> LiaisonSetting:
    setting = LiaisonSetting.objects.select_for_update().filter(township=township).first()
    setting = setting or LiaisonSetting(township=township)
    setting.visit_gap_days = visit_gap_days
    setting.full_clean()
    setting.save()
    return setting
