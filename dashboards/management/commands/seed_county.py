"""A county at the scale the portal is built for, beside the 柳山镇 demo: 中共基准县委员会 (XC)
with 20 townships of 25 branches (500), 15,000 members, 60,000 commitments over the last two
half-years with their progress, a report on most reporting days of the last year, liaison
points, period locks, inspections with their rectifications, review rounds with leaders'
sheets, and a closed 群众评议 with paper tallies and online ballots per township.

It lives in the top layer because it fills every app's tables; rows are bulk-inserted (no
history rows, no signals), so it takes seconds, not minutes. It runs once: the whole county is
one transaction, and a county already there is left as it is. On PostgreSQL it ends with
ANALYZE, as autovacuum would do a minute later (where it runs).

Accounts (password DEMO_PASSWORD): county-office and county-inspector over the county;
per township NN (01–20) townNN-office, townNN-leader and townNN-inspector; per branch the
secretary secretary-xcNNBB (BB 01–25).
"""

from __future__ import annotations

import datetime

from django.contrib.auth.hashers import make_password
from django.contrib.contenttypes.models import ContentType
from django.core.management.base import BaseCommand
from django.db import connection, transaction
from django.utils import timezone

from accounts.models import Kind, Level, OrgUnit, Role, RoleAssignment, User
from branches.management.commands.seed_demo import DEMO_PASSWORD
from branches.models import LiaisonPoint, Member, Position
from commitments.models import Category, Commitment, CommitmentLetter, PeriodLock, Progress
from core.periods import Period
from inspections.models import Finding, Inspection, InspectionGroup, Rectification, RectificationStatus
from reports.models import Report, ReportStatus
from reports.slots import slots_between
from reviews.models import (
    Campaign,
    CampaignBranch,
    CampaignStatus,
    Choice,
    EvaluationSubject,
    Review,
    ReviewRound,
    Vote,
)

TOWNSHIPS = 20
BRANCHES = 25  # per township
MEMBERS = 30  # per branch: 15,000
MEMBER_LETTERS = 10  # per branch and half-year, with 5 commitments each, beside the branch's 10
KINDS = [Kind.RURAL, Kind.RURAL, Kind.RURAL, Kind.COMMUNITY, Kind.SCHOOL, Kind.ENTERPRISE, Kind.INSTITUTION]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚华建红梅玉志海春德"
BATCH = 5000


def at(day: datetime.date, hour: int = 9) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


class Command(BaseCommand):
    help = "Add the benchmark county (500 branches, 15,000 members, 60,000 commitments) once."

    def handle(self, *args, **options):
        if OrgUnit.objects.filter(code="XC").exists():
            self.stdout.write("The county XC is already there.")
        else:
            self._county()
        if connection.vendor == "postgresql":
            # Fresh statistics every time, or the planner takes the county for the empty tables
            # it last saw and picks plans that read every row (the commitment list: 91 ms, then
            # 0.4 ms; a secretary's due commitments: 42 ms, then 1 ms). Autovacuum would see to
            # it in production; a scratch server may run without it, as this machine's does.
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")

    @transaction.atomic
    def _county(self) -> None:
        today = timezone.localdate()
        current = Period.containing(today)
        periods = [Period.containing(current.start - datetime.timedelta(days=1)), current]
        county, townships, branches = self._units()
        members = self._members(branches)
        users = self._accounts(county, townships, branches, members)
        self._commitments(branches, members, periods, today, users)
        self._reports(branches, today)
        self._liaison(townships, branches, users, periods[0])
        self._inspections(townships, branches, users, periods, today)
        self._reviews(townships, branches, members, users, periods, today)
        self.stdout.write(
            self.style.SUCCESS(
                f"County XC: {len(townships)} townships, {len(branches)} branches, {len(members)} members, "
                f"{Commitment.objects.filter(letter__unit__in=branches).count()} commitments, "
                f"{Report.objects.filter(unit__in=branches).count()} reports; "
                f"accounts county-office, county-inspector, town01-office … secretary-xc0101 …"
            )
        )

    def _units(self):
        county = OrgUnit(code="XC", name="中共基准县委员会", level=Level.COMMITTEE)
        county.save()
        townships = OrgUnit.objects.bulk_create(
            [
                OrgUnit(
                    code=f"XC{t:02d}",
                    name=f"中共基准县第{t}镇委员会",
                    level=Level.COMMITTEE,
                    parent=county,
                    path=f"{county.path}XC{t:02d}/",
                )
                for t in range(1, TOWNSHIPS + 1)
            ]
        )
        branches = OrgUnit.objects.bulk_create(
            [
                OrgUnit(
                    code=f"{town.code}{b:02d}",
                    name=f"基准县第{t}镇第{b}党支部",
                    level=Level.BRANCH,
                    kind=KINDS[b % len(KINDS)],
                    parent=town,
                    path=f"{town.path}{town.code}{b:02d}/",
                )
                for t, town in enumerate(townships, start=1)
                for b in range(1, BRANCHES + 1)
            ]
        )
        return county, townships, branches

    def _members(self, branches) -> list[Member]:
        positions = [Position.SECRETARY, Position.DEPUTY, Position.COMMITTEE_MEMBER]
        return Member.objects.bulk_create(
            [
                Member(
                    unit=unit,
                    name=SURNAMES[(u + n) % len(SURNAMES)]
                    + GIVEN[(u * 7 + n) % len(GIVEN)]
                    + GIVEN[n % len(GIVEN)],
                    position=positions[n] if n < len(positions) else Position.MEMBER,
                    phone=f"139{u:04d}{n:04d}",
                    joined_on=datetime.date(1980 + (u + n) % 44, 1 + n % 12, 1 + u % 28),
                )
                for u, unit in enumerate(branches)
                for n in range(MEMBERS)
            ],
            batch_size=BATCH,
        )

    def _accounts(self, county, townships, branches, members) -> dict[str, User]:
        password = make_password(DEMO_PASSWORD)  # hashed once: 500 hashes would take minutes
        people = [
            ("county-office", "县委组织部办公室", Role.OFFICE, county),
            ("county-inspector", "县督查组", Role.INSPECTOR, county),
        ]
        for t, town in enumerate(townships, start=1):
            people += [
                (f"town{t:02d}-office", f"第{t}镇办公室", Role.OFFICE, town),
                (f"town{t:02d}-leader", f"第{t}镇分管领导", Role.LEADER, town),
                (f"town{t:02d}-inspector", f"第{t}镇督查组", Role.INSPECTOR, town),
            ]
        people += [(f"secretary-{unit.code.lower()}", "", Role.SECRETARY, unit) for unit in branches]
        secretaries = {member.unit_id: member for member in members if member.position == Position.SECRETARY}
        created = User.objects.bulk_create(
            [
                User(username=username, full_name=name or secretaries[unit.pk].name, password=password)
                for username, name, _role, unit in people
            ]
        )
        RoleAssignment.objects.bulk_create(
            [
                RoleAssignment(user=user, role=role, org_unit=unit)
                for user, (_u, _n, role, unit) in zip(created, people, strict=True)
            ]
        )
        for user, (_username, _name, role, unit) in zip(created, people, strict=True):
            if role == Role.SECRETARY:
                secretaries[unit.pk].user = user
        Member.objects.bulk_update(list(secretaries.values()), ["user"], batch_size=BATCH)
        return {user.username: user for user in created}

    def _commitments(self, branches, members, periods, today, users) -> None:
        by_unit: dict[int, list[Member]] = {}
        for member in members:
            by_unit.setdefault(member.unit_id, []).append(member)
        letters = []
        for period in periods:
            for unit in branches:
                letters.append(CommitmentLetter(unit=unit, period=period.code, signed_on=period.start))
                letters += [
                    CommitmentLetter(unit=unit, member=member, period=period.code, signed_on=period.start)
                    for member in by_unit[unit.pk][:MEMBER_LETTERS]
                ]
        letters = CommitmentLetter.objects.bulk_create(letters, batch_size=BATCH)
        categories = list(Category.values)
        commitments = []
        for index, letter in enumerate(letters):
            period = Period.parse(letter.period)
            count = 5 if letter.member_id else 10
            for n in range(count):
                deadline = period.start + datetime.timedelta(days=(index * 7 + n * 17) % 180)
                percent = (index * 13 + n * 37) % 101
                done = percent == 100 or (deadline < today and (index + n) % 3 == 0)
                commitments.append(
                    Commitment(
                        letter=letter,
                        category=categories[(index + n) % len(categories)],
                        content=f"为群众办实事第{n + 1}项",
                        deadline=deadline,
                        percent=100 if done else percent,
                        completed_on=min(deadline, today) if done else None,
                    )
                )
        commitments = Commitment.objects.bulk_create(commitments, batch_size=BATCH)
        Progress.objects.bulk_create(
            [
                Progress(
                    commitment=commitment,
                    date=min(commitment.deadline, today),
                    text="按计划推进",
                    percent=commitment.percent,
                    recorded_by=users["county-office"],
                )
                for commitment in commitments
                if commitment.percent and commitment.pk % 2
            ],
            batch_size=BATCH,
        )
        # The earlier half-year is closed in 200 branches.
        PeriodLock.objects.bulk_create(
            [
                PeriodLock(unit=unit, period=periods[0].code, locked_by=users["county-office"])
                for unit in branches[:200]
            ]
        )

    def _reports(self, branches, today) -> None:
        slots = [slot for slot in slots_between(today - datetime.timedelta(days=365), today) if slot < today]
        statuses = [
            ReportStatus.ADOPTED,
            ReportStatus.SUBMITTED,
            ReportStatus.SUBMITTED,
            ReportStatus.RETURNED,
        ]
        Report.objects.bulk_create(
            [
                Report(
                    unit=unit,
                    title=f"{unit.name}{slot:%m月}工作动态",
                    authors="支部宣传委员",
                    category="news",
                    body="本月支部组织党员开展志愿服务，走访困难群众，推进承诺事项落实。",
                    status=statuses[(u + s) % len(statuses)],
                    submitted_at=at(slot - datetime.timedelta(days=(u + s) % 3)),
                    slot=slot,
                )
                for u, unit in enumerate(branches)
                for s, slot in enumerate(slots)
                if (u + s) % 10  # one reporting day in ten is missed
            ],
            batch_size=BATCH,
        )

    def _liaison(self, townships, branches, users, period) -> None:
        """Each township's leader liaises with its first two branches."""
        LiaisonPoint.objects.bulk_create(
            [
                LiaisonPoint(leader=users[f"town{t:02d}-leader"], branch=unit, started_on=period.start)
                for t, town in enumerate(townships, start=1)
                for unit in branches
                if unit.parent_id == town.pk and unit.code[-2:] in ("01", "02")
            ]
        )

    def _inspections(self, townships, branches, users, periods, today) -> None:
        """Two finalised inspections per branch and half-year, a finding each, and a rectification
        for one in two findings: 2,000 inspections, 1,000 rectifications, half of them closed."""
        groups = InspectionGroup.objects.bulk_create(
            [
                InspectionGroup(township=town, name=f"第{t}镇督查组", leader=users[f"town{t:02d}-inspector"])
                for t, town in enumerate(townships, start=1)
            ]
        )
        group_of = {group.township_id: group for group in groups}
        for group in groups:
            group.units.set([unit for unit in branches if unit.parent_id == group.township_id])
        inspections = Inspection.objects.bulk_create(
            [
                Inspection(
                    group=group_of[unit.parent_id],
                    unit=unit,
                    date=min(period.start + datetime.timedelta(days=30 + 60 * n + u % 20), today),
                    kind="regular",
                    status="final",
                    created_by=group_of[unit.parent_id].leader,
                )
                for period in periods
                for u, unit in enumerate(branches)
                for n in range(2)
            ],
            batch_size=BATCH,
        )
        findings = Finding.objects.bulk_create(
            [
                Finding(
                    inspection=inspection,
                    category="problem",
                    text="承诺践诺台账更新不及时",
                    needs_rectification=index % 2 == 0,
                )
                for index, inspection in enumerate(inspections)
            ],
            batch_size=BATCH,
        )
        finding_type = ContentType.objects.get_for_model(Finding)
        Rectification.objects.bulk_create(
            [
                Rectification(
                    unit=finding.inspection.unit,
                    source="inspections.finding",
                    source_type=finding_type,
                    source_id=finding.pk,
                    group=finding.inspection.group,
                    problem=finding.text,
                    demand="一个月内补齐台账",
                    issued_by=finding.inspection.created_by,
                    issued_on=finding.inspection.date,
                    deadline=finding.inspection.date + datetime.timedelta(days=30),
                    status=RectificationStatus.PASSED if index % 4 == 0 else RectificationStatus.OPEN,
                )
                for index, finding in enumerate(findings)
                if finding.needs_rectification
            ],
            batch_size=BATCH,
        )

    def _reviews(self, townships, branches, members, users, periods, today) -> None:
        """This half-year's review round per township with its leader's sheet for every branch
        (half signed), and last half-year's 群众评议, closed: paper tallies and ten online ballots
        for every branch."""
        rounds = ReviewRound.objects.bulk_create(
            [
                ReviewRound(
                    township=town,
                    period=periods[1].code,
                    ends_on=periods[1].end,
                    opened_by=users[f"town{t:02d}-office"],
                )
                for t, town in enumerate(townships, start=1)
            ]
        )
        round_of = {item.township_id: item for item in rounds}
        Review.objects.bulk_create(
            [
                Review(
                    round=round_of[unit.parent_id],
                    kind="branch",
                    unit=unit,
                    reviewer=users[f"town{int(unit.code[2:4]):02d}-leader"],
                    status="signed" if u % 2 else "draft",
                    reviewed_on=today if u % 2 else None,
                )
                for u, unit in enumerate(branches)
            ],
            batch_size=BATCH,
        )
        period = periods[0]
        campaigns = Campaign.objects.bulk_create(
            [
                Campaign(
                    unit=town,
                    period=period.code,
                    title=f"{period.wording}群众评议",
                    opens_on=period.end - datetime.timedelta(days=20),
                    closes_on=period.end - datetime.timedelta(days=5),
                    status=CampaignStatus.CLOSED,
                    opened_by=users[f"town{t:02d}-office"],
                )
                for t, town in enumerate(townships, start=1)
            ]
        )
        campaign_of = {campaign.unit_id: campaign for campaign in campaigns}
        CampaignBranch.objects.bulk_create(
            [CampaignBranch(campaign=campaign_of[unit.parent_id], unit=unit) for unit in branches]
        )
        subjects = []
        for u, unit in enumerate(branches):
            campaign = campaign_of[unit.parent_id]
            paper = {"satisfied": 24 + u % 10, "basic": 5, "unsatisfied": 11 - u % 10}  # 40 valid
            online = {"satisfied": 7 + u % 3, "basic": 3 - u % 3, "unsatisfied": 0}  # 10 ballots
            total = {choice: paper[choice] + online[choice] for choice in paper}
            subjects.append(
                EvaluationSubject(
                    campaign=campaign,
                    unit=unit,
                    handed_out=45,
                    returned=42,
                    paper_valid=40,
                    paper_satisfied=paper["satisfied"],
                    paper_basic=paper["basic"],
                    paper_unsatisfied=paper["unsatisfied"],
                    valid=50,
                    **total,
                    passed=campaign.passes(total["satisfied"] + total["basic"], 50),
                )
            )
        subjects = EvaluationSubject.objects.bulk_create(subjects, batch_size=BATCH)
        Vote.objects.bulk_create(
            [
                Vote(
                    subject=subject,
                    choice=Choice.SATISFIED if n < 7 + u % 3 else Choice.BASIC,
                    cast_on=subject.campaign.closes_on - datetime.timedelta(days=n % 10),
                )
                for u, subject in enumerate(subjects)
                for n in range(10)
            ],
            batch_size=BATCH,
        )
