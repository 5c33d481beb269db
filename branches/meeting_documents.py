"""A joint meeting's minutes (会议纪要) as a Word file on the official page (core.docx).

The title in 宋体 二号 bold, the body in 仿宋 三号; the decisions follow the minutes, each
with its responsible unit or person and its deadline. Documents are Chinese by nature:
their words are written here in Chinese, as in the other apps' documents.
"""

from __future__ import annotations

from django.utils import timezone
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Pt

from core.dates import long_date
from core.docx import add_text, document_bytes, official_document

SONG, FANGSONG, HEITI = "宋体", "仿宋", "黑体"
TITLE_PT, BODY_PT = 22, 16  # 二号, 三号
LINE = Pt(28)
INDENT = Pt(BODY_PT * 2)
NUMBERS = "一二三四五六七八九十"


def _paragraph(document, text: str, *, font=FANGSONG, size=BODY_PT, bold=False, align=None, indent=True):
    paragraph = document.add_paragraph()
    if align is not None:
        paragraph.alignment = align
    if indent:
        paragraph.paragraph_format.first_line_indent = INDENT
    paragraph.paragraph_format.line_spacing = LINE
    add_text(paragraph, text, font, size, bold=bold)
    return paragraph


def _heading(document, number: int, text: str) -> None:
    _paragraph(document, f"{NUMBERS[number] if number < len(NUMBERS) else number + 1}、{text}", font=HEITI)


def minutes_docx(meeting, decisions) -> bytes:
    document = official_document()
    title = _paragraph(
        document,
        f"{meeting.topic}会议纪要",
        font=SONG,
        size=TITLE_PT,
        bold=True,
        align=WD_ALIGN_PARAGRAPH.CENTER,
        indent=False,
    )
    title.paragraph_format.space_after = Pt(BODY_PT)
    held_at = timezone.localtime(meeting.held_at)
    attendees = "、".join(str(user) for user in meeting.attendees.order_by("full_name", "username"))
    others = meeting.other_attendees.strip()
    _paragraph(document, f"时间：{long_date(held_at.date())} {held_at:%H:%M}")
    _paragraph(document, f"地点：{meeting.place}")
    _paragraph(document, f"召集：{meeting.township.name}创先争优活动领导小组办公室")
    _paragraph(document, f"参会人员：{'、'.join(filter(None, [attendees, others])) or '—'}")
    sections = 0
    if meeting.agenda.strip():
        _heading(document, sections, "会议议程")
        _paragraph(document, meeting.agenda.strip())
        sections += 1
    _heading(document, sections, "会议纪要")
    _paragraph(document, meeting.minutes.strip() or "（纪要尚未整理）")
    sections += 1
    decisions = list(decisions)
    if decisions:
        _heading(document, sections, "议定事项")
        for number, decision in enumerate(decisions, start=1):
            who = "、".join(str(x) for x in (decision.unit, decision.person) if x)
            done = f"（{long_date(decision.done_on)}已完成）" if decision.done_on else ""
            due = long_date(decision.deadline)
            _paragraph(document, f"{number}. {decision.text}　责任单位（人）：{who}；完成时限：{due}{done}")
    written = timezone.localtime(meeting.minutes_at).date() if meeting.minutes_at else held_at.date()
    signed = _paragraph(
        document,
        f"{meeting.township.name}创先争优活动领导小组办公室\n{long_date(written)}",
        align=WD_ALIGN_PARAGRAPH.RIGHT,
        indent=False,
    )
    signed.paragraph_format.space_before = Pt(BODY_PT * 2)
    return document_bytes(document)
