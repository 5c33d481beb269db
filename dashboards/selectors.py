"""The dashboards' figures: the township overview, a branch's scorecard and a member's own
commitments, all read from `reviews.evidence` (one definition of each figure, shared with a
creation round's evidence and the exports) and the apps' own selectors.

Nothing here is cached: every figure is computed for the request from the records of the unit
the view loaded through the user's scoping, in a fixed number of queries whatever the number
of branches.
"""

from __future__ import annotations

import datetime
import statistics
from dataclasses import dataclass, field, replace

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts.models import Level, OrgUnit
from branches.visit_selectors import visits_per_leader
from commitments.models import Commitment, Status
from commitments.selectors import completion
from core.periods import Period
from inspections.selectors import oldest_open_rectifications
from reports.selectors import on_time_rate
from reviews.evidence import Evidence, satisfaction, unit_evidence, url

ATTENTION = 5  # branches in the "needs attention" table
TREND = 4  # half-years on a scorecard's trend


def rows_of(unit: OrgUnit):
    """The units the overview of `unit` compares: the townships below a county, else the
    党支部 below (or at) the unit."""
    committees = OrgUnit.objects.filter(parent=unit, level=Level.COMMITTEE).order_by("path")
    if committees.exists():
        return committees
    return OrgUnit.objects.filter(path__under=unit.path, level=Level.BRANCH).order_by("path")


def window(period: Period, today: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The days a period's dated records (reports, rectifications, visits) are counted over:
    from its start to its end, or to today while it runs."""
    return period.start, max(period.start, min(period.end, today))


def attention_score(item: Evidence) -> int:
    """What makes a branch need attention: overdue rectifications and commitments, missing
    reports and a failed evaluation, each counted once."""
    return (
        item.rectifications_overdue
        + item.commitments_overdue
        + (item.reports_missing or 0)
        + item.evaluations_failed
    )


@dataclass
class Overview:
    unit: OrgUnit
    period: Period
    start: datetime.date
    end: datetime.date
    total: Evidence  # the unit itself, everything under it
    rows: list[Evidence]  # the townships or branches compared
    visits: list[tuple[str, int]]
    oldest: list = field(default_factory=list)  # open rectifications, oldest first

    @property
    def attention(self) -> list[Evidence]:
        flagged = [row for row in self.rows if attention_score(row) > 0]
        flagged.sort(
            key=lambda row: (-attention_score(row), row.completion if row.completion is not None else 1)
        )
        return flagged[:ATTENTION]

    @property
    def months(self) -> list[tuple[str, int, int]]:
        """(month, on time, reporting days passed) over the period, month by month."""
        return [
            (month, counts[0], sum(counts))
            for month, counts in sorted(self.total.report_months.items())
            if datetime.date(int(month[:4]), int(month[5:]), 1) in self.period
        ]

    @property
    def thresholds(self) -> set:
        return {result.threshold for result in self.total.evaluations}


def overview(unit: OrgUnit, period: Period, today: datetime.date) -> Overview:
    """The overview of `unit` (loaded through the user's scoping) for `period`."""
    start, end = window(period, today)
    rows = list(rows_of(unit))
    evidence = unit_evidence(unit, [unit.pk, *(row.pk for row in rows)], [period], start, end, today)
    return Overview(
        unit=unit,
        period=period,
        start=start,
        end=end,
        total=evidence[unit.pk],
        rows=[evidence[row.pk] for row in rows if row.pk in evidence],
        visits=visits_per_leader(unit.path, start, end),
        oldest=list(oldest_open_rectifications(unit.path)),
    )


# ---------------------------------------------------------------------------------------
# A branch's scorecard


@dataclass(frozen=True)
class Figure:
    """One figure of a branch for a period, the township's median of it, and its records."""

    label: str
    value: float | None  # a fraction (0–1)
    link: str = ""
    median: float | None = None


FIGURE_LABELS = (
    _("Commitments completed"),
    _("Reports on time"),
    _("Satisfaction of the masses"),
)


def figures_of(item: Evidence, period: Period) -> list[Figure]:
    """Completion, on-time rate and satisfaction of `item` in `period`, each with its list."""
    number = next(index for index, row in enumerate(item.commitment_periods) if row.period == period)
    commitments = item.commitment_periods[number]
    evaluations = item.evaluations_of(period)
    reports = url("reports:grid", start=f"{period.start:%Y-%m}", end=f"{period.end:%Y-%m}", unit=item.unit.pk)
    campaign = reverse("reviews:campaign", args=[evaluations[-1].campaign_id]) if evaluations else ""
    values = (commitments.completion, on_time_rate(*item.reports_of(period)), satisfaction(evaluations))
    links = (commitments.links["made"], reports, campaign)
    return [
        Figure(str(label), value, link)
        for label, value, link in zip(FIGURE_LABELS, values, links, strict=True)
    ]


def _median(values) -> float | None:
    present = [value for value in values if value is not None]
    return statistics.median(present) if present else None


@dataclass
class Scorecard:
    unit: OrgUnit
    township: OrgUnit
    period: Period
    evidence: Evidence
    figures: list[Figure]  # this half-year, with the medians
    trend: list[tuple[Period, list[Figure]]]  # the last four half-years, oldest first
    branches: int  # the township's branches the medians are taken over

    @property
    def commitments(self):
        return self.evidence.commitment_periods[-1]

    @property
    def rectifications(self):
        return self.evidence.rectification_periods[-1]

    @property
    def reports(self) -> tuple[int, int]:
        return self.evidence.reports_of(self.period)

    @property
    def evaluations(self):
        return self.evidence.evaluations_of(self.period)


def township_of(unit: OrgUnit) -> OrgUnit:
    """The nearest 党委 above (or at) the unit; the unit itself where there is none."""
    return (
        OrgUnit.objects.filter(path__in=unit.ancestor_paths(), level=Level.COMMITTEE)
        .order_by("-path")
        .first()
        or unit
    )


def last_periods(today: datetime.date, count: int = TREND) -> list[Period]:
    """The half-year of `today` and the `count - 1` before it, oldest first."""
    periods = [Period.containing(today)]
    while len(periods) < count:
        first = periods[0]
        periods.insert(0, Period(first.year, 1) if first.half == 2 else Period(first.year - 1, 2))
    return periods


def scorecard(unit: OrgUnit, today: datetime.date) -> Scorecard:
    """The branch's figures of the current half-year and the three before, and the medians of
    its township's 党支部 this half-year. Other branches are counted, never named."""
    periods = last_periods(today)
    current = periods[-1]
    township = township_of(unit)
    branches = list(
        OrgUnit.objects.filter(path__under=township.path, level=Level.BRANCH).values_list("pk", flat=True)
    )
    evidence = unit_evidence(township, {unit.pk, *branches}, periods, periods[0].start, today, today)
    mine = evidence[unit.pk]
    peers = [figures_of(evidence[pk], current) for pk in branches if pk in evidence]
    figures = [
        replace(figure, median=_median(figures[index].value for figures in peers))
        for index, figure in enumerate(figures_of(mine, current))
    ]
    trend = [(period, figures_of(mine, period)) for period in periods]
    return Scorecard(unit, township, current, mine, figures, trend, len(peers))


# ---------------------------------------------------------------------------------------
# A member's own commitments


@dataclass
class OwnCommitments:
    period: Period
    commitments: list
    done: int

    @property
    def completion(self) -> float | None:
        return completion(self.done, len(self.commitments))


def own_commitments(user, today: datetime.date) -> OwnCommitments:
    """The user's own commitments (as a member) of the current half-year, with their status."""
    period = Period.containing(today)
    commitments = list(
        Commitment.objects.visible_to(user)
        .filter(letter__member__user=user, letter__period=period.code)
        .order_by("deadline", "pk")
    )
    done = sum(1 for commitment in commitments if commitment.status_code == Status.DONE)
    return OwnCommitments(period, commitments, done)
