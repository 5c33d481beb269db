"""Scoped reads of the creation rounds (seed 001): the branches × filings grid, the weighted
totals of 综合评价, the ranking, and the evidence the portal already holds for each branch.

Evidence is computed from the other apps' records, never typed: a branch's commitments,
information reports, rectifications, inspections, mass evaluations and leader reviews over
the round's evidence periods. A record counts for every branch of the round it lies under,
so a 党总支's figures take in its 党支部's, as the linked lists ("unit and below") show them.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from urllib.parse import urlencode

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone

from accounts.models import Level, OrgUnit
from branches.models import Member
from commitments.models import Commitment, Status, status_expression
from core.periods import Period
from inspections.models import Inspection, Rectification, RectificationStatus, Source
from reports.selectors import slot_grid
from reviews.models import (
    CREATION_GOALS,
    SCORE_MAX,
    CampaignStatus,
    CreationBranch,
    CreationFiling,
    CreationRound,
    EvaluationSubject,
    FilingKind,
    Review,
    ReviewKind,
    ReviewRound,
    ReviewStatus,
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


@dataclass
class PeriodFigures:
    """One evidence period's counts of a kind of record, each with the list page it counts."""

    period: Period
    values: dict[str, int]
    links: dict[str, str]
    sources: dict[str, int] = field(default_factory=dict)  # rectifications opened, by source

    @property
    def source_rows(self) -> list[tuple[str, int, str]]:
        """(label of the source, rectifications opened, their list), in `Source`'s order."""
        return [
            (
                Source(value).label,
                self.sources[value],
                f"{self.links['opened']}&{urlencode({'source': value})}",
            )
            for value in Source.values
            if self.sources.get(value)
        ]


def _period_figures(periods, names, name: str, params: dict, filters: dict) -> list[PeriodFigures]:
    """Zero counts for each period, linked to the list `name` with `params`, and for each
    count the filter it adds (`filters`: count → {parameter: value})."""
    rows = []
    for period in periods:
        base = {"period": period.code, **params}
        links = {count: _url(name, **base, **filters.get(count, {})) for count in names}
        rows.append(PeriodFigures(period, dict.fromkeys(names, 0), links))
    return rows


@dataclass
class EvaluationResult:
    campaign_id: int
    title: str
    unit_name: str
    valid: int
    satisfied: int  # 满意 + 基本满意
    passed: bool | None

    @property
    def satisfaction(self) -> float | None:
        return self.satisfied / self.valid if self.valid else None

    @property
    def percent(self) -> float | None:
        return None if self.satisfaction is None else self.satisfaction * 100


@dataclass
class ReviewCoverage:
    round_id: int
    period: str
    branches: int = 0  # 党支部 owing a review of the branch and of its secretary
    branches_reviewed: int = 0
    secretaries_reviewed: int = 0
    members: int = 0
    members_reviewed: int = 0


@dataclass
class Evidence:
    unit: OrgUnit
    commitment_periods: list[PeriodFigures] = field(default_factory=list)  # made, done, overdue
    # Information reports per slot, as the reports grid counts them (√ 补 ×); None where no
    # 党支部 owes reports.
    reports_on_time: int | None = None
    reports_late: int | None = None
    reports_missing: int | None = None
    reports_link: str = ""
    rectification_periods: list[PeriodFigures] = field(default_factory=list)  # opened, closed, overdue
    inspections: int = 0
    inspections_link: str = ""
    evaluations: list[EvaluationResult] = field(default_factory=list)
    reviews: list[ReviewCoverage] = field(default_factory=list)

    @property
    def commitments(self) -> int:
        return sum(row.values["made"] for row in self.commitment_periods)

    @property
    def commitments_done(self) -> int:
        return sum(row.values["done"] for row in self.commitment_periods)

    @property
    def commitments_overdue(self) -> int:
        return sum(row.values["overdue"] for row in self.commitment_periods)

    @property
    def rectifications(self) -> int:
        return sum(row.values["opened"] for row in self.rectification_periods)

    @property
    def rectifications_closed(self) -> int:
        return sum(row.values["closed"] for row in self.rectification_periods)

    @property
    def rectifications_overdue(self) -> int:
        return sum(row.values["overdue"] for row in self.rectification_periods)

    @property
    def rectification_sources(self) -> dict[str, int]:
        totals: dict[str, int] = defaultdict(int)
        for row in self.rectification_periods:
            for source, count in row.sources.items():
                totals[source] += count
        return dict(totals)

    @property
    def completion(self) -> float | None:
        return self.commitments_done / self.commitments if self.commitments else None

    @property
    def completion_percent(self) -> float | None:
        return None if self.completion is None else self.completion * 100

    @property
    def satisfaction(self) -> float | None:
        valid = sum(result.valid for result in self.evaluations)
        return sum(result.satisfied for result in self.evaluations) / valid if valid else None

    @property
    def satisfaction_percent(self) -> float | None:
        return None if self.satisfaction is None else self.satisfaction * 100

    @property
    def evaluations_passed(self) -> int:
        return sum(1 for result in self.evaluations if result.passed)

    @property
    def evaluations_failed(self) -> int:
        return sum(1 for result in self.evaluations if result.passed is False)

    @property
    def coverage(self) -> ReviewCoverage:
        """The review rounds together: 支部 and 书记 reviewed, members reviewed, of how many."""
        total = ReviewCoverage(round_id=0, period="")
        for item in self.reviews:
            for name in (
                "branches",
                "branches_reviewed",
                "secretaries_reviewed",
                "members",
                "members_reviewed",
            ):
                setattr(total, name, getattr(total, name) + getattr(item, name))
        return total


def evidence_window(creation_round: CreationRound, today: datetime.date | None = None):
    """From the start of the first evidence period to the end of the assessment, or today."""
    today = today or timezone.localdate()
    return creation_round.evidence_periods[0].start, min(creation_round.assessment_ends, today)


def _url(name: str, **params) -> str:
    return f"{reverse(name)}?{urlencode(params)}"


def branch_evidence(creation_round: CreationRound, unit_ids, today: datetime.date | None = None) -> dict:
    """{unit id: Evidence} for the round's branches `unit_ids`, in a fixed number of queries
    whatever their number. The caller has loaded the branches through their scoping."""
    today = today or timezone.localdate()
    units = list(OrgUnit.objects.filter(pk__in=list(unit_ids)).order_by("path"))
    if not units:
        return {}
    evidence = {unit.pk: Evidence(unit) for unit in units}
    by_path = {unit.path: evidence[unit.pk] for unit in units}

    def above(path: str) -> list[Evidence]:
        """The requested branches a record at `path` counts for: itself and those above it."""
        codes = path.strip("/").split("/")
        found = (by_path.get("/" + "/".join(codes[: depth + 1]) + "/") for depth in range(len(codes)))
        return [item for item in found if item is not None]

    township = creation_round.township.path
    periods = creation_round.evidence_periods
    codes = [period.code for period in periods]
    start, end = evidence_window(creation_round, today)
    _commitments(evidence, above, township, periods, today)
    branches = list(OrgUnit.objects.filter(path__under=township, level=Level.BRANCH).order_by("path"))
    _reports(evidence, above, branches, start, end)
    _rectifications(evidence, above, township, start, end, periods, today)
    _inspections(evidence, above, township, start, end)
    _evaluations(evidence, above, township, codes)
    _reviews(evidence, above, branches, creation_round, codes)
    return evidence


def _commitments(evidence, above, township, periods, today) -> None:
    """Commitments of the periods, the branch's and its members', by the commitments app's status."""
    index = {period.code: number for number, period in enumerate(periods)}
    for item in evidence.values():
        item.commitment_periods = _period_figures(
            periods,
            ("made", "done", "overdue"),
            "commitments:list",
            {"unit": item.unit.pk},
            {"done": {"status": Status.DONE}, "overdue": {"status": Status.OVERDUE}},
        )
    rows = (
        Commitment.objects.filter(letter__period__in=list(index), letter__unit__path__under=township)
        .annotate(status_code=status_expression(today))
        .order_by()
        .values_list("letter__unit__path", "letter__period", "status_code")
        .annotate(n=Count("pk"))
    )
    for path, period, status, count in rows:
        for item in above(path):
            values = item.commitment_periods[index[period]].values
            values["made"] += count
            values["done"] += count if status == Status.DONE else 0
            values["overdue"] += count if status == Status.OVERDUE else 0


def _reports(evidence, above, branches, start, end) -> None:
    """√ 补 × per slot as the reports app's grid counts them, for the 党支部 that owe reports."""
    _slots, rows = slot_grid(None, start, end, units=branches)
    for row in rows:
        for item in above(row.unit.path):
            item.reports_on_time = (item.reports_on_time or 0) + row.on_time
            item.reports_late = (item.reports_late or 0) + row.late
            item.reports_missing = (item.reports_missing or 0) + row.missing
    for item in evidence.values():
        item.reports_link = _url(
            "reports:grid", start=f"{start:%Y-%m}", end=f"{end:%Y-%m}", unit=item.unit.pk
        )


def _rectifications(evidence, above, township, start, end, periods, today) -> None:
    """Rectifications opened in the window, whatever raised them, closed (re-check passed) or
    overdue today; counted in the half-year they were opened."""
    index = {period.code: number for number, period in enumerate(periods)}
    for item in evidence.values():
        item.rectification_periods = _period_figures(
            periods,
            ("opened", "closed", "overdue"),
            "inspections:rectifications",
            {"unit": item.unit.pk},
            {"closed": {"state": RectificationStatus.PASSED}, "overdue": {"state": "overdue"}},
        )
    rows = (
        Rectification.objects.filter(unit__path__under=township, issued_on__range=(start, end))
        .order_by()
        .values_list("unit__path", "source", "issued_on")
        .annotate(
            n=Count("pk"),
            closed=Count("pk", filter=Q(status=RectificationStatus.PASSED)),
            overdue=Count("pk", filter=~Q(status=RectificationStatus.PASSED) & Q(deadline__lt=today)),
        )
    )
    for path, source, issued_on, count, closed, overdue in rows:
        for item in above(path):
            row = item.rectification_periods[index[Period.containing(issued_on).code]]
            row.values["opened"] += count
            row.values["closed"] += closed
            row.values["overdue"] += overdue
            row.sources[source] = row.sources.get(source, 0) + count


def _inspections(evidence, above, township, start, end) -> None:
    rows = (
        Inspection.objects.finalised()
        .filter(unit__path__under=township, date__range=(start, end))
        .order_by()
        .values_list("unit__path")
        .annotate(n=Count("pk"))
    )
    for path, count in rows:
        for item in above(path):
            item.inspections += count
    for item in evidence.values():
        params = {"unit": item.unit.pk, "status": "final", "start": start.isoformat(), "end": end.isoformat()}
        item.inspections_link = _url("inspections:list", **params)


def _evaluations(evidence, above, township, codes) -> None:
    """The branches' own results (not their members') in the closed campaigns of the periods."""
    subjects = (
        EvaluationSubject.objects.filter(
            member__isnull=True,
            campaign__status=CampaignStatus.CLOSED,
            campaign__period__in=codes,
            unit__path__under=township,
        )
        .order_by("campaign__period", "campaign_id", "unit__path")
        .values_list(
            "campaign_id",
            "campaign__title",
            "unit__name",
            "unit__path",
            "valid",
            "satisfied",
            "basic",
            "passed",
        )
    )
    for campaign_id, title, name, path, valid, satisfied, basic, passed in subjects:
        result = EvaluationResult(
            campaign_id, title, name, valid or 0, (satisfied or 0) + (basic or 0), passed
        )
        for item in above(path):
            item.evaluations.append(result)


def _reviews(evidence, above, branches, creation_round, codes) -> None:
    """Leader-review coverage in the township's review rounds of the periods."""
    rounds = list(
        ReviewRound.objects.filter(township=creation_round.township, period__in=codes).order_by("period")
    )
    if not rounds:
        return
    township = creation_round.township.path
    coverage = {
        (item.unit.pk, r.pk): ReviewCoverage(r.pk, r.period_obj.wording)
        for item in evidence.values()
        for r in rounds
    }
    for item in evidence.values():
        item.reviews = [coverage[item.unit.pk, r.pk] for r in rounds]
    for branch in branches:
        for item in above(branch.path):
            for r in rounds:
                coverage[item.unit.pk, r.pk].branches += 1
    members = (
        Member.objects.filter(unit__path__under=township)
        .order_by()
        .values_list("unit__path")
        .annotate(n=Count("pk"))
    )
    for path, count in members:
        for item in above(path):
            for r in rounds:
                coverage[item.unit.pk, r.pk].members += count
    signed = (
        Review.objects.filter(round__in=rounds, status=ReviewStatus.SIGNED, unit__path__under=township)
        .order_by()
        .values_list("round_id", "kind", "unit__path")
        .annotate(n=Count("pk"))
    )
    for round_id, kind, path, count in signed:
        for item in above(path):
            cell = coverage[item.unit.pk, round_id]
            if kind == ReviewKind.BRANCH:
                cell.branches_reviewed += count
            elif kind == ReviewKind.SECRETARY:
                cell.secretaries_reviewed += count
            else:
                cell.members_reviewed += count
