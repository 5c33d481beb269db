"""Who answers for a unit's deadlines, declared to core's reminder engine, and the branches
app's own deadlines: the follow-ups of liaison visits, the decisions of joint meetings and
the branches' period summaries."""

from __future__ import annotations

import datetime

from django.urls import reverse

from accounts.models import Level, OrgUnit, Role, RoleAssignment
from branches.models import LiaisonPoint, MeetingDecision, PeriodSummary, VisitFollowUp
from core.dates import short_date
from core.periods import Period
from core.reminders import Deadline, Responsibles, register_responsibles, register_source

# Follow-ups are chased this long after their deadline; older ones are the leader's to settle.
CHASED = datetime.timedelta(days=90)


def unit_responsibles(unit_ids: set[int]) -> dict[int, Responsibles]:
    """Secretaries of each unit, offices above it, its liaison leaders: four queries in all."""
    loaded = list(OrgUnit.objects.filter(pk__in=unit_ids).order_by().only("pk", "path", "name"))
    units = {unit.pk: Responsibles(path=unit.path, name=unit.name) for unit in loaded}
    for user_id, unit_id in (
        RoleAssignment.objects.filter(role=Role.SECRETARY, org_unit_id__in=unit_ids)
        .order_by()
        .values_list("user_id", "org_unit_id")
    ):
        units[unit_id].secretaries.append(user_id)
    offices: dict[str, list[int]] = {}
    for user_id, path in (
        RoleAssignment.objects.filter(role=Role.OFFICE).order_by().values_list("user_id", "org_unit__path")
    ):
        offices.setdefault(path, []).append(user_id)
    for unit in loaded:  # the offices of the unit's few ancestors, not a test against every office
        above = unit.ancestor_paths()
        units[unit.pk].offices = [user_id for path in above for user_id in offices.get(path, ())]
    for leader_id, unit_id in (
        LiaisonPoint.objects.active()
        .filter(branch_id__in=unit_ids)
        .order_by()
        .values_list("leader_id", "branch_id")
    ):
        units[unit_id].leaders.append(leader_id)
    return units


register_responsibles(unit_responsibles)


def visit_follow_up_deadlines(today: datetime.date, units, until: datetime.date):
    """A visit's follow-up with a deadline, until done: owed by the visited branch, with the
    leader who asked for it. One query."""
    open_items = VisitFollowUp.objects.order_by().filter(
        done_on__isnull=True, deadline__gte=today - CHASED, deadline__lte=until
    )
    if units is not None:
        open_items = open_items.filter(visit__branch__in=units)
    detail = reverse("branches:visit_detail", args=[0]).removesuffix("0/")
    for pk, text, deadline, visit_id, branch_id, leader_id in open_items.values_list(
        "pk", "text", "deadline", "visit_id", "visit__branch_id", "visit__leader_id"
    ):
        yield Deadline(
            key=f"visit-follow-up:{pk}",
            kind="联系点跟进事项",
            title=f"联系领导走访后的跟进事项「{text[:30]}」完成时限 {short_date(deadline)}",
            due=deadline,
            unit_id=branch_id,
            link=f"{detail}{visit_id}/",
            owners=(leader_id,),
        )


register_source("visit-follow-ups", visit_follow_up_deadlines)


def meeting_decision_deadlines(today: datetime.date, units, until: datetime.date):
    """An open decision of a joint meeting, owed by its responsible unit (or, for a person
    alone, the township) and the person named. One query."""
    decisions = MeetingDecision.objects.order_by().filter(
        done_on__isnull=True, deadline__gte=today - CHASED, deadline__lte=until
    )
    if units is not None:
        decisions = decisions.filter(unit__in=units) | decisions.filter(
            unit=None, meeting__township__in=units
        )
    detail = reverse("branches:meeting_detail", args=[0]).removesuffix("0/")
    for pk, text, deadline, meeting_id, unit_id, township_id, person_id in decisions.values_list(
        "pk", "text", "deadline", "meeting_id", "unit_id", "meeting__township_id", "person_id"
    ):
        yield Deadline(
            key=f"meeting-decision:{pk}",
            kind="联席会议决定事项",
            title=f"联席会议决定事项「{text[:30]}」完成时限 {short_date(deadline)}",
            due=deadline,
            unit_id=unit_id or township_id,
            link=f"{detail}{meeting_id}/",
            owners=(person_id,) if person_id else (),
        )


def period_summary_deadlines(today: datetime.date, units, until: datetime.date):
    """Each branch's summary of a half-year, due at the office on the period's filing day."""
    link = reverse("branches:summary_create")
    for period in {Period.containing(today - datetime.timedelta(days=183)), Period.containing(today)}:
        due = period.filing_deadline
        if not today - CHASED <= due <= until:
            continue
        filed = PeriodSummary.objects.order_by().filter(period=period.code).values("unit_id")
        branches = OrgUnit.objects.order_by().filter(level=Level.BRANCH).exclude(pk__in=filed)
        if units is not None:
            branches = branches.filter(pk__in=units)
        for unit_id in branches.values_list("pk", flat=True):
            yield Deadline(
                key=f"period-summary:{unit_id}:{period.code}",
                kind="活动总结",
                title=f"{period.wording}创先争优活动总结报送，截止 {short_date(due)}",
                due=due,
                unit_id=unit_id,
                link=link,
            )


register_source("meeting-decisions", meeting_decision_deadlines)
register_source("period-summaries", period_summary_deadlines)
