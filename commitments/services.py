from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import OrgUnit
from commitments.models import AMENDMENT, Commitment, CommitmentLetter, PeriodLock, Progress
from core.attachments import CheckedFile
from core.services import attachment_add


def period_locked(*, unit, period: str) -> bool:
    """Locked by the office of this unit or of any unit above it."""
    return PeriodLock.objects.filter(unit__path__in=unit.ancestor_paths(), period=period).exists()


def _mark_amendment(instance, *, actor, unit, period: str) -> None:
    # After the lock, a branch's change is kept, flagged as an amendment for the office
    # that manages the branch (its own changes are the office's to make).
    if (
        period_locked(unit=unit, period=period)
        and not OrgUnit.objects.writable_by(actor).filter(pk=unit.pk).exists()
    ):
        instance._change_reason = AMENDMENT


def letter_get_or_create(*, unit, member, period: str) -> CommitmentLetter:
    """The letter of this owner and period, created by the first commitment filed in it.

    Two first filings at the same moment both find no letter: the unique constraint lets
    one insert win, and the other takes the winner's letter instead of failing.
    """
    lookup = {"unit": unit, "member": member, "period": period}
    letter = CommitmentLetter.objects.filter(**lookup).first()
    if letter is not None:
        return letter
    letter = CommitmentLetter(**lookup)
    letter.full_clean(validate_constraints=False)  # the insert checks them, race-free
    try:
        with transaction.atomic():  # a savepoint: the caller's transaction outlives a lost race
            letter.save()
    except IntegrityError:
        winner = CommitmentLetter.objects.filter(**lookup).first()
        if winner is None:
            raise
        return winner
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
