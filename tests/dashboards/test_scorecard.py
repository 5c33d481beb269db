"""A branch's scorecard: its own figures, its last four half-years, the township's median —
and for a secretary, never another branch's name."""

from __future__ import annotations

import json
import re

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import Level, OrgUnit
from commitments.models import Commitment
from core.periods import Period
from dashboards.selectors import scorecard
from tests.dashboards.conftest import _commitment


def _page(user, unit):
    client = Client()
    client.force_login(user)
    return client.get(reverse("dashboards:scorecard", args=[unit.pk]))


def test_the_median_is_taken_over_the_townships_branches(hand):
    current = Period.containing(timezone.localdate())
    # This half-year: HC01 1 of 2 done, HC02 2 of 2, HC03 0 of 1 → median 50 %.
    for code, done, made in (("HC01", 1, 2), ("HC02", 2, 2), ("HC03", 0, 1)):
        for number in range(made):
            _commitment(hand.branches[code], current, percent=100 if number < done else 0)
    card = scorecard(hand.branches["HC03"], timezone.localdate())
    completion = card.figures[0]
    assert (completion.value, completion.median, card.branches) == (0, 0.5, 3)
    # Its last four half-years, the hand-counted one (last year's first half) among them.
    trend = dict(card.trend)
    assert [period for period, _figures in card.trend][-1] == current
    assert trend[hand.period][0].value is None  # HC03 made nothing then
    assert scorecard(hand.branches["HC01"], timezone.localdate()).figures[0].value == 1 / 2
    assert dict(scorecard(hand.branches["HC01"], timezone.localdate()).trend)[hand.period][0].value == 3 / 4


def test_a_secretarys_scorecard_names_no_other_branch(personas, units):
    own = units["LS0101"]
    response = _page(personas["secretary"], own)
    assert response.status_code == 200
    html = response.content.decode()
    assert own.name in html
    others = OrgUnit.objects.filter(
        path__under=units["LS"].path, level__in=[Level.BRANCH, Level.GENERAL_BRANCH]
    )
    for unit in others.exclude(path__under=own.path):
        assert unit.name not in html, unit.name
    data = json.loads(
        re.search(r'<script id="chart-data" type="application/json">(.*?)</script>', html, re.S)[1]
    )
    assert {series["name"] for chart in data for series in chart["series"]} >= {own.name, "全镇党支部中位数"}
    for chart in data:
        for series in chart["series"]:
            assert series["name"] in (
                own.name,
                "全镇党支部中位数",
                "承诺完成率",
                "信息按时报送率",
                "群众满意率",
            )


def test_a_secretary_cannot_open_another_branchs_scorecard(personas, units):
    assert _page(personas["secretary2"], units["LS0101"]).status_code == 404
    assert _page(personas["member"], units["LS0101"]).status_code == 404


def test_each_figure_links_to_its_records(personas, units):
    response = _page(personas["office"], units["LS0101"])
    card = response.context["card"]
    html = response.content.decode()
    commitments = card.commitments
    assert (
        commitments.values["made"]
        == Commitment.objects.filter(
            letter__unit__path__under=units["LS0101"].path, letter__period=card.period.code
        ).count()
    )
    assert f'href="{commitments.links["done"].replace("&", "&amp;")}"' in html
    assert f"unit={units['LS0101'].pk}" in card.figures[1].link


def test_a_township_has_no_scorecard_but_its_overview(personas, units):
    response = _page(personas["office"], units["LS"])
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('dashboards:overview')}?unit={units['LS'].pk}"
