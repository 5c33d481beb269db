from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Value
from django.db.models.functions import Concat, Length, Substr
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from accounts.models import OrgUnit, User
from branches.models import MAX_LIAISON_POINTS, LeadingGroupMember, LiaisonPoint, Member, Responsibility


@transaction.atomic
def unit_save(*, unit: OrgUnit) -> OrgUnit:
    """Save a new or edited unit; a changed code or parent moves its whole subtree."""
    old_path = OrgUnit.objects.get(pk=unit.pk).path if unit.pk else None
    unit.full_clean()
    unit.save()
    if old_path and old_path != unit.path:
        OrgUnit.objects.filter(path__under=old_path).exclude(pk=unit.pk).update(
            path=Concat(Value(unit.path), Substr("path", Length(Value(old_path)) + 1))
        )
    return unit


@transaction.atomic
def member_save(*, member: Member) -> Member:
    member.full_clean()
    member.save()
    return member


@transaction.atomic
def members_create(*, actor: User, members: list[Member], batch_size: int = 1000) -> None:
    """A roster's new members at once, with their history (a county's 15,000 in seconds).

    The caller has checked each member as `member_save` would (the roster import checks
    the unique constraints against sets loaded once instead of a query per row).
    """
    bulk_create_with_history(members, Member, batch_size=batch_size, default_user=actor if actor.pk else None)


@transaction.atomic
def responsibility_set(*, unit: OrgUnit, kind: str, person) -> Responsibility | None:
    """Name the person responsible, or clear it (the unit then inherits from above)."""
    if person is None:
        Responsibility.objects.filter(unit=unit, kind=kind).delete()
        return None
    responsibility, _created = Responsibility.objects.update_or_create(
        unit=unit, kind=kind, defaults={"person": person}
    )
    return responsibility


@transaction.atomic
def liaison_point_create(
    *, leader: User, branch: OrgUnit, started_on: datetime.date | None = None
) -> LiaisonPoint:
    """A leader takes a liaison branch; seed 000 §二 allows one or two at a time."""
    # Lock the leader so two requests cannot both take the last free place.
    User.objects.select_for_update().filter(pk=leader.pk).first()
    if LiaisonPoint.objects.active().filter(leader=leader).count() >= MAX_LIAISON_POINTS:
        raise ValidationError(
            _("A leader holds at most %(max)d liaison branches; end one before adding another.")
            % {"max": MAX_LIAISON_POINTS}
        )
    point = LiaisonPoint(leader=leader, branch=branch, started_on=started_on or timezone.localdate())
    point.full_clean()
    point.save()
    return point


@transaction.atomic
def liaison_point_end(*, point: LiaisonPoint, ended_on: datetime.date | None = None) -> None:
    point.ended_on = max(ended_on or timezone.localdate(), point.started_on)
    point.save(update_fields=["ended_on"])


@transaction.atomic
def leading_group_set(*, unit: OrgUnit, seats: list[LeadingGroupMember]) -> list[LeadingGroupMember]:
    """Replace the seats of `unit`'s 创先争优活动领导小组 at once: all are saved, or none.

    `seats` are the seats to keep (edited ones keep their id, and their history) and new
    ones; every other seat of the unit is removed.
    """
    for seat in seats:
        if seat.pk and seat.unit_id != unit.pk:
            raise ValueError(f"seat {seat.pk} is not a seat of {unit}")
        seat.unit = unit
        seat.name = seat.name.strip()
    seen: set[str] = set()
    for seat in seats:
        if seat.name in seen:
            raise ValidationError(_("%(name)s is listed twice in the leading group.") % {"name": seat.name})
        seen.add(seat.name)
    LeadingGroupMember.objects.filter(unit=unit).exclude(pk__in=[s.pk for s in seats if s.pk]).delete()
    try:
        with transaction.atomic():
            for seat in seats:
                seat.full_clean()
                seat.save()
    except IntegrityError as exc:  # another request saved the same name meanwhile
        raise ValidationError(_("This person already sits in this leading group.")) from exc
    return seats
