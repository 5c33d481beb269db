"""The township overview against the township counted by hand (conftest), its links, its cost
and its export."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from accounts.models import Level, OrgUnit
from commitments.models import Commitment
from dashboards.selectors import overview
from tests.dashboards.conftest import _commitment, _report, build_township


def _overview(town):
    return overview(town.unit, town.period, timezone.localdate())


def _by_code(ov):
    return {row.unit.code: row for row in ov.rows}


def test_commitment_completion_is_counted_per_branch_and_moves_with_a_record(hand):
    ov = _overview(hand)
    rows = _by_code(ov)
    assert rows["HC01"].completion == 3 / 4
    assert rows["HC02"].completion == 0
    assert rows["HC03"].completion is None  # nothing made: no bar, not 0 %
    assert ov.total.commitment_totals == {
        "made": 6,
        "done": 3,
        "in_progress": 0,
        "not_started": 0,
        "overdue": 2,
        "incomplete": 1,
    }
    overdue = Commitment.objects.get(letter__unit__code="HC02", percent=0)
    overdue.percent = 100
    overdue.save()
    ov = _overview(hand)
    assert _by_code(ov)["HC02"].completion == 1 / 2
    assert ov.total.completion == 4 / 6


def test_reports_on_time_per_branch_and_month(hand):
    ov = _overview(hand)
    rows = _by_code(ov)
    assert (rows["HC01"].reports_on_time, rows["HC01"].reports_missing) == (12, 0)
    assert rows["HC02"].reports_rate == 6 / 12
    assert rows["HC03"].reports_rate == 0
    assert ov.total.reports_rate == 18 / 36
    first, *_rest, last = ov.months
    assert first[1:] == (4, 6)  # January: HC01 and HC02 twice each, of 3 × 2 reporting days
    assert last[1:] == (2, 6)  # June: only HC01


def test_rectifications_by_source_and_evaluations_against_the_threshold(hand):
    ov = _overview(hand)
    figures = ov.total.rectification_periods[0]
    assert figures.values == {"opened": 3, "closed": 1, "overdue": 2}
    assert figures.sources == {"inspections.finding": [2, 1, 1], "reviews.evaluationsubject": [1, 0, 1]}
    rows = _by_code(ov)
    assert rows["HC01"].satisfaction == 9 / 10 and rows["HC01"].evaluations_failed == 0
    assert rows["HC02"].satisfaction == 7 / 10 and rows["HC02"].evaluations_failed == 1
    assert ov.total.satisfaction == 16 / 20


def test_the_branches_needing_attention_come_worst_first(hand):
    ov = _overview(hand)
    # HC03: 12 reports missing; HC02: 6 missing, 1 commitment and 1 rectification overdue,
    # 1 failed evaluation; HC01: 1 commitment and 1 rectification overdue.
    assert [row.unit.code for row in ov.attention] == ["HC03", "HC02", "HC01"]


def _page(client, town):
    return client.get(reverse("dashboards:overview"), {"unit": town.unit.pk, "period": town.period.code})


def test_overview_page_shows_the_figures_with_links_to_their_records(hand):
    client = Client()
    client.force_login(hand.office)
    response = _page(client, hand)
    assert response.status_code == 200
    html = response.content.decode()
    assert "和村镇创先争优工作总览" in html
    assert "50.0%" in html  # commitments completed, township-wide
    charts = {chart["id"]: chart for chart in response.context["charts"]}
    completion = charts["completion"]
    assert completion["categories"] == ["和村第1党支部", "和村第2党支部"]
    assert completion["series"][0]["data"] == [75.0, 0.0]
    link = completion["series"][0]["links"][0]
    assert f"unit={hand.branches['HC01'].pk}" in link and f"period={hand.period.code}" in link
    # The table under the chart repeats the number with the same link.
    assert f'<a href="{link.replace("&", "&amp;")}">75.0%</a>' in html
    satisfaction = charts["satisfaction"]
    assert satisfaction["mark"] == 80.0 and satisfaction["series"][0]["data"] == [90.0, 70.0]
    assert 'id="chart-data"' in html
    # Every chart value links to the records it counts.
    for chart in response.context["charts"]:
        for series in chart["series"]:
            if chart["id"] != "visits":
                assert all(series["links"]), chart["id"]


def test_an_empty_township_shows_empty_states_not_broken_charts(db):
    town = build_township("KB", 2)
    client = Client()
    client.force_login(town.office)
    response = _page(client, town)
    assert response.status_code == 200
    assert all(chart["empty"] for chart in response.context["charts"])
    assert response.content.decode().count("本期暂无数据") == len(response.context["charts"])


def test_a_period_that_is_not_one_is_refused_with_a_message(hand):
    client = Client()
    client.force_login(hand.office)
    response = client.get(reverse("dashboards:overview"), {"unit": hand.unit.pk, "period": "2026H3"})
    assert response.status_code == 200
    assert "无法显示所选期间" in response.content.decode()


def test_a_forged_unit_is_not_found(hand, units):
    client = Client()
    client.force_login(hand.office)
    assert client.get(reverse("dashboards:overview"), {"unit": units["LS"].pk}).status_code == 404
    assert client.get(reverse("dashboards:overview"), {"unit": "x"}).status_code == 404


def test_a_county_overview_compares_its_townships(hand):
    county = OrgUnit.objects.create(code="XC", name="中共县委", level=Level.COMMITTEE)
    hand.unit.parent = county
    hand.unit.save()
    for branch in hand.branches.values():
        branch.save()  # their paths follow the township's
    ov = overview(OrgUnit.objects.get(pk=county.pk), hand.period, timezone.localdate())
    assert [row.unit.code for row in ov.rows] == ["HC"]
    assert ov.rows[0].completion == 3 / 6


def _build(code: str, branches: int):
    town = build_township(code, branches)
    for number, branch in enumerate(town.branches.values()):
        _commitment(branch, town.period, percent=100 if number % 2 else 30)
        _report(branch, town.period.start.replace(day=15))
    return town


def _queries(town) -> int:
    client = Client()
    client.force_login(town.office)
    _page(client, town)  # the session and the user are loaded: count the page's own work
    with CaptureQueriesContext(connection) as queries:
        response = _page(client, town)
    assert response.status_code == 200
    assert len(response.context["overview"].rows) == len(town.branches)
    return len(queries)


def test_the_overview_costs_the_same_queries_for_12_branches_as_for_200(db):
    small, large = _queries(_build("QA", 12)), _queries(_build("QB", 200))
    assert small == large <= 30


def test_export_command_writes_the_overview_as_a_workbook(hand, tmp_path):
    out = tmp_path / "总览.xlsx"
    call_command("export_ledger", "overview", "--period", hand.period.code, "--unit", "hc", "-o", str(out))
    sheet = load_workbook(out)["总览"]
    rows = list(sheet.iter_rows(min_row=3, values_only=True))
    first = rows[0]
    assert first[1] == "和村第1党支部"
    assert first[2:9] == (4, 3, 0, 0, 1, 0, 0.75)
    assert first[9:14] == (12, 12, 0, 0, 1.0)
    assert first[18] == 0.9
    total = rows[-1]
    assert total[1] == "中共和村镇委员会" and total[8] == 0.5 and total[13] == 0.5


def test_export_command_refuses_a_bad_period_or_unit(hand, tmp_path):
    out = tmp_path / "x.xlsx"
    with pytest.raises(CommandError, match="不是"):
        call_command("export_ledger", "overview", "--period", "2026H3", "--unit", "HC", "-o", str(out))
    with pytest.raises(CommandError):
        call_command("export_ledger", "overview", "--period", "2026H1", "--unit", "NOPE", "-o", str(out))
    assert not out.exists()
