"""承诺践诺台账 (seed 002 附件三) as an Excel workbook that prints as the official form.

Built with openpyxl's write-only mode from a chunked iterator, so memory stays flat
whatever the number of rows. A township's workbook opens with a summary sheet (per
branch: filed, completed, overdue, completion rate) followed by one sheet per branch.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from django.db.models import Count, F, Q
from openpyxl import Workbook

from accounts.models import OrgUnit
from branches.selectors import top_unit
from commitments.models import Category, Commitment, Status
from core import exports
from core.dates import short_date
from core.periods import Period
from core.xlsx import (
    BODY_FONT,
    CENTRED,
    HEADER_ROWS,
    RATE,
    TEXT,
    TOTAL,
    TOTAL_RATE,
    append_print_row,
    print_row_cells,
    print_workbook,
    row_height,
    start_print_sheet,
    styled_cell,
)

# The form's columns; the hidden last one lets a re-imported row find its record.
COLUMNS = ["序号", "承诺单位/承诺人", "承诺类别", "承诺事项", "践诺措施", "完成时限", "完成情况", "备注"]
ID_COLUMN = "记录编号"
WIDTHS = [6, 18, 10, 40, 40, 14, 18, 16]
SUMMARY_COLUMNS = ["序号", "党组织", "承诺事项数", "已完成", "逾期", "完成率"]
SUMMARY_WIDTHS = [6, 30, 12, 10, 10, 10]
CHUNK = 2000
ROW_STYLES = [CENTRED, TEXT, CENTRED, TEXT, TEXT, CENTRED, TEXT, TEXT, CENTRED]


def ledger_title(name: str, period: Period) -> str:
    return f"{name}承诺践诺台账（{period.wording}）"


class _Dates(dict):
    """`short_date` of each day, worked out once per export: Django's date formatting takes
    longer than writing the cell, and a ledger's 50,000 rows share a few hundred days."""

    def __missing__(self, day):
        text = self[day] = short_date(day)
        return text


def completion_text(row: dict, labels: dict[str, str], date_text: Callable = short_date) -> str:
    """完成情况: the status, with the completion date, the progress or the reason."""
    status = row["status_code"]
    label = labels[status]
    if status == Status.DONE and row["completed_on"]:
        return f"{label}（{date_text(row['completed_on'])}）"
    if status == Status.IN_PROGRESS or (status == Status.OVERDUE and row["percent"]):
        return f"{label}（{row['percent']}%）"
    if status == Status.INCOMPLETE:
        return f"{label}：{row['incomplete_reason']}"
    return label


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
    workbook = print_workbook()
    if len(summaries) != 1 or summaries[0].unit_id != unit.pk:
        _write_summary(workbook, unit, period, summaries)
    # Labels translated once, not once per row.
    categories = {value: str(label) for value, label in Category.choices}
    statuses = {value: str(label) for value, label in Status.choices}
    dates = _Dates()
    sheet = None
    current_unit = None
    number = written = 0
    for row in _rows(commitments):
        if row["letter__unit_id"] != current_unit:
            current_unit = row["letter__unit_id"]
            name = row["letter__unit__name"]
            sheet = start_print_sheet(
                workbook,
                name,
                ledger_title(name, period),
                COLUMNS,
                WIDTHS,
                hidden_column=ID_COLUMN,
                key=row["letter__unit__code"],
            )
            cells, dimension = print_row_cells(sheet, ROW_STYLES)
            number = 0
        number += 1
        append_print_row(
            sheet,
            cells,
            dimension,
            [
                number,
                row["letter__member__name"] or row["letter__unit__name"],
                categories[row["category"]],
                row["content"],
                row["measures"],
                dates[row["deadline"]],
                completion_text(row, statuses, dates.__getitem__),
                row["note"],
                row["pk"],
            ],
            HEADER_ROWS + number,
            WIDTHS,
        )
        written += 1
        if progress and written % 500 == 0:
            progress(written, total)
    if not workbook.worksheets:
        start_print_sheet(
            workbook,
            unit.name,
            ledger_title(unit.name, period),
            COLUMNS,
            WIDTHS,
            hidden_column=ID_COLUMN,
            key=unit.code,
        )
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _write_summary(workbook: Workbook, unit: OrgUnit, period: Period, summaries: list[BranchSummary]) -> None:
    title = f"{unit.name}承诺践诺情况汇总（{period.wording}）"
    sheet = start_print_sheet(workbook, "汇总", title, SUMMARY_COLUMNS, SUMMARY_WIDTHS)
    for number, summary in enumerate(summaries, start=1):
        values = [number, summary.name, summary.filed, summary.done, summary.overdue]
        sheet.row_dimensions[HEADER_ROWS + number].height = row_height(
            values, SUMMARY_WIDTHS[: len(values)], font_size=BODY_FONT.size
        )
        styles = [CENTRED, TEXT, CENTRED, CENTRED, CENTRED]
        sheet.append(
            [styled_cell(sheet, v, style) for v, style in zip(values, styles, strict=True)]
            + [styled_cell(sheet, summary.rate, RATE)]
        )
    filed = sum(s.filed for s in summaries)
    done = sum(s.done for s in summaries)
    totals = ["", "合计", filed, done, sum(s.overdue for s in summaries)]
    sheet.append(
        [styled_cell(sheet, value, TOTAL) for value in totals]
        + [styled_cell(sheet, done / filed if filed else 0.0, TOTAL_RATE)]
    )


def ledger_filename(unit: OrgUnit, period: Period) -> str:
    return f"{ledger_title(unit.name, period)}.xlsx"


def build_export(user, *, unit=None, period=None, progress=None, **_options) -> tuple[str, bytes]:
    """The ledger of `period` for the unit with code `unit` (default: the top of the user's scope)."""
    period = exports.period_option(period)
    top = top_unit(user, unit)
    return ledger_filename(top, period), write_ledger(user, top, period, progress)


exports.register(exports.Export("commitments", build_export))
