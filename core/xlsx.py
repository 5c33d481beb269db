"""Writing Excel sheets that fit Chinese text."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Sequence
from copy import copy
from typing import Any

from openpyxl.cell import WriteOnlyCell
from openpyxl.utils import get_column_letter

from accounts.validators import FORMULA_PREFIXES


def display_width(value: Any) -> int:
    """Columns a value takes: East Asian wide characters count as two."""
    text = "" if value is None else str(value)
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def fit_column_widths(sheet, rows: Iterable[Sequence[Any]], *, minimum: int = 6, maximum: int = 60) -> None:
    widths: dict[int, int] = {}
    for row in rows:
        for index, value in enumerate(row, start=1):
            widths[index] = max(widths.get(index, 0), display_width(value))
    for index, width in widths.items():
        sheet.column_dimensions[get_column_letter(index)].width = min(max(width + 2, minimum), maximum)


def set_text(cell, value: Any) -> None:
    """Put `value` in `cell` so that Excel and WPS show it as written and never run it.

    Text starting with = + - @ tab or CR (the prefixes `plain_text_validator` refuses) is
    stored as text with Excel's quote prefix, so editing the cell later does not run it
    either. A cell reused for many rows (the ledger's styled cells) is reset for the next.
    """
    cell.value = value
    formula_like = isinstance(value, str) and value.startswith(FORMULA_PREFIXES)
    if formula_like:
        cell.data_type = "s"
    if formula_like != bool(cell.quotePrefix):
        # openpyxl changes a cell's style in place, and a reused cell's style may already be
        # registered for rows written before: change a copy.
        cell._style = copy(cell._style)
        cell.quotePrefix = formula_like


def text_cell(sheet, value: Any) -> WriteOnlyCell:
    """A write-only cell holding `value` as `set_text` writes it."""
    cell = WriteOnlyCell(sheet)
    set_text(cell, value)
    return cell
