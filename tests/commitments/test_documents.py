"""The commitment letter's Word file and the ledger's row heights, opened back."""

from __future__ import annotations

import datetime
import io
import math
import unicodedata

import openpyxl
from django.urls import reverse
from docx import Document

from commitments.ledger import write_ledger
from commitments.models import CommitmentLetter


def assert_official_page(document) -> None:
    """A4 with the margins of GB/T 9704 on every section."""
    for section in document.sections:
        assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
        margins = [section.top_margin, section.bottom_margin, section.left_margin, section.right_margin]
        assert [round(margin.mm) for margin in margins] == [37, 35, 28, 26]


def letter_document(client, letter) -> Document:
    response = client.get(reverse("commitments:letter_word", args=[letter.pk]))
    assert response.status_code == 200
    return Document(io.BytesIO(response.content))


def test_branch_letter_has_the_page_labels_single_line_breaks_and_a_seal_line(
    client_for, units, make_commitment
):
    commitment = make_commitment(
        units["LS0101"],
        content="为孤寡老人每月上门服务一次",
        measures="第一步：走访登记\r\n第二步：结对帮扶\r\n第三步：回访",
        deadline=datetime.date(2026, 9, 7),
    )
    CommitmentLetter.objects.filter(pk=commitment.letter_id).update(signed_on=None)  # not signed yet
    client = client_for("secretary")
    document = letter_document(client, commitment.letter)
    assert_official_page(document)
    texts = [p.text for p in document.paragraphs]
    page = client.get(reverse("commitments:letter", args=[commitment.letter.pk])).content.decode()
    # The same labels as the web page.
    assert texts[1].startswith("承诺单位/承诺人：柳山村第一党支部") and "期间：" in texts[1]
    assert "承诺单位/承诺人：" in page and "期间：" in page
    assert "践诺措施：第一步：走访登记\n第二步：结对帮扶\n第三步：回访" in texts
    assert "完成时限：2026年9月7日" in texts
    assert texts[-2] == "承诺单位（盖章）：＿＿＿＿＿＿＿＿"
    assert texts[-1] == "日期：　　年　　月　　日"


def test_member_letter_is_signed_and_dated(client_for, units, own_member, make_commitment):
    commitment = make_commitment(units["LS0101"], member=own_member, content="带头参加志愿服务")
    CommitmentLetter.objects.filter(pk=commitment.letter_id).update(signed_on=datetime.date(2026, 3, 5))
    document = letter_document(client_for("secretary"), commitment.letter)
    assert_official_page(document)
    texts = [p.text for p in document.paragraphs]
    assert texts[1].startswith(f"承诺单位/承诺人：{own_member.name}（柳山村第一党支部）")
    assert texts[-2] == "承诺人（签名）：＿＿＿＿＿＿＿＿"
    assert texts[-1] == "日期：2026年3月5日"


def display_width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def test_ledger_rows_are_as_high_as_their_text(personas, units, period, make_commitment):
    short = make_commitment(units["LS0101"], content="短承诺甲")
    long_content = "组织党员为辖区孤寡老人上门服务，代办医保、缴费等事项，" * 6
    make_commitment(units["LS0101"], content=long_content)
    make_commitment(units["LS0101"], content="分行承诺乙", measures="走访\n登记\n帮扶\n回访\n总结")
    content = write_ledger(personas["office"], units["LS0101"], period)
    sheet = openpyxl.load_workbook(io.BytesIO(content)).worksheets[0]
    rows = {sheet.cell(row=r, column=4).value: r for r in range(3, sheet.max_row + 1)}
    heights = {text: sheet.row_dimensions[r].height for text, r in rows.items()}
    font_size = sheet.cell(row=rows[long_content], column=4).font.size
    content_width = sheet.column_dimensions["D"].width
    # Every line of the wrapped text has at least its font size of room.
    needed = math.ceil(display_width(long_content) / content_width)
    assert heights[long_content] >= needed * font_size
    assert heights["分行承诺乙"] >= 5 * font_size
    assert heights[short.content] >= font_size
    assert heights[short.content] < heights["分行承诺乙"] < heights[long_content]


def test_the_letter_page_and_its_word_file_sign_alike(client_for, units, make_commitment):
    letter = make_commitment(units["LS0101"], content="签名测试").letter
    page = client_for("secretary").get(reverse("commitments:letter", args=[letter.pk])).content.decode()
    assert "承诺单位（盖章）：" in page and "日期：" in page
