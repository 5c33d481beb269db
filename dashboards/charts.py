"""The dashboards' pictures as data: each chart is a dict that the page renders twice, as a
JSON block drawn by `static/js/charts.js` (ECharts) and as the table under it, so the picture
and its numbers can never disagree. Every value carries the link to the records it counts.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.models import Level
from commitments.models import Status
from inspections.models import RectificationStatus, Source
from reports.selectors import on_time_rate
from reviews.evidence import COMMITMENT_FILTERS, url

# Colours of the commitments' statuses, as the lists' badges show them.
STATUS_COLOURS = {
    "done": "#198754",
    "in_progress": "#0d6efd",
    "not_started": "#6c757d",
    "overdue": "#dc3545",
    "incomplete": "#343a40",
}


def percent(value: float | None) -> float | None:
    return None if value is None else round(value * 100, 1)


def chart(key: str, kind: str, title, categories, series, *, is_percent=False, mark=None, mark_label=""):
    """A chart: `series` is a list of {"name", "data", "links"} with one value and one link per
    category; `kind` is hbar (bars across, for branches), bar, stack, line or pie."""
    empty = not categories or all(value in (None, 0) for item in series for value in item["data"])
    return {
        "id": key,
        "kind": kind,
        "title": str(title),
        "categories": [str(category) for category in categories],
        "series": [{**item, "name": str(item["name"])} for item in series],
        "percent": is_percent,
        "mark": mark,
        "markLabel": str(mark_label),
        "empty": empty,
        "rows": [
            (category, [(item["data"][index], item["links"][index]) for item in series])
            for index, category in enumerate(categories)
        ],
    }


def drill_link(unit, period) -> str:
    """Where a unit of the overview leads: the overview of a township, the scorecard of a branch."""
    if unit.level == Level.COMMITTEE:
        return f"{reverse('dashboards:overview')}?{urlencode({'unit': unit.pk, 'period': period.code})}"
    return reverse("dashboards:scorecard", args=[unit.pk])


def overview_charts(ov) -> list[dict]:
    charts = []
    made = [row for row in ov.rows if row.commitments]
    ranked = sorted(made, key=lambda row: -row.completion)
    charts.append(
        chart(
            "completion",
            "hbar",
            _("Commitments completed, by branch"),
            [row.unit.name for row in ranked],
            [
                {
                    "name": _("Completed (%)"),
                    "data": [percent(row.completion) for row in ranked],
                    "links": [row.commitment_periods[0].links["done"] for row in ranked],
                }
            ],
            is_percent=True,
        )
    )
    totals = ov.total.commitment_totals
    figures = ov.total.commitment_periods[0]
    charts.append(
        chart(
            "statuses",
            "pie",
            _("Commitments by status"),
            [Status(status).label for status in COMMITMENT_FILTERS.values()],
            [
                {
                    "name": _("Commitments"),
                    "data": [totals[name] for name in COMMITMENT_FILTERS],
                    "links": [figures.links[name] for name in COMMITMENT_FILTERS],
                    "colours": [STATUS_COLOURS[name] for name in COMMITMENT_FILTERS],
                }
            ],
        )
    )
    reporting = [row for row in ov.rows if row.reports_due]
    by_rate = sorted(reporting, key=lambda row: -row.reports_rate)
    charts.append(
        chart(
            "reports",
            "hbar",
            _("Reports on time, by branch"),
            [row.unit.name for row in by_rate],
            [
                {
                    "name": _("On time (%)"),
                    "data": [percent(row.reports_rate) for row in by_rate],
                    "links": [row.reports_link for row in by_rate],
                }
            ],
            is_percent=True,
        )
    )
    months = ov.months
    grid = reverse("reports:grid")
    charts.append(
        chart(
            "report-trend",
            "line",
            _("Reports on time, month by month"),
            [month for month, _on_time, _due in months],
            [
                {
                    "name": _("On time (%)"),
                    "data": [percent(on_time_rate(on_time, due)) for _month, on_time, due in months],
                    "links": [
                        f"{grid}?{urlencode({'start': month, 'end': month, 'unit': ov.unit.pk})}"
                        for month, _on_time, _due in months
                    ],
                }
            ],
            is_percent=True,
        )
    )
    charts.append(_rectification_chart(ov))
    evaluated = [row for row in ov.rows if row.satisfaction is not None]
    by_satisfaction = sorted(evaluated, key=lambda row: -row.satisfaction)
    thresholds = ov.thresholds
    threshold = percent(float(next(iter(thresholds)))) if len(thresholds) == 1 else None
    campaign = reverse("reviews:campaign", args=[0]).removesuffix("0/")
    charts.append(
        chart(
            "satisfaction",
            "hbar",
            _("Satisfaction of the masses, by branch"),
            [row.unit.name for row in by_satisfaction],
            [
                {
                    "name": _("Satisfied (%)"),
                    "data": [percent(row.satisfaction) for row in by_satisfaction],
                    "links": [f"{campaign}{row.evaluations[-1].campaign_id}/" for row in by_satisfaction],
                }
            ],
            is_percent=True,
            mark=threshold,
            mark_label=_("Pass mark %(value)s%%") % {"value": f"{threshold:g}"} if threshold else "",
        )
    )
    reviewed = [row for row in ov.rows if row.coverage.sheets]
    rounds = reverse("reviews:rounds")
    charts.append(
        chart(
            "coverage",
            "hbar",
            _("Leader-review sheets signed, by branch"),
            [row.unit.name for row in reviewed],
            [
                {
                    "name": _("Signed (%)"),
                    "data": [percent(row.coverage.rate) for row in reviewed],
                    "links": [
                        reverse("reviews:round", args=[row.reviews[0].round_id]) if row.reviews else rounds
                        for row in reviewed
                    ],
                }
            ],
            is_percent=True,
        )
    )
    visits = reverse("branches:visit_coverage")
    charts.append(
        chart(
            "visits",
            "bar",
            _("Liaison visits, by leader"),
            [leader for leader, _count in ov.visits],
            [
                {
                    "name": _("Visits"),
                    "data": [count for _leader, count in ov.visits],
                    "links": [visits] * len(ov.visits),
                }
            ],
        )
    )
    return charts


def _rectification_chart(ov) -> dict:
    """Opened, closed and overdue rectifications of the period, by what raised them."""
    counts = ov.total.rectification_periods[0].sources
    sources = list(Source)
    base = url("inspections:rectifications", unit=ov.unit.pk, period=ov.period.code)
    series = []
    for name, index, state in (
        (_("Opened"), 0, None),
        (_("Closed (re-check passed)"), 1, RectificationStatus.PASSED),
        (_("Overdue"), 2, "overdue"),
    ):
        filters = [{"source": source, **({"state": state} if state else {})} for source in sources]
        series.append(
            {
                "name": name,
                "data": [counts.get(source, [0, 0, 0])[index] for source in sources],
                "links": [f"{base}&{urlencode(params)}" for params in filters],
            }
        )
    return chart("rectifications", "bar", _("Rectifications by source"), [s.label for s in sources], series)


def scorecard_charts(card) -> list[dict]:
    """The branch against its township's median this half-year, and its last four half-years."""
    names = [figure.label for figure in card.figures]
    comparison = chart(
        "median",
        "bar",
        _("This branch and the township's median, %(period)s") % {"period": card.period.wording},
        names,
        [
            {
                "name": card.unit.name,
                "data": [percent(figure.value) for figure in card.figures],
                "links": [figure.link for figure in card.figures],
            },
            {
                "name": _("Median of the township's branches"),
                "data": [percent(figure.median) for figure in card.figures],
                "links": [""] * len(card.figures),
            },
        ],
        is_percent=True,
    )
    periods = [period.wording for period, _figures in card.trend]
    trend = chart(
        "trend",
        "line",
        _("The last four half-years"),
        periods,
        [
            {
                "name": label,
                "data": [percent(figures[index].value) for _period, figures in card.trend],
                "links": [figures[index].link for _period, figures in card.trend],
            }
            for index, label in enumerate(names)
        ],
        is_percent=True,
    )
    return [comparison, trend]
