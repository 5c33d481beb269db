"""整改台账: every rectification in scope as an Excel workbook in the ledgers' official print style.

Written in openpyxl's write-only mode from a chunked iterator, the latest reply and re-check
of each row fetched by subqueries of the same query: memory stays flat and the number of
queries does not grow with the rows.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator

from django.db.models import OuterRef, Subquery
from django.utils import timezone

from accounts.models import OrgUnit
from branches.selectors import top_unit
from core import exports
from core.dates import short_date
from core.periods import Period
from core.xlsx import (
    CENTRED,
    HEADER_ROWS,
    TEXT,
    append_print_row,
    print_row_cells,
    print_workbook,
    start_print_sheet,
)
from inspections.models import (
    Rectification,
    RectificationCheck,
    RectificationReply,
    RectificationStatus,
    Source,
    short_name,
)

COLUMNS = [
    "序号",
    "单位/个人",
    "问题来源",
    "存在问题",
    "整改要求",
    "整改时限",
    "整改措施",
    "整改结果",
    "复验结论",
    "复验人",
    "复验日期",
    "状态",
]
WIDTHS = [6, 18, 10, 32, 32, 12, 32, 26, 22, 10, 12, 12]
ROW_STYLES = [CENTRED, TEXT, CENTRED, TEXT, TEXT, CENTRED, TEXT, TEXT, TEXT, CENTRED, CENTRED, CENTRED]
CHUNK = 2000
PASSED_TEXT, RETURNED_TEXT, OVERDUE_TEXT = "复验通过", "退回重改", "（逾期）"


def ledger_title(unit: OrgUnit, period: Period) -> str:
    return f"{short_name(unit)}整改台账（{period.wording}）"


def ledger_queryset(user, unit: OrgUnit, period: Period):
    """The rectifications `user` reads under `unit`, issued within `period`."""
    return Rectification.objects.visible_to(user).filter(
        unit__path__under=unit.path, issued_on__gte=period.start, issued_on__lte=period.end
    )


def _rows(rectifications) -> Iterator[dict]:
    replies = RectificationReply.objects.filter(rectification=OuterRef("pk")).order_by("-version")
    checks = RectificationCheck.objects.filter(rectification=OuterRef("pk")).order_by("-checked_at", "-pk")
    return (
        rectifications.annotate(
            reply_measures=Subquery(replies.values("measures")[:1]),
            reply_result=Subquery(replies.values("result")[:1]),
            check_passed=Subquery(checks.values("passed")[:1]),
            check_comment=Subquery(checks.values("comment")[:1]),
        )
        .order_by("unit__path", "issued_on", "pk")
        .values(
            "pk",
            "unit__name",
            "member__name",
            "source",
            "problem",
            "demand",
            "deadline",
            "status",
            "checked_by__full_name",
            "checked_by__username",
            "checked_on",
            "reply_measures",
            "reply_result",
            "check_passed",
            "check_comment",
        )
        .iterator(chunk_size=CHUNK)
    )


def conclusion_text(row: dict) -> str:
    """复验结论 of the latest re-check: 复验通过, or 退回重改 with its comment."""
    if row["check_passed"] is None:
        return ""
    if row["check_passed"]:
        return PASSED_TEXT
    return f"{RETURNED_TEXT}：{row['check_comment']}" if row["check_comment"] else RETURNED_TEXT


def row_values(number: int, row: dict, labels: dict, today) -> list:
    subject = f"{row['unit__name']} {row['member__name']}" if row["member__name"] else row["unit__name"]
    status = labels["status"][row["status"]]
    if row["status"] != RectificationStatus.PASSED and row["deadline"] < today:
        status += OVERDUE_TEXT
    checker = row["checked_by__full_name"] or row["checked_by__username"] or ""
    return [
        number,
        subject,
        labels["source"].get(row["source"], row["source"]),
        row["problem"],
        row["demand"],
        short_date(row["deadline"]),
        row["reply_measures"] or "",
        row["reply_result"] or "",
        conclusion_text(row),
        checker,
        short_date(row["checked_on"]) if row["checked_on"] else "",
        status,
    ]


def write_ledger(
    user,
    unit: OrgUnit,
    period: Period,
    progress: Callable[[int, int], None] | None = None,
    *,
    today=None,
) -> bytes:
    rectifications = ledger_queryset(user, unit, period)
    total = rectifications.count() if progress else 0
    today = today or timezone.localdate()
    # Labels translated once, not once per row.
    labels = {
        "status": {value: str(label) for value, label in RectificationStatus.choices},
        "source": {value: str(label) for value, label in Source.choices},
    }
    workbook = print_workbook()
    sheet = start_print_sheet(workbook, short_name(unit), ledger_title(unit, period), COLUMNS, WIDTHS)
    cells, dimension = print_row_cells(sheet, ROW_STYLES)
    number = 0
    for row in _rows(rectifications):
        number += 1
        append_print_row(
            sheet, cells, dimension, row_values(number, row, labels, today), HEADER_ROWS + number, WIDTHS
        )
        if progress and number % 500 == 0:
            progress(number, total)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def ledger_filename(unit: OrgUnit, period: Period) -> str:
    return f"{ledger_title(unit, period)}.xlsx"


def build_export(user, *, unit=None, period=None, progress=None, **_options) -> tuple[str, bytes]:
    """The 整改台账 of `period` for the unit with code `unit` (default: the top of the user's scope)."""
    period = exports.period_option(period)
    top = top_unit(user, unit)
    return ledger_filename(top, period), write_ledger(user, top, period, progress)


exports.register(exports.Export("rectifications", build_export))
