"""Writing Excel sheets that fit Chinese text."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Sequence
from copy import copy
from typing import Any

from openpyxl.cell import WriteOnlyCell
from openpyxl.utils import get_column_letter

from accounts.validators import FORMULA_PREFIXES

_WIDE = frozenset("WF")
# Points per line of a wrapped cell, as a multiple of its font size, and the cell's padding:
# a margin above Excel's own 14.25 pt rows for 宋体 11 pt (1.3×), so no program cuts a line.
LINE_SPACING, ROW_PADDING = 1.4, 4


def display_width(value: Any) -> int:
    """Columns a value takes: East Asian wide characters count as two."""
    text = "" if value is None else str(value)
    if text.isascii():
        return len(text)
    # map() over C functions: the ledger measures every cell of 50,000 rows.
    return len(text) + sum(map(_WIDE.__contains__, map(unicodedata.east_asian_width, text)))


def row_height(values: Sequence[Any], widths: Sequence[float], *, font_size: float) -> float:
    """Points a row of wrapping cells needs so that no text hides or overlaps when printed.

    Written with the file, so that the sheet does not depend on a program measuring rows
    as it opens it: without a height, a row of a generated file keeps one line's height.
    Written for speed: the ledger measures every cell of 50,000 rows.
    """
    lines = 1
    for value, width in zip(values, widths, strict=True):
        text = "" if value is None else str(value)
        per_line = max(1, int(width) - 1)  # a character's worth goes to the cell's padding
        if "\n" in text:
            count = sum(max(1, -(-display_width(line) // per_line)) for line in text.split("\n"))
        elif 2 * len(text) <= per_line:  # no text is wider than twice its length
            continue
        else:
            count = -(-display_width(text) // per_line)
        lines = max(lines, count)
    return round(lines * font_size * LINE_SPACING + ROW_PADDING, 1)


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
