"""The township's ledger (a 汇总 sheet and a sheet per branch) imported back as it was exported.

The LibreOffice copy is made by running this file with LEDGER_FIXTURE_REGENERATE=1 where
`soffice` is installed (apt-get install libreoffice-calc-nogui):

    LEDGER_FIXTURE_REGENERATE=1 .venv/bin/pytest tests/commitments/test_township_import.py -k libreoffice

It exports the ledger of `fixed_ledger` below and converts it with
`soffice --headless --convert-to xlsx`; CI only reads the committed file.
"""

from __future__ import annotations

import datetime
import io
import os
import pathlib
import re
import shutil
import subprocess
import tempfile
import zipfile

import openpyxl
import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from openpyxl.styles import Font

from commitments.ledger import write_ledger
from commitments.models import Category, Commitment, CommitmentLetter
from core.periods import Period
from tests.core.xlsx_files import confirm_import, upload

FIXTURES = pathlib.Path(__file__).parent / "fixtures"
RESAVED = FIXTURES / "township_ledger_libreoffice.xlsx"
FIXED_PERIOD = Period(2024)  # a whole year the demo never files for


def _book(content: bytes):
    return openpyxl.load_workbook(io.BytesIO(content))


def _bytes(book) -> bytes:
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _state():
    return {
        c.pk: (c.letter_id, c.category, c.content, c.measures, c.deadline, c.note)
        for c in Commitment.objects.all()
    }


def _post(client, content: bytes, period: Period):
    # The branch is left empty: every sheet names its own.
    return client.post(
        reverse("core:import", args=["commitments"]),
        {"unit": "", "period": period.code, "file": upload(content, "柳山镇台账.xlsx")},
    )


def _errors(response):
    report = response.context["report"]
    assert report is not None, response.context["form"].errors
    return [(e.sheet, e.row, e.column, e.message) for e in report.errors]


@pytest.fixture
def township(personas, units, period):
    return write_ledger(personas["office"], units["LS"], period)


def _branch_sheets(book):
    return [sheet for sheet in book.worksheets if sheet.title != "汇总"]


def test_the_export_names_each_branch_in_a_hidden_cell(township, units):
    book = _book(township)
    assert book.sheetnames[0] == "汇总" and len(book.sheetnames) > 2
    for sheet in _branch_sheets(book):
        unit = units[sheet["I1"].value]
        assert sheet.column_dimensions["I"].hidden and sheet["A1"].value.startswith(unit.name)


class TestPristineRoundTrip:
    def test_through_the_page(self, client_for, township, period):
        before, history = _state(), Commitment.history.count()
        client = client_for("office")
        response = _post(client, township, period)
        report = response.context["report"]
        assert report.ok and report.several_sheets and report.saved == 0
        assert (
            report.unchanged == report.total == Commitment.objects.filter(letter__period=period.code).count()
        )
        content = response.content.decode()
        assert "柳山村第一党支部" in content and "汇总" not in [sheet.title for sheet in report.sheets]
        confirmed = confirm_import(client, response.context["upload"].pk)
        assert confirmed.status_code == 302
        assert "已导入 0 行" in client.get(confirmed.url).content.decode()
        assert _state() == before and Commitment.history.count() == history

    def test_through_the_command_without_unit(self, tmp_path, township):
        path = tmp_path / "柳山镇台账.xlsx"
        path.write_bytes(township)
        before, history = _state(), Commitment.history.count()
        out = io.StringIO()
        call_command("import_ledger", "commitments", str(path), stdout=out)
        assert "已导入 0 行" in out.getvalue()
        assert _state() == before and Commitment.history.count() == history


def test_an_edited_cell_in_the_second_branch_changes_exactly_that(client_for, tmp_path, township, period):
    book = _book(township)
    second = _branch_sheets(book)[1]
    record = second.cell(row=4, column=9).value
    second.cell(row=4, column=5).value = "改为每周走访一次"
    before, history = _state(), Commitment.history.count()
    client = client_for("office")
    response = _post(client, _bytes(book), period)
    assert response.context["report"].ok
    confirm_import(client, response.context["upload"].pk)
    after = _state()
    assert {pk for pk in after if after[pk] != before[pk]} == {record}
    assert after[record][3] == "改为每周走访一次"
    assert Commitment.history.count() == history + 1


def test_an_error_in_one_sheet_saves_nothing_in_any(client_for, tmp_path, township, period):
    book = _book(township)
    first, second = _branch_sheets(book)[:2]
    first.cell(row=3, column=5).value = "一处正确的修改"
    second.cell(row=5, column=3).value = "随便写的类别"
    content = _bytes(book)
    before = _state()
    response = _post(client_for("office"), content, period)
    errors = _errors(response)
    assert [(sheet, row, column) for sheet, row, column, _message in errors] == [
        (second.title, 5, "承诺类别")
    ]
    page = response.content.decode()
    assert second.title in page and "随便写的类别" in page
    # The file with its errors marked, on the sheet and row they are in.
    marked = _book(
        client_for("office").get(reverse("core:import_errors", args=[response.context["upload"].pk])).content
    )
    assert marked.sheetnames == [sheet.title for sheet in _branch_sheets(book)]
    assert "承诺类别" in marked[second.title].cell(row=5, column=10).value
    assert marked[first.title].cell(row=3, column=10).value is None
    path = tmp_path / "台账.xlsx"
    path.write_bytes(content)
    err = io.StringIO()
    with pytest.raises(CommandError, match="1 处错误"):
        call_command("import_ledger", "commitments", str(path), stderr=err, stdout=io.StringIO())
    assert f"工作表“{second.title}” 第 5 行 承诺类别" in err.getvalue()
    assert _state() == before


def test_a_secretary_gets_an_error_for_each_other_branch(client_for, township, period, personas, units):
    book = _book(township)
    own = next(sheet for sheet in _branch_sheets(book) if sheet["I1"].value == "LS0101")
    own.cell(row=3, column=5).value = "本支部的修改"
    others = [sheet.title for sheet in _branch_sheets(book) if sheet is not own]
    # A branch that does not exist reads like one that is not hers.
    ghost = book.copy_worksheet(own)
    ghost.title = "不存在的支部"
    ghost["A1"] = own["A1"].value.replace("柳山村第一党支部", "不存在的支部")
    ghost["I1"] = "ZZ99"
    before = _state()
    response = _post(client_for("secretary"), _bytes(book), period)
    errors = _errors(response)
    assert [(sheet, row) for sheet, row, _column, _message in errors] == [
        (title, 1) for title in [*others, "不存在的支部"]
    ]
    # One message for all, the branch's name aside: nothing tells whether a branch exists.
    assert len({re.sub(r"“.*?”", "", message) for *_where, message in errors}) == 1
    assert _state() == before


def test_a_sheet_without_branch_or_period_is_named(client_for, township, period):
    book = _book(township)
    second = _branch_sheets(book)[1]
    second["A1"] = "承诺台账"
    errors = _errors(_post(client_for("office"), _bytes(book), period))
    assert [(sheet, row) for sheet, row, _column, _message in errors] == [(second.title, 1)]
    assert "标题" in errors[0][3]


@pytest.fixture
def fixed_ledger(units):
    """Two branches' commitments with fixed record numbers, as exported into the LibreOffice fixture."""
    rows = [
        (
            910001,
            "LS0101",
            Category.SERVICE,
            "为孤寡老人每月上门服务一次",
            "党员结对、每月走访",
            "2024-06-30",
        ),
        (910002, "LS0101", Category.PRACTICAL, "带头发展特色种植", "办培训班两期", "2024-10-31"),
        (910003, "LS0201", Category.SERVICE, "为居民代办事项", "设代办点，周三集中办理", "2024-12-31"),
    ]
    for pk, code, category, content, measures, deadline in rows:
        letter, _ = CommitmentLetter.objects.get_or_create(
            unit=units[code], member=None, period=FIXED_PERIOD.code
        )
        Commitment.objects.create(
            pk=pk, letter=letter, category=category, content=content, measures=measures, deadline=deadline
        )
    return [row[0] for row in rows]


def test_the_libreoffice_copy_imports(client_for, personas, units, fixed_ledger, tmp_path):
    if os.environ.get("LEDGER_FIXTURE_REGENERATE"):
        exported = tmp_path / "in" / "township_ledger_libreoffice.xlsx"
        exported.parent.mkdir()
        exported.write_bytes(write_ledger(personas["office"], units["LS"], FIXED_PERIOD))
        with tempfile.TemporaryDirectory() as profile:
            subprocess.run(
                [
                    "soffice",
                    f"-env:UserInstallation=file://{profile}",
                    "--headless",
                    "--convert-to",
                    "xlsx",
                    "--outdir",
                    str(tmp_path),
                    str(exported),
                ],
                check=True,
                capture_output=True,
                timeout=300,
            )
        shutil.copyfile(tmp_path / exported.name, RESAVED)
    content = RESAVED.read_bytes()
    with zipfile.ZipFile(io.BytesIO(content)) as package:
        assert b"LibreOffice" in package.read("docProps/app.xml")
    book = _book(content)
    assert book.sheetnames == ["汇总", "柳山村第一党支部", "河东社区第一党支部"]
    before, history = _state(), Commitment.history.count()
    client = client_for("office")
    response = _post(client, content, FIXED_PERIOD)
    report = response.context["report"]
    assert report.ok and report.unchanged == report.total == 3 and report.saved == 0
    confirm_import(client, response.context["upload"].pk)
    assert _state() == before and Commitment.history.count() == history
    # And an edit made in it is read back like one made in Excel.
    sheet = book["柳山村第一党支部"]
    record = int(sheet.cell(row=4, column=9).value)
    sheet.cell(row=4, column=5).value = "办培训班三期"
    path = tmp_path / "edited.xlsx"
    path.write_bytes(_bytes(book))
    call_command("import_ledger", "commitments", str(path), stdout=io.StringIO())
    after = _state()
    assert {pk for pk in after if after[pk] != before[pk]} == {record}
    assert after[record][3] == "办培训班三期"


def test_what_other_programs_change_on_saving_is_read_alike(client_for, township, period):
    """Dates as numbers with a date format, record numbers as decimals, the hidden column
    shown, formatted empty rows and columns after the data: the same ledger, unchanged."""
    book = _book(township)
    for sheet in _branch_sheets(book):
        sheet.column_dimensions["I"].hidden = False
        for row in sheet.iter_rows(min_row=3, max_row=sheet.max_row):
            deadline, record = row[5], row[8]
            deadline.value = datetime.date.fromisoformat(deadline.value)
            deadline.number_format = "yyyy/m/d"
            record.value = float(record.value)
        last = sheet.max_row
        for number in range(last + 1, last + 30):
            sheet.cell(row=number, column=12).font = Font(bold=True)
    before = _state()
    client = client_for("office")
    response = _post(client, _bytes(book), period)
    report = response.context["report"]
    assert report.ok and report.unchanged == report.total and report.saved == 0
    confirm_import(client, response.context["upload"].pk)
    assert _state() == before


def test_rows_of_all_sheets_count_against_the_limit(client_for, township, period, settings):
    sheets = _branch_sheets(_book(township))
    largest = max(sheet.max_row - 2 for sheet in sheets)
    settings.IMPORT_MAX_ROWS = sum(sheet.max_row - 2 for sheet in sheets) - 1
    assert settings.IMPORT_MAX_ROWS > largest
    response = _post(client_for("office"), township, period)
    assert response.context["report"] is None
    assert f"超过 {settings.IMPORT_MAX_ROWS} 行" in response.context["form"].errors["file"][0]
