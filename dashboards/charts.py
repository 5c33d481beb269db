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


def one_series(key, kind, title, name, items, label, value, link, **options) -> dict:
    """A chart of one series: a category, a value and a link for each of `items`."""
    series = {"name": name, "data": [value(item) for item in items], "links": [link(item) for item in items]}
    return chart(key, kind, title, [label(item) for item in items], [series], **options)


def branch_bars(key, title, name, rows, value, link, **options) -> dict:
    """Branches (or townships) ranked by a rate, best first, as bars across."""
    ranked = sorted(rows, key=lambda row: -value(row))
    return one_series(
        key,
        "hbar",
        title,
        name,
        ranked,
        lambda row: row.unit.name,
        lambda row: percent(value(row)),
        link,
        is_percent=True,
        **options,
    )


def overview_charts(ov) -> list[dict]:
    totals = ov.total.commitment_totals
    figures = ov.total.commitment_periods[0]
    statuses = {
        "name": _("Commitments"),
        "data": [totals[name] for name in COMMITMENT_FILTERS],
        "links": [figures.links[name] for name in COMMITMENT_FILTERS],
        "colours": [STATUS_COLOURS[name] for name in COMMITMENT_FILTERS],
    }
    labels = [Status(status).label for status in COMMITMENT_FILTERS.values()]
    grid = reverse("reports:grid")
    thresholds = ov.thresholds
    threshold = percent(float(next(iter(thresholds)))) if len(thresholds) == 1 else None
    campaign = reverse("reviews:campaign", args=[0]).removesuffix("0/")
    rounds = reverse("reviews:rounds")
    visits = reverse("branches:visit_coverage")
    return [
        branch_bars(
            "completion",
            _("Commitments completed, by branch"),
            _("Completed (%)"),
            [row for row in ov.rows if row.commitments],
            lambda row: row.completion,
            lambda row: row.commitment_periods[0].links["done"],
        ),
        chart("statuses", "pie", _("Commitments by status"), labels, [statuses]),
        branch_bars(
            "reports",
            _("Reports on time, by branch"),
            _("On time (%)"),
            [row for row in ov.rows if row.reports_due],
            lambda row: row.reports_rate,
            lambda row: row.reports_link,
        ),
        one_series(
            "report-trend",
            "line",
            _("Reports on time, month by month"),
            _("On time (%)"),
            ov.months,
            lambda month: month[0],
            lambda month: percent(on_time_rate(month[1], month[2])),
            lambda month: f"{grid}?{urlencode({'start': month[0], 'end': month[0], 'unit': ov.unit.pk})}",
            is_percent=True,
        ),
        _rectification_chart(ov),
        branch_bars(
            "satisfaction",
            _("Satisfaction of the masses, by branch"),
            _("Satisfied (%)"),
            [row for row in ov.rows if row.satisfaction is not None],
            lambda row: row.satisfaction,
            lambda row: f"{campaign}{row.evaluations[-1].campaign_id}/",
            mark=threshold,
            mark_label=_("Pass mark %(value)s%%") % {"value": f"{threshold:g}"} if threshold else "",
        ),
        one_series(
            "coverage",
            "hbar",
            _("Leader-review sheets signed, by branch"),
            _("Signed (%)"),
            [row for row in ov.rows if row.coverage.sheets],
            lambda row: row.unit.name,
            lambda row: percent(row.coverage.rate),
            lambda row: reverse("reviews:round", args=[row.reviews[0].round_id]) if row.reviews else rounds,
            is_percent=True,
        ),
        one_series(
            "visits",
            "bar",
            _("Liaison visits, by leader"),
            _("Visits"),
            ov.visits,
            lambda visit: visit[0],
            lambda visit: visit[1],
            lambda visit: visits,
        ),
    ]


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
