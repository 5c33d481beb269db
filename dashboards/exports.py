"""The overview's figures as an .xlsx in the ledgers' print style, registered with core as
the `overview` export (`manage.py export_ledger overview --period 2026H2 [--unit CODE]`).

Sheets: 总览 (one row per township or branch compared, and the unit's total), 信息报送月度
(the on-time rate month by month), 联系点走访 (visits per leader) and 整改来源 (rectifications
by what raised them). Every figure is the overview's own (`dashboards.selectors`).
"""

from __future__ import annotations

import io

from django.utils import timezone, translation

from branches.selectors import top_unit
from core import exports
from core.periods import Period
from core.xlsx import (
    CENTRED,
    HEADER_ROWS,
    RATE,
    TEXT,
    TOTAL,
    TOTAL_RATE,
    append_print_row,
    print_row_cells,
    print_workbook,
    start_print_sheet,
    styled_cell,
)
from dashboards.selectors import Overview, overview
from inspections.models import Source, short_name
from reports.selectors import on_time_rate

NONE = "—"
COLUMNS = [
    "序号",
    "党组织",
    "承诺事项",
    "已完成",
    "进行中",
    "未开始",
    "逾期",
    "未完成",
    "承诺完成率",
    "应报次数",
    "按时报送",
    "补报",
    "缺报",
    "按时报送率",
    "信息采用",
    "整改开启",
    "整改办结",
    "整改逾期",
    "群众满意率",
    "评议达标",
    "点评覆盖率",
]
WIDTHS = [6, 24, 8, 7, 7, 7, 6, 7, 10, 8, 8, 6, 6, 10, 8, 8, 8, 8, 10, 8, 10]
STYLES = [CENTRED, TEXT, *[CENTRED] * 6, RATE, *[CENTRED] * 4, RATE, *[CENTRED] * 4, RATE, CENTRED, RATE]


def overview_title(unit, period: Period) -> str:
    return f"{short_name(unit)}创先争优工作总览（{period.wording}）"


def _rate(value: float | None):
    return NONE if value is None else value


def _values(number, item) -> list:
    totals = item.commitment_totals
    evaluated = [result for result in item.evaluations if result.passed is not None]
    passed = f"{item.evaluations_passed}/{len(evaluated)}" if evaluated else NONE
    return [
        number,
        item.unit.name,
        totals["made"],
        totals["done"],
        totals["in_progress"],
        totals["not_started"],
        totals["overdue"],
        totals["incomplete"],
        _rate(item.completion),
        item.reports_due,
        item.reports_on_time or 0,
        item.reports_late or 0,
        item.reports_missing or 0,
        _rate(item.reports_rate),
        item.reports_adopted,
        item.rectifications,
        item.rectifications_closed,
        item.rectifications_overdue,
        _rate(item.satisfaction),
        passed,
        _rate(item.coverage.rate) if item.reviews else NONE,
    ]


def write_overview(ov: Overview) -> bytes:
    with translation.override("zh-hans"):
        return _write(ov)


def _write(ov: Overview) -> bytes:
    workbook = print_workbook()
    title = overview_title(ov.unit, ov.period)
    sheet = start_print_sheet(workbook, "总览", title, COLUMNS, WIDTHS)
    cells, dimension = print_row_cells(sheet, STYLES)
    for number, item in enumerate(ov.rows, start=1):
        append_print_row(sheet, cells, dimension, _values(number, item), HEADER_ROWS + number, WIDTHS)
    total = _values("合计", ov.total)
    total[1] = ov.unit.name
    styles = [TOTAL_RATE if style == RATE else TOTAL for style in STYLES]
    sheet.append([styled_cell(sheet, value, style) for value, style in zip(total, styles, strict=True)])

    months = start_print_sheet(
        workbook,
        "信息报送月度",
        f"{title}信息报送按月",
        ["月份", "应报次数", "按时报送", "按时报送率"],
        [12, 10, 10, 12],
    )
    cells, dimension = print_row_cells(months, [CENTRED, CENTRED, CENTRED, RATE])
    for number, (month, on_time, due) in enumerate(ov.months, start=1):
        values = [month, due, on_time, _rate(on_time_rate(on_time, due))]
        append_print_row(months, cells, dimension, values, HEADER_ROWS + number, [12, 10, 10, 12])

    visits = start_print_sheet(
        workbook, "联系点走访", f"{title}联系点走访", ["序号", "领导", "走访次数"], [6, 20, 10]
    )
    cells, dimension = print_row_cells(visits, [CENTRED, TEXT, CENTRED])
    for number, (leader, count) in enumerate(ov.visits, start=1):
        append_print_row(visits, cells, dimension, [number, leader, count], HEADER_ROWS + number, [6, 20, 10])

    sources = start_print_sheet(
        workbook, "整改来源", f"{title}整改情况", ["问题来源", "开启", "办结", "逾期"], [16, 8, 8, 8]
    )
    cells, dimension = print_row_cells(sources, [TEXT, CENTRED, CENTRED, CENTRED])
    counts = ov.total.rectification_periods[0].sources
    for number, source in enumerate(Source, start=1):
        opened, closed, overdue = counts.get(source, [0, 0, 0])
        values = [str(source.label), opened, closed, overdue]
        append_print_row(sources, cells, dimension, values, HEADER_ROWS + number, [16, 8, 8, 8])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def build_export(user, *, unit=None, period=None, progress=None, **_options) -> tuple[str, bytes]:
    """The overview of the unit with code `unit` (default: the top of the user's scope) for `period`."""
    period = exports.period_option(period)
    top = top_unit(user, unit)
    ov = overview(top, period, timezone.localdate())
    return f"{overview_title(top, period)}.xlsx", write_overview(ov)


exports.register(exports.Export("overview", build_export))
