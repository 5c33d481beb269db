"""整改通知书 and 督查通报 as Word documents in the official format (GB/T 9704).

A4 with the official margins (core.docx), the title in 宋体 二号 bold, the body in 仿宋 三号,
the issuing body and the date at the foot. The notice ends with a tear-off 回执 the branch
fills in and returns with its written reply. Documents are Chinese by nature: their words
are written here in Chinese, as in the other apps' documents.
"""

from __future__ import annotations

from django.utils import timezone
from docx.enum.table import WD_ROW_HEIGHT_RULE, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Cm, Pt

from accounts.models import Level
from core.dates import long_date
from core.docx import add_text, document_bytes, east_asian_font, official_document
from inspections.models import InspectionKind, Method, short_name

SONG, FANGSONG, HEITI = "宋体", "仿宋", "黑体"
TITLE_PT, BODY_PT, TABLE_PT = 22, 16, 14  # 二号, 三号, 四号
LINE = Pt(28)  # the fixed line pitch of official documents' body text
INDENT = Pt(BODY_PT * 2)  # two characters
TEAR_OFF = "-" * 24 + " 沿此线剪下 " + "-" * 24
BLANK_DATE = "　　年　　月　　日"
KINDS = {InspectionKind.REGULAR: "定期检查", InspectionKind.SPOT: "不定期抽查"}
METHODS = {
    Method.REPORT: "听汇报",
    Method.RESEARCH: "深入调研",
    Method.RECORDS: "抽查“三会一课”记录",
    Method.LEDGERS: "查阅台账",
    Method.TALKS: "个别谈话",
    Method.VISITS: "群众走访",
}
NUMERALS = "零一二三四五六七八九十"


def chinese_number(number: int) -> str:
    """1 → 一, 12 → 十二, 25 → 二十五: the numbering of a document's items (一、二、…)."""
    if number < 11:
        return NUMERALS[number]
    if number < 100:
        tens, units = divmod(number, 10)
        return ("" if tens == 1 else NUMERALS[tens]) + "十" + (NUMERALS[units] if units else "")
    return str(number)


def _paragraph(document, text: str, *, font=FANGSONG, size=BODY_PT, bold=False, align=None, indent=False):
    paragraph = document.add_paragraph()
    if align is not None:
        paragraph.alignment = align
    if indent:
        paragraph.paragraph_format.first_line_indent = INDENT
    if size == BODY_PT and not bold:
        paragraph.paragraph_format.line_spacing = LINE
    add_text(paragraph, text, font, size, bold=bold)
    return paragraph


def _heading(document, number_label: str, title: str) -> None:
    """The number line (柳督改〔2026〕7号) and the title in 宋体 二号 bold, both centred."""
    if number_label:
        _paragraph(document, number_label, align=WD_ALIGN_PARAGRAPH.CENTER)
    heading = _paragraph(
        document, title, font=SONG, size=TITLE_PT, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER
    )
    heading.paragraph_format.space_before = Pt(BODY_PT)
    heading.paragraph_format.space_after = Pt(BODY_PT)


def _signature(document, issuer: str, day) -> None:
    """The issuing body and the date, right-aligned two characters in from the margin."""
    for number, line in enumerate([issuer, long_date(day)]):
        paragraph = _paragraph(document, line, align=WD_ALIGN_PARAGRAPH.RIGHT)
        paragraph.paragraph_format.right_indent = INDENT
        if not number:
            paragraph.paragraph_format.space_before = Pt(BODY_PT * 2)


def notice_docx(notice) -> bytes:
    """整改通知书 (seed 002 四(二)): the inspection, each problem with its demand and deadline,
    the request for a written reply, and the tear-off 回执."""
    inspection = notice.inspection
    rectifications = list(notice.rectifications.order_by("pk"))
    document = official_document()
    _heading(document, notice.label, "整改通知书")
    _paragraph(document, f"{notice.unit.name}：")
    methods = "、".join(METHODS[code] for code in inspection.methods if code in METHODS)
    you = "你支部" if notice.unit.level == Level.BRANCH else "你单位"
    opening = (
        f"{long_date(inspection.date)}，{inspection.group.name}对{you}进行了"
        f"{KINDS.get(inspection.kind, '督查')}" + (f"（{methods}）" if methods else "") + "。"
        f"经检查，发现以下问题，现下达整改通知，请{you}限期整改："
    )
    _paragraph(document, opening, indent=True)
    for number, item in enumerate(rectifications, start=1):
        _paragraph(document, f"{chinese_number(number)}、存在问题：{item.problem}", indent=True)
        _paragraph(document, f"整改要求：{item.demand}", indent=True)
        _paragraph(document, f"整改时限：{long_date(item.deadline)}前", indent=True)
    last = max((item.deadline for item in rectifications), default=notice.issued_on)
    closing = (
        f"请{you}高度重视，逐条制定整改措施，按期整改到位，"
        f"并于{long_date(last)}前将整改措施及整改结果书面回复{inspection.group.name}，"
        "同时填写并交回下方回执。整改完成后将组织复验。"
    )
    _paragraph(document, closing, indent=True)
    _signature(document, notice.township.name, notice.issued_on)
    _receipt(document, notice)
    return document_bytes(document)


def _receipt(document, notice) -> None:
    """The tear-off line and the 回执: number, branch, who signed for it and when, the reply."""
    tear = _paragraph(document, TEAR_OFF, size=12, align=WD_ALIGN_PARAGRAPH.CENTER)
    tear.paragraph_format.space_before = Pt(BODY_PT * 2)
    tear.paragraph_format.space_after = Pt(BODY_PT)
    _paragraph(document, "回执", font=SONG, size=BODY_PT, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    rows = [
        ("通知书编号", notice.label),
        ("整改单位", notice.unit.name),
        ("签收人", ""),
        ("签收日期", BLANK_DATE),
        ("整改措施及结果", ""),
    ]
    table = document.add_table(rows=len(rows), cols=2)
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for row, (label, value) in zip(table.rows, rows, strict=True):
        row.height = Cm(5 if label == "整改措施及结果" else 1)
        row.height_rule = WD_ROW_HEIGHT_RULE.AT_LEAST
        head, cell = row.cells
        head.width, cell.width = Cm(4), Cm(11.6)
        head.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
        east_asian_font(head.paragraphs[0].add_run(label), FANGSONG, TABLE_PT, bold=True)
        east_asian_font(cell.paragraphs[0].add_run(value), FANGSONG, TABLE_PT)
    _paragraph(
        document, f"（请于收到本通知书后填写，随整改情况书面回复一并交回{notice.township.name}。）", size=12
    )


def circular_docx(circular) -> bytes:
    """督查通报: the number, the title, the text as written (a paragraph per line), the issuing
    body and the date, and the list of whom it goes to."""
    document = official_document()
    _heading(document, circular.label, circular.title)
    _paragraph(document, "各党支部：")
    for line in circular.body.splitlines():
        if line.strip():
            _paragraph(document, line.strip(), indent=True)
    issued = timezone.localtime(circular.issued_at).date() if circular.issued_at else timezone.localdate()
    _signature(document, f"{short_name(circular.township)}创先争优活动领导小组办公室", issued)
    copied = _paragraph(document, "分送：各党支部。", size=TABLE_PT)
    copied.paragraph_format.space_before = Pt(BODY_PT * 2)
    return document_bytes(document)
