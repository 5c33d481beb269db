"""The 整改台账 workbook: the printed form, one row per rectification with its latest reply and
re-check, overdue marked, the reader's scope, formula-looking text, and `export_ledger`."""

from __future__ import annotations

import datetime
import io

import openpyxl
import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from core.jobs import JobError
from core.periods import Period
from inspections.exports import COLUMNS, build_export, ledger_queryset, write_ledger
from inspections.models import Finding, FindingCategory, Inspection, InspectionGroup
from inspections.services import (
    finding_save,
    group_save,
    inspection_finalise,
    inspection_save,
    notice_issue,
    rectification_recheck,
    rectification_reply,
)

GROUP_NAME = "B测试组"


def make_group(units, personas, covers=("LS0101", "LS0201")) -> InspectionGroup:
    group = InspectionGroup(township=units["LS"], name=GROUP_NAME, leader=personas["inspector"])
    return group_save(group=group, members=[], units=[units[code] for code in covers])


def issue_notice(group, unit, inspector, problems, *, deadline=None, date=None):
    """A finalised inspection of `unit` with one finding per problem, and its notice issued."""
    today = timezone.localdate()
    inspection = inspection_save(
        actor=inspector,
        inspection=Inspection(
            group=group,
            unit=unit,
            date=date or today - datetime.timedelta(days=1),
            methods=["report", "records"],
            summary="该支部“三会一课”记录基本完整，个别记录不规范。",
        ),
    )
    findings = [
        finding_save(
            actor=inspector,
            finding=Finding(
                inspection=inspection, category=FindingCategory.PROBLEM, text=text, needs_rectification=True
            ),
        )
        for text in problems
    ]
    inspection_finalise(actor=inspector, inspection=inspection)
    deadline = deadline or today + datetime.timedelta(days=10)
    items = [(finding, f"针对“{finding.text}”限期整改到位", deadline) for finding in findings]
    return notice_issue(actor=inspector, inspection=inspection, items=items)


@pytest.fixture
def period() -> Period:
    return Period.containing(timezone.localdate())


@pytest.fixture
def ledger_data(units, personas):
    """Three rectifications of 柳山村第一党支部 (open; sent back once and replied again; passed)
    and one of 河东社区第一党支部."""
    group = make_group(units, personas)
    inspector, secretary = personas["inspector"], personas["secretary"]
    notice = issue_notice(group, units["LS0101"], inspector, ["B待整改问题", "B退回问题", "B通过问题"])
    still_open, sent_back, passed = notice.rectifications.order_by("pk")
    rectification_reply(actor=secretary, rectification=sent_back, measures="第一次措施", result="第一次结果")
    rectification_recheck(actor=inspector, rectification=sent_back, passed=False, comment="记录仍不完整")
    rectification_reply(
        actor=secretary, rectification=sent_back, measures="补齐记录", result="已补齐全部记录"
    )
    rectification_reply(actor=secretary, rectification=passed, measures="建立台账", result="台账已建立")
    rectification_recheck(actor=inspector, rectification=passed, passed=True)
    other = issue_notice(group, units["LS0201"], inspector, ["B河东问题"])
    return {
        "open": still_open,
        "sent_back": sent_back,
        "passed": passed,
        "other": other.rectifications.get(),
    }


def _sheet(content: bytes):
    book = openpyxl.load_workbook(io.BytesIO(content))
    assert len(book.worksheets) == 1
    return book.worksheets[0]


def _rows_by_problem(sheet) -> dict[str, tuple]:
    return {row[3]: row for row in sheet.iter_rows(min_row=3, values_only=True)}


def test_the_ledger_prints_as_the_official_form(ledger_data, personas, units, period):
    sheet = _sheet(write_ledger(personas["office"], units["LS"], period))
    half = {1: "上半年", 2: "下半年"}[period.half]
    assert sheet["A1"].value == f"柳山镇整改台账（{period.year}年{half}）"
    assert sheet["A1"].font.b and sheet["A1"].font.sz == 16
    assert [str(r) for r in sheet.merged_cells.ranges] == ["A1:L1"]
    assert [c.value for c in sheet[2]] == COLUMNS
    assert COLUMNS == [
        "序号", "单位/个人", "问题来源", "存在问题", "整改要求", "整改时限",
        "整改措施", "整改结果", "复验结论", "复验人", "复验日期", "状态",
    ]  # fmt: skip
    assert all(cell.font.b and cell.border.left.style == "thin" for cell in sheet[2])
    assert sheet.page_setup.orientation == "landscape" and sheet.page_setup.paperSize == 9  # A4
    assert sheet.page_setup.fitToWidth == 1 and sheet.sheet_properties.pageSetUpPr.fitToPage
    assert sheet.print_title_rows == "$2:$2"
    assert sheet.freeze_panes == "A3"
    assert sheet["D3"].alignment.wrap_text and sheet["D3"].border.left.style == "thin"
    assert sheet.column_dimensions["D"].width >= 30
    assert sheet.row_dimensions[3].height  # written with the file, not left to the program
    numbers = [row[0] for row in sheet.iter_rows(min_row=3, values_only=True)]
    assert numbers == list(range(1, len(numbers) + 1))
    assert len(numbers) == ledger_queryset(personas["office"], units["LS"], period).count()


def test_one_row_per_rectification_with_its_latest_reply_and_recheck(ledger_data, personas, units, period):
    sheet = _sheet(write_ledger(personas["office"], units["LS"], period))
    rows = _rows_by_problem(sheet)
    deadline = ledger_data["open"].deadline.isoformat()
    today = timezone.localdate().isoformat()
    inspector = str(personas["inspector"])
    assert rows["B待整改问题"][1:] == (
        "柳山村第一党支部", "督查发现问题", "B待整改问题", "针对“B待整改问题”限期整改到位", deadline,
        None, None, None, None, None, "待整改",
    )  # fmt: skip
    sent_back = rows["B退回问题"]
    assert sent_back[6:8] == ("补齐记录", "已补齐全部记录")  # the second reply, not the first
    assert sent_back[8:] == ("退回重改：记录仍不完整", inspector, today, "已回复")
    assert rows["B通过问题"][6:] == ("建立台账", "台账已建立", "复验通过", inspector, today, "复验通过")
    assert rows["B河东问题"][1] == "河东社区第一党支部"
    # Ordered by unit, then as issued.
    order = [row[3] for row in sheet.iter_rows(min_row=3, values_only=True) if str(row[3]).startswith("B")]
    assert order == ["B待整改问题", "B退回问题", "B通过问题", "B河东问题"]


def test_overdue_rectifications_are_marked(ledger_data, personas, units, period):
    later = ledger_data["open"].deadline + datetime.timedelta(days=1)
    rows = _rows_by_problem(_sheet(write_ledger(personas["office"], units["LS"], period, today=later)))
    assert rows["B待整改问题"][11] == "待整改（逾期）"
    assert rows["B退回问题"][11] == "已回复（逾期）"
    assert rows["B通过问题"][11] == "复验通过"  # a passed re-check is never overdue


def test_a_secretary_exports_only_its_branch(ledger_data, personas, units, period):
    name, content = build_export(personas["secretary"], period=period.code)
    assert name.startswith("柳山村第一党支部整改台账") and name.endswith(".xlsx")
    rows = list(_sheet(content).iter_rows(min_row=3, values_only=True))
    assert rows and {row[1] for row in rows} == {"柳山村第一党支部"}
    assert "B河东问题" not in {row[3] for row in rows}


def test_the_period_and_the_unit_choose_the_rows(ledger_data, personas, units, period):
    sheet = _sheet(build_export(personas["office"], unit="LS0201", period=period.code)[1])
    assert sheet["A1"].value.startswith("河东社区第一党支部整改台账")
    assert {row[3] for row in sheet.iter_rows(min_row=3, values_only=True)} >= {"B河东问题"}
    assert {row[1] for row in sheet.iter_rows(min_row=3, values_only=True)} == {"河东社区第一党支部"}
    earlier = Period(period.year - 1, period.half)
    sheet = _sheet(build_export(personas["office"], unit="LS0101", period=earlier.code)[1])
    assert "B待整改问题" not in {row[3] for row in sheet.iter_rows(min_row=3, values_only=True)}
    assert [c.value for c in sheet[2]] == COLUMNS  # an empty ledger keeps its form


def test_a_bad_period_says_so_in_chinese(personas):
    with pytest.raises(JobError, match="不是期间"):
        build_export(personas["office"], period="2026H3")


def test_formula_like_text_is_written_as_text(units, personas, period):
    group = make_group(units, personas)
    issue_notice(
        group, units["LS0101"], personas["inspector"], ['=HYPERLINK("http://evil","点我")', "=SUM(A1)"]
    )
    sheet = _sheet(write_ledger(personas["office"], units["LS0101"], period))
    risky = [row[3] for row in sheet.iter_rows(min_row=3) if str(row[3].value).startswith("=")]
    assert [cell.value for cell in risky] == ['=HYPERLINK("http://evil","点我")', "=SUM(A1)"]
    assert all(cell.data_type == "s" for cell in risky)


def test_queries_do_not_grow_with_the_rows(
    ledger_data, personas, units, period, django_assert_max_num_queries
):
    with django_assert_max_num_queries(3) as few:
        write_ledger(personas["office"], units["LS"], period)
    issue_notice(
        InspectionGroup.objects.get(name=GROUP_NAME),
        units["LS0201"],
        personas["inspector"],
        [f"B更多问题{n}" for n in range(8)],
        date=timezone.localdate() - datetime.timedelta(days=2),
    )
    with django_assert_max_num_queries(len(few.captured_queries)):
        write_ledger(personas["office"], units["LS"], period)


def test_export_ledger_command_writes_the_workbook(ledger_data, period, tmp_path):
    path = tmp_path / "整改台账.xlsx"
    call_command("export_ledger", "rectifications", "--period", period.code, "--unit", "LS", "-o", str(path))
    sheet = _sheet(path.read_bytes())
    assert sheet["A1"].value.startswith("柳山镇整改台账")
    assert {"B待整改问题", "B河东问题"} <= set(_rows_by_problem(sheet))


def test_export_ledger_command_refuses_a_bad_period(tmp_path):
    path = tmp_path / "整改台账.xlsx"
    with pytest.raises(CommandError, match="不是期间"):
        call_command("export_ledger", "rectifications", "--period", "2026H3", "-o", str(path))
    assert not path.exists()
