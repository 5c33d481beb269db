"""Writing Excel sheets that fit Chinese text, and the official print style of the ledgers."""

from __future__ import annotations

import datetime
import io
import time
import unicodedata
import zipfile
from collections.abc import Iterable, Sequence
from copy import copy
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import Cell, WriteOnlyCell
from openpyxl.drawing.spreadsheet_drawing import SpreadsheetDrawing
from openpyxl.styles import Alignment, Border, Font, NamedStyle, Side
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import WorkbookAlreadySaved
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from openpyxl.worksheet._writer import WorksheetWriter
from openpyxl.worksheet.page import PageMargins
from openpyxl.worksheet.worksheet import Worksheet
from openpyxl.writer.excel import ExcelWriter

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
    style = cell._style  # the style array itself: `cell.quotePrefix` costs a descriptor per cell
    if formula_like != bool(style is not None and style.quotePrefix):
        # openpyxl changes a cell's style in place, and a reused cell's style may already be
        # registered for rows written before: change a copy.
        cell._style = copy(cell._style)
        cell.quotePrefix = formula_like
        if isinstance(cell, _PrintCell):
            cell.style_id = cell.parent.parent._cell_styles.add(cell._style)


def text_cell(sheet, value: Any) -> WriteOnlyCell:
    """A write-only cell holding `value` as `set_text` writes it."""
    cell = WriteOnlyCell(sheet)
    set_text(cell, value)
    return cell


# ---------------------------------------------------------------------------------------
# The official print style of the ledgers (台账): one look for every ledger the portal writes.

THIN = Side(style="thin")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
WRAP = Alignment(wrap_text=True, vertical="center")
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
TITLE_FONT = Font(name="宋体", size=16, bold=True)
HEADER_FONT = Font(name="宋体", size=11, bold=True)
BODY_FONT = Font(name="宋体", size=10)
HEADER_ROWS = 2  # the title and the column names
TITLE_HEIGHT = 32

# Named styles, registered once per workbook: a cell then takes its style by name, which
# costs a fraction of assigning font, border and alignment objects cell by cell.
TITLE, HEADER, TEXT, CENTRED = "ledger-title", "ledger-header", "ledger-text", "ledger-center"
RATE, TOTAL, TOTAL_RATE = "ledger-rate", "ledger-total", "ledger-total-rate"
PRINT_STYLES = {
    TITLE: {"font": TITLE_FONT, "alignment": CENTER},
    HEADER: {"font": HEADER_FONT, "alignment": CENTER, "border": BORDER},
    TEXT: {"font": BODY_FONT, "alignment": WRAP, "border": BORDER},
    CENTRED: {"font": BODY_FONT, "alignment": CENTER, "border": BORDER},
    RATE: {"font": BODY_FONT, "alignment": CENTER, "border": BORDER, "number_format": "0.0%"},
    TOTAL: {"font": HEADER_FONT, "alignment": CENTER, "border": BORDER},
    TOTAL_RATE: {"font": HEADER_FONT, "alignment": CENTER, "border": BORDER, "number_format": "0.0%"},
}


class _PrintCell(Cell):
    """A cell of a print sheet, its style's number in the workbook kept with it.

    openpyxl looks the number up (hashing the cell's style) each time it writes a cell;
    `styled_cell` and `set_text` set it when the style changes instead.
    """

    __slots__ = ("style_id",)


class _PrintSheet(WriteOnlyWorksheet):
    """A write-only sheet that writes the cells appended to it as they are, into memory.

    openpyxl's own sheet first tries each appended cell as a value (an exception per cell)
    and makes a new cell for every styled cell it writes. With `_PrintCell`, this took the
    writing of 50,000 ledger rows from 2.0× to 1.4× the CPU time of a plain write-only dump
    (benchmarks/ledger_export.py). openpyxl also writes each sheet to a temporary file on
    disk, which it copies into the archive as it saves and then deletes: a county's 501
    sheets spent 1.8 s on the disk alone. A print sheet writes its XML into memory instead,
    and its `PrintWorkbook` compresses it into the file's archive as soon as the next sheet
    starts (`_finish`), so one sheet's XML at most is held uncompressed. Both lean on
    openpyxl 3.1's internals (`_values_to_row`, `_get_writer`, `_add_sheet`, `_cell_styles`,
    `ExcelWriter.write_worksheet`); the tests read the files back.
    """

    _archive_name = None

    def _values_to_row(self, values, row_idx):
        for column, value in enumerate(values, start=1):
            if value is None:
                continue
            cell = value if isinstance(value, Cell) else WriteOnlyCell(self, value)
            cell.row, cell.column = row_idx, column
            yield cell

    def append(self, row):
        if self.closed:  # openpyxl would raise StopIteration from its finished generator
            self._already_saved()
        super().append(row)

    def _get_writer(self):
        if self._writer is None and isinstance(self.parent, PrintWorkbook):
            self._writer = WorksheetWriter(self, out=io.BytesIO())
            self._writer.write_top()
        super()._get_writer()  # in another workbook, openpyxl's temporary file

    def _finish(self, archive: zipfile.ZipFile) -> None:
        """Close the sheet and compress its XML into `archive` under its part's name."""
        if not self.closed:
            self.close()
        if self._archive_name is not None:
            return
        self._archive_name = self.path[1:]
        out = self._writer.out
        with out.getbuffer() as xml:
            archive.writestr(_part_info(self._archive_name), xml)
        self._writer.out = None  # the XML is in the archive: let it go
        out.close()


class _Archive(zipfile.ZipFile):
    """The zip archive of a `PrintWorkbook`, in memory."""

    def __del__(self):
        # A workbook dropped unsaved (an export that failed) leaves nothing to flush, and its
        # buffer may be collected first: ZipFile would complain of a closed file.
        pass


def _part_info(name: str) -> zipfile.ZipInfo:
    """A part of the archive dated now, as `ZipFile.writestr` dates the parts openpyxl writes."""
    info = zipfile.ZipInfo(name, date_time=time.localtime(time.time())[:6])
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o600 << 16
    return info


class _PrintExcelWriter(ExcelWriter):
    """openpyxl's writer of a workbook, for print sheets already in the archive."""

    def write_worksheet(self, ws):
        if not isinstance(ws, _PrintSheet):
            return super().write_worksheet(ws)
        if ws._archive_name != ws.path[1:]:  # a sheet moved after it was written
            raise RuntimeError(f"sheet {ws.title!r} was written as {ws._archive_name}, not {ws.path[1:]}")
        ws._drawing = SpreadsheetDrawing()
        ws._drawing.charts = ws._charts
        ws._drawing.images = ws._images
        ws._rels = ws._writer._rels
        self.manifest.append(ws)
        return None


class PrintWorkbook(Workbook):
    """A write-only workbook of print sheets, built as a zip archive in memory as they are written.

    Its sheets are written one after another: starting a print sheet (`start_print_sheet`)
    finishes the one before, which cannot take rows any more. `save` writes the rest of the
    file (styles, the workbook part, the manifest) as openpyxl does.
    """

    def __init__(self) -> None:
        super().__init__(write_only=True)
        self._zip_buffer = io.BytesIO()
        self._archive = _Archive(self._zip_buffer, "w", zipfile.ZIP_DEFLATED, allowZip64=True)
        self._current: _PrintSheet | None = None
        # Per workbook, worked out once: a named style's style array and its number.
        self._print_styles: dict[str, tuple[Any, int]] = {}

    def _start(self, sheet: _PrintSheet) -> None:
        self._finish_current()
        self._add_sheet(sheet)
        sheet._id = len(self.worksheets)  # as openpyxl numbers its sheets as it saves
        self._current = sheet

    def _finish_current(self) -> None:
        if self._current is not None:
            self._current._finish(self._archive)
            self._current = None

    def save(self, filename) -> None:
        if self._archive.fp is None:
            raise WorkbookAlreadySaved("Workbook has already been saved and cannot be saved again.")
        if not self.worksheets:
            self.create_sheet()
        self._finish_current()
        self.properties.modified = datetime.datetime.now(tz=datetime.UTC).replace(tzinfo=None)
        _PrintExcelWriter(self, self._archive).save()  # closes the archive
        with self._zip_buffer.getbuffer() as data:
            if hasattr(filename, "write"):
                filename.write(data)
            else:
                with open(filename, "wb") as target:
                    target.write(data)


def print_workbook() -> PrintWorkbook:
    """A write-only workbook with the print style's named styles registered."""
    workbook = PrintWorkbook()
    for name, attributes in PRINT_STYLES.items():
        workbook.add_named_style(NamedStyle(name=name, **attributes))
    return workbook


def styled_cell(sheet, value: Any, style: str = TEXT) -> Cell:
    """A write-only cell in one of `PRINT_STYLES`, holding `value` as `set_text` writes it."""
    cell = _PrintCell(sheet)
    workbook = sheet.parent
    known = getattr(workbook, "_print_styles", {})
    if style in known:
        array, cell.style_id = known[style]
        cell._style = copy(array)
    else:
        cell.style = style  # first: a named style would reset the quote prefix
        cell.style_id = workbook._cell_styles.add(cell._style)
        known[style] = (copy(cell._style), cell.style_id)
    set_text(cell, value)
    return cell


def sheet_name(workbook: Workbook, name: str) -> str:
    """`name` as a sheet may be called (no []:*?/\\, 31 characters), unique in `workbook`."""
    clean = "".join("_" if ch in "[]:*?/\\" else ch for ch in name)[:28] or "Sheet"
    taken = set(workbook.sheetnames)
    candidate, number = clean, 2
    while candidate in taken:
        candidate, number = f"{clean[:25]}({number})", number + 1
    return candidate


def new_print_sheet(workbook: Workbook, name: str):
    """An empty print sheet of `workbook`, the one rows now go to (a `PrintWorkbook`'s sheets
    are written one after another): for a sheet with a layout of its own; `start_print_sheet`
    lays out the printed forms'."""
    sheet = _PrintSheet(parent=workbook, title=sheet_name(workbook, name))
    if isinstance(workbook, PrintWorkbook):
        workbook._start(sheet)
    else:
        workbook._add_sheet(sheet)
    return sheet


def cell_styled_as(sheet, value: Any, **attributes) -> Cell:
    """A write-only cell of a print sheet with its own style (font, border, alignment …, as
    openpyxl names them) rather than a named one, holding `value` as `set_text` writes it."""
    cell = _PrintCell(sheet)
    for name, attribute in attributes.items():
        setattr(cell, name, attribute)
    cell.style_id = sheet.parent._cell_styles.add(cell._style)
    set_text(cell, value)
    return cell


def start_print_sheet(
    workbook: Workbook,
    name: str,
    title: str,
    columns: Sequence[str],
    widths: Sequence[float],
    *,
    hidden_column: str | None = None,
    key: str = "",
):
    """A sheet of `workbook` laid out as a printed form: A4 landscape fitted to the width,
    the title merged over the columns, the column names repeated on every page and frozen.

    `hidden_column` names a hidden last column (a record number that lets a re-imported row
    find its record); `key` (say, the branch's code) is written in it on the title row, so
    that a re-imported sheet is known even where two branches share a name. Rows follow
    with `append_print_row`, from row `HEADER_ROWS + 1`.
    """
    sheet = new_print_sheet(workbook, name)
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    last = get_column_letter(len(columns))
    columns = list(columns)
    if hidden_column is not None:
        sheet.column_dimensions[get_column_letter(len(columns) + 1)].hidden = True
        columns = [*columns, hidden_column]
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = Worksheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.page_margins = PageMargins(left=0.5, right=0.5, top=0.6, bottom=0.6)
    sheet.print_title_rows = f"{HEADER_ROWS}:{HEADER_ROWS}"
    sheet.print_options.horizontalCentered = True
    sheet.freeze_panes = f"A{HEADER_ROWS + 1}"
    sheet.print_area = f"A1:{last}1048576"
    sheet.merged_cells.add(f"A1:{last}1")
    sheet.row_dimensions[1].height = TITLE_HEIGHT
    title_row = [styled_cell(sheet, title, TITLE)]
    if key:
        title_row += [None] * (len(columns) - 2) + [styled_cell(sheet, key)]
    sheet.append(title_row)
    sheet.append([styled_cell(sheet, column, HEADER) for column in columns])
    return sheet


def print_row_cells(sheet, styles: Sequence[str]) -> tuple[list[Cell], dict[str, str]]:
    """The styled cells and the row attributes that carry every row of a sheet (`append_print_row`)."""
    return [styled_cell(sheet, None, style) for style in styles], {"ht": "", "customHeight": "1"}


def append_print_row(
    sheet, cells: Sequence[Cell], dimension: dict[str, str], values, row: int, widths
) -> None:
    """Write row number `row` through styled cells made once per sheet, as high as its text.

    A write-only sheet writes an appended row at once, so the same styled cells, and the
    same row attributes, can carry every row: styling 50,000 rows × 9 cells one by one would
    triple the export's time, and 50,000 row dimensions would stay in memory. The row's
    height goes in as the attributes openpyxl would write for a `RowDimension`, which its
    writer only iterates (a `RowDimension` computes its ten fields for every row). Only the
    first `len(widths)` values (the printed columns) count for the row's height.
    """
    for cell, value in zip(cells, values, strict=True):
        set_text(cell, value)
    dimension["ht"] = f"{row_height(values[: len(widths)], widths, font_size=BODY_FONT.size):.16g}"
    sheet.row_dimensions[row] = dimension
    sheet.append(cells)
    del sheet.row_dimensions[row]
