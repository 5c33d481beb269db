"""Demo commitments for 柳山镇 (called by seed_demo): letters, progress and evidence photos.

Idempotent: a branch whose letter for a period exists already is left as it is.
"""

from __future__ import annotations

import datetime
import io
import random

from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management.base import BaseCommand
from django.db import transaction
from PIL import Image, ImageDraw

from accounts.models import Level, OrgUnit
from branches.models import Member, Position
from commitments.models import Category, Channel, Commitment, CommitmentLetter
from commitments.services import letter_get_or_create, progress_add
from core.attachments import check_upload
from core.periods import Period

BRANCH_ITEMS = [
    (
        Category.PLAN,
        "制定本支部创先争优活动方案，开展“强堡垒、做先锋”主题活动",
        "支委会研究、党员大会通过，每季度推进一次",
    ),
    (Category.GOAL, "全年发展党员 1 名，党员活动参与率达到 95% 以上", "落实“三会一课”，建立党员活动台账"),
    (Category.SERVICE, "为辖区孤寡老人每月上门服务一次", "党员结对帮扶，建立走访记录"),
    (Category.SERVICE, "党员先锋岗为群众代办事项，当日受理、限时办结", "设立党员示范岗，公开服务电话"),
    (Category.PRACTICAL, "硬化村组道路 1.2 公里，解决群众出行难", "争取项目资金，党员带头义务投工"),
    (Category.PRACTICAL, "建成农家书屋并常年开放", "整合闲置用房，组织党员志愿者值守"),
]
MEMBER_ITEMS = [
    (Category.SERVICE, "结对帮扶困难群众 2 户，每月走访一次"),
    (Category.PRACTICAL, "带头参加环境整治志愿服务不少于 6 次"),
]


def _photo(seed: int) -> SimpleUploadedFile:
    image = Image.new("RGB", (480, 320), (200 - seed * 7 % 120, 60 + seed * 13 % 150, 60))
    ImageDraw.Draw(image).rectangle((40, 40, 440, 280), outline=(255, 255, 255), width=6)
    buffer = io.BytesIO()
    image.save(buffer, "JPEG")
    return SimpleUploadedFile(f"践诺照片{seed}.jpg", buffer.getvalue(), content_type="image/jpeg")


class Command(BaseCommand):
    help = "Add demo commitments, progress and evidence to the 柳山镇 branches (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("--today", type=datetime.date.fromisoformat, default=None)

    @transaction.atomic
    def handle(self, *args, today: datetime.date | None, **options):
        from django.utils import timezone

        today = today or timezone.localdate()
        current = Period.containing(today)
        previous = Period(current.year, 1) if current.half == 2 else Period(current.year - 1, 2)
        rng = random.Random(f"commitments-{current.code}")  # noqa: S311
        for unit in OrgUnit.objects.filter(level=Level.BRANCH, code__startswith="LS").order_by("path"):
            for period in (previous, current):
                if CommitmentLetter.objects.filter(unit=unit, member=None, period=period.code).exists():
                    continue
                self._branch(unit, period, today, rng)
        self.stdout.write(f"commitments: {Commitment.objects.count()} in all.")

    def _branch(self, unit, period: Period, today: datetime.date, rng: random.Random) -> None:
        letter = letter_get_or_create(unit=unit, member=None, period=period.code)
        secretary = Member.objects.filter(unit=unit, position=Position.SECRETARY).first()
        span = (period.end - period.start).days
        for index, (category, content, measures) in enumerate(BRANCH_ITEMS):
            deadline = period.start + datetime.timedelta(days=span * (index + 2) // (len(BRANCH_ITEMS) + 1))
            item = Commitment.objects.create(
                letter=letter,
                category=category,
                content=content,
                measures=measures,
                deadline=deadline,
                responsible=secretary,
            )
            self._progress(item, today, rng, photo=index == 2)
        for number, member in enumerate(Member.objects.filter(unit=unit).order_by("name")[:3]):
            own = letter_get_or_create(unit=unit, member=member, period=period.code)
            category, content = MEMBER_ITEMS[number % len(MEMBER_ITEMS)]
            item = Commitment.objects.create(
                letter=own, category=category, content=content, deadline=period.end, responsible=member
            )
            self._progress(item, today, rng, photo=False)
        if rng.random() < 0.75 or period.end < today:  # most branches have published theirs
            signed = period.start + datetime.timedelta(days=10)
            CommitmentLetter.objects.filter(unit=unit, period=period.code).update(
                signed_on=signed,
                published_on=signed + datetime.timedelta(days=2),
                channels=[Channel.BOARD, Channel.NETWORK],
            )

    def _progress(self, item: Commitment, today: datetime.date, rng: random.Random, *, photo: bool) -> None:
        start = item.letter.period_obj.start
        if start > today or rng.random() < 0.2:
            return  # not started
        last = min(today, item.deadline)
        steps = [40, 100] if rng.random() < 0.6 else [30]
        for number, percent in enumerate(steps, start=1):
            day = start + (last - start) * number / (len(steps) + 1)
            files = (
                [(check_upload(_photo(item.pk)), f"践诺照片{item.pk}.jpg")]
                if photo and percent == steps[-1]
                else []
            )
            progress_add(
                actor=None,
                commitment=item,
                date=day,
                percent=percent,
                files=files,
                text="按计划推进，完成阶段任务。" if percent < 100 else "已全部完成，群众反映良好。",
            )
