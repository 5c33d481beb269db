"""Demo reviews and evaluations for 柳山镇 (called by seed_demo).

- The review round of the current half-year, due in three weeks: 李建国 (`leader`) has signed
  his review of 柳山村第一党支部 (with one rectification demand) and keeps the review of its
  secretary as a draft; 中心学校党支部 is not reviewed yet; 张志强 (`secretary`) has signed the
  reviews of three of his members, 周玉兰 (`member`) among them, who wrote her
  self-assessment; the branch filed its work report.
- Last half-year's township evaluation, closed and published: 柳山村第二党支部 and two
  members fell below 80 %, and their rectifications are open.
- This half-year's township evaluation, open, with 30 printed one-time codes (5 used online)
  and 柳山村第一党支部's paper tallies entered.

Everything goes through the services, dates are counted from today. Idempotent: what exists
(found by its natural key) is left as it is.
"""

from __future__ import annotations

import datetime

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from accounts.models import OrgUnit, User
from branches.models import Member, Position
from core.periods import Period
from reviews.evaluation_services import (
    ballot_cast,
    ballot_codes_create,
    campaign_close,
    campaign_open,
    campaign_publish,
    tally_save,
)
from reviews.models import (
    Campaign,
    Choice,
    EvaluationSubject,
    Review,
    ReviewDemand,
    ReviewKind,
    ReviewMethod,
    ReviewRound,
)
from reviews.services import review_save, review_sign, round_open, self_assessment_save, work_report_save

BRANCH_REVIEW = {
    "aspect_1": "支部围绕村集体经济发展这件正在干的事，组织党员认领任务，推动了村道硬化和产业园建设。",
    "aspect_2": "公开承诺8项，已兑现6项，承诺事项在公开栏及时更新。",
    "aspect_3": "为群众办实事12件，路灯维修进度偏慢，群众有意见。",
    "aspect_4": "支部班子团结，“三会一课”基本正常，创建“五个好”党支部有计划有措施。",
    "achievements": "承诺践诺扎实，为民办实事成效明显，党员参与面广。",
    "problems": "路灯维修项目进度滞后；部分党员承诺过于笼统，难以考核。",
    "direction": "细化承诺事项，明确时限和标准；加快为民办实事项目进度。",
}
MEMBER_REVIEW = {
    "aspect_1": "立足本职，带头参加村里急难险重任务。",
    "aspect_2": "公开承诺的事项按期兑现。",
    "aspect_3": "经常走访困难群众，帮助解决实际问题。",
    "aspect_4": "按时参加组织生活，按时足额交纳党费。",
    "achievements": "在产业园建设中发挥了带头作用。",
    "problems": "学习记录不够完整。",
    "direction": "加强理论学习，做好学习笔记。",
}
SELF_ASSESSMENT = {
    "example_1": "坚持参加支部集中学习，自学《党章》和党的创新理论，完成学习笔记两万字。",
    "example_2": "按期完成承诺的两项实事，所负责的妇女微家活动获镇表彰。",
    "example_3": "走访困难家庭15户，帮助3户解决子女入学问题。",
    "example_4": "遵守党纪国法，按时足额交纳党费。",
    "example_5": "带头抵制红白喜事大操大办，宣传移风易俗。",
    "shortcomings": "理论联系实际不够，今后要把学习成果更多转化为服务群众的本领。",
}
WORK_REPORT = (
    "一、公开承诺情况：本半年支部公开承诺8项，已兑现6项。\n"
    "二、为民办实事：完成村道硬化1.2公里，维修路灯20盏（进行中）。\n"
    "三、下步打算：加快路灯维修进度，年底前全部完成。"
)
# Paper tallies of last half-year: (satisfied, basic, unsatisfied) of 40 valid ballots.
GOOD, LOW = (30, 6, 4), (20, 9, 11)
LOW_BRANCH, LOW_MEMBERS = "LS0102", 2


class Command(BaseCommand):
    help = "Add the demo review round and mass evaluations to 柳山镇 (idempotent)."

    @transaction.atomic
    def handle(self, *args, **options):
        township = OrgUnit.objects.filter(code="LS").first()
        names = ["office", "leader", "secretary", "member"]
        users = {user.username: user for user in User.objects.filter(username__in=names)}
        if township is None or len(users) < len(names):
            self.stdout.write("reviews: the 柳山镇 demo units and accounts are missing, nothing added.")
            return
        self.today = timezone.localdate()
        self.users = users
        self.township = township
        self._round()
        self._closed_campaign()
        self._open_campaign()
        self.stdout.write(
            f"reviews: {Review.objects.filter(round__township=township).count()} review sheets, "
            f"{Campaign.objects.filter(unit=township).count()} evaluations."
        )

    # Leader reviews ----------------------------------------------------------------------

    def _round(self) -> None:
        period = Period.containing(self.today)
        if ReviewRound.objects.filter(township=self.township, period=period.code).exists():
            return
        review_round = round_open(
            actor=self.users["office"],
            township=self.township,
            period=period.code,
            ends_on=self.today + datetime.timedelta(days=21),
        )
        branch = OrgUnit.objects.get(code="LS0101")
        secretary = Member.objects.get(unit=branch, position=Position.SECRETARY)
        work_report_save(
            actor=self.users["secretary"], review_round=review_round, unit=branch, text=WORK_REPORT
        )
        leader, day = self.users["leader"], self.today - datetime.timedelta(days=3)
        meeting = {
            "reviewed_on": day,
            "method": ReviewMethod.CONCENTRATED,
            "meeting_on": day,
            "meeting_place": "柳山村党群服务中心",
            "attendees": "支部委员、党员代表18人",
            "public_representatives": "王大爷、刘春花",
        }
        review = review_save(
            actor=leader,
            review=Review(
                round=review_round, kind=ReviewKind.BRANCH, unit=branch, **meeting, **BRANCH_REVIEW
            ),
            demands=[
                ReviewDemand(
                    problem="为民办实事项目“村道路灯维修”进度滞后。",
                    demand="一个月内完成剩余路灯维修，并在公开栏公示结果，书面回复联系领导和镇办公室。",
                    deadline=self.today + datetime.timedelta(days=30),
                )
            ],
        )
        review_sign(actor=leader, review=review)
        review_save(
            actor=leader,
            review=Review(
                round=review_round,
                kind=ReviewKind.SECRETARY,
                unit=branch,
                member=secretary,
                reviewed_on=day,
                method=ReviewMethod.TALK,
                aspect_1="带领支部一班人围绕中心工作创先争优。",
            ),
        )
        zhou = Member.objects.get(user=self.users["member"])
        self_assessment_save(
            actor=self.users["member"], review_round=review_round, member=zhou, texts=SELF_ASSESSMENT
        )
        others = (
            Member.objects.filter(unit=branch).exclude(pk__in=[zhou.pk, secretary.pk]).order_by("name")[:2]
        )
        for member in [zhou, *others]:
            sheet = review_save(
                actor=self.users["secretary"],
                review=Review(
                    round=review_round,
                    kind=ReviewKind.MEMBER,
                    unit=branch,
                    member=member,
                    reviewed_on=day,
                    method=ReviewMethod.CONCENTRATED,
                    meeting_on=day,
                    meeting_place="柳山村党群服务中心",
                    attendees="全体党员",
                    **MEMBER_REVIEW,
                ),
            )
            review_sign(actor=self.users["secretary"], review=sheet)

    # Mass evaluations ---------------------------------------------------------------------

    def _closed_campaign(self) -> None:
        period = Period.containing(Period.containing(self.today).start - datetime.timedelta(days=1))
        title = f"柳山镇{period.wording}群众评议"
        if Campaign.objects.filter(unit=self.township, title=title).exists():
            return
        closes = period.end
        campaign = campaign_open(
            actor=self.users["office"],
            campaign=Campaign(
                unit=self.township,
                period=period.code,
                title=title,
                opens_on=closes - datetime.timedelta(days=14),
                closes_on=closes,
            ),
        )
        low_members = 0
        for unit_id in campaign.branches.values_list("unit_id", flat=True):
            subjects = list(
                EvaluationSubject.objects.filter(campaign=campaign, unit_id=unit_id)
                .select_related("unit")
                .order_by("pk")
            )
            for subject in subjects:
                low = subject.unit.code == LOW_BRANCH and subject.member_id is None
                if subject.member_id and subject.unit.code == "LS0101" and low_members < LOW_MEMBERS:
                    low, low_members = True, low_members + 1
                satisfied, basic, unsatisfied = LOW if low else GOOD
                subject.handed_out, subject.returned, subject.paper_valid = 45, 42, 40
                subject.paper_satisfied, subject.paper_basic, subject.paper_unsatisfied = (
                    satisfied,
                    basic,
                    unsatisfied,
                )
                if low:
                    subject.paper_opinions = "为民办实事进度慢，希望多听群众意见。"
            tally_save(actor=self.users["office"], campaign=campaign, subjects=subjects)
        closed_at = timezone.make_aware(datetime.datetime.combine(closes, datetime.time(18)))
        campaign_close(actor=self.users["office"], campaign=campaign, now=closed_at)
        campaign_publish(
            actor=self.users["office"], campaign=campaign, today=closes + datetime.timedelta(days=3)
        )

    def _open_campaign(self) -> None:
        period = Period.containing(self.today)
        title = f"柳山镇{period.wording}群众评议"
        if Campaign.objects.filter(unit=self.township, title=title).exists():
            return
        campaign = campaign_open(
            actor=self.users["office"],
            campaign=Campaign(
                unit=self.township,
                period=period.code,
                title=title,
                opens_on=self.today - datetime.timedelta(days=7),
                closes_on=self.today + datetime.timedelta(days=10),
            ),
        )
        codes = ballot_codes_create(campaign=campaign, count=30)
        branch = OrgUnit.objects.get(code="LS0101")
        subjects = list(EvaluationSubject.objects.filter(campaign=campaign, unit=branch).order_by("pk"))
        for subject in subjects:
            subject.handed_out, subject.returned, subject.paper_valid = 30, 28, 27
            subject.paper_satisfied, subject.paper_basic, subject.paper_unsatisfied = 22, 4, 1
        tally_save(actor=self.users["secretary"], campaign=campaign, subjects=subjects)
        ballot = [s for s in subjects if s.member_id is None]
        for code in codes[:5]:
            ballot_cast(campaign=campaign, code=code.code, marks={ballot[0].pk: (Choice.SATISFIED, "")})
