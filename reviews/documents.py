"""The review sheets as their 登记表 (seed 002 附件四/五) and the office's compilation, as Word files.

A4 on the official page (core.docx), the title in 宋体 二号 bold, the body and the table in
仿宋 三号. One sheet per subject; a branch's file holds its sheet, its secretary's and every
signed member sheet, each on its own page. Documents are Chinese by nature: their words are
written here in Chinese, as in the other apps' documents.
"""

from __future__ import annotations

from django.utils import timezone, translation
from docx.enum.table import WD_ROW_HEIGHT_RULE, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.shared import Cm, Pt

from core.dates import long_date
from core.docx import add_text, document_bytes, official_document
from inspections.models import short_name
from reviews.models import CreationConclusion, ReviewKind, ReviewMethod

SONG, FANGSONG, HEITI = "宋体", "仿宋", "黑体"
TITLE_PT, BODY_PT = 22, 16  # 二号, 三号
LINE = Pt(28)
INDENT = Pt(BODY_PT * 2)
BLANK_DATE = "　　年　　月　　日"
BRANCH_TITLE = "上级领导点评下级党组织及书记创先争优工作情况登记表"
MEMBER_TITLE = "基层党组织书记点评党员创先争优工作情况登记表"
METHODS = {
    ReviewMethod.CONCENTRATED: "集中点评",
    ReviewMethod.INDIVIDUAL: "个别点评",
    ReviewMethod.ON_SITE: "现场点评",
    ReviewMethod.RANDOM: "随机点评",
    ReviewMethod.TALK: "谈话点评",
}
ASPECT_NUMBERS = "一二三四"
LABEL_WIDTH, VALUE_WIDTH = Cm(3.6), Cm(12)


def sheet_title(review) -> str:
    return MEMBER_TITLE if review.kind == ReviewKind.MEMBER else BRANCH_TITLE


def add_paragraph(document, text: str, *, font=FANGSONG, size=BODY_PT, bold=False, align=None, indent=False):
    paragraph = document.add_paragraph()
    if align is not None:
        paragraph.alignment = align
    if indent:
        paragraph.paragraph_format.first_line_indent = INDENT
    if size == BODY_PT and not bold:
        paragraph.paragraph_format.line_spacing = LINE
    add_text(paragraph, text, font, size, bold=bold)
    return paragraph


def add_title(document, title: str):
    heading = add_paragraph(
        document, title, font=SONG, size=TITLE_PT, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER
    )
    heading.paragraph_format.space_after = Pt(BODY_PT)
    return heading


def _cell_text(cell, text: str, *, bold: bool = False, center: bool = False) -> None:
    paragraph = cell.paragraphs[0]
    if center:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    add_text(paragraph, text, FANGSONG, BODY_PT, bold=bold)


def sheet_rows(review) -> list[tuple[str, str]]:
    """The 登记表's rows, label and content, in the order of the form."""
    with translation.override("zh-hans"):
        if review.kind == ReviewKind.BRANCH:
            rows = [("被点评党组织", review.unit.name)]
        else:
            who = "被点评书记" if review.kind == ReviewKind.SECRETARY else "被点评党员"
            rows = [(who, review.member.name), ("所在党组织", review.unit.name)]
        reviewer = str(review.reviewer)
        rows += [
            ("点评人", reviewer),
            ("点评时间", long_date(review.reviewed_on) if review.reviewed_on else BLANK_DATE),
            ("点评方式", METHODS.get(review.method, "")),
        ]
        if review.method == ReviewMethod.CONCENTRATED or review.meeting_on or review.meeting_place:
            meeting = "，".join(
                part
                for part in [long_date(review.meeting_on) if review.meeting_on else "", review.meeting_place]
                if part
            )
            rows.append(("会议时间地点", meeting))
        if review.attendees:
            rows.append(("参加人员", review.attendees))
        if review.public_representatives:
            rows.append(("邀请群众代表", review.public_representatives))
        for number, (label, text) in zip(ASPECT_NUMBERS, review.aspects, strict=True):
            rows.append((f"点评内容{number}", f"{label}：\n{text}" if text else f"{label}："))
        rows += [
            ("肯定成绩", review.achievements),
            ("指出问题", review.problems),
            ("努力方向", review.direction),
        ]
        demands = list(review.demands.order_by("pk"))
        lines = [
            f"{number}. {d.problem}：{d.demand}（{long_date(d.deadline)}前整改到位）"
            for number, d in enumerate(demands, start=1)
        ]
        rows.append(("整改要求", "\n".join(lines) or "无"))
        signed = timezone.localtime(review.signed_at).date() if review.signed_at else None
        rows.append(("点评人签字", f"{reviewer}　　{long_date(signed) if signed else BLANK_DATE}"))
    return rows


def _sheet(document, review) -> None:
    add_title(document, sheet_title(review))
    period = review.round.period_obj.wording
    add_paragraph(document, f"{short_name(review.round.township)}　{period}", align=WD_ALIGN_PARAGRAPH.CENTER)
    rows = sheet_rows(review)
    table = document.add_table(rows=len(rows), cols=2)
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for row, (label, value) in zip(table.rows, rows, strict=True):
        if label.startswith("点评内容") or label in ("肯定成绩", "指出问题", "努力方向", "整改要求"):
            row.height = Cm(3)
            row.height_rule = WD_ROW_HEIGHT_RULE.AT_LEAST
        head, cell = row.cells
        head.width, cell.width = LABEL_WIDTH, VALUE_WIDTH
        _cell_text(head, label, bold=True, center=True)
        _cell_text(cell, value)


def review_docx(review) -> bytes:
    document = official_document()
    _sheet(document, review)
    return document_bytes(document)


def branch_docx(review_round, unit, reviews) -> bytes:
    """A branch's sheets in one file, one per page: branch, secretary, each member."""
    document = official_document()
    if not reviews:
        add_title(document, BRANCH_TITLE)
        add_paragraph(
            document, f"{unit.name}在{review_round.period_obj.wording}尚无已签署的点评登记表。", indent=True
        )
    for number, review in enumerate(reviews):
        if number:
            document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
        _sheet(document, review)
    return document_bytes(document)


def compilation_draft(review_round, reviews) -> str:
    """整理公开: the text the office starts from, written from the signed sheets."""
    township = short_name(review_round.township)
    period = review_round.period_obj.wording
    branches = {r.unit_id for r in reviews if r.kind == ReviewKind.BRANCH}
    members = sum(1 for r in reviews if r.kind == ReviewKind.MEMBER)
    lines = [
        f"根据创先争优活动领导点评工作安排，{period}，{township}各联系点领导对联系点党组织及其书记进行了点评，"
        f"各党支部书记对本支部党员进行了点评。共点评党组织{len(branches)}个、党员{members}名。现将点评情况公开如下：",
    ]
    number = 0
    for review in reviews:
        number += 1
        who = review.subject
        if review.kind == ReviewKind.SECRETARY:
            who = f"{review.unit.name}书记{review.member.name}"
        lines.append(f"{number}. {who}（{METHODS.get(review.method, '')}，{long_date(review.reviewed_on)}）")
        for label, text in (
            ("肯定成绩", review.achievements),
            ("指出问题", review.problems),
            ("努力方向", review.direction),
        ):
            if text.strip():
                lines.append(f"{label}：{' '.join(text.split())}")
    lines.append(
        "请各党支部和党员对照点评意见，认真研究讨论，落实整改措施，整改到位后以书面形式回复点评领导。"
    )
    return "\n".join(lines)


def compilation_docx(review_round, text: str) -> bytes:
    document = official_document()
    add_title(
        document,
        f"{short_name(review_round.township)}{review_round.period_obj.wording}创先争优活动领导点评情况",
    )
    for line in text.splitlines():
        if line.strip():
            add_paragraph(document, line.strip(), indent=True)
    issued = review_round.published_on or timezone.localdate()
    add_signature(document, f"{short_name(review_round.township)}创先争优活动领导小组办公室", issued)
    return document_bytes(document)


def add_signature(document, signer: str, day) -> None:
    """Who issues the document and the date, right-aligned below the text."""
    for number, line in enumerate([signer, long_date(day)]):
        paragraph = add_paragraph(document, line, align=WD_ALIGN_PARAGRAPH.RIGHT)
        paragraph.paragraph_format.right_indent = INDENT
        if not number:
            paragraph.paragraph_format.space_before = Pt(BODY_PT * 2)


# ---------------------------------------------------------------------------------------
# 创建基层党组织建设先进单位 (seed 001): the summary's first draft and the results list

CONCLUSIONS = {
    CreationConclusion.RECOMMENDED: "拟命名",
    CreationConclusion.NOT_RECOMMENDED: "不予命名",
    CreationConclusion.PENDING: "尚未评定",
}
RESULT_COLUMNS = ["序号", "党组织", "自评得分", "综合得分", "排名", "评价结论"]
RESULT_WIDTHS = [Cm(1.3), Cm(5.9), Cm(2.2), Cm(2.2), Cm(1.6), Cm(2.4)]
TABLE_PT = 12  # 小四: six columns on the official page's width


def _score(totals) -> str:
    return str(totals.total_shown) if totals else "—"


def creation_round_title(creation_round) -> str:
    return f"{short_name(creation_round.township)}{creation_round.year}年度创建基层党组织建设先进单位"


def creation_summary_draft(creation_round, rows) -> str:
    """形成工作总结: the text the office starts from, written from the branches' results."""
    township = short_name(creation_round.township)
    named = [row.entry.unit.name for row in rows if row.entry.conclusion == CreationConclusion.RECOMMENDED]
    lines = [
        f"根据《创建基层党组织建设先进单位实施方案》，{township}党委于{creation_round.year}年5月中下旬，"
        f"结合党建工作考核，按自检自查、统一考核、综合评价、形成工作总结的程序，"
        f"对{len(rows)}个党支部（总支）的创建工作进行了检查验收。",
        f"经综合评价，拟命名{len(named)}个党支部（总支）为“基层党组织建设先进党支部（总支）”："
        f"{'、'.join(named) or '无'}。",
        "各党支部（总支）要巩固创建成果，对照考核中发现的问题认真整改；"
        "获得荣誉称号的党组织实行动态管理，新一轮评选时需重新申报。",
    ]
    return "\n".join(lines)


def creation_results_docx(creation_round, rows) -> bytes:
    """The results list: the summary, then each branch's scores, rank and conclusion."""
    document = official_document()
    add_title(document, f"{creation_round_title(creation_round)}考核结果")
    for line in creation_round.summary.splitlines():
        if line.strip():
            add_paragraph(document, line.strip(), indent=True)
    table = document.add_table(rows=1, cols=len(RESULT_COLUMNS))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, name in zip(table.rows[0].cells, RESULT_COLUMNS, strict=True):
        add_text(cell.paragraphs[0], name, HEITI, TABLE_PT)
    for number, row in enumerate(rows, start=1):
        values = [
            str(number),
            row.entry.unit.name,
            _score(row.self_totals),
            _score(row.totals),
            str(row.rank or "—"),
            CONCLUSIONS[row.entry.conclusion],
        ]
        for cell, value in zip(table.add_row().cells, values, strict=True):
            add_text(cell.paragraphs[0], value, FANGSONG, TABLE_PT)
    for table_row in table.rows:
        for index, (cell, width) in enumerate(zip(table_row.cells, RESULT_WIDTHS, strict=True)):
            cell.width = width
            if index != 1:
                cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
    day = creation_round.approved_on or timezone.localdate()
    add_signature(document, f"{short_name(creation_round.township)}创先争优活动领导小组", day)
    return document_bytes(document)
