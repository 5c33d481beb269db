"""Word documents on the official page (GB/T 9704), in the fonts of Chinese official documents."""

from __future__ import annotations

import io

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.image.image import Image
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

# A4 with the margins of 党政机关公文格式 (GB/T 9704): every Word file of the portal prints alike.
PAGE_WIDTH, PAGE_HEIGHT = Mm(210), Mm(297)
TOP_MARGIN, BOTTOM_MARGIN, LEFT_MARGIN, RIGHT_MARGIN = Mm(37), Mm(35), Mm(28), Mm(26)


def official_document():
    """A new Word document on the official page; build every Word file from this."""
    document = Document()
    for section in document.sections:
        official_page(section)
    return document


def official_page(section) -> None:
    """Set a section (including any a document adds later) to the official page."""
    section.page_width, section.page_height = PAGE_WIDTH, PAGE_HEIGHT
    section.top_margin, section.bottom_margin = TOP_MARGIN, BOTTOM_MARGIN
    section.left_margin, section.right_margin = LEFT_MARGIN, RIGHT_MARGIN


def add_picture(document, blob: bytes) -> None:
    """A centred photo as wide as the text, or as tall as the page's text area if it is taller."""
    section = document.sections[-1]
    text_width = section.page_width - section.left_margin - section.right_margin
    text_height = section.page_height - section.top_margin - section.bottom_margin
    image = Image.from_blob(blob)
    scale = min(text_width / image.width, text_height / image.height)
    paragraph = document.add_paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    paragraph.add_run().add_picture(
        io.BytesIO(blob), width=int(image.width * scale), height=int(image.height * scale)
    )


def east_asian_font(run, name: str, size: float, *, bold: bool = False) -> None:
    """Word picks Chinese glyphs from w:eastAsia, not from the plain font name."""
    run.font.name = name
    run.font.size = Pt(size)
    run.font.bold = bold
    fonts = run._element.get_or_add_rPr().get_or_add_rFonts()
    fonts.set(qn("w:eastAsia"), name)


def add_text(paragraph, text: str, font: str, size: float, *, bold: bool = False):
    """A run of `text` whose typed line breaks stay single.

    Text from a browser ends its lines with CR LF, and python-docx makes a break of each.
    """
    run = paragraph.add_run()
    for number, line in enumerate(text.splitlines()):
        if number:
            run.add_break()
        run.add_text(line)
    east_asian_font(run, font, size, bold=bold)
    return run


def document_bytes(document) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
