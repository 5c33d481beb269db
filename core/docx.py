"""Word documents in the fonts of Chinese official documents."""

from __future__ import annotations

import io

from docx.oxml.ns import qn
from docx.shared import Pt


def east_asian_font(run, name: str, size: float, *, bold: bool = False) -> None:
    """Word picks Chinese glyphs from w:eastAsia, not from the plain font name."""
    run.font.name = name
    run.font.size = Pt(size)
    run.font.bold = bold
    fonts = run._element.get_or_add_rPr().get_or_add_rFonts()
    fonts.set(qn("w:eastAsia"), name)


def document_bytes(document) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
