"""A township counted by hand: 和村镇 (HC) with three 党支部, the first half of last year.

| branch | commitments | reports (of 12 days) | rectifications | evaluation (80 %) |
|---|---|---|---|---|
| HC01 | 3 done, 1 overdue | 12 on time | 2 findings: 1 passed, 1 overdue | 9 of 10: passes |
| HC02 | 1 overdue, 1 not completed | 6 on time, 6 missing | 1 evaluation, overdue | 7 of 10: fails |
| HC03 | none | 12 missing | none | none |

The period is over, so every open commitment and rectification is overdue whatever day the
tests run on.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

import pytest
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from accounts.models import Level, OrgUnit, Role, RoleAssignment, User
from branches.services import unit_save
from commitments.models import Category, Commitment, CommitmentLetter
from core.periods import Period
from inspections.models import Finding, Rectification, RectificationStatus, Source
from reports.models import Report, ReportStatus
from reports.slots import slots_between
from reviews.models import Campaign, CampaignStatus, EvaluationSubject


@dataclass
class Township:
    unit: OrgUnit
    branches: dict[str, OrgUnit]
    period: Period
    office: User
    secretary: User  # of HC01


def _commitment(unit, period, percent=0, content="为孤寡老人每月上门服务一次", **extra) -> Commitment:
    letter, _created = CommitmentLetter.objects.get_or_create(unit=unit, member=None, period=period.code)
    return Commitment.objects.create(
        letter=letter,
        category=Category.SERVICE,
        content=content,
        deadline=period.start + datetime.timedelta(days=60),
        percent=percent,
        **extra,
    )


def _report(unit, slot) -> Report:
    submitted = timezone.make_aware(datetime.datetime.combine(slot, datetime.time(9)))
    return Report.objects.create(
        unit=unit,
        title="信息",
        authors="张三",
        category="news",
        body="正文",
        status=ReportStatus.SUBMITTED,
        submitted_at=submitted,
        slot=slot,
    )


def _rectification(unit, period, source, status=RectificationStatus.OPEN) -> Rectification:
    return Rectification.objects.create(
        unit=unit,
        source=source,
        source_type=ContentType.objects.get_for_model(Finding),
        source_id=1,
        problem="记录不全",
        demand="补齐记录",
        issued_on=period.start + datetime.timedelta(days=10),
        deadline=period.start + datetime.timedelta(days=40),
        status=status,
    )


def build_township(code: str = "HC", branch_count: int = 3) -> Township:
    township = unit_save(unit=OrgUnit(code=code, name="中共和村镇委员会", level=Level.COMMITTEE))
    branches = {}
    for number in range(1, branch_count + 1):
        branch_code = f"{code}{number:02d}"
        branches[branch_code] = unit_save(
            unit=OrgUnit(code=branch_code, name=f"和村第{number}党支部", level=Level.BRANCH, parent=township)
        )
    office = User.objects.create_user(f"{code.lower()}-office", full_name="和村办公室")
    RoleAssignment.objects.create(user=office, role=Role.OFFICE, org_unit=township)
    secretary = User.objects.create_user(f"{code.lower()}-secretary", full_name="和村书记")
    RoleAssignment.objects.create(user=secretary, role=Role.SECRETARY, org_unit=branches[f"{code}01"])
    today = timezone.localdate()
    return Township(township, branches, Period(today.year - 1, 1), office, secretary)


@pytest.fixture
def hand(db) -> Township:
    town = build_township()
    period = town.period
    one, two = town.branches["HC01"], town.branches["HC02"]
    for _done in range(3):
        _commitment(one, period, percent=100)
    _commitment(one, period, percent=40)
    _commitment(two, period, percent=0)
    _commitment(two, period, percent=20, incomplete_reason="资金未到位")
    slots = list(slots_between(period.start, period.end))
    assert len(slots) == 12
    for slot in slots:
        _report(one, slot)
    for slot in slots[:6]:
        _report(two, slot)
    _rectification(one, period, Source.INSPECTION, RectificationStatus.PASSED)
    _rectification(one, period, Source.INSPECTION)
    _rectification(two, period, Source.EVALUATION)
    campaign = Campaign.objects.create(
        unit=town.unit,
        period=period.code,
        title="和村镇群众评议",
        opens_on=period.start,
        closes_on=period.end,
        status=CampaignStatus.CLOSED,
    )
    EvaluationSubject.objects.create(campaign=campaign, unit=one, valid=10, satisfied=7, basic=2, passed=True)
    EvaluationSubject.objects.create(
        campaign=campaign, unit=two, valid=10, satisfied=5, basic=2, passed=False
    )
    return town
