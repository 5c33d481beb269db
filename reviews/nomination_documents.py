"""The commendation list of 优秀共产党员 as a Word file, on the official page and in the fonts
of reviews.documents. Before the round is approved it is the proposed list (拟表彰名单), dated
the day it is printed; approved, it carries the commendation date. Its words are Chinese, as
in the other documents.
"""

from __future__ import annotations

from django.utils import timezone
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH

from core.docx import add_text, document_bytes, official_document
from inspections.models import short_name
from reviews.documents import FANGSONG, add_paragraph, add_signature, add_title

COLUMNS = ("序号", "姓名", "性别", "所在党组织", "职务")
TABLE_PT = 14  # 四号


def commendation_heading(creation_round, commended_on) -> str:
    township = short_name(creation_round.township)
    kind = "表彰名单" if commended_on else "拟表彰名单"
    return f"{township}{creation_round.year}年度优秀共产党员{kind}"


def commendation_rows(nominations) -> list[tuple[str, ...]]:
    return [
        (
            str(number),
            n.member.name,
            n.member.get_gender_display(),
            n.member.unit.name,
            n.member.get_position_display(),
        )
        for number, n in enumerate(nominations, start=1)
    ]


def commendation_docx(creation_round, nominations, commended_on) -> bytes:
    document = official_document()
    add_title(document, commendation_heading(creation_round, commended_on))
    rows = commendation_rows(nominations)
    if rows:
        table = document.add_table(rows=len(rows) + 1, cols=len(COLUMNS))
        table.style = "Table Grid"
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        for row, values in zip(table.rows, [COLUMNS, *rows], strict=True):
            for cell, value in zip(row.cells, values, strict=True):
                paragraph = cell.paragraphs[0]
                paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
                add_text(paragraph, value, FANGSONG, TABLE_PT, bold=values is COLUMNS)
    else:
        add_paragraph(document, "尚无推荐表彰的优秀共产党员。", indent=True)
    add_signature(document, creation_round.township.name, commended_on or timezone.localdate())
    return document_bytes(document)
