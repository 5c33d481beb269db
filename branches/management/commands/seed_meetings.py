"""Demo joint meetings and period summaries for 柳山镇 (called by seed_demo).

- Two joint meetings convened by the office, both minuted: the first, two months ago, left
  柳山村第一党支部 a decision now overdue, 河东社区第一党支部 one done and 赵海燕 (`leader2`) one
  still open; the second, three weeks ago, left 中心学校党支部 one due in a fortnight.
- Last half-year's summaries of 柳山村第一党支部 (published), 河东社区第一党支部 and 中心学校党支部.

Everything goes through the services, dates are counted from today. Idempotent: a meeting
is found by its township and topic, a summary by its branch and period.
"""

from __future__ import annotations

import datetime

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from accounts.models import OrgUnit, User
from branches.meeting_services import decision_add, decision_report_done, meeting_save, minutes_save
from branches.models import JointMeeting, MeetingDecision, PeriodSummary
from branches.summary_forms import last_period
from branches.summary_services import summary_publish, summary_save

ATTENDEES = ["office", "leader", "leader2", "secretary", "secretary2", "inspector"]
# topic, days ago, place, agenda, minutes, decisions; a decision: text, unit code or None,
# username or None, deadline in days from today, done
MEETINGS = [
    (
        "部署本阶段创先争优活动工作",
        60,
        "镇政府三楼会议室",
        "一、传达县委创先争优活动推进会精神；\n二、听取各党支部公开承诺落实情况汇报；\n三、讨论修改《党支部创先争优活动考核办法》。",
        "会议由镇创先争优活动领导小组办公室主任王晓燕主持。会议传达了县委推进会精神，听取了柳山村第一党支部、"
        "河东社区第一党支部的工作汇报。会议认为，各支部公开承诺总体落实较好，但部分支部承诺书公示不及时，"
        "联系点工作情况报送不规范。会议讨论了考核办法修改稿，原则同意，请分管领导牵头修改后印发。",
        [
            ("公开承诺书在村部公开栏上墙公示，并将照片报镇办公室", "LS0101", None, -20, False),
            ("报送第三季度联系点工作情况", "LS0201", None, -10, True),
            ("牵头修改《党支部创先争优活动考核办法》并提交领导小组审议", None, "leader2", 20, False),
        ],
    ),
    (
        "听取督导组阶段性工作汇报",
        21,
        "镇党群服务中心",
        "一、督导组汇报近期督查情况；\n二、研究活动资料归档工作。",
        "会议听取了督导组陈德明同志关于近期督查情况的汇报。会议要求各党支部按照“四有”标准整理创先争优活动资料，"
        "做到有计划、有记录、有图片、有总结，中心学校党支部作为试点先行。",
        [("整理创先争优活动资料并分类归档，作为全镇试点", "LS03", None, 14, False)],
    ),
]
SUMMARIES = [
    (
        "LS0101",
        "secretary",
        True,
        "围绕村集体经济发展，组织党员认领公开承诺12项，完成村道硬化2.3公里，建成蔬菜产业园一个。",
        "党员“认领任务、公开承诺、群众评议”的做法调动了党员积极性。",
        "承诺事项要具体可考，时限要明确。",
        "路灯维修等民生项目进度偏慢，需加强跟踪。",
    ),
    (
        "LS0201",
        "secretary2",
        False,
        "开展“党员进网格”活动，32名党员联系居民480户，为群众办实事26件。",
        "网格化联系群众，问题发现早、解决快。",
        "年轻党员参与度有待提高。",
        "流动党员管理需要加强。",
    ),
    ("LS03", "office", False, "开展“师德标兵”评选，党员教师结对帮扶学困生45名。", "", "", ""),
]


class Command(BaseCommand):
    help = "Create the demo joint meetings and period summaries of 柳山镇; safe to run twice."

    @transaction.atomic
    def handle(self, *args, **options):
        users = {user.username: user for user in User.objects.filter(username__in=ATTENDEES)}
        units = {unit.code: unit for unit in OrgUnit.objects.filter(code__startswith="LS")}
        today = timezone.localdate()
        for topic, days_ago, place, agenda, minutes, decisions in MEETINGS:
            if JointMeeting.objects.filter(township=units["LS"], topic=topic).exists():
                continue
            held_at = timezone.make_aware(
                datetime.datetime.combine(today - datetime.timedelta(days=days_ago), datetime.time(9, 0))
            )
            meeting = JointMeeting(
                township=units["LS"], held_at=held_at, place=place, topic=topic, agenda=agenda
            )
            meeting.other_attendees = "各工作组组长"
            meeting = meeting_save(actor=users["office"], meeting=meeting, attendees=list(users.values()))
            minutes_save(actor=users["office"], meeting=meeting, minutes=minutes)
            for text, code, username, due_in, done in decisions:
                decision = MeetingDecision(
                    text=text,
                    unit=units[code] if code else None,
                    person=users[username] if username else None,
                    deadline=today + datetime.timedelta(days=due_in),
                )
                decision = decision_add(actor=users["office"], meeting=meeting, decision=decision)
                if done:
                    decision_report_done(
                        actor=users["secretary2"],
                        decision=decision,
                        note="已按时报送",
                        done_on=decision.deadline - datetime.timedelta(days=2),
                    )
        period = last_period(today).code
        for code, username, publish, done, worked, learnt, watch in SUMMARIES:
            if PeriodSummary.objects.filter(unit=units[code], period=period).exists():
                continue
            summary = PeriodSummary(
                unit=units[code], period=period, done=done, worked=worked, learnt=learnt, watch=watch
            )
            summary = summary_save(actor=users[username], summary=summary)
            if publish:
                summary_publish(actor=users["office"], summary=summary)
        self.stdout.write(
            f"联席会议 {JointMeeting.objects.count()}，活动总结 {PeriodSummary.objects.count()}。"
        )
