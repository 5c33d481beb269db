"""Ledger imports from Excel: one reader, one registry, one all-or-nothing run.

Each domain app declares its ledgers (columns, a django-import-export resource built
for the importing user, who may import) with `register`; the pages in `core.views`
and `manage.py import_ledger` run them through `run_import`, so the command line and
the browser refuse exactly the same files.

A small .xlsx can unpack to gigabytes or declare millions of rows, so the work is bounded
by what is in the file: each zip member's unpacked size and packing ratio are checked
before openpyxl opens it, every row read counts against the row limit (empty ones too),
only the first MAX_COLUMNS columns are read, and one run parses the file once.
"""

from __future__ import annotations

import datetime
import io
import itertools
import re
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import IO, Any

import openpyxl
import tablib
from django.core.exceptions import NON_FIELD_ERRORS
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from import_export import resources, widgets
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from core.xlsx import text_cell

OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_SIGNATURE = b"PK\x03\x04"
ENCRYPTION_STREAM = "EncryptionInfo".encode("utf-16-le")
HEADER_SEARCH_ROWS = 10
PREVIEW_ROWS = 200
# The widest template has 9 columns; cells further right are not read, like columns without a heading.
MAX_COLUMNS = 30

MiB = 1024 * 1024
# Unpacked bytes per zip member. openpyxl streams the sheet but loads the other parts whole,
# at up to 16 times their size in memory (a workbook.xml of 16 MB of names took 257 MB) and
# 27 times for xl/styles.xml (4 MB took 107 MB). A 20,000-row roster's sheet unpacks to 8 MB.
MAX_PART_BYTES = 12 * MiB
MAX_STYLES_BYTES = 2 * MiB
MAX_UNPACKED_BYTES = 32 * MiB
# Real sheets pack 5 to 20 times (measured); a run of identical empty rows packs hundreds of times.
MAX_PACKING_RATIO = 100
RATIO_CHECKED_FROM = 1 * MiB

# Full-width ASCII (０１２, －, ／, ．) as typed with a Chinese input method, to half-width.
_FULLWIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}


def to_halfwidth(text: str) -> str:
    return text.translate(_FULLWIDTH)


class WorkbookError(Exception):
    """The whole file is refused; the message says why, for the person who uploaded it."""


class SheetError(Exception):
    """A sheet of a several-sheet file is refused (whose it is cannot be told); the rest is still checked."""


@dataclass(frozen=True, order=True)
class CellError:
    row: int
    column: str
    message: str
    sheet: str = ""


def describe(error: CellError, *, sheets: bool) -> str:
    """Where an error is and what it is, on one line: the sheet is named when the file has several."""
    where = _("row %(row)d") % {"row": error.row} if error.row else _("file")
    if sheets and error.sheet:
        where = _("sheet “%(sheet)s” %(where)s") % {"sheet": error.sheet, "where": where}
    column = f" {error.column}" if error.column else ""
    return f"{where}{column}：{error.message}"


@dataclass
class SheetReport:
    title: str
    header_row: int
    # Every row of the sheet as read, from row 1: the annotated copy is written from them.
    rows: list[tuple[Any, ...]]
    total: int
    preview: list[tuple[int, list[Any], list[CellError]]] = field(default_factory=list)


@dataclass
class ImportReport:
    total: int
    errors: list[CellError]
    sheets: list[SheetReport] = field(default_factory=list)
    saved: int = 0
    unchanged: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def several_sheets(self) -> bool:
        return len(self.sheets) > 1


_DATE_PATTERNS = (
    re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$"),
    re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日?$"),
)


def parse_date(value: Any) -> datetime.date | None:
    """A date as Excel stores it or as people type it: 2026-06-30, 2026/6/30, 2026年6月30日, 2026.6.30."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    text = to_halfwidth(str(value)).strip()
    text = re.sub(r"\s+00:00(:00)?$", "", text)
    for pattern in _DATE_PATTERNS:
        match = pattern.match(text)
        if match:
            try:
                return datetime.date(*(int(part) for part in match.groups()))
            except ValueError:
                break
    raise ValueError(
        _("“%(value)s” is not a date; write it as 2026-06-30, 2026/6/30 or 2026年6月30日.") % {"value": value}
    )


class DateWidget(widgets.Widget):
    def clean(self, value, row=None, **kwargs):
        return parse_date(value)

    def render(self, value, obj=None, **kwargs):
        return value.isoformat() if value else ""


class TextWidget(widgets.CharWidget):
    def clean(self, value, row=None, **kwargs):
        return "" if value is None else str(value).strip()


class CodeWidget(TextWidget):
    """Codes and phone numbers, typed in full-width digits as often as not."""

    def clean(self, value, row=None, **kwargs):
        if isinstance(value, float) and value.is_integer():
            value = int(value)  # a phone number Excel stored as a number
        return to_halfwidth(super().clean(value, row, **kwargs)).strip()


class ChoiceWidget(widgets.Widget):
    """A choice written as its Chinese label (书记), as people fill the form."""

    def __init__(self, choices, *, blank: bool = False):
        super().__init__()
        self.choices = choices
        self.blank = blank

    def clean(self, value, row=None, **kwargs):
        text = "" if value is None else str(value).strip()
        if not text and self.blank:
            return ""
        for key, label in self.choices:
            if text in (str(label), key):
                return key
        raise ValueError(
            _("“%(value)s” is not one of: %(choices)s.")
            % {"value": text, "choices": "、".join(str(label) for _key, label in self.choices)}
        )

    def render(self, value, obj=None, **kwargs):
        return str(dict(self.choices).get(value, value or ""))


class ScopedForeignKeyWidget(widgets.Widget):
    """Finds a related row by its code among the rows the importing user may write.

    A code outside the user's scope reads as unknown: an import can neither attach
    rows to another township's units nor learn that they exist.
    """

    def __init__(self, queryset, lookup: str, unknown_message: str):
        super().__init__()
        self.queryset = queryset
        self.lookup = lookup
        self.unknown_message = unknown_message
        self.found: dict[str, Any] = {}

    def clean(self, value, row=None, **kwargs):
        text = "" if value is None else to_halfwidth(str(value)).strip()
        if not text:
            return None
        found = self.found.get(text)
        if found is None:
            # Not cached when missing: a row earlier in the same file may create it.
            found = self.queryset.filter(**{self.lookup: text}).first()
            if found is None:
                raise ValueError(self.unknown_message % {"value": text})
            self.found[text] = found
        return found

    def render(self, value, obj=None, **kwargs):
        return getattr(value, self.lookup, "") if value else ""


@dataclass(frozen=True)
class Ledger:
    kind: str
    label: str
    columns: tuple[str, ...]
    # Columns that identify a row: two rows of one file with the same values are duplicates.
    key_columns: tuple[str, ...]
    example: tuple[Any, ...]
    # resource(user, **options): a django-import-export resource scoped to the importing user.
    resource: Callable[..., resources.ModelResource]
    may_import: Callable[[Any], bool]
    done_url: str
    # Read when present, never required (a hidden record number, say).
    optional_columns: tuple[str, ...] = ()
    # Official forms carry a title above the header row; rosters start with the header.
    title_rows: bool = False
    # A form asking what the file is for (a branch, a period); its cleaned data are the options.
    options_form: type | None = None
    # When the form is left empty, every sheet says what it is for: sheet_options(user, head)
    # gives a sheet's options from its first rows (values), None for a sheet that is not one
    # of the ledger's (a summary), or raises SheetError (whose it is cannot be told).
    sheet_options: Callable[[Any, list[tuple[Any, ...]]], dict | None] | None = None


_LEDGERS: dict[str, Ledger] = {}


def register(ledger: Ledger) -> Ledger:
    _LEDGERS[ledger.kind] = ledger
    return ledger


def get_ledger(kind: str) -> Ledger | None:
    return _LEDGERS.get(kind)


def ledgers() -> list[Ledger]:
    return list(_LEDGERS.values())


def _cell_text(value: Any) -> str:
    return "" if value is None else str(value).strip()


@dataclass
class SheetRows:
    header_row: int
    columns: list[str]  # required and present optional columns, in ledger order
    rows: list[tuple[int, dict[str, Any]]]
    errors: list[CellError]
    cells: list[tuple[Any, ...]]  # every row read, from row 1, as values
    title: str
    # What the sheet says it is for (several-sheet files); None when it was refused.
    options: dict | None = None


Recognise = Callable[[list[tuple[Any, ...]]], dict | None]


def read_sheets(
    fileobj: IO[bytes], ledger: Ledger, *, max_rows: int, recognise: Recognise | None = None
) -> list[SheetRows]:
    """Rows of the first sheet, or of every sheet `recognise` takes, as {column: value} with row numbers.

    Raises WorkbookError for a file that cannot be taken at all; returns cell errors
    (formulas, a sheet refused by `recognise`) alongside the rows so that the preview can
    name every one. Rows of all sheets together count against `max_rows`.
    """
    head = fileobj.read(8)
    fileobj.seek(0)
    if head.startswith(OLE_SIGNATURE):
        if ENCRYPTION_STREAM in fileobj.read():
            raise WorkbookError(
                _(
                    "The file is password-protected. Remove the password in Excel or WPS, "
                    "save it as .xlsx and upload it again."
                )
            )
        raise WorkbookError(
            _("This is an old-style .xls file. Save it as .xlsx in Excel or WPS and upload it again.")
        )
    if not head.startswith(ZIP_SIGNATURE):
        raise WorkbookError(
            _("The file is not an Excel workbook (.xlsx). Download the template and fill it in.")
        )
    try:
        _check_package(fileobj)
        sheets = _read_workbook(fileobj, ledger, max_rows=max_rows, recognise=recognise)
    except WorkbookError:
        raise
    except Exception as exc:  # openpyxl raises a dozen kinds of errors for a broken file
        raise WorkbookError(
            _("The file is damaged and cannot be read. Open it in Excel or WPS, save it again and upload it.")
        ) from exc
    if not sheets:
        raise WorkbookError(_("No sheet of the file is a ledger to import."))
    if not any(sheet.rows for sheet in sheets):
        raise WorkbookError(_("The file has a header row but no data rows."))
    return sheets


def _check_package(fileobj: IO[bytes]) -> None:
    """Refuse a workbook that unpacks to more than any ledger, before anything parses it.

    zipfile never unpacks a member past the size its directory declares, so the declared
    sizes bound what openpyxl can be made to read.
    """
    with zipfile.ZipFile(fileobj) as archive:
        members = archive.infolist()
    fileobj.seek(0)
    total = 0
    for member in members:
        total += member.file_size
        limit = MAX_STYLES_BYTES if member.filename == "xl/styles.xml" else MAX_PART_BYTES
        packed = (
            member.file_size > RATIO_CHECKED_FROM
            and member.file_size > MAX_PACKING_RATIO * member.compress_size
        )
        too_large = member.file_size > limit or packed
        if too_large or total > MAX_UNPACKED_BYTES:
            raise WorkbookError(
                _(
                    "The file unpacks to far more than a ledger needs (%(part)s: %(size)s). "
                    "Copy the rows into the blank template and upload that."
                )
                % {"part": member.filename, "size": filesizeformat(member.file_size if too_large else total)}
            )


def _read_workbook(fileobj, ledger: Ledger, *, max_rows: int, recognise: Recognise | None) -> list[SheetRows]:
    workbook = openpyxl.load_workbook(fileobj, read_only=True, data_only=False, keep_links=False)
    try:
        sheets: list[SheetRows] = []
        counted = 0
        for sheet in workbook.worksheets if recognise else workbook.worksheets[:1]:
            # Read-only mode trusts the sheet's <dimension> tag: it would drop the rows below a
            # stale one, or pad every row to a tag claiming millions of cells.
            sheet.reset_dimensions()
            read = _rows(
                sheet.iter_rows(max_col=MAX_COLUMNS),
                ledger,
                max_rows=max_rows,
                counted=counted,
                title=sheet.title,
                recognise=recognise,
            )
            if read is not None:
                sheets.append(read)
                counted += len(read.cells) - read.header_row
        return sheets
    finally:
        workbook.close()


def _rows(
    cells_by_row: Iterable,
    ledger: Ledger,
    *,
    max_rows: int,
    counted: int = 0,
    title: str,
    recognise: Recognise | None = None,
) -> SheetRows | None:
    numbered = enumerate(cells_by_row, start=1)
    head = list(itertools.islice(numbered, HEADER_SEARCH_ROWS))
    options = refused = None
    if recognise is not None:
        try:
            options = recognise([tuple(cell.value for cell in row) for _number, row in head])
        except SheetError as exc:
            refused = CellError(1, "", str(exc), title)
        else:
            if options is None:
                return None  # not one of the ledger's sheets (a summary): not read further
    try:
        header_row, header = _find_header(head, ledger)
    except WorkbookError as exc:
        if recognise is None:
            raise
        raise WorkbookError(_("Sheet “%(sheet)s”: %(error)s") % {"sheet": title, "error": exc}) from None
    columns = [name for name in (*ledger.columns, *ledger.optional_columns) if name in header]
    positions = {name: header.index(name) for name in columns}
    cells: list[tuple[Any, ...]] = []
    rows: list[tuple[int, dict[str, Any]]] = []
    errors: list[CellError] = []
    for number, row in itertools.chain(head, numbered):
        values = [cell.value for cell in row]
        while values and values[-1] is None:
            values.pop()
        cells.append(tuple(values))
        if number <= header_row:
            continue
        # Empty rows count: a sheet can declare a million of them in a few bytes.
        if counted + number - header_row > max_rows:
            raise WorkbookError(
                _(
                    "The file has more than %(max)d rows below the header (empty rows left "
                    "with formatting count too). Delete the empty rows, or split the file and "
                    "import the parts one after another."
                )
                % {"max": max_rows}
            )
        if all(_cell_text(value) == "" for value in values):
            continue  # WPS and LibreOffice leave formatted empty rows behind
        data: dict[str, Any] = {}
        for name, index in positions.items():
            cell = row[index] if index < len(row) else None
            value = cell.value if cell is not None else None
            if cell is not None and cell.data_type == "f":
                errors.append(
                    CellError(number, name, _("Formulas are not allowed; paste the value instead."), title)
                )
                value = None
            data[name] = value.strip() if isinstance(value, str) else value
        rows.append((number, data))
    if refused is not None:
        errors.insert(0, refused)
    return SheetRows(header_row, columns, rows, errors, cells, title, options)


def _find_header(head: list[tuple[int, Any]], ledger: Ledger) -> tuple[int, list[str]]:
    """The header among the first rows: row 1 for rosters, below a title for official forms."""
    expected = set(ledger.columns)
    looked_at = [(number, [_cell_text(cell.value) for cell in row]) for number, row in head] or [(1, [])]
    if not ledger.title_rows:
        looked_at = looked_at[:1]
    for index, (_number, header) in enumerate(looked_at):
        if expected <= set(header):
            looked_at = looked_at[: index + 1]
            break
    # The row sharing most names with the template is the header the user meant.
    number, header = max(looked_at, key=lambda item: (len(expected & set(item[1])), -item[0]))
    if not ledger.title_rows and number == 1 and not expected & set(header):
        for later, row in head[1:]:
            if len(expected & {_cell_text(cell.value) for cell in row}) * 2 >= len(expected):
                raise WorkbookError(
                    _(
                        "The header must be the first row; it was found in row %(row)d. "
                        "Delete the rows above it."
                    )
                    % {"row": later}
                )
    known = expected | set(ledger.optional_columns)
    missing = [name for name in ledger.columns if name not in header]
    unknown = [name for name in header if name and name not in known]
    doubled = sorted({name for name in header if name and header.count(name) > 1})
    problems = []
    if missing:
        problems.append(_("missing columns: %s") % "、".join(missing))
    if unknown:
        problems.append(_("unknown columns: %s") % "、".join(unknown))
    if doubled:
        problems.append(_("repeated columns: %s") % "、".join(doubled))
    if problems:
        raise WorkbookError(
            _("The header row does not match the template (%(problems)s). The columns are: %(columns)s.")
            % {"problems": "；".join(problems), "columns": "、".join(ledger.columns)}
        )
    return number, header


def run_import(
    *, ledger: Ledger, user, fileobj: IO[bytes], max_rows: int, dry_run: bool, options: dict | None = None
) -> ImportReport:
    """Check every row of every sheet, and save them all only when none has an error.

    Without `options`, a ledger with `sheet_options` takes every sheet that says what it is for.
    """
    recognise = None
    if ledger.sheet_options is not None and not options:
        recognise = lambda head: ledger.sheet_options(user, head)  # noqa: E731
    sheets = read_sheets(fileobj, ledger, max_rows=max_rows, recognise=recognise)
    per_sheet: list[list[CellError]] = []
    checked = []
    taken: dict[tuple, str] = {}
    for sheet in sheets:
        sheet_errors = list(sheet.errors)
        per_sheet.append(sheet_errors)
        if recognise is not None and sheet.options is not None:
            key = tuple(
                sorted((name, str(getattr(value, "pk", value))) for name, value in sheet.options.items())
            )
            if key in taken:
                sheet_errors.insert(
                    0,
                    CellError(
                        1,
                        "",
                        _("Sheet “%(other)s” is already the ledger of this branch and period.")
                        % {"other": taken[key]},
                        sheet.title,
                    ),
                )
                sheet.options = None
            taken.setdefault(key, sheet.title)
        if recognise is None or sheet.options is not None:
            checked.append((sheet, sheet_errors, *_dataset(sheet, ledger, sheet_errors)))

    saved = unchanged = 0
    with transaction.atomic():
        for sheet, sheet_errors, dataset, numbers in checked:
            resource = ledger.resource(user, **(options or sheet.options or {}))
            result = resource.import_data(dataset, dry_run=dry_run, use_transactions=True)
            sheet_errors.extend(_result_errors(result, resource, numbers, ledger, sheet.title))
            saved += result.totals.get("new", 0) + result.totals.get("update", 0)
            unchanged += result.totals.get("skip", 0)
        if any(per_sheet) or dry_run:
            transaction.set_rollback(True)
            saved = 0
    # In the workbook's order, then by row.
    errors = [error for sheet_errors in per_sheet for error in sorted(sheet_errors)]
    reports = []
    shown = 0
    for sheet in sheets:
        by_row: dict[int, list[CellError]] = {}
        for error in errors:
            if error.sheet == sheet.title:
                by_row.setdefault(error.row, []).append(error)
        preview = [
            (number, [values.get(name) for name in ledger.columns], by_row.get(number, []))
            for number, values in sheet.rows[: max(PREVIEW_ROWS - shown, 0)]
        ]
        shown += len(preview)
        reports.append(SheetReport(sheet.title, sheet.header_row, sheet.cells, len(sheet.rows), preview))
    return ImportReport(
        total=sum(len(sheet.rows) for sheet in sheets),
        errors=errors,
        sheets=reports,
        saved=saved,
        unchanged=unchanged,
    )


def _dataset(sheet: SheetRows, ledger: Ledger, errors: list[CellError]) -> tuple[tablib.Dataset, list[int]]:
    """The sheet's rows to check, less repeats (added to `errors`) and rows already wrong."""
    # Rows already wrong (a formula, a repeat) are not checked further: one message each.
    refused = {error.row for error in errors}
    seen: dict[tuple, int] = {}
    dataset = tablib.Dataset(headers=sheet.columns)
    numbers: list[int] = []
    for number, values in sheet.rows:
        key = tuple(to_halfwidth(_cell_text(values[name])) for name in ledger.key_columns)
        if all(key) and key in seen:
            errors.append(
                CellError(
                    number,
                    ledger.key_columns[-1],
                    _("Repeats row %(row)d of this file.") % {"row": seen[key]},
                    sheet.title,
                )
            )
            continue
        seen.setdefault(key, number)
        if number not in refused:
            dataset.append([values[name] for name in sheet.columns])
            numbers.append(number)
    return dataset, numbers


def _result_errors(result, resource, numbers, ledger, sheet: str) -> list[CellError]:
    columns = {name: f.column_name for name, f in resource.fields.items()}
    errors = [CellError(0, "", str(error.error), sheet) for error in result.base_errors]
    for index, row_errors in result.row_errors():
        for error in row_errors:
            errors.append(
                CellError(
                    numbers[index - 1],
                    "",
                    _("This row could not be saved: %(error)s") % {"error": error.error},
                    sheet,
                )
            )
    for invalid in result.invalid_rows:
        for name, messages in invalid.error_dict.items():
            column = ledger.key_columns[-1] if name == NON_FIELD_ERRORS else columns.get(name, name)
            for message in messages:
                errors.append(CellError(numbers[invalid.number - 1], column, str(message), sheet))
    return errors


def annotated_workbook(report: ImportReport) -> bytes:
    """The uploaded sheets given back with an error column, for correcting them in Excel or WPS.

    Written from the values read for the check, not by parsing the upload again, so it costs
    no more than the check did; formatting and the sheets not imported (a summary) are not
    carried over. No text in it runs as a formula.
    """
    workbook = openpyxl.Workbook(write_only=True)
    fill = PatternFill("solid", fgColor="FFE0E0")
    for read in report.sheets:
        sheet = workbook.create_sheet(read.title or None)
        width = max((len(row) for row in read.rows), default=0)
        sheet.column_dimensions[get_column_letter(width + 1)].width = 60
        by_row: dict[int, list[str]] = {}
        for error in report.errors:
            if error.sheet == read.title:
                text = f"{error.column}：{error.message}" if error.column else error.message
                by_row.setdefault(error.row or read.header_row, []).append(text)
        for number, values in enumerate(read.rows, start=1):
            cells = [text_cell(sheet, value) for value in values]
            messages = "；".join(by_row.get(number, []))
            note = None
            if number == read.header_row:
                note = text_cell(sheet, f"{_('Errors')}：{messages}" if messages else _("Errors"))
                note.font = Font(bold=True, color="C00000")
            elif messages:
                note = text_cell(sheet, messages)
                note.fill = fill
            if note is not None:
                cells += [None] * (width - len(values)) + [note]
            sheet.append(cells)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def template_workbook(ledger: Ledger) -> bytes:
    """The blank file to fill in: the header row alone on the first sheet, an example on the second."""
    from core.xlsx import fit_column_widths

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = str(ledger.label)[:31]
    sheet.append(list(ledger.columns))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    fit_column_widths(sheet, [ledger.columns, ledger.example])
    example = workbook.create_sheet(_("Example"))
    example.append(list(ledger.columns))
    example.append(list(ledger.example))
    example.append([])
    example.append([_("Fill in the first sheet from its second row; keep the header row as it is.")])
    fit_column_widths(example, [ledger.columns, ledger.example])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
