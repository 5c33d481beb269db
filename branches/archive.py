"""What the branches app adds to a branch's 回档: the liaison visits of the period (record and
photos), the minutes of the joint meetings that decided something for the branch, and the
branch's period summary with its files.

The minutes are their official .docx; a visit and a summary, which have no printed form,
are plain text.
"""

from __future__ import annotations

from branches.meeting_documents import minutes_docx
from branches.models import LiaisonVisit, MeetingDecision, PeriodSummary
from core.archive import period_codes, register_part
from core.dates import long_date, short_date, short_datetime
from core.models import Attachment
from core.periods import Period

SECTION = "05联系点与联席会议"


def _text(lines: list[str]) -> bytes:
    # With a BOM and CR LF, so that Notepad on Chinese Windows shows it as written.
    return ("\r\n".join(lines) + "\r\n").encode("utf-8-sig")


def _visit_text(visit: LiaisonVisit) -> bytes:
    lines = [
        f"联系领导：{visit.leader}",
        f"联系点：{visit.branch.name}",
        f"日期：{long_date(visit.visited_on)}",
        f"方式：{visit.get_kind_display()}",
        f"接触人员：{visit.met}",
        f"了解情况：{visit.findings}",
        f"帮助解决问题：{visit.solved}",
    ]
    lines += [
        f"后续事项：{f.text}" + (f"（{long_date(f.deadline)}前）" if f.deadline else "")
        for f in visit.follow_ups.all()
    ]
    if visit.confirmed_at:
        lines.append(f"支部确认：{short_datetime(visit.confirmed_at)}　{visit.remark}")
    return _text(lines)


def _summary_text(summary: PeriodSummary) -> bytes:
    return _text(
        [
            f"{summary.unit.name}创先争优活动总结（{Period.parse(summary.period).wording}）",
            f"主要做法：{summary.done}",
            f"经验成效：{summary.worked}",
            f"体会：{summary.learnt}",
            f"需要注意的问题：{summary.watch}",
        ]
    )


def write_part(user, branch, period: Period, writer) -> None:
    visits = (
        LiaisonVisit.objects.visible_to(user)
        .filter(branch=branch, visited_on__gte=period.start, visited_on__lte=period.end)
        .select_related("leader", "branch")
        .prefetch_related("follow_ups")
        .order_by("visited_on", "pk")
    )
    for visit in visits:
        folder = writer.folder(SECTION, f"{short_date(visit.visited_on)} 联系点走访")
        writer.add_bytes(folder, "走访记录.txt", _visit_text(visit), note=visit.get_kind_display())
        for attachment in Attachment.objects.for_objects([visit]).order_by("pk"):
            writer.add_attachment(folder, attachment, note="走访附件")
    decisions = (
        MeetingDecision.objects.visible_to(user)
        .filter(unit=branch, meeting__held_at__date__gte=period.start, meeting__held_at__date__lte=period.end)
        .select_related("meeting__township")
        .order_by("meeting__held_at", "pk")
    )
    by_meeting: dict[int, list[MeetingDecision]] = {}
    for decision in decisions:
        by_meeting.setdefault(decision.meeting_id, []).append(decision)
    for items in by_meeting.values():
        meeting = items[0].meeting
        # The minutes as printed, with the decisions for this branch only.
        name = f"{short_date(meeting.held_at.date())} {meeting.topic}纪要.docx"
        writer.add_bytes(writer.folder(SECTION, "联席会议纪要"), name, minutes_docx(meeting, items))
    summaries = PeriodSummary.objects.visible_to(user).filter(unit=branch, period__in=period_codes(period))
    for summary in summaries.select_related("unit").order_by("period"):
        folder = writer.folder(SECTION, f"活动总结（{Period.parse(summary.period).wording}）")
        writer.add_bytes(folder, "活动总结.txt", _summary_text(summary))
        for attachment in Attachment.objects.for_objects([summary]).order_by("pk"):
            writer.add_attachment(folder, attachment, note="总结附件")


register_part("branches", 50, write_part)
