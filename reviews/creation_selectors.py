"""Scoped reads of the creation rounds (seed 001): the branches × filings grid, the weighted
totals of 综合评价, the ranking, and the evidence the portal already holds for each branch.

Evidence is computed from the other apps' records, never typed (`reviews.evidence`): a
branch's commitments, information reports, rectifications, inspections, mass evaluations and
leader reviews over the round's evidence periods.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from django.utils import timezone

from reviews.evidence import unit_evidence
from reviews.models import (
    CREATION_GOALS,
    SCORE_MAX,
    CreationBranch,
    CreationFiling,
    CreationRound,
    FilingKind,
    Title,
)

# Which of the portal's records bear on which goal of seed 001 二, shown beside its criteria:
# commitments kept and reports filed are the responsibilities in place; rectifications and
# inspections the organisation's role; the masses' verdict is 人民群众满意 and 群众反映好;
# the leaders' reviews judge the leading team.
EVIDENCE_OF_GOAL = {
    "leadership": ("reviews",),
    "responsibility": ("commitments", "reports"),
    "role": ("rectifications", "inspections"),
    "development": ("evaluations",),
    "five_goods": ("evaluations",),
}
HUNDREDTH = Decimal("0.01")


def two_places(value: Fraction) -> Decimal:
    """A score as shown and printed: exact until here, rounded half up to two decimals."""
    return (Decimal(value.numerator) / Decimal(value.denominator)).quantize(HUNDREDTH, ROUND_HALF_UP)


# ---------------------------------------------------------------------------------------
# 综合评价: weighted totals


@dataclass(frozen=True)
class GroupScore:
    goal: str
    label: str
    weight: int
    score: Fraction  # the mean of the goal's criteria, scaled to 100

    @property
    def contribution(self) -> Fraction:
        return self.weight * self.score / 100

    @property
    def score_shown(self) -> Decimal:
        return two_places(self.score)

    @property
    def contribution_shown(self) -> Decimal:
        return two_places(self.contribution)


@dataclass(frozen=True)
class Totals:
    groups: tuple[GroupScore, ...]

    @property
    def total(self) -> Fraction:
        return sum((group.contribution for group in self.groups), Fraction(0))

    @property
    def total_shown(self) -> Decimal:
        return two_places(self.total)

    def of(self, goal: str) -> GroupScore:
        return next(group for group in self.groups if group.goal == goal)


def weighted_totals(scores: dict, weights: dict[str, int]) -> Totals | None:
    """Per goal, the mean of its criteria's scores ÷ SCORE_MAX × 100; the total is
    Σ weight × goal score ÷ 100. None before anything is scored."""
    if not scores:
        return None
    groups = []
    for goal, label, items in CREATION_GOALS:
        points = sum(scores[code]["score"] for code, _label in items)
        groups.append(GroupScore(goal, label, weights[goal], Fraction(points * 100, len(items) * SCORE_MAX)))
    return Totals(tuple(groups))


# ---------------------------------------------------------------------------------------
# The round page: branches × filings


class FilingState:
    ON_TIME = "on_time"
    LATE = "late"  # filed after its due date
    MISSING = "missing"  # due date past, nothing filed
    NOT_DUE = "not_due"


@dataclass
class FilingCell:
    kind: str
    due: datetime.date
    filing: CreationFiling | None
    state: str


@dataclass
class EntryRow:
    entry: CreationBranch
    cells: list[FilingCell] = field(default_factory=list)
    self_totals: Totals | None = None
    totals: Totals | None = None
    rank: int | None = None
    titled_in: list[int] = field(default_factory=list)  # years of standing titles from earlier rounds


def round_entries(creation_round: CreationRound, user):
    """The round's branches `user` reads, in the tree's order, with their unified assessment."""
    return (
        CreationBranch.objects.visible_to(user)
        .filter(round=creation_round)
        .select_related("unit", "assessment")
        .order_by("unit__path")
    )


def round_rows(creation_round: CreationRound, entries, today: datetime.date | None = None) -> list[EntryRow]:
    """Each branch's filings (on time, late, missing, not yet due), its self-assessed and
    unified totals, its rank by the unified total and the titles it holds from earlier
    rounds (seed 001 四(三): a titled branch applies again). Two queries besides the
    entries', whatever their number."""
    today = today or timezone.localdate()
    entries = list(entries)
    if not entries:
        return []
    for entry in entries:
        entry.round = creation_round  # the filings' due dates are the round's
    by_pk = {entry.pk: entry for entry in entries}
    filed = {}
    for filing in (
        CreationFiling.objects.filter(entry__in=entries).only("entry_id", "kind", "filed_at").order_by()
    ):
        filing.entry = by_pk[filing.entry_id]
        filed[filing.entry_id, filing.kind] = filing
    titles = defaultdict(list)
    for unit_id, year in (
        Title.objects.standing()
        .filter(unit__in=[e.unit_id for e in entries], round__year__lt=creation_round.year)
        .order_by("round__year")
        .values_list("unit_id", "round__year")
    ):
        titles[unit_id].append(year)
    weights = creation_round.weights
    rows = []
    for entry in entries:
        row = EntryRow(entry, titled_in=titles[entry.unit_id])
        for kind in FilingKind:
            due = creation_round.due_of(kind)
            filing = filed.get((entry.pk, kind))
            if filing is not None:
                state = FilingState.LATE if filing.late else FilingState.ON_TIME
            else:
                state = FilingState.MISSING if today > due else FilingState.NOT_DUE
            row.cells.append(FilingCell(kind, due, filing, state))
        row.self_totals = weighted_totals(entry.self_scores, weights)
        assessment = getattr(entry, "assessment", None)
        row.totals = weighted_totals(assessment.scores, weights) if assessment else None
        rows.append(row)
    rank_rows(rows)
    return rows


def rank_rows(rows: list[EntryRow]) -> None:
    """Rank by the unified total, highest first; equal totals share a rank (1, 1, 3)."""
    scored = sorted((row for row in rows if row.totals), key=lambda row: row.totals.total, reverse=True)
    for position, row in enumerate(scored, start=1):
        previous = scored[position - 2] if position > 1 else None
        row.rank = previous.rank if previous and previous.totals.total == row.totals.total else position


def ranked(rows: list[EntryRow]) -> list[EntryRow]:
    """The ranking: scored branches by rank, then those not scored yet in the tree's order."""
    return sorted(rows, key=lambda row: (row.rank is None, row.rank or 0))


# ---------------------------------------------------------------------------------------
# Evidence


def evidence_window(creation_round: CreationRound, today: datetime.date | None = None):
    """From the start of the first evidence period to the end of the assessment, or today."""
    today = today or timezone.localdate()
    return creation_round.evidence_periods[0].start, min(creation_round.assessment_ends, today)


def branch_evidence(creation_round: CreationRound, unit_ids, today: datetime.date | None = None) -> dict:
    """{unit id: Evidence} for the round's branches `unit_ids` over its evidence periods, in a
    fixed number of queries whatever their number. The caller has loaded the branches through
    their scoping."""
    today = today or timezone.localdate()
    start, end = evidence_window(creation_round, today)
    return unit_evidence(
        creation_round.township, unit_ids, creation_round.evidence_periods, start, end, today
    )
