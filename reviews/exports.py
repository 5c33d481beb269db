"""附件六 群众评议情况统计表: every evaluated branch and member of a period, in the ledgers'
official print style, registered with core as the `evaluations` export.

A summary sheet (one row per branch) opens the workbook, then a sheet per branch with the
branch itself and each of its members. Online ballots count as handed out, returned and
valid; a campaign still open is counted as it stands and marked 评议中. Pass or fail is
the campaign's own exact comparison (`Campaign.passes`), never a rounded percentage.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from django.db.models import Count, F, Q
from django.utils import translation
from django.utils.translation import gettext as _

from accounts.models import OrgUnit
from branches.selectors import top_unit
from core import exports
from core.jobs import JobError
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
from inspections.models import short_name
from reviews.creation_selectors import branch_evidence, round_entries, round_rows
from reviews.documents import CONCLUSIONS, creation_round_title
from reviews.models import (
    CREATION_GOALS,
    Campaign,
    Choice,
    CreationConclusion,
    CreationRound,
    CreationStatus,
    EvaluationSubject,
)

COLUMNS = [
    "序号",
    "评议对象",
    "类别",
    "发出票数",
    "收回票数",
    "有效票数",
    "满意",
    "基本满意",
    "不满意",
    "满意率",
    "评议结果",
    "整改",
]
WIDTHS = [6, 22, 8, 9, 9, 9, 8, 9, 8, 9, 10, 12]
ROW_STYLES = [CENTRED, TEXT, *[CENTRED] * 7, RATE, CENTRED, CENTRED]
SUMMARY_COLUMNS = [
    "序号",
    "党组织",
    "评议党员数",
    "合格党员",
    "不合格党员",
    "党组织满意率",
    "党组织评议结果",
    "开启整改",
]
SUMMARY_WIDTHS = [6, 26, 11, 10, 11, 13, 15, 10]
SUMMARY_STYLES = [CENTRED, TEXT, CENTRED, CENTRED, CENTRED, RATE, CENTRED, CENTRED]
PASS_TEXT, FAIL_TEXT, OPEN_TEXT, NONE_TEXT = "合格", "不合格", "评议中", "未评议"
RECTIFYING_TEXT = "已开启整改"
CHUNK = 2000


def table_title(unit: OrgUnit, period: Period) -> str:
    return f"{short_name(unit)}群众评议情况统计表（{period.wording}）"


def statistics_queryset(user, unit: OrgUnit, period: Period):
    """The evaluation subjects `user` reads under `unit`, in campaigns of `period`."""
    return EvaluationSubject.objects.visible_to(user).filter(
        unit__path__under=unit.path, campaign__period=period.code
    )


@dataclass
class Counts:
    """One subject's ballots: paper tallies plus online votes, or the result fixed at close."""

    handed_out: int
    returned: int
    valid: int
    satisfied: int
    basic: int
    unsatisfied: int
    outcome: str
    rectifying: bool

    @property
    def rate(self) -> float | None:
        return (self.satisfied + self.basic) / self.valid if self.valid else None


def counts_of(row: dict, campaign: Campaign) -> Counts:
    online = row["online_satisfied"] + row["online_basic"] + row["online_unsatisfied"]
    if row["passed"] is not None or row["valid"] is not None:
        valid, satisfied, basic, unsatisfied = (
            row["valid"],
            row["satisfied"],
            row["basic"],
            row["unsatisfied"],
        )
    else:
        satisfied = row["paper_satisfied"] + row["online_satisfied"]
        basic = row["paper_basic"] + row["online_basic"]
        unsatisfied = row["paper_unsatisfied"] + row["online_unsatisfied"]
        valid = satisfied + basic + unsatisfied
    if row["passed"] is not None:
        outcome = PASS_TEXT if row["passed"] else FAIL_TEXT
    elif row["valid"] is not None:
        outcome = NONE_TEXT  # closed without a single valid ballot
    else:
        outcome = OPEN_TEXT if campaign.status == "open" else NONE_TEXT
    return Counts(
        handed_out=row["handed_out"] + online,
        returned=row["returned"] + online,
        valid=valid or 0,
        satisfied=satisfied or 0,
        basic=basic or 0,
        unsatisfied=unsatisfied or 0,
        outcome=outcome,
        rectifying=row["rectification_id"] is not None,
    )


def _rows(subjects) -> Iterator[dict]:
    def online(choice: str) -> Count:
        return Count("votes", filter=Q(votes__choice=choice))

    return (
        subjects.annotate(
            online_satisfied=online(Choice.SATISFIED),
            online_basic=online(Choice.BASIC),
            online_unsatisfied=online(Choice.UNSATISFIED),
        )
        .order_by("unit__path", F("member__name").asc(nulls_first=True), "campaign_id", "pk")
        .values(
            "pk",
            "campaign_id",
            "unit_id",
            "unit__name",
            "unit__code",
            "member__name",
            "handed_out",
            "returned",
            "paper_satisfied",
            "paper_basic",
            "paper_unsatisfied",
            "valid",
            "satisfied",
            "basic",
            "unsatisfied",
            "passed",
            "rectification_id",
            "online_satisfied",
            "online_basic",
            "online_unsatisfied",
        )
        .iterator(chunk_size=CHUNK)
    )


@dataclass
class BranchSummary:
    name: str
    members: int = 0
    members_passed: int = 0
    members_failed: int = 0
    rate: float | None = None
    outcome: str = NONE_TEXT
    rectifications: int = 0
    rows: list = field(default_factory=list)


def write_statistics(
    user, unit: OrgUnit, period: Period, progress: Callable[[int, int], None] | None = None
) -> bytes:
    subjects = statistics_queryset(user, unit, period)
    total = subjects.count() if progress else 0
    campaigns = {c.pk: c for c in Campaign.objects.filter(pk__in=subjects.values("campaign_id"))}
    # A county's members are a few thousand rows of a dozen numbers: gathered per branch first,
    # so that the summary sheet, which opens the workbook, is written before the branch sheets.
    branches: dict[int, BranchSummary] = {}
    for done, row in enumerate(_rows(subjects), start=1):
        counts = counts_of(row, campaigns[row["campaign_id"]])
        branch = branches.setdefault(row["unit_id"], BranchSummary(name=row["unit__name"]))
        branch.rows.append((row, counts))
        branch.rectifications += counts.rectifying
        if row["member__name"] is None:
            branch.rate, branch.outcome = counts.rate, counts.outcome
        else:
            branch.members += 1
            branch.members_passed += counts.outcome == PASS_TEXT
            branch.members_failed += counts.outcome == FAIL_TEXT
        if progress and done % 500 == 0:
            progress(done, total)
    workbook = print_workbook()
    _write_summary(workbook, unit, period, list(branches.values()))
    for branch in branches.values():
        _write_branch(workbook, branch, period)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _write_summary(workbook, unit: OrgUnit, period: Period, branches: list[BranchSummary]) -> None:
    sheet = start_print_sheet(workbook, "汇总", table_title(unit, period), SUMMARY_COLUMNS, SUMMARY_WIDTHS)
    cells, dimension = print_row_cells(sheet, SUMMARY_STYLES)
    for number, branch in enumerate(branches, start=1):
        values = [
            number,
            branch.name,
            branch.members,
            branch.members_passed,
            branch.members_failed,
            branch.rate,
            branch.outcome,
            branch.rectifications,
        ]
        append_print_row(sheet, cells, dimension, values, HEADER_ROWS + number, SUMMARY_WIDTHS)
    totals = [
        "",
        "合计",
        sum(b.members for b in branches),
        sum(b.members_passed for b in branches),
        sum(b.members_failed for b in branches),
    ]
    passed = sum(b.outcome == PASS_TEXT for b in branches)
    sheet.append(
        [styled_cell(sheet, value, TOTAL) for value in totals]
        + [styled_cell(sheet, passed / len(branches) if branches else 0.0, TOTAL_RATE)]
        + [
            styled_cell(sheet, f"合格 {passed} 个", TOTAL),
            styled_cell(sheet, sum(b.rectifications for b in branches), TOTAL),
        ]
    )


def _write_branch(workbook, branch: BranchSummary, period: Period) -> None:
    title = f"{branch.name}群众评议情况统计表（{period.wording}）"
    sheet = start_print_sheet(workbook, branch.name, title, COLUMNS, WIDTHS)
    cells, dimension = print_row_cells(sheet, ROW_STYLES)
    for number, (row, counts) in enumerate(branch.rows, start=1):
        values = [
            number,
            row["member__name"] or row["unit__name"],
            "党员" if row["member__name"] else "党组织",
            counts.handed_out,
            counts.returned,
            counts.valid,
            counts.satisfied,
            counts.basic,
            counts.unsatisfied,
            counts.rate,
            counts.outcome,
            RECTIFYING_TEXT if counts.rectifying else "",
        ]
        append_print_row(sheet, cells, dimension, values, HEADER_ROWS + number, WIDTHS)


def statistics_filename(unit: OrgUnit, period: Period) -> str:
    return f"{table_title(unit, period)}.xlsx"


def build_export(user, *, unit=None, period=None, progress=None, **_options) -> tuple[str, bytes]:
    """附件六 of `period` for the unit with code `unit` (default: the top of the user's scope)."""
    period = exports.period_option(period)
    top = top_unit(user, unit)
    return statistics_filename(top, period), write_statistics(user, top, period, progress)


exports.register(exports.Export("evaluations", build_export))


# ---------------------------------------------------------------------------------------
# 创建基层党组织建设先进单位 (seed 001): each branch's scores, rank, conclusion and evidence,
# a sheet per round, registered as the `creation` export (`export_ledger creation --year`).

CREATION_COLUMNS = [
    "序号",
    "党组织",
    "自评得分",
    # the five goals' names (CREATION_GOALS) come in here
    "综合得分",
    "排名",
    "评价结论",
    "承诺完成率",
    "信息报送\n√/补/×",
    "整改\n开启/办结/逾期",
    "群众满意率",
    "点评覆盖",
]
CREATION_WIDTHS = [6, 24, 9, 11, 11, 11, 11, 9, 9, 6, 10, 10, 10, 12, 10, 24]
CREATION_STYLES = [CENTRED, TEXT, *[CENTRED] * 9, RATE, CENTRED, CENTRED, RATE, CENTRED]
NONE = "—"


def year_option(text) -> int:
    """An export's `year` option as typed ("2026"), or JobError with the message for the user."""
    try:
        year = int(str(text or "").strip())
    except ValueError:
        year = 0
    if not 2000 <= year <= 2100:
        raise JobError(_("“%(value)s” is not a year; write it as 2026.") % {"value": text or ""})
    return year


def _coverage(evidence) -> str:
    if not evidence.reviews:
        return NONE
    c = evidence.coverage
    return (
        f"支部 {c.branches_reviewed}/{c.branches}，书记 {c.secretaries_reviewed}/{c.branches}，"
        f"党员 {c.members_reviewed}/{c.members}"
    )


def creation_values(number: int, row, evidence) -> list:
    """One branch's row of the results: scores exact to two decimals, evidence as counted."""
    totals, own = row.totals, row.self_totals
    reports = (
        NONE
        if evidence.reports_on_time is None
        else f"{evidence.reports_on_time}/{evidence.reports_late}/{evidence.reports_missing}"
    )
    rectifications = (
        f"{evidence.rectifications}/{evidence.rectifications_closed}/{evidence.rectifications_overdue}"
    )
    return [
        number,
        row.entry.unit.name,
        own.total_shown if own else NONE,
        *([group.score_shown for group in totals.groups] if totals else [NONE] * len(CREATION_GOALS)),
        totals.total_shown if totals else NONE,
        row.rank or NONE,
        CONCLUSIONS[row.entry.conclusion],
        NONE if evidence.completion is None else evidence.completion,
        reports,
        rectifications,
        NONE if evidence.satisfaction is None else evidence.satisfaction,
        _coverage(evidence),
    ]


def write_creation(user, top: OrgUnit, rounds) -> bytes:
    workbook = print_workbook()
    for creation_round in rounds:
        rows = round_rows(creation_round, round_entries(creation_round, user))
        rows = [row for row in rows if row.entry.unit.path.startswith(top.path)]  # ranked in the round
        evidence = branch_evidence(creation_round, [row.entry.unit_id for row in rows])
        with translation.override("zh-hans"):
            status = CreationStatus(creation_round.status).label
            title = f"{creation_round_title(creation_round)}考核汇总表（{status}）"
            goals = [str(label) for _goal, label, _items in CREATION_GOALS]
        columns = [*CREATION_COLUMNS[:3], *goals, *CREATION_COLUMNS[3:]]
        sheet = start_print_sheet(workbook, creation_round.township.name, title, columns, CREATION_WIDTHS)
        cells, dimension = print_row_cells(sheet, CREATION_STYLES)
        for number, row in enumerate(rows, start=1):
            values = creation_values(number, row, evidence[row.entry.unit_id])
            append_print_row(sheet, cells, dimension, values, HEADER_ROWS + number, CREATION_WIDTHS)
        named = sum(1 for row in rows if row.entry.conclusion == CreationConclusion.RECOMMENDED)
        summary = ["", f"参评党组织 {len(rows)} 个", *[""] * 8, f"拟命名 {named} 个", *[""] * 5]
        sheet.append([styled_cell(sheet, value, TOTAL) for value in summary])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def build_creation_export(user, *, unit=None, year=None, progress=None, **_options) -> tuple[str, bytes]:
    """The results of the rounds of `year` of the townships at, above or under the unit with
    code `unit` (default: the top of the user's scope), each branch under that unit."""
    year = year_option(year)
    top = top_unit(user, unit)
    rounds = list(
        CreationRound.objects.overseen_by(user)
        .filter(year=year)
        .filter(Q(township__path__under=top.path) | Q(township__path__in=top.ancestor_paths()))
        .select_related("township")
        .order_by("township__path")
    )
    if not rounds:
        raise JobError(
            _("No creation round of %(year)d in %(unit)s.") % {"year": year, "unit": short_name(top)}
        )
    name = creation_round_title(rounds[0]) if len(rounds) == 1 else f"{short_name(top)}{year}年度创建先进单位"
    return f"{name}考核汇总表.xlsx", write_creation(user, top, rounds)


exports.register(exports.Export("creation", build_creation_export))
