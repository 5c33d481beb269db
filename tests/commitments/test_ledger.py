"""The 承诺践诺台账 workbook: printed form, summary figures, round trip and bad files."""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from commitments.ledger import COLUMNS, write_ledger
from commitments.models import Commitment, Status
from tests.core.xlsx_files import confirm_import, upload

IMPORT_COLUMNS = COLUMNS


def _fullwidth(text: str) -> str:
    return text.translate({code: code + 0xFEE0 for code in range(0x21, 0x7F)})


def _book(content: bytes):
    return openpyxl.load_workbook(io.BytesIO(content))


@pytest.fixture
def township_book(personas, units, period):
    return _book(write_ledger(personas["office"], units["LS"], period))


def test_branch_sheet_prints_as_the_official_form(personas, units, period):
    book = _book(write_ledger(personas["secretary"], units["LS0101"], period))
    assert book.sheetnames == ["柳山村第一党支部"]
    sheet = book.worksheets[0]
    half = "上半年" if period.half == 1 else "下半年"
    assert sheet["A1"].value == f"柳山村第一党支部承诺践诺台账（{period.year}年{half}）"
    assert [str(r) for r in sheet.merged_cells.ranges] == ["A1:H1"]
    assert [c.value for c in sheet[2]][:8] == COLUMNS
    assert all(cell.font.b for cell in sheet[2][:8])
    assert sheet.print_title_rows == "$2:$2"
    assert sheet.page_setup.orientation == "landscape" and sheet.page_setup.paperSize == 9  # A4
    assert sheet.freeze_panes == "A3"
    assert sheet.column_dimensions["I"].hidden and "$H$" in sheet.print_area
    assert sheet["D3"].border.left.style == "thin" and sheet["D3"].alignment.wrap_text
    assert sheet.column_dimensions["D"].width >= 30
    rows = list(sheet.iter_rows(min_row=3, values_only=True))
    assert (
        len(rows)
        == Commitment.objects.filter(letter__unit=units["LS0101"], letter__period=period.code).count()
    )
    assert [row[0] for row in rows] == list(range(1, len(rows) + 1))


def test_township_summary_equals_the_database(township_book, personas, period):
    summary = township_book["汇总"]
    rows = list(summary.iter_rows(min_row=3, values_only=True))
    *branches, total = rows
    visible = Commitment.objects.visible_to(personas["office"]).filter(letter__period=period.code)
    for _number, name, filed, done, overdue, rate in branches:
        mine = visible.filter(letter__unit__name=name)
        assert filed == mine.count()
        assert done == mine.filter(status_code=Status.DONE).count()
        assert overdue == mine.filter(status_code=Status.OVERDUE).count()
        assert rate == pytest.approx(done / filed)
    assert total[1] == "合计" and total[2] == visible.count()
    assert total[3] == visible.filter(status_code=Status.DONE).count()
    assert len(township_book.sheetnames) == 1 + len(branches)
    assert summary.cell(row=3, column=6).number_format == "0.0%"


def test_formula_like_text_is_written_as_text(personas, units, make_commitment, period):
    make_commitment(units["LS0101"], content='=HYPERLINK("http://evil","点我")')
    sheet = _book(write_ledger(personas["office"], units["LS0101"], period)).worksheets[0]
    cells = [row[3] for row in sheet.iter_rows(min_row=3)]
    risky = next(cell for cell in cells if str(cell.value).startswith("="))
    assert risky.data_type == "s"


def _import(client, content: bytes, *, unit="LS0101", period, confirm=False):
    response = client.post(
        reverse("core:import", args=["commitments"]),
        {"unit": unit, "period": period.code, "file": upload(content, "台账.xlsx")},
    )
    if confirm and response.context["report"] and response.context["report"].ok:
        return confirm_import(client, response.context["upload"].pk)
    return response


def _errors(response):
    report = response.context["report"]
    if report is None:
        return response.context["form"].errors
    return [(e.row, e.column, e.message) for e in report.errors]


class TestRoundTrip:
    def test_exported_ledger_imports_back_without_change(self, client_for, personas, units, period):
        content = write_ledger(personas["secretary"], units["LS0101"], period)
        before = Commitment.history.count()
        response = _import(client_for("secretary"), content, period=period)
        report = response.context["report"]
        assert report.ok and report.saved == 0 and report.unchanged == report.total > 0
        confirmed = _import(client_for("secretary"), content, period=period, confirm=True)
        assert confirmed.status_code == 302
        assert Commitment.history.count() == before

    def test_an_edited_cell_changes_exactly_that(self, client_for, personas, units, period):
        book = _book(write_ledger(personas["secretary"], units["LS0101"], period))
        sheet = book.worksheets[0]
        record = sheet.cell(row=4, column=9).value
        sheet.cell(row=4, column=5).value = "改为每周走访一次"
        buffer = io.BytesIO()
        book.save(buffer)
        before = {c.pk: (c.measures, c.content, c.deadline) for c in Commitment.objects.all()}
        history = Commitment.history.count()
        _import(client_for("secretary"), buffer.getvalue(), period=period, confirm=True)
        after = {c.pk: (c.measures, c.content, c.deadline) for c in Commitment.objects.all()}
        changed = {pk for pk in after if after[pk] != before[pk]}
        assert changed == {record}
        assert after[record][0] == "改为每周走访一次"
        assert Commitment.history.count() == history + 1

    def test_a_typed_ledger_without_title_or_record_numbers_creates_rows(
        self, client_for, units, period, own_member
    ):
        rows = [
            [
                1,
                "柳山村第一党支部",
                "实事承诺",
                "新修村口便民桥",
                "党员带头投工",
                f"{period.end:%Y/%m/%d}",
                "",
                "",
            ],
            [
                2,
                own_member.name,
                "服务承诺",
                "每月义务理发一次",
                "",
                f"{period.end:%Y年%m月%d日}",
                "",
                "新增",
            ],
            [3, " 柳山村第一党支部 ", "服务承诺", "义诊两次", "", period.end, "", ""],  # an Excel date cell
            [4, "柳山村第一党支部", "服务承诺", "全角日期", "", _fullwidth(f"{period.end:%Y.%m.%d}"), "", ""],
            [None, None, None, None, None, None, None, None],
        ]
        book = openpyxl.Workbook()
        book.active.append(COLUMNS)
        for row in rows:
            book.active.append(row)
        buffer = io.BytesIO()
        book.save(buffer)
        count = Commitment.objects.count()
        response = _import(client_for("secretary"), buffer.getvalue(), period=period, confirm=True)
        assert response.status_code == 302
        assert Commitment.objects.count() == count + 4
        assert Commitment.objects.get(content="义诊两次").deadline == period.end
        assert Commitment.objects.get(content="全角日期").deadline == period.end
        personal = Commitment.objects.get(content="每月义务理发一次")
        assert personal.letter.member == own_member and personal.note == "新增"


class TestBadLedgers:
    def _book(self, rows, period, *, title=True):
        book = openpyxl.Workbook()
        sheet = book.active
        if title:
            sheet.append(["柳山村第一党支部承诺践诺台账"])
        sheet.append(COLUMNS)
        for row in rows:
            sheet.append(row)
        buffer = io.BytesIO()
        book.save(buffer)
        return buffer.getvalue()

    def test_each_bad_row_is_named_and_nothing_is_saved(
        self, client_for, units, period, other_branch_commitment
    ):
        end = f"{period.end:%Y-%m-%d}"
        rows = [
            [1, "柳山村第一党支部", "服务承诺", "正常的一行", "措施", end, "", ""],  # row 3
            [2, "柳山村第一党支部", "服务承诺", "时限超出本期", "", f"{period.year + 1}-03-01", "", ""],  # 4
            [3, "不认识的人", "服务承诺", "未知承诺人", "", end, "", ""],  # 5
            [4, "柳山村第一党支部", "服务承诺", "", "", end, "", ""],  # 6: empty commitment
            [5, "柳山村第一党支部", "服务承诺", "正常的一行", "措施", end, "", ""],  # 7: repeats row 3
            [6, "柳山村第一党支部", "=1+1", "公式类别", "", end, "", ""],  # 8: formula
            [7, "柳山村第一党支部", "服务承诺", "日期写错", "", "明年", "", ""],  # 9
        ]
        content = self._book(rows, period)
        book = openpyxl.load_workbook(io.BytesIO(content))
        book.active["C8"] = "=1+1"  # a real formula cell
        book.active.cell(row=10, column=1, value=8)
        for column, value in enumerate(
            ["柳山村第一党支部", "服务承诺", "冒用他支部记录", "", end, "", "", other_branch_commitment.pk],
            start=2,
        ):
            book.active.cell(row=10, column=column, value=value)
        book.active.cell(row=2, column=9, value="记录编号")
        buffer = io.BytesIO()
        book.save(buffer)
        count, history = Commitment.objects.count(), Commitment.history.count()
        errors = _errors(_import(client_for("secretary"), buffer.getvalue(), period=period))
        by_row = {}
        for row, column, message in errors:
            by_row.setdefault(row, []).append((column, message))
        assert 3 not in by_row
        assert by_row[4][0][0] == "完成时限" and "完成时限应在" in by_row[4][0][1]
        assert by_row[5] == [("承诺单位/承诺人", "“不认识的人”既不是本支部，也不是本支部党员。")]
        assert by_row[6][0][0] == "承诺事项"
        assert by_row[7] == [("承诺事项", "与本文件第 3 行重复。")]
        assert by_row[8] == [("承诺类别", "不允许使用公式，请粘贴数值。")]
        assert by_row[9][0][0] == "完成时限"
        assert by_row[10] == [("记录编号", f"记录编号 {other_branch_commitment.pk} 不属于本台账。")]
        assert (Commitment.objects.count(), Commitment.history.count()) == (count, history)
        assert Commitment.objects.get(pk=other_branch_commitment.pk).content == "河东社区：为居民代办事项"

    def test_secretary_cannot_import_into_another_branch(self, client_for, period):
        response = _import(client_for("secretary"), self._book([], period), unit="LS0201", period=period)
        assert "unit" in response.context["options_form"].errors

    def test_wrong_headers(self, client_for, period):
        book = openpyxl.Workbook()
        book.active.append(["标题"])
        book.active.append(["序号", "承诺事项", "完成时限"])
        book.active.append([1, "x", "2026-12-01"])
        buffer = io.BytesIO()
        book.save(buffer)
        errors = _errors(_import(client_for("secretary"), buffer.getvalue(), period=period))
        assert "缺少列：承诺单位/承诺人、承诺类别、践诺措施、完成情况、备注" in errors["file"][0]


class TestCommandLine:
    def test_export_and_dry_run_import(self, tmp_path, units, period):
        path = tmp_path / "台账.xlsx"
        out = io.StringIO()
        call_command(
            "export_ledger",
            "commitments",
            "--period",
            period.code,
            "--unit",
            "LS0101",
            "-o",
            str(path),
            stdout=out,
        )
        assert _book(path.read_bytes()).sheetnames == ["柳山村第一党支部"]
        out = io.StringIO()
        call_command(
            "import_ledger",
            "commitments",
            str(path),
            "--unit",
            "LS0101",
            "--period",
            period.code,
            "--dry-run",
            stdout=out,
        )
        assert "检查通过" in out.getvalue()

    def test_bad_period_and_unknown_unit_fail(self, db, tmp_path, period):
        with pytest.raises(CommandError, match="不是期间"):
            call_command("export_ledger", "commitments", "--period", "2026H3", "-o", str(tmp_path / "x.xlsx"))
        with pytest.raises(CommandError, match="XX"):
            call_command(
                "export_ledger",
                "commitments",
                "--period",
                period.code,
                "--unit",
                "XX",
                "-o",
                str(tmp_path / "x.xlsx"),
            )
        with pytest.raises(CommandError, match="党支部"):
            call_command(
                "import_ledger",
                "commitments",
                str(tmp_path / "x.xlsx"),
                "--unit",
                "XX",
                "--period",
                period.code,
            )


def test_ledger_cells_that_look_like_formulas_stay_text(personas, units, make_commitment, period):
    # Written past the form's validation (an old record, a direct database edit).
    make_commitment(units["LS0101"], content="防汛值班", measures="+86 热线、@村民群")
    make_commitment(units["LS0101"], content="普通承诺", measures="入户走访")
    sheet = _book(write_ledger(personas["office"], units["LS0101"], period)).worksheets[0]
    cells = {cell.value: cell for row in sheet.iter_rows() for cell in row if isinstance(cell.value, str)}
    assert cells["+86 热线、@村民群"].data_type == "s" and cells["+86 热线、@村民群"].quotePrefix
    assert not cells["入户走访"].quotePrefix  # the reused cell was reset for the next row
