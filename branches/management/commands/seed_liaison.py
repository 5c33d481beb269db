"""Demo liaison visits of 李建国 (`leader`) for 柳山镇 (called by seed_demo).

- 柳山村第一党支部: four visits over the last weeks, the older ones confirmed by 张志强
  (`secretary`), the latest awaiting his confirmation with a follow-up due in two days.
- 柳山镇中心学校党支部 (no secretary account in the demo): one visit four months ago, not
  confirmed, and none since, so the office's dashboard flags it (no visit in 90 days).

Everything goes through the services, dates are counted from today. Idempotent: a visit is
found by its leader, branch and findings.
"""

from __future__ import annotations

import datetime

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from accounts.models import OrgUnit, User
from branches.models import LiaisonVisit, VisitFollowUp, VisitKind
from branches.visit_services import follow_up_done, visit_confirm, visit_record

# branch code, days ago, kind, people met, findings, solved, follow-ups (text, days after today
# or None, done), confirmed, remark
VISITS = [
    (
        "LS0101",
        70,
        VisitKind.REVIEW,
        "支部委员、党员代表8人",
        "上半年承诺事项兑现6项，群众反映路灯维修进度偏慢。",
        "",
        [],
        True,
        "",
    ),
    (
        "LS0101",
        40,
        VisitKind.RESEARCH,
        "支部书记张志强，村民代表5人",
        "村集体经济项目进展顺利，产业园用工缺口20人。",
        "协调镇劳动保障所到村开展招聘对接。",
        [("联系镇劳动保障所组织一次招聘会", -10, True)],
        True,
        "招聘会已于上月举行，解决用工15人。",
    ),
    (
        "LS0101",
        12,
        VisitKind.ORGANISATION_LIFE,
        "全体党员",
        "参加支部主题党日，党员到会率92%，学习记录较完整。",
        "",
        [],
        True,
        "",
    ),
    (
        "LS0101",
        3,
        VisitKind.GUIDANCE,
        "支部书记张志强，组织委员",
        "承诺践诺台账填写不规范，部分党员承诺过于笼统。",
        "现场指导修改台账格式，明确承诺事项的时限和标准。",
        [("按统一格式重新整理承诺践诺台账", 2, False)],
        False,
        "",
    ),
    (
        "LS03",
        120,
        VisitKind.SUPERVISION,
        "校党支部委员3人",
        "“三会一课”记录齐全，教师党员承诺事项已在公开栏公示。",
        "",
        [],
        False,
        "",
    ),
]


class Command(BaseCommand):
    help = "Add the demo liaison visits of 柳山镇 (safe to run twice)."

    @transaction.atomic
    def handle(self, *args, **options):
        today = timezone.localdate()
        leader = User.objects.get(username="leader")
        secretary = User.objects.get(username="secretary")
        for code, days_ago, kind, met, findings, solved, follow_ups, confirmed, remark in VISITS:
            branch = OrgUnit.objects.get(code=code)
            if LiaisonVisit.objects.filter(leader=leader, branch=branch, findings=findings).exists():
                continue
            visited_on = today - datetime.timedelta(days=days_ago)
            visit = visit_record(
                actor=leader,
                visit=LiaisonVisit(
                    branch=branch, visited_on=visited_on, kind=kind, met=met, findings=findings, solved=solved
                ),
                follow_ups=[
                    VisitFollowUp(text=text, deadline=today + datetime.timedelta(days=due))
                    for text, due, _done in follow_ups
                ],
                today=today,
            )
            saved = visit.follow_ups.order_by("pk")
            for follow_up, (_text, due, done) in zip(saved, follow_ups, strict=True):
                if done:
                    follow_up_done(follow_up=follow_up, done_on=today + datetime.timedelta(days=due))
            if confirmed:
                visit_confirm(actor=secretary, visit=visit, remark=remark, confirm=True)
        self.stdout.write(f"liaison visits: {LiaisonVisit.objects.count()} in all.")
