"""The 登记表 (附件四/五) and the compilation as Word files, read back with python-docx."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from docx import Document
from docx.oxml.ns import qn
from docx.shared import Pt

from branches.models import Member
from reviews.documents import BRANCH_TITLE, MEMBER_TITLE
from reviews.models import ReviewKind
from reviews.services import round_compilation_save
from tests.reviews.access_reviews import in_ten_days, make_review, make_round

pytestmark = pytest.mark.django_db


@pytest.fixture
def review_round(personas, units):
    return make_round(personas, units)


def _document(response) -> Document:
    assert response.status_code == 200
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.wordprocessingml"
    )
    return Document(io.BytesIO(response.content))


def _east_asian(run) -> str:
    return run._element.rPr.rFonts.get(qn("w:eastAsia"))


def _table_text(document) -> dict[str, str]:
    rows = {}
    for table in document.tables:
        for row in table.rows:
            label, value = (cell.text for cell in row.cells)
            rows.setdefault(label, value)
    return rows


def test_branch_sheet_prints_as_attachment_four(client_for, personas, units, review_round):
    review = make_review(
        personas["leader"],
        review_round,
        units["LS0101"],
        method="concentrated",
        meeting_on=review_round.period_obj.start,
        meeting_place="村部会议室",
        public_representatives="王大妈、李大爷",
        demands=[("台账不规范", "规范台账", in_ten_days())],
        sign=True,
    )
    document = _document(client_for("secretary").get(reverse("reviews:review_word", args=[review.pk])))
    section = document.sections[0]
    assert round(section.page_width.mm) == 210 and round(section.page_height.mm) == 297
    title = document.paragraphs[0]
    assert title.text == BRANCH_TITLE
    run = title.runs[0]
    assert run.font.size == Pt(22) and run.font.bold and _east_asian(run) == "宋体"
    cells = [cell for table in document.tables for row in table.rows for cell in row.cells]
    body_runs = [run for cell in cells for paragraph in cell.paragraphs for run in paragraph.runs]
    assert body_runs and all(run.font.size == Pt(16) and _east_asian(run) == "仿宋" for run in body_runs)
    rows = _table_text(document)
    assert rows["被点评党组织"] == "柳山村第一党支部"
    assert rows["点评人"] == "李建国"
    assert rows["点评方式"] == "集中点评"
    assert "村部会议室" in rows["会议时间地点"]
    assert rows["邀请群众代表"] == "王大妈、李大爷"
    assert "兑现公开承诺" in rows["点评内容二"] or "公开承诺" in rows["点评内容二"]
    assert rows["肯定成绩"] == "活动扎实，成效明显"
    assert "台账不规范" in rows["整改要求"] and "前整改到位" in rows["整改要求"]


def test_member_sheet_prints_as_attachment_five(client_for, personas, units, review_round):
    own = Member.objects.get(user=personas["member"])
    review = make_review(
        personas["secretary"], review_round, units["LS0101"], kind=ReviewKind.MEMBER, member=own, sign=True
    )
    document = _document(client_for("member").get(reverse("reviews:review_word", args=[review.pk])))
    assert document.paragraphs[0].text == MEMBER_TITLE
    rows = _table_text(document)
    assert rows["被点评党员"] == own.name
    assert rows["所在党组织"] == "柳山村第一党支部"
    assert "急难险重" in rows["点评内容一"]


def test_branch_file_holds_every_signed_sheet_of_the_branch(client_for, personas, units, review_round):
    own = Member.objects.get(user=personas["member"])
    secretary = Member.objects.get(user=personas["secretary"])
    make_review(personas["leader"], review_round, units["LS0101"], sign=True)
    make_review(
        personas["leader"],
        review_round,
        units["LS0101"],
        kind=ReviewKind.SECRETARY,
        member=secretary,
        sign=True,
    )
    make_review(
        personas["secretary"], review_round, units["LS0101"], kind=ReviewKind.MEMBER, member=own, sign=True
    )
    url = reverse("reviews:branch_word", args=[review_round.pk, units["LS0101"].pk])
    document = _document(client_for("office").get(url))
    titles = [p.text for p in document.paragraphs if p.text in (BRANCH_TITLE, MEMBER_TITLE)]
    assert titles == [BRANCH_TITLE, BRANCH_TITLE, MEMBER_TITLE]
    assert len(document.tables) == 3
    first_cells = [table.rows[0].cells[0].text for table in document.tables]
    assert first_cells == ["被点评党组织", "被点评书记", "被点评党员"]


def test_branch_file_leaves_out_drafts(client_for, personas, units, review_round):
    make_review(personas["leader"], review_round, units["LS0101"])
    url = reverse("reviews:branch_word", args=[review_round.pk, units["LS0101"].pk])
    document = _document(client_for("office").get(url))
    assert not document.tables


def test_compilation_prints_in_the_official_format(client_for, personas, units, review_round):
    round_compilation_save(
        actor=personas["office"], review_round=review_round, compilation="第一段\n第二段", publish=True
    )
    document = _document(
        client_for("secretary").get(reverse("reviews:round_compile_word", args=[review_round.pk]))
    )
    title = document.paragraphs[0]
    assert "柳山镇" in title.text and "领导点评情况" in title.text
    assert title.runs[0].font.size == Pt(22) and _east_asian(title.runs[0]) == "宋体"
    texts = [p.text for p in document.paragraphs]
    assert "第一段" in texts and "第二段" in texts
    body = next(p for p in document.paragraphs if p.text == "第一段")
    assert body.runs[0].font.size == Pt(16) and _east_asian(body.runs[0]) == "仿宋"
    assert "柳山镇创先争优活动领导小组办公室" in texts


def test_sheet_page_prints_the_form(client_for, personas, units, review_round):
    review = make_review(personas["leader"], review_round, units["LS0101"], sign=True)
    body = client_for("office").get(reverse("reviews:review", args=[review.pk])).content.decode()
    assert BRANCH_TITLE in body and "肯定成绩" in body and "点评人签字" in body
