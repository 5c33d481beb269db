"""Demo creation rounds for 柳山镇 (called by seed_demo after seed_reviews).

- Last year's round, with seed 001's dates, walked through every step and approved by
  李建国 (`leader`, of the leading group; the office scored it): 柳山村第一党支部 and 石桥村党支部
  titled on 6月30日, 周玉兰 (`member`) commended; 石桥村党支部's title later revoked for fraud.
- This year's round, in its unified assessment today (every date counted from today): plans,
  progress reports and materials filed by five branches (柳山村第二党支部's plan late,
  中心学校党支部's materials missing), self-checks of three, unified scores for two, and three
  nominations, one of them a member below the pass mark of last half-year's evaluation (so
  the flag shows), one already recommended by the office. The branches' and members'
  evidence is the demo's commitments, reports, rectifications and evaluations themselves.

Everything goes through the services. Idempotent: a round found by its township and year is
left as it is.
"""

from __future__ import annotations

import datetime

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from accounts.models import OrgUnit, User
from branches.models import Member, Position
from reviews.creation_services import (
    assessment_save,
    assessment_start,
    conclusion_save,
    creation_filing_save,
    creation_round_open,
    round_approve,
    round_submit,
    self_assessment_save,
    summary_save,
)
from reviews.models import (
    CREATION_GOALS,
    CampaignStatus,
    CreationBranch,
    CreationConclusion,
    CreationRound,
    EvaluationSubject,
    FilingKind,
    Nomination,
    Title,
)
from reviews.nomination_services import nomination_decide, nomination_save
from reviews.title_services import title_revoke

DAY = datetime.timedelta(days=1)
TITLED, REVOKED = "LS0101", "LS06"
REVOCATION = "经群众举报并核实，该支部在创建工作材料中虚报为民办实事项目3件，属弄虚作假。"
TEXTS = {
    FilingKind.PLAN: "围绕“五个好”目标，制定创建基层党组织建设先进党支部实施方案，明确责任人和时间表。",
    FilingKind.PROGRESS_1: "上半年完成班子集中学习6次，公开承诺事项兑现过半，党员服务站正常运转。",
    FilingKind.PROGRESS_2: "下半年推进村集体经济项目，“三会一课”记录完整，群众满意度稳步提高。",
    FilingKind.MATERIALS: "创建工作总结、党建工作台账、为民办实事清单及照片。",
}
FIVE_EXAMPLES = {
    "example_1": "坚持参加支部集中学习，主动学习农业技术，带领群众学用结合。",
    "example_2": "承包的果园亩产提高两成，带动周边12户发展产业。",
    "example_3": "义务为村里困难户代购农资、代办证件，全年30余次。",
    "example_4": "遵守党纪国法，按时足额交纳党费，从不参与赌博等不良活动。",
    "example_5": "在村道拓宽中带头让地，敢于批评不良风气。",
}


def _scores(level: int) -> dict:
    """Every criterion scored around `level` (0–10)."""
    codes = [code for _goal, _label, items in CREATION_GOALS for code, _item in items]
    return {code: {"score": min(10, level + n % 2), "note": ""} for n, code in enumerate(codes)}


def _at(day: datetime.date, hour: int = 10) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


class Command(BaseCommand):
    help = "Add the demo creation rounds, titles and nominations to 柳山镇 (idempotent)."

    @transaction.atomic
    def handle(self, *args, **options):
        township = OrgUnit.objects.filter(code="LS").first()
        names = ["office", "leader", "secretary", "secretary2", "member"]
        users = {user.username: user for user in User.objects.filter(username__in=names)}
        if township is None or len(users) < len(names):
            self.stdout.write("creation: the 柳山镇 demo units and accounts are missing, nothing added.")
            return
        self.today = timezone.localdate()
        self.users, self.township = users, township
        self.units = {unit.code: unit for unit in OrgUnit.objects.filter(path__under=township.path)}
        self._last_year()
        self._this_year()
        self.stdout.write(
            f"creation: {CreationRound.objects.filter(township=township).count()} rounds, "
            f"{Title.objects.filter(round__township=township).count()} titles, "
            f"{Nomination.objects.filter(round__township=township).count()} nominations."
        )

    def _entry(self, creation_round: CreationRound, code: str) -> CreationBranch:
        return CreationBranch.objects.get(round=creation_round, unit=self.units[code])

    def _keeper(self, code: str) -> User:
        """Who files for the branch: its secretary's account, else the office."""
        return {"LS0101": self.users["secretary"], "LS0201": self.users["secretary2"]}.get(
            code, self.users["office"]
        )

    def _file(self, creation_round: CreationRound, code: str, kind: str, late: int = 0) -> None:
        """File on its due day less a week, or `late` days after it."""
        due = creation_round.due_of(kind)
        filed = due + late * DAY if late else due - 7 * DAY
        creation_filing_save(
            entry=self._entry(creation_round, code),
            kind=kind,
            text=TEXTS[kind],
            by=self._keeper(code),
            now=_at(min(filed, self.today)),
        )

    # Last year: approved, two titles, one revoked ---------------------------------------------

    def _last_year(self) -> None:
        year = self.today.year - 1
        if CreationRound.objects.filter(township=self.township, year=year).exists():
            return
        office = self.users["office"]
        creation_round = creation_round_open(township=self.township, year=year, by=office)
        for code in (TITLED, REVOKED):
            for kind in FilingKind.values:
                self._file(creation_round, code, kind)
        zhou = Member.objects.get(user=self.users["member"])
        nomination = nomination_save(
            nomination=Nomination(round=creation_round, member=zhou),
            texts=FIVE_EXAMPLES,
            by=self.users["secretary"],
            today=creation_round.materials_due,
        )
        creation_round = assessment_start(round=creation_round, by=office)
        for entry in creation_round.branches.select_related("unit").order_by("unit__path"):
            titled = entry.unit.code in (TITLED, REVOKED)
            assessment_save(
                entry=entry,
                scores=_scores(9 if titled else 7),
                by=office,
                now=_at(creation_round.assessment_ends),
            )
            conclusion_save(
                entry=entry,
                conclusion=CreationConclusion.RECOMMENDED if titled else CreationConclusion.NOT_RECOMMENDED,
                note="五个好目标全面达到，群众评价好。" if titled else "基本达到创建要求，个别指标有差距。",
                by=office,
            )
        nomination_decide(nomination=nomination, recommended=True, by=office)
        summary_save(
            round=creation_round,
            summary=f"{year}年度创建工作按自检自查、统一考核、综合评价的程序完成，拟命名先进党支部2个。",
            by=office,
        )
        round_submit(round=creation_round, by=office, now=_at(creation_round.commendation_on - 5 * DAY))
        round_approve(
            round=creation_round, by=self.users["leader"], today=creation_round.commendation_on - 2 * DAY
        )
        revoked = Title.objects.get(round=creation_round, unit=self.units[REVOKED])
        title_revoke(title=revoked, reason=REVOCATION, by=office, today=datetime.date(year, 10, 15))

    # This year: in the unified assessment today --------------------------------------------------

    def _this_year(self) -> None:
        year = self.today.year
        if CreationRound.objects.filter(township=self.township, year=year).exists():
            return
        today = self.today
        # The plan was due more than half a year ago, so that the evidence spans last half-year
        # (its closed evaluation) and this one.
        dates = {
            "plan_due": today - 200 * DAY,
            "progress_1_due": today - 120 * DAY,
            "progress_2_due": today - 40 * DAY,
            "materials_due": today - 5 * DAY,
            "assessment_starts": today - 2 * DAY,
            "assessment_ends": today + 14 * DAY,
            "commendation_on": today + 30 * DAY,
        }
        office = self.users["office"]
        creation_round = creation_round_open(township=self.township, year=year, by=office, dates=dates)
        for kind in FilingKind.values:
            self._file(creation_round, "LS0101", kind)
        self._file(creation_round, "LS0102", FilingKind.PLAN, late=12)
        for kind in (FilingKind.PLAN, FilingKind.PROGRESS_1, FilingKind.PROGRESS_2):
            self._file(creation_round, "LS03", kind)  # its materials are missing
        for kind in (FilingKind.PLAN, FilingKind.PROGRESS_1):
            self._file(creation_round, "LS0201", kind)
        self._file(creation_round, "LS04", FilingKind.PLAN)
        for code, level in (("LS0101", 9), ("LS03", 8), ("LS0201", 7)):
            self_assessment_save(
                entry=self._entry(creation_round, code),
                scores=_scores(level),
                by=self._keeper(code),
                today=creation_round.materials_due - DAY,
            )
        recommended = self._nominations(creation_round)
        creation_round = assessment_start(round=creation_round, by=office)
        for code, level in (("LS0101", 8), ("LS03", 7)):
            assessment_save(entry=self._entry(creation_round, code), scores=_scores(level), by=office)
        nomination_decide(nomination=recommended, recommended=True, by=office)

    def _nominations(self, creation_round: CreationRound) -> Nomination:
        """Three nominations, the first of a member below last half-year's pass mark; returns
        the one the office recommends."""
        branch = self.units["LS0101"]
        low = (
            EvaluationSubject.objects.filter(
                campaign__unit=self.township,
                campaign__status=CampaignStatus.CLOSED,
                campaign__period__in=[period.code for period in creation_round.evidence_periods],
                member__unit=branch,
                passed=False,
            )
            .exclude(member__user=self.users["secretary"])
            .order_by("member__name")
            .first()
        )
        members = Member.objects.filter(unit=branch, user__isnull=True, position=Position.MEMBER)
        good = members.exclude(pk=low.member_id if low else None).order_by("-name").first()
        other = (
            Member.objects.filter(unit=self.units["LS0201"], position=Position.MEMBER)
            .order_by("name")
            .first()
        )
        secretary, secretary2 = self.users["secretary"], self.users["secretary2"]
        for member, by in ((low.member if low else None, secretary), (good, secretary), (other, secretary2)):
            if member is not None:
                nomination_save(
                    nomination=Nomination(round=creation_round, member=member), texts=FIVE_EXAMPLES, by=by
                )
        return Nomination.objects.get(round=creation_round, member=good)
