"""Writing Excel sheets that fit Chinese text."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Sequence
from typing import Any

from openpyxl.utils import get_column_letter


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
