"""What the portal's records say of a set of units over some periods: commitments kept,
information reports filed, rectifications opened and closed, inspections received, the
masses' satisfaction and the leaders' review coverage.

One read model for every page that shows these figures: a creation round's evidence beside
its scores (seed 001), the dashboards and their export. Each figure is defined once, in the
app that owns its records (`commitments.selectors.status_counts`, `reports.selectors.slot_grid`,
`inspections.selectors.rectification_counts` …); this module only adds them up the tree. A
record counts for every requested unit it lies under, so a 党总支's or a township's figures
take in their branches', as the linked lists ("unit and below") show them. A fixed number of
queries, whatever the number of units.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from fractions import Fraction
from urllib.parse import urlencode

from django.db.models import Count, Q
from django.urls import reverse

from accounts.models import Level, OrgUnit
from branches.models import Member
from commitments.models import Status
from commitments.selectors import completion, status_counts
from core.periods import Period
from inspections.models import RectificationStatus, Source
from inspections.selectors import inspection_counts, rectification_counts
from reports.selectors import SlotState, on_time_rate, slot_grid
from reviews.models import CampaignStatus, EvaluationSubject, Review, ReviewKind, ReviewRound, ReviewStatus

COMMITMENT_COUNTS = ("made", "done", "in_progress", "not_started", "overdue", "incomplete")
# The list filter each count adds (count → status shown by the commitments list).
COMMITMENT_FILTERS = {
    "done": Status.DONE,
    "in_progress": Status.IN_PROGRESS,
    "not_started": Status.NOT_STARTED,
    "overdue": Status.OVERDUE,
    "incomplete": Status.INCOMPLETE,
}


def url(name: str, **params) -> str:
    return f"{reverse(name)}?{urlencode(params)}"


@dataclass
class PeriodFigures:
    """One period's counts of a kind of record, each with the list page it counts."""

    period: Period
    values: dict[str, int]
    links: dict[str, str]
    # Rectifications by source: [opened, closed, overdue].
    sources: dict[str, list[int]] = field(default_factory=dict)

    @property
    def source_rows(self) -> list[tuple[str, int, str]]:
        """(label of the source, rectifications opened, their list), in `Source`'s order."""
        return [
            (
                Source(value).label,
                self.sources[value][0],
                f"{self.links['opened']}&{urlencode({'source': value})}",
            )
            for value in Source.values
            if self.sources.get(value)
        ]

    @property
    def completion(self) -> float | None:
        return completion(self.values.get("done", 0), self.values.get("made", 0))


def _period_figures(periods, names, name: str, params: dict, filters: dict) -> list[PeriodFigures]:
    """Zero counts for each period, linked to the list `name` with `params`, and for each
    count the filter it adds (`filters`: count → {parameter: value})."""
    rows = []
    for period in periods:
        base = {"period": period.code, **params}
        links = {count: url(name, **base, **filters.get(count, {})) for count in names}
        rows.append(PeriodFigures(period, dict.fromkeys(names, 0), links))
    return rows


@dataclass
class EvaluationResult:
    campaign_id: int
    title: str
    period: str
    unit_name: str
    valid: int
    satisfied: int  # 满意 + 基本满意
    passed: bool | None
    threshold: Fraction

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

    COUNTS = ("branches", "branches_reviewed", "secretaries_reviewed", "members", "members_reviewed")

    @property
    def sheets(self) -> int:
        """Sheets owed: each branch and its secretary, and each member."""
        return 2 * self.branches + self.members

    @property
    def sheets_signed(self) -> int:
        return self.branches_reviewed + self.secretaries_reviewed + self.members_reviewed

    @property
    def rate(self) -> float | None:
        """点评覆盖率: signed sheets ÷ sheets owed."""
        return self.sheets_signed / self.sheets if self.sheets else None


@dataclass
class Evidence:
    unit: OrgUnit
    commitment_periods: list[PeriodFigures] = field(default_factory=list)
    # Information reports per reporting day, as the reports app's grid counts them (√ 补 ×);
    # None where no 党支部 owes reports.
    reports_on_time: int | None = None
    reports_late: int | None = None
    reports_missing: int | None = None
    reports_adopted: int = 0
    # "2026-11" → [√, 补, ×] of that month's reporting days.
    report_months: dict[str, list[int]] = field(default_factory=lambda: defaultdict(lambda: [0, 0, 0]))
    reports_link: str = ""
    rectification_periods: list[PeriodFigures] = field(default_factory=list)  # opened, closed, overdue
    inspections: int = 0
    inspections_link: str = ""
    evaluations: list[EvaluationResult] = field(default_factory=list)
    reviews: list[ReviewCoverage] = field(default_factory=list)

    def _commitment(self, name: str) -> int:
        return sum(row.values[name] for row in self.commitment_periods)

    @property
    def commitments(self) -> int:
        return self._commitment("made")

    @property
    def commitments_done(self) -> int:
        return self._commitment("done")

    @property
    def commitments_overdue(self) -> int:
        return self._commitment("overdue")

    @property
    def commitment_totals(self) -> dict[str, int]:
        return {name: self._commitment(name) for name in COMMITMENT_COUNTS}

    def _rectification(self, name: str) -> int:
        return sum(row.values[name] for row in self.rectification_periods)

    @property
    def rectifications(self) -> int:
        return self._rectification("opened")

    @property
    def rectifications_closed(self) -> int:
        return self._rectification("closed")

    @property
    def rectifications_overdue(self) -> int:
        return self._rectification("overdue")

    @property
    def rectifications_open(self) -> int:
        return self.rectifications - self.rectifications_closed

    @property
    def rectification_sources(self) -> dict[str, int]:
        totals: dict[str, int] = defaultdict(int)
        for row in self.rectification_periods:
            for source, (opened, _closed, _overdue) in row.sources.items():
                totals[source] += opened
        return dict(totals)

    @property
    def completion(self) -> float | None:
        return completion(self.commitments_done, self.commitments)

    @property
    def completion_percent(self) -> float | None:
        return None if self.completion is None else self.completion * 100

    @property
    def reports_due(self) -> int:
        return (self.reports_on_time or 0) + (self.reports_late or 0) + (self.reports_missing or 0)

    @property
    def reports_rate(self) -> float | None:
        return on_time_rate(self.reports_on_time or 0, self.reports_due)

    def reports_of(self, period: Period) -> tuple[int, int]:
        """(on time, reporting days passed) of the reporting days in `period`."""
        on_time = due = 0
        for month, (good, late, missing) in self.report_months.items():
            if datetime.date(int(month[:4]), int(month[5:]), 1) in period:
                on_time += good
                due += good + late + missing
        return on_time, due

    def evaluations_of(self, period: Period) -> list[EvaluationResult]:
        return [result for result in self.evaluations if result.period == period.code]

    @property
    def satisfaction(self) -> float | None:
        return satisfaction(self.evaluations)

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
            for name in ReviewCoverage.COUNTS:
                setattr(total, name, getattr(total, name) + getattr(item, name))
        return total


def satisfaction(results: list[EvaluationResult]) -> float | None:
    """满意率: (满意 + 基本满意) ÷ valid ballots, over the branch's own results."""
    valid = sum(result.valid for result in results)
    return sum(result.satisfied for result in results) / valid if valid else None


def unit_evidence(
    top: OrgUnit,
    unit_ids,
    periods: list[Period],
    start: datetime.date,
    end: datetime.date,
    today: datetime.date,
) -> dict[int, Evidence]:
    """{unit id: Evidence} for the units `unit_ids` under `top` (itself included), counting
    the records of `periods` (commitments, evaluations, reviews) and those dated from `start`
    to `end` (reports, rectifications, inspections). The caller has loaded `top` and the units
    through their scoping."""
    units = list(OrgUnit.objects.filter(pk__in=list(unit_ids), path__under=top.path).order_by("path"))
    if not units:
        return {}
    evidence = {unit.pk: Evidence(unit) for unit in units}
    by_path = {unit.path: evidence[unit.pk] for unit in units}

    found: dict[str, list[Evidence]] = {}

    def above(path: str) -> list[Evidence]:
        """The requested units a record at `path` counts for: itself and those above it
        (worked out once per path: the grouped rows repeat paths thousands of times)."""
        if path not in found:
            codes = path.strip("/").split("/")
            paths = ("/" + "/".join(codes[: depth + 1]) + "/" for depth in range(len(codes)))
            found[path] = [by_path[p] for p in paths if p in by_path]
        return found[path]

    under = top.path
    _commitments(evidence, above, under, periods, today)
    branches = list(OrgUnit.objects.filter(path__under=under, level=Level.BRANCH).order_by("path"))
    _reports(evidence, above, branches, start, end)
    _rectifications(evidence, above, under, start, end, periods, today)
    _inspections(evidence, above, under, start, end)
    _evaluations(evidence, above, under, [period.code for period in periods])
    _reviews(evidence, above, top, branches, [period.code for period in periods])
    return evidence


Above = Callable[[str], list[Evidence]]


def _commitments(evidence, above: Above, under: str, periods, today) -> None:
    """Commitments of the periods, the branch's and its members', by the commitments app's status."""
    index = {period.code: number for number, period in enumerate(periods)}
    filters = {count: {"status": status} for count, status in COMMITMENT_FILTERS.items()}
    for item in evidence.values():
        item.commitment_periods = _period_figures(
            periods, COMMITMENT_COUNTS, "commitments:list", {"unit": item.unit.pk}, filters
        )
    for path, period, status, count in status_counts(under, index, today):
        for item in above(path):
            values = item.commitment_periods[index[period]].values
            values["made"] += count
            for name, counted in COMMITMENT_FILTERS.items():
                values[name] += count if status == counted else 0


def _reports(evidence, above: Above, branches, start, end) -> None:
    """√ 补 × per reporting day as the reports app's grid counts them, for the 党支部 that owe
    reports, and the reports adopted."""
    slots, rows = slot_grid(None, start, end, units=branches)
    months = {slot: f"{slot:%Y-%m}" for slot in slots}
    positions = {SlotState.ON_TIME: 0, SlotState.LATE: 1, SlotState.MISSING: 2}
    for row in rows:
        counts = [0, 0, 0]
        by_month: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
        for slot, state in row.cells:
            position = positions.get(state)
            if position is not None:
                counts[position] += 1
                by_month[months[slot]][position] += 1
        for item in above(row.unit.path):
            item.reports_on_time = (item.reports_on_time or 0) + counts[0]
            item.reports_late = (item.reports_late or 0) + counts[1]
            item.reports_missing = (item.reports_missing or 0) + counts[2]
            item.reports_adopted += row.adopted
            for month, (good, late, missing) in by_month.items():
                cell = item.report_months[month]
                cell[0] += good
                cell[1] += late
                cell[2] += missing
    for item in evidence.values():
        item.reports_link = url("reports:grid", start=f"{start:%Y-%m}", end=f"{end:%Y-%m}", unit=item.unit.pk)


def _rectifications(evidence, above: Above, under: str, start, end, periods, today) -> None:
    """Rectifications opened in the window, whatever raised them, closed (re-check passed) or
    overdue today; counted in the period they were opened in."""
    index = {period.code: number for number, period in enumerate(periods)}
    for item in evidence.values():
        item.rectification_periods = _period_figures(
            periods,
            ("opened", "closed", "overdue"),
            "inspections:rectifications",
            {"unit": item.unit.pk},
            {"closed": {"state": RectificationStatus.PASSED}, "overdue": {"state": "overdue"}},
        )

    numbers: dict[datetime.date, int | None] = {}
    for path, source, issued_on, count, closed, overdue in rectification_counts(under, start, end, today):
        if issued_on not in numbers:
            numbers[issued_on] = next((index[p.code] for p in periods if issued_on in p), None)
        number = numbers[issued_on]
        if number is None:
            continue
        for item in above(path):
            row = item.rectification_periods[number]
            row.values["opened"] += count
            row.values["closed"] += closed
            row.values["overdue"] += overdue
            counts = row.sources.setdefault(source, [0, 0, 0])
            counts[0] += count
            counts[1] += closed
            counts[2] += overdue


def _inspections(evidence, above: Above, under: str, start, end) -> None:
    for path, count in inspection_counts(under, start, end):
        for item in above(path):
            item.inspections += count
    for item in evidence.values():
        params = {"unit": item.unit.pk, "status": "final", "start": start.isoformat(), "end": end.isoformat()}
        item.inspections_link = url("inspections:list", **params)


def _evaluations(evidence, above: Above, under: str, codes) -> None:
    """The branches' own results (not their members') in the closed campaigns of the periods."""
    subjects = (
        EvaluationSubject.objects.filter(
            member__isnull=True,
            campaign__status=CampaignStatus.CLOSED,
            campaign__period__in=codes,
            unit__path__under=under,
        )
        .order_by("campaign__period", "campaign_id", "unit__path")
        .values_list(
            "campaign_id",
            "campaign__title",
            "campaign__period",
            "unit__name",
            "unit__path",
            "valid",
            "satisfied",
            "basic",
            "passed",
            "campaign__threshold_numerator",
            "campaign__threshold_denominator",
        )
    )
    for campaign_id, title, period, name, path, valid, satisfied, basic, passed, num, den in subjects:
        result = EvaluationResult(
            campaign_id,
            title,
            period,
            name,
            valid or 0,
            (satisfied or 0) + (basic or 0),
            passed,
            Fraction(num, den),
        )
        for item in above(path):
            item.evaluations.append(result)


def _reviews(evidence, above: Above, top: OrgUnit, branches, codes) -> None:
    """Leader-review coverage in the review rounds of the periods of the townships at, above or
    under `top`: each round counts the branches and members of its own township."""
    rounds = list(
        ReviewRound.objects.filter(period__in=codes)
        .filter(Q(township__path__in=top.ancestor_paths()) | Q(township__path__under=top.path))
        .select_related("township")
        .order_by("period", "pk")
    )
    if not rounds:
        return
    townships = {r.pk: r.township.path for r in rounds}
    coverage: dict[tuple[int, int], ReviewCoverage] = {}

    def cell(item: Evidence, r) -> ReviewCoverage:
        key = (item.unit.pk, r.pk)
        if key not in coverage:  # built once: a county asks for each cell 12,500 times
            coverage[key] = ReviewCoverage(r.pk, r.period_obj.wording)
        return coverage[key]

    for branch in branches:
        for r in rounds:
            if branch.path.startswith(townships[r.pk]):
                for item in above(branch.path):
                    cell(item, r).branches += 1
    members = (
        Member.objects.filter(unit__path__under=top.path)
        .order_by()
        .values_list("unit__path")
        .annotate(n=Count("pk"))
    )
    for path, count in members:
        for r in rounds:
            if path.startswith(townships[r.pk]):
                for item in above(path):
                    cell(item, r).members += count
    signed = (
        Review.objects.filter(round__in=rounds, status=ReviewStatus.SIGNED, unit__path__under=top.path)
        .order_by()
        .values_list("round_id", "kind", "unit__path")
        .annotate(n=Count("pk"))
    )
    by_pk = {r.pk: r for r in rounds}
    for round_id, kind, path, count in signed:
        for item in above(path):
            target = cell(item, by_pk[round_id])
            if kind == ReviewKind.BRANCH:
                target.branches_reviewed += count
            elif kind == ReviewKind.SECRETARY:
                target.secretaries_reviewed += count
            else:
                target.members_reviewed += count
    for item in evidence.values():
        item.reviews = [coverage[item.unit.pk, r.pk] for r in rounds if (item.unit.pk, r.pk) in coverage]
