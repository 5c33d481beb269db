"""Demo information reports for 柳山镇 (called by seed_demo): four months, some late, some missing.

Idempotent: a branch that has reports already is left as it is.
"""

from __future__ import annotations

import datetime
import random

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from accounts.models import Level, OrgUnit, User
from branches.models import Member, Position
from reports.models import Category, Report, ReportStatus
from reports.services import report_review, report_save, report_submit
from reports.slots import slots_between, window

TOPICS = [
    (Category.NEWS, "开展“党员先锋岗”亮诺践诺活动", "本月，支部组织党员围绕服务群众亮出承诺，逐项推进落实。"),
    (
        Category.EXPERIENCE,
        "“三会一课”规范化的几点做法",
        "一是固定学习日；二是建立学习台账；三是支委轮流讲党课。",
    ),
    (Category.HIGHLIGHT, "党员志愿服务队助力秋收", "支部组织党员志愿者帮助留守老人抢收稻谷二十余亩。"),
    (
        Category.EXEMPLARY,
        "老党员义务调解邻里纠纷二十年",
        "年逾七旬的老党员坚持为群众调解矛盾，受到群众称赞。",
    ),
]


class Command(BaseCommand):
    help = "Add demo information reports to the 柳山镇 branches (idempotent)."

    @transaction.atomic
    def handle(self, *args, **options):
        today = timezone.localdate()
        first = (today.replace(day=1) - datetime.timedelta(days=95)).replace(day=1)
        office = User.objects.filter(username="office").first()
        rng = random.Random(f"reports-{today:%Y%m}")  # noqa: S311
        for unit in OrgUnit.objects.filter(level=Level.BRANCH, code__startswith="LS").order_by("path"):
            if Report.objects.filter(unit=unit).exists():
                continue
            secretary = Member.objects.filter(unit=unit, position=Position.SECRETARY).first()
            for number, slot in enumerate(slots_between(first, today - datetime.timedelta(days=1))):
                chance = rng.random()
                if chance < 0.2:
                    continue  # missing
                start, end = window(slot)
                day = start + datetime.timedelta(days=rng.randrange((end - start).days + 1))
                when = timezone.make_aware(
                    datetime.datetime.combine(day, datetime.time(rng.randrange(8, 22), 30))
                )
                category, title, body = TOPICS[number % len(TOPICS)]
                report = report_save(
                    actor=None,
                    report=Report(
                        unit=unit,
                        title=f"{unit.name}{title}",
                        authors=secretary.name if secretary else "",
                        category=category,
                        body=f"{body}\n下一步，支部将继续抓好落实，推动创先争优常态化。",
                    ),
                )
                report_submit(actor=None, report=report, now=when)
                if chance > 0.75 and office:
                    report_review(actor=office, report=report, adopt=True, note="镇创先争优简报")
                elif chance > 0.7 and office:
                    report_review(actor=office, report=report, adopt=False, note="请补充具体数据和照片")
        self.stdout.write(f"reports: {Report.objects.exclude(status=ReportStatus.DRAFT).count()} submitted.")
