"""Demo inspections for 柳山镇 (called by seed_demo): the township's leading group, one
inspection group, three months of inspections with findings of every kind, rectifications
in every state and one issued circular some branches have not read yet.

Everything goes through inspections.services, so history and notifications are real, and
dates are counted from today, so the demo always looks current. Idempotent: what exists
(found by its natural key) is left as it is.
"""

from __future__ import annotations

import datetime

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from accounts.models import Level, OrgUnit, User
from branches.models import LeadingGroupMember, LeadingGroupPost, Responsibility, ResponsibilityKind
from branches.services import leading_group_set
from inspections.models import (
    Circular,
    Finding,
    FindingCategory,
    Inspection,
    InspectionGroup,
    InspectionKind,
    InspectionStatus,
    Method,
)
from inspections.services import (
    circular_acknowledge,
    circular_decide,
    circular_issue,
    circular_save,
    circular_submit,
    finding_save,
    group_save,
    inspection_finalise,
    inspection_save,
    notice_issue,
    rectification_recheck,
    rectification_reply,
)

GROUP_NAME = "柳山镇督查组"

# (category, text, promote): one of each kind per round, turn by turn across the branches.
FINDINGS = [
    (
        FindingCategory.ARRANGEMENT,
        "支部年初制定了创先争优活动实施方案，分解了12项重点任务，责任落实到每名支委。",
        False,
    ),
    (
        FindingCategory.PROGRESS,
        "承诺践诺工作推进有序，支部公开承诺事项8项，已完成5项，其余按计划推进。",
        False,
    ),
    (
        FindingCategory.EXPERIENCE,
        "推行“主题党日+为民办实事”做法，每月固定一天组织党员上门服务留守老人，群众反映好。",
        True,
    ),
    (
        FindingCategory.PROBLEM,
        "“三会一课”记录不够规范，部分支委会记录缺少议题和表决情况，党课记录未附讲稿。",
        False,
    ),
    (
        FindingCategory.NEGATIVE,
        "个别党员承诺事项长期未推进，践诺台账填写敷衍，存在以会议落实工作的现象。",
        False,
    ),
]
EXTRA_PROMOTED = (
    FindingCategory.EXPERIENCE,
    "建立党员积分管理台账，将“三会一课”出勤、志愿服务和承诺践诺情况量化积分，按月公示。",
    True,
)
SUMMARY = (
    "督查组通过听取支部书记汇报、查阅“三会一课”记录和承诺践诺台账、走访群众等方式，"
    "对{unit}创先争优活动开展情况进行了督查。总体看，支部对活动重视，工作有安排、有推进；"
    "存在的主要问题是台账资料不够规范、个别承诺事项进度滞后。督查组已当场反馈意见。"
)
# The rectifications: (branch code, months ago, [(problem, demand, fate)]).
# fate: "passed", "overdue" (never replied), "returned", "replied", "open" (not yet due).
RECTIFICATIONS = [
    (
        "LS0101",
        2,
        [
            (
                "“三会一课”记录不规范，9月支委会记录缺少议题和表决情况。",
                "补齐9月以来支委会记录，今后按统一格式如实记录议题、发言和表决情况。",
                "passed",
            ),
            (
                "承诺践诺台账未及时更新，3项承诺事项无进展记录。",
                "逐项补记承诺事项进展，并在公开栏同步更新。",
                "overdue",
            ),
        ],
    ),
    (
        "LS0101",
        1,
        [
            (
                "为民办实事项目“村道路灯维修”进度滞后，群众有意见。",
                "制定整改计划，明确责任人和完成时间，按期完成路灯维修并公示结果。",
                "returned",
            ),
            (
                "党员积分公示不及时，10月积分未在公开栏公示。",
                "按月公示党员积分，补公示10月积分。",
                "replied",
            ),
        ],
    ),
    (
        "LS0201",
        1,
        [
            (
                "社区党员志愿服务记录不全，部分活动无签到和照片。",
                "完善志愿服务活动台账，每次活动留存签到表和照片。",
                "open",
            ),
        ],
    ),
]
CIRCULAR_BODY = """各党支部：
{month}，镇督查组对全镇各党支部创先争优活动开展情况进行了督查，现将有关情况通报如下。

一、工作安排和落实情况
各支部普遍制定了年度活动实施方案，任务分解到人。

二、进展情况和阶段性成果
承诺践诺工作有序推进，多数支部公开承诺事项完成过半。

三、成功经验和工作方法
柳山村第一党支部推行“主题党日+为民办实事”做法，值得推广。

四、困难、矛盾和问题
部分支部“三会一课”记录不规范，承诺践诺台账更新不及时。

五、消极敷衍或严重失误的反面事例
个别党员承诺事项长期未推进，台账填写敷衍，已下达整改通知书限期整改。

请各支部对照通报内容认真查摆，举一反三，抓好整改落实。"""


def _month_start(day: datetime.date, months_ago: int) -> datetime.date:
    first = day.replace(day=1)
    for _ in range(months_ago):
        first = (first - datetime.timedelta(days=1)).replace(day=1)
    return first


class Command(BaseCommand):
    help = "Add demo inspections, rectifications and a circular to 柳山镇 (idempotent)."

    @transaction.atomic
    def handle(self, *args, **options):
        township = OrgUnit.objects.filter(code="LS").first()
        names = ["office", "leader", "leader2", "inspector", "inspector2", "secretary", "secretary2"]
        users = {user.username: user for user in User.objects.filter(username__in=names)}
        if township is None or len(users) < len(names):
            self.stdout.write("inspections: the 柳山镇 demo units and accounts are missing, nothing added.")
            return
        self.today = timezone.localdate()
        self.users = users
        self._leading_group(township)
        group = self._group(township)
        if not Inspection.objects.filter(group=group).exists():
            self._inspections(township, group)
        self._circular(township, group)
        self.stdout.write(
            f"inspections: {Inspection.objects.filter(group=group).count()} inspections, "
            f"{Circular.objects.filter(group=group).count()} circular(s)."
        )

    def _leading_group(self, township: OrgUnit) -> None:
        if LeadingGroupMember.objects.filter(unit=township).exists():
            return
        first = Responsibility.objects.filter(unit=township, kind=ResponsibilityKind.FIRST).first()
        seats = []
        if first is not None:
            seats.append(
                LeadingGroupMember(
                    post=LeadingGroupPost.HEAD, name=first.person.name, title="镇党委书记", order=1
                )
            )
        for order, (username, post, title) in enumerate(
            [
                ("leader", LeadingGroupPost.DEPUTY, "镇党委副书记"),
                ("leader2", LeadingGroupPost.MEMBER, "镇党委委员"),
                ("office", LeadingGroupPost.MEMBER, "党政办主任"),
            ],
            start=2,
        ):
            user = self.users[username]
            seats.append(
                LeadingGroupMember(post=post, name=user.full_name, title=title, user=user, order=order)
            )
        leading_group_set(unit=township, seats=seats)

    def _group(self, township: OrgUnit) -> InspectionGroup:
        group = InspectionGroup.objects.filter(township=township, name=GROUP_NAME).first()
        if group is not None:
            return group
        return group_save(
            group=InspectionGroup(township=township, name=GROUP_NAME, leader=self.users["inspector"]),
            members=[self.users["inspector"], self.users["inspector2"]],
            units=[township],
        )

    def _inspect(self, group, unit, day: datetime.date, index: int, extra=()) -> Inspection:
        inspector = self.users["inspector"]
        inspection = inspection_save(
            actor=inspector,
            inspection=Inspection(
                group=group,
                unit=unit,
                date=day,
                kind=InspectionKind.SPOT if index % 4 == 3 else InspectionKind.REGULAR,
                methods=[Method.REPORT, Method.RECORDS, Method.LEDGERS]
                + ([Method.VISITS] if index % 2 else [Method.TALKS]),
                other_participants="镇纪委 孙明",
                summary=SUMMARY.format(unit=unit.name),
            ),
            participants=[inspector, self.users["inspector2"]],
        )
        # One finding of the round's kind per branch, turn by turn: every kind is there.
        findings = [FINDINGS[index % len(FINDINGS)]]
        if index % 3 == 0:
            findings.append(EXTRA_PROMOTED)
        for category, text, promote in findings:
            finding_save(
                actor=inspector,
                finding=Finding(inspection=inspection, category=category, text=text, promote=promote),
            )
        for problem in extra:  # problems that need a rectification notice
            finding_save(
                actor=inspector,
                finding=Finding(
                    inspection=inspection,
                    category=FindingCategory.PROBLEM,
                    text=problem,
                    needs_rectification=True,
                ),
            )
        inspection_finalise(actor=inspector, inspection=inspection, today=self.today)
        return inspection

    def _inspections(self, township: OrgUnit, group: InspectionGroup) -> None:
        today = self.today
        branches = list(
            OrgUnit.objects.filter(path__under=township.path, level=Level.BRANCH).order_by("path")
        )
        inspected: dict[tuple[str, int], Inspection] = {}
        problems = {
            (code, months_ago): [problem for problem, _demand, _fate in items]
            for code, months_ago, items in RECTIFICATIONS
        }
        for months_ago in (2, 1, 0):
            start = _month_start(today, months_ago)
            for index, unit in enumerate(branches):
                day = start + datetime.timedelta(days=3 + (index * 2) % 20)
                skipped = (
                    (months_ago == 0 and index >= len(branches) - 2)
                    or (months_ago == 1 and index == len(branches) - 1)
                    or (months_ago == 2 and index == 5)
                )
                if day >= today or skipped:
                    continue  # not inspected that month (yet): the coverage grid shows the gap
                extra = problems.get((unit.code, months_ago), [])
                inspected[(unit.code, months_ago)] = self._inspect(
                    group, unit, day, index + months_ago, extra
                )
        # Next week's round is planned ahead.
        later = [unit for unit in branches if (unit.code, 0) not in inspected] or branches
        inspection_save(
            actor=self.users["office"],
            inspection=Inspection(
                group=group,
                unit=later[0],
                date=today + datetime.timedelta(days=7),
                status=InspectionStatus.PLANNED,
            ),
        )
        self._rectifications(inspected)

    def _rectifications(self, inspected: dict[tuple[str, int], Inspection]) -> None:
        inspector, today = self.users["inspector"], self.today
        answerer = {"LS0101": self.users["secretary"], "LS0201": self.users["secretary2"]}
        for code, months_ago, items in RECTIFICATIONS:
            inspection = inspected.get((code, months_ago))
            if inspection is None:  # a branch the demo has not got
                continue
            by_text = {f.text: f for f in inspection.findings.filter(needs_rectification=True)}
            findings = [by_text[problem] for problem, _demand, _fate in items]
            issued = min(inspection.date + datetime.timedelta(days=1), today)
            deadlines = [
                today + datetime.timedelta(days=20)
                if fate == "open"
                else issued + datetime.timedelta(days=20)
                for _problem, _demand, fate in items
            ]
            if any(fate == "overdue" for *_rest, fate in items):
                # Overdue: its deadline passed, whatever the day of the month.
                deadlines = [
                    min(deadline, today - datetime.timedelta(days=5)) if fate == "overdue" else deadline
                    for deadline, (*_rest, fate) in zip(deadlines, items, strict=True)
                ]
                deadlines = [max(deadline, issued) for deadline in deadlines]
            notice = notice_issue(
                actor=inspector,
                inspection=inspection,
                items=[
                    (finding, demand, deadline)
                    for finding, (_problem, demand, _fate), deadline in zip(
                        findings, items, deadlines, strict=True
                    )
                ],
                today=issued,
            )
            by_problem = {r.problem: r for r in notice.rectifications.all()}
            for problem, _demand, fate in items:
                rectification = by_problem[problem]
                if fate in ("passed", "returned", "replied"):
                    rectification_reply(
                        actor=answerer[code],
                        rectification=rectification,
                        measures="召开支委会专题研究，明确责任人，逐项对照整改要求落实。",
                        result="已按要求完成整改，相关资料已补齐并存档。",
                    )
                if fate == "passed":
                    rectification_recheck(
                        actor=inspector,
                        rectification=rectification,
                        passed=True,
                        comment="整改到位，同意销号。",
                    )
                elif fate == "returned":
                    rectification_recheck(
                        actor=inspector,
                        rectification=rectification,
                        passed=False,
                        comment="路灯仅修复一半，未见公示材料，请继续整改。",
                        new_deadline=today + datetime.timedelta(days=10),
                    )

    def _circular(self, township: OrgUnit, group: InspectionGroup) -> None:
        month = _month_start(self.today, 1)
        if Circular.objects.filter(township=township, group=group, month=month).exists():
            return
        inspector = self.users["inspector"]
        label = f"{month.year}年{month.month}月"
        circular = circular_save(
            actor=inspector,
            circular=Circular(
                township=township,
                group=group,
                month=month,
                title=f"关于{label}创先争优活动督查情况的通报",
                body=CIRCULAR_BODY.format(month=label),
            ),
        )
        # Submitted, approved and issued on the morning of the 1st of this month: the branches
        # that have not read it are late.
        first = self.today.replace(day=1)
        issued = min(timezone.make_aware(datetime.datetime.combine(first, datetime.time(10))), timezone.now())
        circular_submit(actor=inspector, circular=circular, now=issued - datetime.timedelta(hours=2))
        circular_decide(
            actor=self.users["leader"],
            circular=circular,
            approve=True,
            now=issued - datetime.timedelta(hours=1),
        )
        circular_issue(actor=inspector, circular=circular, now=issued)
        # 河东社区第一党支部 has read it; 柳山村第一党支部 has not (its secretary sees 已阅 to click).
        circular_acknowledge(actor=self.users["secretary2"], circular=circular)
