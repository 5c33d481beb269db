"""整改通知书 and 督查通报 as Word files, read back with python-docx: the official page, the
fonts and sizes of the title and the body, the number, the items and the tear-off 回执."""

from __future__ import annotations

import datetime
import io

import docx
import pytest
from django.utils import timezone
from docx.oxml.ns import qn
from docx.shared import Pt

from branches.models import LeadingGroupMember
from core.dates import long_date
from inspections.documents import chinese_number, circular_docx, notice_docx
from inspections.models import Circular
from inspections.services import circular_decide, circular_issue, circular_save, circular_submit
from tests.inspections.test_ledger import issue_notice, make_group


def _read(content: bytes):
    return docx.Document(io.BytesIO(content))


def _east_asian(run) -> str | None:
    fonts = run._element.rPr.rFonts
    return fonts.get(qn("w:eastAsia")) if fonts is not None else None


def _paragraph(document, text: str):
    return next(p for p in document.paragraphs if p.text == text)


def _assert_official_page(document) -> None:
    """A4 with the margins of GB/T 9704 on every section (Word keeps lengths in twips)."""
    for section in document.sections:
        assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
        margins = [section.top_margin, section.bottom_margin, section.left_margin, section.right_margin]
        assert [round(margin.mm) for margin in margins] == [37, 35, 28, 26]


def _assert_title(document, text: str) -> None:
    title = _paragraph(document, text)
    assert title.alignment == docx.enum.text.WD_ALIGN_PARAGRAPH.CENTER
    for run in title.runs:
        assert run.font.name == "宋体" and _east_asian(run) == "宋体"
        assert run.font.size == Pt(22) and run.font.bold


def _assert_body(paragraph) -> None:
    for run in paragraph.runs:
        assert run.font.name == "仿宋" and _east_asian(run) == "仿宋"
        assert run.font.size == Pt(16) and not run.font.bold


@pytest.fixture
def notice(units, personas):
    group = make_group(units, personas)
    deadline = timezone.localdate() + datetime.timedelta(days=15)
    return issue_notice(
        group,
        units["LS0101"],
        personas["inspector"],
        ["党员活动记录不全", "党费收缴台账缺页"],
        deadline=deadline,
    )


def test_the_notice_is_on_the_official_page_with_its_title_and_number(notice):
    document = _read(notice_docx(notice))
    _assert_official_page(document)
    _assert_title(document, "整改通知书")
    texts = [p.text for p in document.paragraphs]
    assert texts[0] == notice.label and notice.label.startswith("柳督改〔")
    assert texts.index(notice.label) < texts.index("整改通知书") < texts.index("柳山村第一党支部：")


def test_the_notice_lists_each_problem_with_its_demand_and_deadline(notice):
    document = _read(notice_docx(notice))
    texts = [p.text for p in document.paragraphs]
    inspection = notice.inspection
    opening = next(t for t in texts if t.startswith(long_date(inspection.date)))
    assert "B测试组" in opening and "定期检查" in opening and "听汇报" in opening
    first, second = notice.rectifications.order_by("pk")
    start = texts.index("一、存在问题：党员活动记录不全")
    assert texts[start + 1] == f"整改要求：{first.demand}"
    assert texts[start + 2] == f"整改时限：{long_date(first.deadline)}前"
    assert texts[start + 3] == "二、存在问题：党费收缴台账缺页"
    closing = next(t for t in texts if "书面回复" in t)
    assert long_date(second.deadline) in closing
    for paragraph in document.paragraphs[texts.index("柳山村第一党支部：") : texts.index(closing) + 1]:
        _assert_body(paragraph)
    issuer, dated = (
        _paragraph(document, "中共柳山镇委员会"),
        _paragraph(document, long_date(notice.issued_on)),
    )
    right = docx.enum.text.WD_ALIGN_PARAGRAPH.RIGHT
    assert issuer.alignment == right and dated.alignment == right
    assert texts.index(closing) < texts.index("中共柳山镇委员会") < texts.index(long_date(notice.issued_on))


def test_the_notice_ends_with_a_tear_off_receipt(notice):
    document = _read(notice_docx(notice))
    texts = [p.text for p in document.paragraphs]
    tear = next(i for i, t in enumerate(texts) if "沿此线剪下" in t)
    assert tear > texts.index(long_date(notice.issued_on))
    receipt = _paragraph(document, "回执")
    assert all(run.font.bold for run in receipt.runs) and texts.index("回执") > tear
    (table,) = document.tables
    rows = [[cell.text for cell in row.cells] for row in table.rows]
    assert rows == [
        ["通知书编号", notice.label],
        ["整改单位", "柳山村第一党支部"],
        ["签收人", ""],
        ["签收日期", "　　年　　月　　日"],
        ["整改措施及结果", ""],
    ]
    for row in table.rows:
        for cell in row.cells:
            for run in cell.paragraphs[0].runs:
                assert run.font.name == "仿宋" and _east_asian(run) == "仿宋"


@pytest.fixture
def circular(units, personas):
    group = make_group(units, personas)
    LeadingGroupMember.objects.get_or_create(
        unit=units["LS"], user=personas["leader"], defaults={"name": "B测试组长", "post": "member"}
    )
    month = timezone.localdate().replace(day=1)
    circular = circular_save(
        actor=personas["inspector"],
        circular=Circular(
            township=units["LS"],
            group=group,
            month=month,
            title=f"关于{month.year}年{month.month}月督查情况的通报",
            body="一、基本情况\r\n本月共督查党支部 2 个。\r\n\r\n二、存在问题\n个别支部记录不全。",
        ),
    )
    circular_submit(actor=personas["inspector"], circular=circular)
    circular_decide(actor=personas["leader"], circular=circular, approve=True)
    return circular_issue(actor=personas["inspector"], circular=circular)


def test_the_circular_is_on_the_official_page_with_its_text_line_by_line(circular):
    document = _read(circular_docx(circular))
    _assert_official_page(document)
    _assert_title(document, circular.title)
    texts = [p.text for p in document.paragraphs]
    assert texts[0] == circular.label and circular.label.startswith("柳督通〔")
    start = texts.index("各党支部：")
    assert texts[start + 1 : start + 5] == [
        "一、基本情况",
        "本月共督查党支部 2 个。",
        "二、存在问题",
        "个别支部记录不全。",
    ]
    for paragraph in document.paragraphs[start : start + 5]:
        _assert_body(paragraph)
    issued = long_date(timezone.localtime(circular.issued_at).date())
    assert texts.index("柳山镇创先争优活动领导小组办公室") + 1 == texts.index(issued)
    assert any(t.startswith("分送：") and "各党支部" in t for t in texts)


def test_items_are_numbered_in_chinese():
    assert [chinese_number(n) for n in (1, 9, 10, 11, 20, 25)] == ["一", "九", "十", "十一", "二十", "二十五"]
