"""公开承诺书 (seed 002 附件一/二) as a Word document, in the fonts of official documents."""

from __future__ import annotations

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Cm

from commitments.models import Category
from core.docx import document_bytes, east_asian_font

SONG = "宋体"
FANGSONG = "仿宋"


def _paragraph(document, text: str, *, font=FANGSONG, size=16, bold=False, align=None):
    paragraph = document.add_paragraph()
    if align is not None:
        paragraph.alignment = align
    east_asian_font(paragraph.add_run(text), font, size, bold=bold)
    return paragraph


def letter_docx(letter, commitments) -> bytes:
    document = Document()
    section = document.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.top_margin = section.bottom_margin = Cm(3.7 - 1.2)
    section.left_margin = section.right_margin = Cm(2.7)
    heading = "党员公开承诺书" if letter.member_id else "党支部公开承诺书"
    _paragraph(document, heading, font=SONG, size=22, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    period = letter.period_obj
    owner = f"{letter.member.name}（{letter.unit.name}）" if letter.member_id else letter.unit.name
    _paragraph(document, f"承诺人：{owner}　　承诺期：{period.label}")
    categories = dict(Category.choices)
    for number, item in enumerate(commitments, start=1):
        _paragraph(document, f"{number}．【{categories[item.category]}】{item.content}")
        if item.measures:
            _paragraph(document, f"践诺措施：{item.measures}")
        line = f"完成时限：{item.deadline:%Y年%m月%d日}"
        if item.target:
            line += f"；量化目标：{item.target}"
        _paragraph(document, line)
    _paragraph(document, "以上承诺，请党员群众监督。")
    signed = f"{letter.signed_on:%Y年%m月%d日}" if letter.signed_on else "　　年　　月　　日"
    _paragraph(document, f"承诺人（签字）：　　　　　　　{signed}", align=WD_ALIGN_PARAGRAPH.RIGHT)
    return document_bytes(document)
