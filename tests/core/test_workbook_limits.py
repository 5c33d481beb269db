"""Workbooks that unpack or declare far more than they hold: refused quickly, or read whole.

Every import reads through `core.imports`, so the roster import stands for all ledgers.
"""

from __future__ import annotations

import io
import re
import time
import zipfile

import openpyxl
import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from openpyxl.styles import Font

from branches.models import Member
from core import imports
from core.models import Job, JobStatus, Upload
from tests.core.xlsx_files import MEMBER_COLUMNS, confirm_import, upload, xlsx

SHEET = "xl/worksheets/sheet1.xml"
ROWS = [[f"边界党员{index}", "男", "LS0101", "党员", "", ""] for index in range(5)]


def rewrite(content: bytes, part: str, change) -> bytes:
    """The same workbook with one zip member's text changed, as a hand-made file would be."""
    source = zipfile.ZipFile(io.BytesIO(content))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for member in source.infolist():
            data = source.read(member.filename)
            if member.filename == part:
                data = change(data.decode()).encode()
            target.writestr(member.filename, data)
    return buffer.getvalue()


def with_dimension(content: bytes, ref: str) -> bytes:
    return rewrite(
        content, SHEET, lambda xml: re.sub(r'<dimension ref="[^"]*"/>', f'<dimension ref="{ref}"/>', xml)
    )


def _post(client, content):
    return client.post(reverse("core:import", args=["members"]), {"file": upload(content)})


def _file_error(response) -> str:
    return response.context["form"].errors["file"][0]


@pytest.fixture
def parses(monkeypatch):
    """How many times openpyxl opened a workbook."""
    calls = []
    load = openpyxl.load_workbook

    def counting(*args, **kwargs):
        calls.append(1)
        return load(*args, **kwargs)

    monkeypatch.setattr(imports.openpyxl, "load_workbook", counting)
    return calls


@pytest.fixture
def no_parse(monkeypatch):
    """Fails the test if openpyxl opens the workbook: it had to be refused before."""

    def refuse(*args, **kwargs):
        raise AssertionError("the workbook was parsed")

    monkeypatch.setattr(imports.openpyxl, "load_workbook", refuse)


class TestStaleDimension:
    def test_openpyxl_read_only_drops_rows_beyond_the_tag(self):
        # The trap itself: without reset_dimensions(), a 5-row sheet tagged A1:B2 reads as 2 rows.
        content = with_dimension(xlsx(ROWS), "A1:B2")
        sheet = openpyxl.load_workbook(io.BytesIO(content), read_only=True).worksheets[0]
        assert len(list(sheet.iter_rows())) == 2

    def test_every_row_under_a_stale_tag_is_imported(self, client_for):
        content = with_dimension(xlsx(ROWS), "A1:B2")
        client = client_for("office")
        response = _post(client, content)
        report = response.context["report"]
        assert report.ok and report.total == 5
        confirm_import(client, response.context["upload"].pk)
        assert Member.objects.filter(name__startswith="边界党员").count() == 5

    def test_a_tag_claiming_the_whole_sheet_costs_nothing(self, client_for):
        content = with_dimension(xlsx(ROWS), "A1:XFD1048576")
        started = time.perf_counter()
        response = _post(client_for("office"), content)
        assert response.context["report"].total == 5
        assert time.perf_counter() - started < 5


class TestRowsAndColumns:
    def test_millions_of_declared_empty_rows_are_refused_quickly(self, client_for):
        # One row numbered 10,000,000: openpyxl yields every empty row before it.
        content = rewrite(
            xlsx(ROWS), SHEET, lambda xml: xml.replace("</sheetData>", '<row r="10000000"/></sheetData>')
        )
        content = with_dimension(content, "A1:F10000000")
        assert len(content) < 10_000
        started = time.perf_counter()
        response = _post(client_for("office"), content)
        assert "超过 20000 行" in _file_error(response)
        assert time.perf_counter() - started < 5
        assert not Upload.objects.exists()

    def test_empty_rows_count_against_the_limit(self, client_for, settings):
        settings.IMPORT_MAX_ROWS = 8
        client = client_for("office")

        def with_formatted_empty_rows(count: int) -> bytes:
            book = openpyxl.load_workbook(io.BytesIO(xlsx(ROWS)))
            for number in range(7, 7 + count):  # below the header and 5 rows, as WPS leaves them
                book.active.cell(row=number, column=1).font = Font(bold=True)
            buffer = io.BytesIO()
            book.save(buffer)
            return buffer.getvalue()

        assert _post(client, with_formatted_empty_rows(3)).context["report"].total == 5
        assert "超过 8 行" in _file_error(_post(client, with_formatted_empty_rows(4)))

    def test_cells_far_to_the_right_are_not_read(self, client_for):
        book = openpyxl.Workbook()
        sheet = book.active
        sheet.append(MEMBER_COLUMNS)
        for row in ROWS:
            sheet.append(row)
        for number in range(1, 7):
            sheet.cell(row=number, column=16384).font = Font(bold=True)
            sheet.cell(row=number, column=16000, value="x")
        buffer = io.BytesIO()
        book.save(buffer)
        report = _post(client_for("office"), buffer.getvalue()).context["report"]
        assert report.ok and report.total == 5
        assert max(len(row) for row in report.sheets[0].rows) <= imports.MAX_COLUMNS


def _with_part(content: bytes, name: str, data: bytes) -> bytes:
    buffer = io.BytesIO(content)
    with zipfile.ZipFile(buffer, "a", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(name, data)
    return buffer.getvalue()


class TestZipMembers:
    @pytest.mark.parametrize(
        ("part", "data"),
        [
            # Shared strings packing hundreds of times: 40 MB of one repeated string.
            ("xl/sharedStrings.xml", b"<sst><si><t>" + b"a" * 40 * 1024 * 1024 + b"</t></si></sst>"),
            # Within the packing ratio (random digits) but larger than any part of a ledger.
            ("xl/worksheets/sheet2.xml", b"".join(b"%d" % n for n in range(3_000_000))),
            # Styles cost about 27 times their size to load: a few MB is already too much.
            ("xl/styles.xml", b"".join(b'<xf numFmtId="%d"/>' % n for n in range(150_000))),
        ],
        ids=["packed-strings", "large-part", "large-styles"],
    )
    def test_a_workbook_unpacking_too_far_is_refused_before_parsing(self, client_for, no_parse, part, data):
        content = xlsx(ROWS)
        if part == "xl/styles.xml":
            content = rewrite(
                content, part, lambda xml: xml.replace("</styleSheet>", data.decode() + "</styleSheet>")
            )
        else:
            content = _with_part(content, part, data)
        assert len(content) < 10 * 1024 * 1024
        response = _post(client_for("office"), content)
        assert "文件解压后远大于台账所需" in _file_error(response) and part in _file_error(response)
        assert not Upload.objects.exists()

    def test_the_command_line_refuses_the_same_file(self, tmp_path):
        path = tmp_path / "bomb.xlsx"
        path.write_bytes(_with_part(xlsx(ROWS), "xl/sharedStrings.xml", b"<sst>" + b" " * 20 * 1024 * 1024))
        with pytest.raises(CommandError, match="文件解压后远大于台账所需"):
            call_command("import_ledger", "members", str(path))


class TestOneParsePerRequest:
    def test_preview_errors_file_and_confirm_parse_once_each(self, client_for, parses):
        client = client_for("office")
        bad = xlsx([*ROWS, ["王四", "男", "XX99", "党员", "", ""]])
        response = _post(client, bad)
        assert len(parses) == 1
        client.get(reverse("core:import_errors", args=[response.context["upload"].pk]))
        assert len(parses) == 2
        good = _post(client, xlsx(ROWS))
        assert len(parses) == 3
        confirm_import(client, good.context["upload"].pk)
        assert len(parses) == 4


class TestErrorWorkbook:
    def test_the_error_column_file_runs_no_formula(self, client_for):
        book = openpyxl.Workbook()
        sheet = book.active
        sheet.append(MEMBER_COLUMNS)
        sheet.append(['=HYPERLINK("http://evil.example","点我")', "男", "LS0101", "党员", "", ""])
        for prefix in ("+", "-", "@", "\t", "\r"):
            sheet.append([f"{prefix}SUM(1,2)", "男", "XX99", "党员", "", ""])
        buffer = io.BytesIO()
        book.save(buffer)
        client = client_for("office")
        response = _post(client, buffer.getvalue())
        assert len(response.context["report"].errors) >= 6
        marked = client.get(reverse("core:import_errors", args=[response.context["upload"].pk]))
        sheet = openpyxl.load_workbook(io.BytesIO(marked.content)).worksheets[0]
        cells = [cell for row in sheet.iter_rows() for cell in row if isinstance(cell.value, str)]
        risky = [cell for cell in cells if cell.value[0] in "=+-@\t\r"]
        assert len(risky) == 6
        assert all(cell.data_type == "s" and cell.quotePrefix for cell in risky)
        assert sheet.cell(row=2, column=1).value.startswith("=HYPERLINK")  # shown as it was typed
        assert sheet.cell(row=1, column=7).value == "错误"
        assert sheet.cell(row=3, column=7).value.endswith("所在组织编码：本组织内没有编码为“XX99”的组织。")


class TestImportJob:
    def test_confirmation_runs_as_a_job_that_reports_on_its_page(self, client_for):
        client = client_for("office")
        preview = _post(client, xlsx(ROWS))
        response = confirm_import(client, preview.context["upload"].pk)
        job = Job.objects.latest("pk")
        assert response["Location"] == reverse("core:job_detail", args=[job.pk])
        assert job.owner.username == "office" and job.status == JobStatus.DONE and not job.result
        page = client.get(response["Location"]).content.decode()
        assert "已导入 5 行，0 行无变化。" in page and reverse("branches:member_list") in page
        assert Member.objects.filter(name__startswith="边界党员").count() == 5
        assert not Upload.objects.exists()

    def test_a_file_gone_wrong_since_the_preview_saves_nothing(self, client_for, units):
        client = client_for("office")
        preview = _post(client, xlsx(ROWS))
        # Between the preview and the confirmation, someone enters the fourth member by hand.
        Member.objects.create(unit=units["LS0101"], name="边界党员3")
        before = Member.history.count()
        confirm_import(client, preview.context["upload"].pk)
        job = Job.objects.latest("pk")
        assert job.status == JobStatus.FAILED
        assert job.message == "1 处错误，未保存任何数据。第 5 行 姓名：该组织已有同名党员。"
        assert Member.objects.filter(name__startswith="边界党员").count() == 1
        assert Member.history.count() == before
        page = client.get(reverse("core:job_detail", args=[job.pk])).content.decode()
        assert reverse("core:import_errors", args=[preview.context["upload"].pk]) in page

    def test_a_second_confirmation_imports_nothing_twice(self, client_for):
        client = client_for("office")
        pk = _post(client, xlsx(ROWS)).context["upload"].pk
        confirm_import(client, pk)
        second = confirm_import(client, pk)
        assert second.status_code == 404  # the file went with the first import
        assert Member.objects.filter(name__startswith="边界党员").count() == 5
