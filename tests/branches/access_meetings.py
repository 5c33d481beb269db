"""Joint meeting and period summary URLs for the access matrix (tests/test_access_matrix.py).

Objects, all built by `target()` (and the builders below, which the page tests reuse):
- a joint meeting of 柳山镇 convened by `office`, with `secretary` as its only invited
  attendee and a decision for 柳山村第一党支部 (LS0101): the township's readers, the attendee
  and whoever reads the decision (LS0101's secretaries: `secretary`, `twohat`) read it;
  secretary2 and `member` do not (404); only the township's office writes it;
- `decision_done`: that decision, reported done by LS0101's secretaries or the office; the
  township's other readers see it but may not (403);
- a summary of LS0101 for the current half-year, not published: its readers see it, its
  keepers (the office, its secretary) edit it, the township's office alone publishes it;
  a member reads it only once published.
"""

from __future__ import annotations

import datetime

from django.utils import timezone

from branches.meeting_services import decision_add, meeting_save
from branches.models import JointMeeting, MeetingDecision, PeriodSummary
from branches.summary_services import summary_save
from core.periods import Period

LOGIN = 302
EXPECTED = {
    # ROLES: anonymous office leader leader2 secretary secretary2 inspector member twohat admin
    "branches:meeting_list": ("get", [LOGIN, 200, 200, 200, 200, 200, 200, 200, 200, 200]),
    # twohat convenes the meetings of its own township (青石镇).
    "branches:meeting_create": ("get", [LOGIN, 200, 403, 403, 403, 403, 403, 403, 200, 200]),
    "branches:meeting_detail": ("get", [LOGIN, 200, 200, 200, 200, 404, 200, 404, 200, 200]),
    "branches:meeting_edit": ("get", [LOGIN, 200, 403, 403, 403, 404, 403, 404, 403, 200]),
    "branches:meeting_minutes": ("post", [LOGIN, 302, 403, 403, 403, 404, 403, 404, 403, 302]),
    "branches:meeting_word": ("get", [LOGIN, 200, 200, 200, 200, 404, 200, 404, 200, 200]),
    "branches:decision_create": ("post", [LOGIN, 302, 403, 403, 403, 404, 403, 404, 403, 302]),
    "branches:decision_done": ("post", [LOGIN, 302, 403, 403, 302, 404, 403, 404, 302, 302]),
    "branches:summary_list": ("get", [LOGIN, 200, 200, 200, 200, 200, 200, 200, 200, 200]),
    "branches:summary_create": ("get", [LOGIN, 200, 403, 403, 200, 200, 403, 403, 200, 200]),
    "branches:summary_detail": ("get", [LOGIN, 200, 200, 200, 200, 404, 200, 404, 200, 200]),
    "branches:summary_edit": ("get", [LOGIN, 200, 403, 403, 200, 404, 403, 404, 200, 200]),
    "branches:summary_publish": ("post", [LOGIN, 302, 403, 403, 403, 404, 403, 404, 403, 302]),
}


# ---------------------------------------------------------------------------------------
# Builders, shared with the page tests


def make_meeting(
    personas, units, *, attendees=("secretary",), days_ago=3, topic="研究下阶段工作"
) -> JointMeeting:
    held_at = timezone.now() - datetime.timedelta(days=days_ago)
    meeting = JointMeeting(
        township=units["LS"], held_at=held_at, place="镇会议室", topic=topic, agenda="一、部署"
    )
    return meeting_save(
        actor=personas["office"], meeting=meeting, attendees=[personas[name] for name in attendees]
    )


def make_decision(
    personas, meeting, unit=None, *, person=None, due_in=10, text="完善活动台账"
) -> MeetingDecision:
    decision = MeetingDecision(
        text=text, unit=unit, person=person, deadline=timezone.localdate() + datetime.timedelta(days=due_in)
    )
    return decision_add(actor=personas["office"], meeting=meeting, decision=decision)


def make_summary(personas, unit, period: str | None = None, **fields) -> PeriodSummary:
    period = period or Period.containing(timezone.localdate()).code
    summary = PeriodSummary(
        unit=unit, period=period, done=fields.pop("done", "开展主题党日活动六次"), **fields
    )
    return summary_save(actor=personas["office"], summary=summary)


# ---------------------------------------------------------------------------------------


def target(name: str, personas, units):
    from tests.test_access_matrix import Target

    if name in (
        "branches:meeting_list",
        "branches:meeting_create",
        "branches:summary_list",
        "branches:summary_create",
    ):
        return Target()
    if name.startswith("branches:summary_"):
        summary = make_summary(personas, units["LS0101"])
        if name == "branches:summary_publish":
            done = lambda: PeriodSummary.objects.filter(pk=summary.pk, published_on__isnull=False).exists()  # noqa: E731
            return Target({"pk": summary.pk}, done=done)
        return Target({"pk": summary.pk})
    meeting = make_meeting(personas, units)
    decision = make_decision(personas, meeting, units["LS0101"])
    if name == "branches:decision_done":
        done = lambda: MeetingDecision.objects.filter(pk=decision.pk, done_on__isnull=False).exists()  # noqa: E731
        return Target({"pk": decision.pk}, {"note": "台账已完善"}, done)
    if name == "branches:meeting_minutes":
        done = lambda: JointMeeting.objects.filter(pk=meeting.pk, minutes="会议纪要正文").exists()  # noqa: E731
        return Target({"pk": meeting.pk}, {"minutes": "会议纪要正文"}, done)
    if name == "branches:decision_create":
        deadline = (timezone.localdate() + datetime.timedelta(days=5)).isoformat()
        data = {"text": "报送活动总结", "unit": str(units["LS0101"].pk), "person": "", "deadline": deadline}
        done = lambda: MeetingDecision.objects.filter(meeting=meeting, text="报送活动总结").exists()  # noqa: E731
        return Target({"pk": meeting.pk}, data, done)
    return Target({"pk": meeting.pk})
