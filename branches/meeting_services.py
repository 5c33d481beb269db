"""Writes for joint meetings (联席会议, seed 000 §三) and their decisions.

Invitations and decisions are told through core's inbox (`decision_notify`: an inbox row
for each account, an e-mail for those who take e-mail reminders; invitations also go to the
township's group bot where one is configured); the reminders of an
open decision come from its deadline (branches/deadlines.py).
"""

from __future__ import annotations

import datetime
import hashlib

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from branches.meeting_selectors import people_under
from branches.models import JointMeeting, MeetingDecision
from core.dates import long_date, short_date, short_datetime
from core.reminders import decision_notify
from core.services import attachment_add


def _outsiders(township, users) -> list[User]:
    inside = set(
        people_under(township.path).filter(pk__in=[u.pk for u in users]).values_list("pk", flat=True)
    )
    return [user for user in users if user.pk not in inside]


@transaction.atomic
def meeting_save(*, actor, meeting: JointMeeting, attendees: list[User]) -> JointMeeting:
    """Convene a meeting or change it; whoever is newly invited is told in the inbox."""
    if meeting.pk is None:
        meeting.convened_by = actor
    meeting.full_clean()
    outside = _outsiders(meeting.township, attendees)
    if outside:
        raise ValidationError(
            _("%(names)s do not belong to %(township)s.")
            % {"names": "、".join(str(user) for user in outside), "township": meeting.township}
        )
    before = set(meeting.attendees.values_list("pk", flat=True)) if meeting.pk else set()
    meeting.save()
    meeting.attendees.set(attendees)
    invited = sorted({user.pk for user in attendees} - before)
    if invited:
        # One message per invitation round: the same people invited again are told nothing twice.
        digest = hashlib.sha256(",".join(map(str, invited)).encode()).hexdigest()[:16]
        decision_notify(
            unit=meeting.township,
            key=f"meeting:{meeting.pk}:invite:{digest}",
            title=_("Invitation to a joint meeting: %(topic)s") % {"topic": meeting.topic},
            body=_("%(when)s at %(place)s. Agenda: %(agenda)s")
            % {
                "when": short_datetime(meeting.held_at),
                "place": meeting.place,
                "agenda": meeting.agenda or "—",
            },
            link=reverse("branches:meeting_detail", args=[meeting.pk]),
            owners=invited,
            group=True,
        )
    return meeting


@transaction.atomic
def minutes_save(*, actor, meeting: JointMeeting, minutes: str, files=(), now=None) -> JointMeeting:
    """The 纪要 of a meeting, written after it, with its files."""
    now = now or timezone.now()
    if now < meeting.held_at:
        raise ValidationError(_("Minutes are written after the meeting."))
    meeting.minutes = minutes
    meeting.minutes_at = now
    meeting.full_clean()
    meeting.save(update_fields=["minutes", "minutes_at"])
    for checked, name in files:
        attachment_add(owner=meeting, checked=checked, name=name, actor=actor)
    return meeting


@transaction.atomic
def decision_add(*, actor, meeting: JointMeeting, decision: MeetingDecision) -> MeetingDecision:
    """A decision of the meeting: an action item for a unit or a person, by a deadline."""
    decision.meeting = meeting
    if decision.unit_id is None and decision.person_id is None:
        raise ValidationError(_("Name the unit or the person responsible for this decision."))
    if decision.deadline is None:
        raise ValidationError(_("Give the decision a deadline."))
    held_on = timezone.localdate(meeting.held_at)
    if decision.deadline < held_on:
        raise ValidationError(
            _("The deadline cannot be before the meeting (%(day)s).") % {"day": short_date(held_on)}
        )
    if decision.unit_id and not decision.unit.path.startswith(meeting.township.path):
        raise ValidationError(
            _("%(unit)s is not a unit of %(township)s.")
            % {"unit": decision.unit, "township": meeting.township}
        )
    if decision.person_id and _outsiders(meeting.township, [decision.person]):
        raise ValidationError(
            _("%(person)s does not belong to %(township)s.")
            % {"person": decision.person, "township": meeting.township}
        )
    decision.full_clean()
    decision.save()
    decision_notify(
        unit=decision.unit or meeting.township,
        key=f"meeting-decision:{decision.pk}:assigned",
        title=_("Joint meeting decision for you: %(text)s") % {"text": decision.text[:60]},
        body=_("Decided at “%(topic)s” on %(day)s; to be done by %(deadline)s.")
        % {"topic": meeting.topic, "day": long_date(held_on), "deadline": long_date(decision.deadline)},
        link=reverse("branches:meeting_detail", args=[meeting.pk]),
        owners=[decision.person_id] if decision.person_id else [],
    )
    return decision


@transaction.atomic
def decision_report_done(
    *, actor, decision: MeetingDecision, note: str, done_on: datetime.date | None = None
) -> MeetingDecision:
    """The responsible branch (or person, or the office) reports a decision carried out."""
    decision = MeetingDecision.objects.select_for_update().get(pk=decision.pk)
    if decision.done_on is not None:
        raise ValidationError(_("This decision was already reported done."))
    if not note.strip():
        raise ValidationError(_("Say how the decision was carried out."))
    decision.done_on = done_on or timezone.localdate()
    decision.done_note = note.strip()
    decision.full_clean()
    decision.save(update_fields=["done_on", "done_note"])
    return decision
