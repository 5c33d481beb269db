from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Role
from commitments.models import AMENDMENT, Commitment, CommitmentLetter, PeriodLock, Progress
from core.attachments import CheckedFile
from core.services import attachment_add


def period_locked(*, unit, period: str) -> bool:
    """Locked by the office of this unit or of any unit above it."""
    return PeriodLock.objects.filter(unit__path__in=unit.ancestor_paths(), period=period).exists()


def _mark_amendment(instance, *, actor, unit, period: str) -> None:
    # After the lock, a branch's change is kept, flagged as an amendment for the office.
    if not (actor is not None and actor.has_role(Role.OFFICE)) and period_locked(unit=unit, period=period):
        instance._change_reason = AMENDMENT


def letter_get_or_create(*, unit, member, period: str) -> CommitmentLetter:
    letter = CommitmentLetter.objects.filter(unit=unit, member=member, period=period).first()
    if letter is None:
        letter = CommitmentLetter(unit=unit, member=member, period=period)
        letter.full_clean()
        letter.save()
    return letter


@transaction.atomic
def commitment_save(*, actor, commitment: Commitment, owner: tuple | None = None) -> Commitment:
    """File a new commitment (`owner` = (unit, member or None, period)) or save an edit."""
    if owner is not None:
        unit, member, period = owner
        commitment.letter = letter_get_or_create(unit=unit, member=member, period=period)
    commitment.full_clean()
    letter = commitment.letter
    _mark_amendment(commitment, actor=actor, unit=letter.unit, period=letter.period)
    commitment.save()
    return commitment


@transaction.atomic
def progress_add(
    *,
    actor,
    commitment: Commitment,
    date: datetime.date,
    text: str,
    percent: int,
    files: list[tuple[CheckedFile, str]],
) -> Progress:
    """Record what was done; the commitment's progress follows the newest entry."""
    commitment = Commitment.objects.select_for_update().get(pk=commitment.pk)
    if date > timezone.localdate():
        raise ValidationError({"date": _("The date cannot be in the future.")})
    entry = Progress(commitment=commitment, date=date, text=text, percent=percent, recorded_by=actor)
    entry.full_clean()
    letter = commitment.letter
    _mark_amendment(entry, actor=actor, unit=letter.unit, period=letter.period)
    entry.save()
    for checked, name in files:
        attachment_add(owner=entry, checked=checked, name=name, actor=actor)
    newest = commitment.progress_entries.order_by("-date", "-pk").first()
    commitment.percent = newest.percent
    commitment.completed_on = newest.date if newest.percent >= 100 else None
    _mark_amendment(commitment, actor=actor, unit=letter.unit, period=letter.period)
    commitment.save(update_fields=["percent", "completed_on"])
    return entry


@transaction.atomic
def commitment_mark_incomplete(*, actor, commitment: Commitment, reason: str) -> Commitment:
    """At the close of its period, the office records a commitment as not completed."""
    period = commitment.letter.period_obj
    if timezone.localdate() <= period.end:
        raise ValidationError(_("A commitment can be marked not completed only after its period has ended."))
    if not reason.strip():
        raise ValidationError(_("Give the reason."))
    commitment.incomplete_reason = reason.strip()
    commitment.save(update_fields=["incomplete_reason"])
    return commitment


@transaction.atomic
def letter_publish(
    *,
    letter: CommitmentLetter,
    signed_on: datetime.date | None,
    published_on: datetime.date | None,
    channels: list[str],
) -> CommitmentLetter:
    if published_on and not channels:
        raise ValidationError(_("Say where the letter was published."))
    if published_on and not signed_on:
        raise ValidationError(_("A letter is signed before it is published."))
    letter.signed_on = signed_on
    letter.published_on = published_on
    letter.channels = channels
    letter.full_clean()
    letter.save(update_fields=["signed_on", "published_on", "channels"])
    return letter


@transaction.atomic
def period_lock(*, actor, unit, period: str) -> PeriodLock:
    lock, _created = PeriodLock.objects.get_or_create(unit=unit, period=period, defaults={"locked_by": actor})
    return lock
