"""公开承诺书 (seed 002 附件一/二) as a Word document, in the fonts of official documents."""

from __future__ import annotations

from django.utils.translation import gettext as _
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Pt

from commitments.models import Category
from core.dates import long_date
from core.docx import add_text, document_bytes, official_document

SONG = "宋体"
FANGSONG = "仿宋"
BLANK = "＿" * 8


def _paragraph(document, text: str, *, font=FANGSONG, size=16, bold=False, align=None):
    paragraph = document.add_paragraph()
    if align is not None:
        paragraph.alignment = align
    add_text(paragraph, text, font, size, bold=bold)
    return paragraph


def letter_docx(letter, commitments) -> bytes:
    """The letter as its web page shows it (same labels), with the paper form's signature lines."""
    document = official_document()
    heading = "党员公开承诺书" if letter.member_id else "党支部公开承诺书"
    _paragraph(document, heading, font=SONG, size=22, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    owner = f"{letter.member.name}（{letter.unit.name}）" if letter.member_id else letter.unit.name
    _paragraph(document, f"{_('Committed by')}：{owner}　{_('Period')}：{letter.period_obj.label}")
    categories = dict(Category.choices)
    for number, item in enumerate(commitments, start=1):
        _paragraph(document, f"{number}．【{categories[item.category]}】{item.content}")
        if item.measures:
            _paragraph(document, f"{_('Measures')}：{item.measures}")
        line = f"{_('Deadline')}：{long_date(item.deadline)}"
        if item.target:
            line += f"；{_('Measurable target')}：{item.target}"
        _paragraph(document, line)
    _paragraph(document, "以上承诺，请党员群众监督。")
    signature = _paragraph(document, f"{letter.signer_label}：{BLANK}", align=WD_ALIGN_PARAGRAPH.RIGHT)
    signature.paragraph_format.space_before = Pt(32)
    signed = long_date(letter.signed_on) if letter.signed_on else "　　年　　月　　日"
    _paragraph(document, f"日期：{signed}", align=WD_ALIGN_PARAGRAPH.RIGHT)
    return document_bytes(document)
