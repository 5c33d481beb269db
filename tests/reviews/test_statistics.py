"""附件六 群众评议情况统计表: the printed form read back with openpyxl, paper and online ballots
added up, pass and fail by the campaign's exact threshold, the reader's scope, and the command."""

from __future__ import annotations

import datetime
import io

import openpyxl
import pytest
from django.core.management import CommandError, call_command

from branches.models import Member
from core.periods import Period
from reviews.exports import COLUMNS, SUMMARY_COLUMNS, build_export, write_statistics
from reviews.models import Campaign, CampaignBranch, CampaignStatus, EvaluationSubject, Vote

PERIOD = Period.parse("2025H2")
DAY = datetime.date(2025, 12, 10)


def _subject(campaign, unit, member=None, **counts) -> EvaluationSubject:
    return EvaluationSubject.objects.create(campaign=campaign, unit=unit, member=member, **counts)


@pytest.fixture
def campaign(units):
    """柳山镇's 2025H2 campaign over two branches, still open."""
    campaign = Campaign.objects.create(
        unit=units["LS"], period=PERIOD.code, title="2025年下半年群众评议", opens_on=DAY, closes_on=DAY
    )
    for code in ("LS0101", "LS0201"):
        CampaignBranch.objects.create(campaign=campaign, unit=units[code])
    return campaign


def _votes(subject, **choices) -> None:
    Vote.objects.bulk_create(
        Vote(subject=subject, choice=choice, cast_on=DAY) for choice, n in choices.items() for _ in range(n)
    )


def _sheets(data: bytes):
    return openpyxl.load_workbook(io.BytesIO(data))


def _rows(sheet) -> list[list]:
    return [list(row) for row in sheet.iter_rows(min_row=3, values_only=True)]


def test_paper_and_online_ballots_add_up_and_the_threshold_is_exact(campaign, units, personas):
    branch = units["LS0101"]
    # 40 valid paper ballots and 10 online: 30 + 2 + 8 satisfied or basically of 50 is exactly 80 %.
    subject = _subject(
        campaign,
        branch,
        handed_out=45,
        returned=42,
        paper_valid=40,
        paper_satisfied=30,
        paper_basic=2,
        paper_unsatisfied=8,
    )
    _votes(subject, satisfied=8, unsatisfied=2)
    zhou = Member.objects.get(user=personas["member"])
    # 799 of 1000 is 79.9 %: below 80 %, however it would round.
    _subject(
        campaign,
        branch,
        zhou,
        handed_out=1000,
        returned=1000,
        paper_valid=1000,
        paper_satisfied=799,
        paper_unsatisfied=201,
        valid=1000,
        satisfied=799,
        basic=0,
        unsatisfied=201,
        passed=False,
    )
    workbook = _sheets(write_statistics(personas["office"], units["LS"], PERIOD))
    assert workbook.sheetnames[0] == "汇总"
    branch_sheet = workbook[branch.name]
    assert branch_sheet["A1"].value == f"{branch.name}群众评议情况统计表（2025年下半年）"
    assert [c.value for c in branch_sheet[2]] == COLUMNS
    rows = _rows(branch_sheet)
    assert rows[0][:9] == [1, branch.name, "党组织", 55, 52, 50, 38, 2, 10]
    assert rows[0][9] == pytest.approx(0.8) and rows[0][10] == "评议中"
    assert rows[1][1:3] == [zhou.name, "党员"] and rows[1][9] == pytest.approx(0.799)
    assert rows[1][10] == "不合格"
    assert branch_sheet.page_setup.orientation == "landscape" and branch_sheet.print_title_rows == "$2:$2"
    summary = workbook["汇总"]
    assert [c.value for c in summary[2]] == SUMMARY_COLUMNS
    assert _rows(summary)[0][:5] == [1, branch.name, 1, 0, 1]


def test_a_closed_campaign_reports_the_result_fixed_at_closing(campaign, units, personas):
    Campaign.objects.filter(pk=campaign.pk).update(status=CampaignStatus.CLOSED)
    campaign.refresh_from_db()
    # Two of three is 2/3: it passes a 2/3 threshold (seed 003) and fails 80 %.
    Campaign.objects.filter(pk=campaign.pk).update(threshold_numerator=2, threshold_denominator=3)
    campaign.refresh_from_db()
    assert campaign.passes(2, 3) and not Campaign(threshold_numerator=4, threshold_denominator=5).passes(2, 3)
    _subject(campaign, units["LS0201"], valid=3, satisfied=1, basic=1, unsatisfied=1, passed=True)
    _subject(campaign, units["LS0101"], valid=0, satisfied=0, basic=0, unsatisfied=0)
    workbook = _sheets(write_statistics(personas["office"], units["LS"], PERIOD))
    [row] = _rows(workbook[units["LS0201"].name])
    assert row[5:9] == [3, 1, 1, 1] and row[9] == pytest.approx(2 / 3) and row[10] == "合格"
    [empty] = _rows(workbook[units["LS0101"].name])
    assert empty[5] == 0 and empty[9] is None and empty[10] == "未评议"


def test_a_secretary_exports_only_its_own_branch(campaign, units, personas):
    _subject(campaign, units["LS0101"], handed_out=3, returned=3, paper_valid=3, paper_satisfied=3)
    _subject(campaign, units["LS0201"], handed_out=3, returned=3, paper_valid=3, paper_satisfied=3)
    name, data = build_export(personas["secretary"], period=PERIOD.code)
    assert name.endswith(".xlsx") and "群众评议情况统计表" in name
    workbook = _sheets(data)
    assert workbook.sheetnames == ["汇总", units["LS0101"].name]


def test_markup_and_formulas_in_names_stay_text(campaign, units, personas):
    branch = units["LS0101"]
    Member.objects.filter(pk=Member.objects.filter(unit=branch).first().pk).update(name="=HYPERLINK(1)")
    member = Member.objects.get(name="=HYPERLINK(1)")
    _subject(campaign, branch, member)
    workbook = _sheets(write_statistics(personas["office"], units["LS"], PERIOD))
    cell = workbook[branch.name]["B3"]
    assert cell.value == "=HYPERLINK(1)" and cell.data_type == "s"


def test_export_ledger_writes_the_table_and_refuses_a_bad_period(campaign, units, tmp_path):
    _subject(campaign, units["LS0101"], handed_out=1, returned=1, paper_valid=1, paper_basic=1)
    out = tmp_path / "群众评议统计.xlsx"
    call_command("export_ledger", "evaluations", "--period", PERIOD.code, "--unit", "LS", "-o", str(out))
    assert _rows(_sheets(out.read_bytes())[units["LS0101"].name])[0][6:8] == [0, 1]
    with pytest.raises(CommandError, match="2026H3"):
        call_command("export_ledger", "evaluations", "--period", "2026H3", "-o", str(tmp_path / "x.xlsx"))


def test_the_table_costs_the_same_queries_for_more_members(
    campaign, units, personas, django_assert_max_num_queries
):
    branch = units["LS0101"]
    for member in Member.objects.filter(unit=branch)[:20]:
        _votes(_subject(campaign, branch, member), satisfied=2, basic=1)
    with django_assert_max_num_queries(6):
        write_statistics(personas["office"], units["LS"], PERIOD)
