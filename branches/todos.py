"""What the branches app asks of a user on its home page (core.todos): every deadline of the
reminder engine the user answers for, the liaison visits its branch is to confirm, and for the
office the leaders without a liaison point or a recent visit."""

from __future__ import annotations

import datetime

from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.models import OrgUnit
from branches.models import LiaisonPoint, LiaisonVisit, Member
from branches.selectors import leaders_in_scope
from branches.visit_selectors import visit_gaps
from core.reminders import REMIND_AHEAD, open_deadlines
from core.todos import Todo, register_todos

LIMIT = 10


def deadline_todos(user, today: datetime.date):
    """The reminder engine's open deadlines of the next month (and those overdue) that `user`
    answers for: all of its branches' as their secretary, and those naming it as owner (its
    own commitments and rectifications as a member, a liaison leader's review sheets and
    follow-ups)."""
    secretary_of = set(OrgUnit.objects.of_secretary(user).values_list("pk", flat=True))
    owner_in = set(Member.objects.filter(user=user).values_list("unit_id", flat=True))
    owner_in |= set(LiaisonPoint.objects.active().filter(leader=user).values_list("branch_id", flat=True))
    units = secretary_of | owner_in
    if not units or user.pk is None:
        return
    names = dict(OrgUnit.objects.filter(pk__in=units).values_list("pk", "name"))
    for deadline in open_deadlines(today, OrgUnit.objects.filter(pk__in=units), until=today + REMIND_AHEAD):
        if deadline.unit_id in secretary_of or user.pk in deadline.owners:
            yield Todo(
                deadline.title,
                deadline.link,
                deadline.kind,
                deadline.due,
                deadline.who or names.get(deadline.unit_id, ""),
                deadline.key,
            )


def visit_todos(user, today: datetime.date):
    """Liaison visits to the user's branch waiting for its confirmation."""
    visits = (
        LiaisonVisit.objects.confirmable_by(user)
        .filter(confirmed_at__isnull=True)
        .select_related("leader", "branch")
        .order_by("visited_on", "pk")[:LIMIT]
    )
    for visit in visits:
        yield Todo(
            _("Confirm the liaison visit of %(leader)s on %(date)s")
            % {"leader": visit.leader, "date": visit.visited_on},
            reverse("branches:visit_detail", args=[visit.pk]),
            _("Liaison visit"),
            note=visit.branch.name,
        )


def liaison_todos(user, today: datetime.date):
    """The office's: leaders of its units without a liaison point, and points gone unvisited."""
    if not OrgUnit.objects.writable_by(user).exists():
        return
    without = [leader for leader in leaders_in_scope(user) if leader.active_points == 0]
    if without:
        yield Todo(
            _("%(count)d leaders have no liaison branch") % {"count": len(without)},
            reverse("branches:liaison_list"),
            _("Liaison point"),
            note="、".join(str(leader) for leader in without[:5]),
        )
    gaps = visit_gaps(user, today)
    if gaps:
        yield Todo(
            _("%(count)d liaison branches have not been visited for too long") % {"count": len(gaps)},
            reverse("branches:visit_coverage"),
            _("Liaison visit"),
            note="、".join(f"{gap.point.leader} → {gap.point.branch.name}" for gap in gaps[:3]),
        )


register_todos("deadlines", deadline_todos)
register_todos("liaison-visits", visit_todos)
register_todos("liaison-points", liaison_todos)
