"""Word and Excel files of information reports and of the submission circular, opened back."""

from __future__ import annotations

import datetime
import io
import unicodedata

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Mm
from PIL import Image

from core.attachments import check_upload
from core.services import attachment_add
from reports.exports import build_export, circular_docx
from reports.models import Category, Report


def assert_official_page(document) -> None:
    """A4 with the margins of GB/T 9704 on every section."""
    for section in document.sections:
        assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
        margins = [section.top_margin, section.bottom_margin, section.left_margin, section.right_margin]
        assert [round(margin.mm) for margin in margins] == [37, 35, 28, 26]


def photo(width: int, height: int) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (40, 120, 180)).save(buffer, "JPEG")
    return SimpleUploadedFile("现场.jpg", buffer.getvalue())


@pytest.fixture
def report(units, personas):
    return Report.objects.create(
        unit=units["LS0101"],
        title="柳山村开展环境整治",
        authors="张志强",
        category=Category.NEWS,
        body="党员带头清理沟渠。",
        author=personas["secretary"],
    )


def test_report_word_file_has_its_photos_within_the_text_width(client_for, personas, report):
    # A wide photo and a tall one: both must fit the text area of an A4 page.
    for upload in (photo(1600, 1200), photo(300, 1500)):
        attachment_add(
            owner=report, checked=check_upload(upload), name=upload.name, actor=personas["secretary"]
        )
    response = client_for("secretary").get(reverse("reports:word", args=[report.pk]))
    document = Document(io.BytesIO(response.content))
    assert_official_page(document)
    section = document.sections[-1]
    text_width = section.page_width - section.left_margin - section.right_margin
    text_height = section.page_height - section.top_margin - section.bottom_margin
    pictures = document.inline_shapes
    assert len(pictures) == 2
    for picture in pictures:
        assert picture.width <= text_width and picture.height <= text_height
    assert abs(pictures[0].width - text_width) < Mm(1)  # the wide one fills the width
    # Below the body: the last two paragraphs hold the pictures.
    texts = [p.text for p in document.paragraphs]
    assert texts.index("党员带头清理沟渠。") < len(texts) - 2
    assert all(p._p.xpath(".//pic:pic") for p in document.paragraphs[-2:])


def test_report_without_photos_has_no_picture(client_for, report):
    response = client_for("secretary").get(reverse("reports:word", args=[report.pk]))
    document = Document(io.BytesIO(response.content))
    assert_official_page(document)
    assert len(document.inline_shapes) == 0


def test_circular_word_file_is_signed_and_dated(client_for):
    response = client_for("office").get(reverse("reports:circular"), {"months": "2026-11", "format": "docx"})
    document = Document(io.BytesIO(response.content))
    assert_official_page(document)
    today = timezone.localdate()
    issuer, date = (p.text for p in document.paragraphs[-2:])
    assert issuer == "中共柳山镇委员会创先争优活动领导小组办公室"
    assert date == f"{today.year}年{today.month}月{today.day}日"
    assert all(p.alignment == WD_ALIGN_PARAGRAPH.RIGHT for p in document.paragraphs[-2:])


def test_circular_date_has_no_zero_padding(db):
    content = circular_docx(
        "中共柳山镇委员会",
        datetime.date(2026, 9, 1),
        datetime.date(2026, 9, 30),
        [],
        issued_on=datetime.date(2026, 9, 7),
    )
    document = Document(io.BytesIO(content))
    assert document.paragraphs[-1].text == "2026年9月7日"


def display_width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def test_circular_workbook_columns_fit_their_contents(personas):
    _name, content = build_export(personas["office"], month="2026-11")
    sheet = openpyxl.load_workbook(io.BytesIO(content)).worksheets[0]
    assert sheet["A2"].value == "序号" and sheet["B2"].value == "党支部"
    names = [sheet.cell(row=r, column=2).value for r in range(3, sheet.max_row + 1)]
    assert len(names) == 12
    number_width = sheet.column_dimensions["A"].width
    name_width = sheet.column_dimensions["B"].width
    assert number_width <= 8
    assert name_width >= max(display_width(name) for name in names)


def test_circular_workbook_keeps_its_print_look(personas):
    """Written with a write-only print workbook, the circular looks as it always did."""
    _name, content = build_export(personas["office"], month="2026-09:2026-11")
    sheet = openpyxl.load_workbook(io.BytesIO(content)).worksheets[0]
    assert sheet.title == "报送情况"
    last = openpyxl.utils.get_column_letter(7 + 6)  # the 7 columns and 6 reporting days
    assert [str(merged) for merged in sheet.merged_cells.ranges] == [f"A1:{last}1"]
    title = sheet["A1"]
    assert (title.font.name, title.font.size, title.font.bold) == ("宋体", 14, True)
    assert title.alignment.horizontal == "center"
    assert sheet[f"{last}2"].value == "11月30日" and sheet[f"{last}2"].font.bold
    for cell in [sheet["A2"], sheet[f"{last}2"], sheet["B3"], sheet.cell(row=sheet.max_row, column=13)]:
        assert cell.border.left.style == cell.border.bottom.style == "thin"
        assert (cell.alignment.horizontal, cell.alignment.vertical) == ("center", "center")
    assert not sheet["B3"].font.bold
    assert {sheet.cell(row=3, column=c).value for c in range(8, 14)} <= {"√", "补", "×", None}
    assert sheet.freeze_panes == "C3"
    assert sheet.print_title_rows == "$2:$2"
    assert (sheet.page_setup.orientation, sheet.page_setup.paperSize) == ("landscape", 9)
