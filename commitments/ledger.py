"""承诺践诺台账 (seed 002 附件三) as an Excel workbook that prints as the official form.

Built with openpyxl's write-only mode from a chunked iterator, so memory stays flat
whatever the number of rows. A township's workbook opens with a summary sheet (per
branch: filed, completed, overdue, completion rate) followed by one sheet per branch.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db.models import Count, F, Q
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Border, Font, NamedStyle, Side
from openpyxl.worksheet.dimensions import RowDimension
from openpyxl.worksheet.page import PageMargins
from openpyxl.worksheet.worksheet import Worksheet

from accounts.models import OrgUnit
from branches.selectors import top_unit
from commitments.models import Category, Commitment, Status
from core import exports
from core.dates import short_date
from core.jobs import JobError
from core.periods import Period
from core.xlsx import row_height, set_text

# The form's columns; the hidden last one lets a re-imported row find its record.
COLUMNS = ["序号", "承诺单位/承诺人", "承诺类别", "承诺事项", "践诺措施", "完成时限", "完成情况", "备注"]
ID_COLUMN = "记录编号"
WIDTHS = [6, 18, 10, 40, 40, 14, 18, 16]
SUMMARY_COLUMNS = ["序号", "党组织", "承诺事项数", "已完成", "逾期", "完成率"]
SUMMARY_WIDTHS = [6, 30, 12, 10, 10, 10]
CHUNK = 2000
HEADER_ROWS = 2  # the title and the column names

THIN = Side(style="thin")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
WRAP = Alignment(wrap_text=True, vertical="center")
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
TITLE_FONT = Font(name="宋体", size=16, bold=True)
HEADER_FONT = Font(name="宋体", size=11, bold=True)
BODY_FONT = Font(name="宋体", size=10)


def ledger_title(name: str, period: Period) -> str:
    return f"{name}承诺践诺台账（{period.year}年{_half_label(period)}）"


def _half_label(period: Period) -> str:
    return {1: "上半年", 2: "下半年", None: "全年"}[period.half]


def completion_text(row: dict, labels: dict[str, str]) -> str:
    """完成情况: the status, with the completion date, the progress or the reason."""
    status = row["status_code"]
    label = labels[status]
    if status == Status.DONE and row["completed_on"]:
        return f"{label}（{short_date(row['completed_on'])}）"
    if status == Status.IN_PROGRESS or (status == Status.OVERDUE and row["percent"]):
        return f"{label}（{row['percent']}%）"
    if status == Status.INCOMPLETE:
        return f"{label}：{row['incomplete_reason']}"
    return label


# Named styles, registered once per workbook: a cell then takes its style by name, which
# costs a fraction of assigning font, border and alignment objects cell by cell.
STYLES = {
    "ledger-title": {"font": TITLE_FONT, "alignment": CENTER},
    "ledger-header": {"font": HEADER_FONT, "alignment": CENTER, "border": BORDER},
    "ledger-text": {"font": BODY_FONT, "alignment": WRAP, "border": BORDER},
    "ledger-center": {"font": BODY_FONT, "alignment": CENTER, "border": BORDER},
    "ledger-rate": {"font": BODY_FONT, "alignment": CENTER, "border": BORDER, "number_format": "0.0%"},
    "ledger-total": {"font": HEADER_FONT, "alignment": CENTER, "border": BORDER},
    "ledger-total-rate": {
        "font": HEADER_FONT,
        "alignment": CENTER,
        "border": BORDER,
        "number_format": "0.0%",
    },
}


def _new_workbook() -> Workbook:
    workbook = Workbook(write_only=True)
    for name, attributes in STYLES.items():
        workbook.add_named_style(NamedStyle(name=name, **attributes))
    return workbook


C, T = "ledger-center", "ledger-text"
ROW_STYLES = [C, T, C, T, T, C, T, T, C]


def _append(sheet, cells, dimension: RowDimension, values, row: int) -> None:
    """Write row number `row` through styled cells made once per sheet, as high as its text.

    A write-only sheet writes an appended row at once, so the same styled cells, and the
    same row dimension, can carry every row: styling 50,000 rows × 9 cells one by one would
    triple the export's time, and 50,000 row dimensions would stay in memory.
    """
    for cell, value in zip(cells, values, strict=True):
        set_text(cell, value)
    dimension.height = row_height(values[: len(WIDTHS)], WIDTHS, font_size=BODY_FONT.size)
    sheet.row_dimensions[row] = dimension
    sheet.append(cells)
    del sheet.row_dimensions[row]


def _cell(sheet, value, style: str = "ledger-text"):
    cell = WriteOnlyCell(sheet)
    cell.style = style  # first: a named style would reset the quote prefix
    set_text(cell, value)
    return cell


def _start_sheet(
    workbook: Workbook,
    name: str,
    title: str,
    columns: list[str],
    widths: list[int],
    *,
    record_column=False,
    key: str = "",
):
    """A sheet laid out as the printed form; `record_column` adds the hidden record number.

    `key` (the branch's code) is written in the hidden column of the title row: re-imported,
    the sheet is known as that branch's even where two branches share a name.
    """
    sheet = workbook.create_sheet(_sheet_name(workbook, name))
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[chr(64 + index)].width = width
    last = chr(64 + len(columns))
    if record_column:
        sheet.column_dimensions[chr(65 + len(columns))].hidden = True
        columns = [*columns, ID_COLUMN]
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = Worksheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.page_margins = PageMargins(left=0.5, right=0.5, top=0.6, bottom=0.6)
    sheet.print_title_rows = "2:2"
    sheet.print_options.horizontalCentered = True
    sheet.freeze_panes = "A3"
    sheet.print_area = f"A1:{last}1048576"
    sheet.merged_cells.add(f"A1:{last}1")
    sheet.row_dimensions[1].height = 32
    title_row = [_cell(sheet, title, "ledger-title")]
    if key:
        title_row += [None] * (len(columns) - 2) + [_cell(sheet, key)]
    sheet.append(title_row)
    sheet.append([_cell(sheet, name, "ledger-header") for name in columns])
    return sheet


def _sheet_name(workbook: Workbook, name: str) -> str:
    clean = "".join("_" if ch in "[]:*?/\\" else ch for ch in name)[:28] or "Sheet"
    taken = set(workbook.sheetnames)
    candidate, number = clean, 2
    while candidate in taken:
        candidate, number = f"{clean[:25]}({number})", number + 1
    return candidate


@dataclass
class BranchSummary:
    unit_id: int
    name: str
    filed: int
    done: int
    overdue: int

    @property
    def rate(self) -> float:
        return self.done / self.filed if self.filed else 0.0


def ledger_queryset(user, unit: OrgUnit, period: Period):
    return Commitment.objects.visible_to(user).filter(
        letter__period=period.code, letter__unit__path__under=unit.path
    )


def branch_summaries(commitments) -> list[BranchSummary]:
    rows = (
        commitments.order_by()
        .values("letter__unit_id", "letter__unit__name", "letter__unit__path")
        .annotate(
            filed=Count("pk"),
            done=Count("pk", filter=Q(status_code=Status.DONE)),
            overdue=Count("pk", filter=Q(status_code=Status.OVERDUE)),
        )
        .order_by("letter__unit__path")
    )
    return [
        BranchSummary(r["letter__unit_id"], r["letter__unit__name"], r["filed"], r["done"], r["overdue"])
        for r in rows
    ]


def _rows(commitments) -> Iterator[dict]:
    return (
        # The branch's own commitments first, then its members' (NULLs sort apart per database).
        commitments.order_by(
            "letter__unit__path",
            F("letter__member__name").asc(nulls_first=True),
            "letter__member_id",
            "category",
            "deadline",
            "pk",
        )
        .values(
            "pk",
            "letter__unit_id",
            "letter__unit__name",
            "letter__unit__code",
            "letter__member__name",
            "category",
            "content",
            "measures",
            "deadline",
            "note",
            "percent",
            "completed_on",
            "incomplete_reason",
            "status_code",
        )
        .iterator(chunk_size=CHUNK)
    )


def write_ledger(
    user, unit: OrgUnit, period: Period, progress: Callable[[int, int], None] | None = None
) -> bytes:
    commitments = ledger_queryset(user, unit, period)
    summaries = branch_summaries(commitments)
    total = sum(s.filed for s in summaries)
    workbook = _new_workbook()
    if len(summaries) != 1 or summaries[0].unit_id != unit.pk:
        _write_summary(workbook, unit, period, summaries)
    # Labels translated once, not once per row.
    categories = {value: str(label) for value, label in Category.choices}
    statuses = {value: str(label) for value, label in Status.choices}
    sheet = None
    current_unit = None
    number = written = 0
    for row in _rows(commitments):
        if row["letter__unit_id"] != current_unit:
            current_unit = row["letter__unit_id"]
            name = row["letter__unit__name"]
            sheet = _start_sheet(
                workbook,
                name,
                ledger_title(name, period),
                COLUMNS,
                WIDTHS,
                record_column=True,
                key=row["letter__unit__code"],
            )
            cells = [_cell(sheet, None, style) for style in ROW_STYLES]
            dimension = RowDimension(sheet)
            number = 0
        number += 1
        _append(
            sheet,
            cells,
            dimension,
            [
                number,
                row["letter__member__name"] or row["letter__unit__name"],
                categories[row["category"]],
                row["content"],
                row["measures"],
                short_date(row["deadline"]),
                completion_text(row, statuses),
                row["note"],
                row["pk"],
            ],
            HEADER_ROWS + number,
        )
        written += 1
        if progress and written % 500 == 0:
            progress(written, total)
    if not workbook.worksheets:
        _start_sheet(
            workbook,
            unit.name,
            ledger_title(unit.name, period),
            COLUMNS,
            WIDTHS,
            record_column=True,
            key=unit.code,
        )
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _write_summary(workbook: Workbook, unit: OrgUnit, period: Period, summaries: list[BranchSummary]) -> None:
    title = f"{unit.name}承诺践诺情况汇总（{period.year}年{_half_label(period)}）"
    sheet = _start_sheet(workbook, "汇总", title, SUMMARY_COLUMNS, SUMMARY_WIDTHS)
    for number, summary in enumerate(summaries, start=1):
        values = [number, summary.name, summary.filed, summary.done, summary.overdue]
        sheet.row_dimensions[HEADER_ROWS + number].height = row_height(
            values, SUMMARY_WIDTHS[: len(values)], font_size=BODY_FONT.size
        )
        styles = ["ledger-center", "ledger-text", "ledger-center", "ledger-center", "ledger-center"]
        sheet.append(
            [_cell(sheet, v, style) for v, style in zip(values, styles, strict=True)]
            + [_cell(sheet, summary.rate, "ledger-rate")]
        )
    filed = sum(s.filed for s in summaries)
    done = sum(s.done for s in summaries)
    totals = ["", "合计", filed, done, sum(s.overdue for s in summaries)]
    sheet.append(
        [_cell(sheet, value, "ledger-total") for value in totals]
        + [_cell(sheet, done / filed if filed else 0.0, "ledger-total-rate")]
    )


def ledger_filename(unit: OrgUnit, period: Period) -> str:
    return f"{ledger_title(unit.name, period)}.xlsx"


def build_export(user, *, unit=None, period=None, progress=None, **_options) -> tuple[str, bytes]:
    """The ledger of `period` for the unit with code `unit` (default: the top of the user's scope)."""
    try:
        period = Period.parse(period or "")
    except ValidationError as exc:
        raise JobError(exc.messages[0]) from None
    top = top_unit(user, unit)
    return ledger_filename(top, period), write_ledger(user, top, period, progress)


exports.register(exports.Export("commitments", build_export))
