"""Roster import: the preview names every bad row, and a bad file saves nothing."""

from __future__ import annotations

import datetime
import io

import openpyxl
import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from msoffcrypto.format.ooxml import OOXMLFile

from accounts.models import OrgUnit
from branches.models import Member
from core.models import Job, JobStatus, Upload
from tests.core.xlsx_files import MEMBER_COLUMNS, UNIT_COLUMNS, confirm_import, upload, xlsx

GOOD_ROW = ["林小红", "女", "LS0101", "党员", "13900000001", "2020-07-01"]


@pytest.fixture
def counts(db):
    def snapshot():
        return (Member.objects.count(), OrgUnit.objects.count(), Member.history.count())

    return snapshot


def _post(client, content, kind="members", name="党员名册.xlsx"):
    return client.post(reverse("core:import", args=[kind]), {"file": upload(content, name)})


def _errors(response) -> list[tuple[int, str, str]]:
    report = response.context["report"]
    return [(e.row, e.column, e.message) for e in report.errors] if report else []


def test_good_file_previews_then_saves_every_row_on_confirm(client_for, counts, personas):
    client = client_for("office")
    rows = [GOOD_ROW, ["周大海", "男", "LS0102", "委员", "１３９０００００００２", "2019年3月5日"]]
    before = counts()
    response = _post(client, xlsx(rows))
    assert response.status_code == 200
    assert _errors(response) == []
    assert counts() == before  # the preview saves nothing
    upload_row = response.context["upload"]
    assert reverse("core:import_confirm", args=[upload_row.pk]) in response.content.decode()

    response = confirm_import(client, upload_row.pk)
    job = Job.objects.latest("pk")
    assert response["Location"] == reverse("core:job_detail", args=[job.pk])
    assert (job.kind, job.status, job.message) == ("import", JobStatus.DONE, "已导入 2 行，0 行无变化。")
    assert Member.objects.count() == before[0] + 2
    second = Member.objects.get(name="周大海")
    assert second.phone == "13900000002"  # full-width digits made half-width
    assert second.joined_on == datetime.date(2019, 3, 5)
    assert second.get_position_display() == "委员"
    assert not Upload.objects.filter(pk=upload_row.pk).exists()
    created = Member.history.get(name="周大海", history_type="+")
    assert created.history_user == personas["office"]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"name,unit\n\xe5\xbc\xa0\xe4\xb8\x89,LS0101\n", "不是 Excel 工作簿"),
        (b"\x89PNG\r\n\x1a\n" + b"\0" * 100, "不是 Excel 工作簿"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 500, "旧版 .xls"),
        (xlsx([GOOD_ROW])[:300], "已损坏"),
        (
            xlsx([GOOD_ROW], header=["姓名", "单位", "电话"]),
            "缺少列：性别、所在组织编码、职务、联系电话、入党日期",
        ),
        (xlsx([GOOD_ROW], header=[*MEMBER_COLUMNS, "备注"]), "多余列：备注"),
        (xlsx([GOOD_ROW], above=[["柳山镇党员名册"], []]), "表头应在第 1 行，实际在第 3 行"),
        (xlsx([]), "没有数据行"),
    ],
    ids=["csv", "png", "xls", "truncated", "wrong-headers", "extra-column", "title-above", "empty"],
)
def test_unreadable_files_are_refused_with_a_message(client_for, counts, content, message):
    before = counts()
    response = _post(client_for("office"), content)
    assert response.status_code == 200
    assert message in response.context["form"].errors["file"][0]
    assert counts() == before
    assert not Upload.objects.exists()


def test_password_protected_file_is_refused(client_for, counts):
    plain = io.BytesIO(xlsx([GOOD_ROW]))
    encrypted = io.BytesIO()
    OOXMLFile(plain).encrypt("secret", encrypted)
    before = counts()
    response = _post(client_for("office"), encrypted.getvalue())
    assert "设有密码" in response.context["form"].errors["file"][0]
    assert counts() == before


def test_oversized_upload_is_refused(client_for, counts, settings):
    settings.IMPORT_MAX_UPLOAD_BYTES = 1024
    before = counts()
    response = _post(client_for("office"), xlsx([GOOD_ROW] * 1) + b"\0" * 2048)
    assert "文件大小超过" in response.context["form"].errors["file"][0]
    assert counts() == before


def test_too_many_rows_are_refused(client_for, counts):
    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet()
    sheet.append(MEMBER_COLUMNS)
    for index in range(20_001):
        sheet.append([f"党员{index}", "男", "LS0101", "党员", "", ""])
    buffer = io.BytesIO()
    workbook.save(buffer)
    before = counts()
    response = _post(client_for("office"), buffer.getvalue())
    assert "超过 20000 行" in response.context["form"].errors["file"][0]
    assert counts() == before


def test_every_bad_row_is_named_by_row_and_column(client_for, counts, units):
    existing = Member.objects.filter(unit=units["LS0102"]).first()
    rows = [
        GOOD_ROW,  # row 2: fine
        ["王二", "男", "LS0101", "党员", "", "2026-02-30"],  # 3: no such day
        ["王三", "男", "LS0101", "党员", "", "去年七月"],  # 4: not a date
        ["王四", "男", "XX99", "党员", "", ""],  # 5: unknown unit
        ["林小红", "女", "LS0101", "党员", "", ""],  # 6: repeats row 2
        [existing.name, "男", "LS0102", "党员", "", ""],  # 7: already in the database
        ["王五", "男", "LS0101", "站长", "", ""],  # 8: no such position
        ["", "男", "LS0101", "党员", "", ""],  # 9: name missing
        ['=HYPERLINK("http://x")', "男", "LS0101", "党员", "", ""],  # 10: a formula
        ["<script>alert(1)</script>", "男", "LS0101", "党员", "", ""],  # 11: markup
        ["王六", "男", "LS0101", "书记", "", ""],  # 12: LS0101 has its secretary
        ["王七", "男", "", "党员", "", ""],  # 13: unit code missing
    ]
    before = counts()
    client = client_for("office")
    response = _post(client, xlsx(rows))
    errors = _errors(response)
    by_row = {}
    for row, column, message in errors:
        by_row.setdefault(row, []).append((column, message))
    assert 2 not in by_row
    assert by_row[3] == [
        ("入党日期", "“2026-02-30”不是有效日期，请写成 2026-06-30、2026/6/30 或 2026年6月30日。")
    ]
    assert by_row[4][0][0] == "入党日期"
    assert by_row[5] == [("所在组织编码", "本组织内没有编码为“XX99”的组织。")]
    assert by_row[6] == [("姓名", "与本文件第 2 行重复。")]
    assert by_row[7] == [("姓名", "该组织已有同名党员。")]
    assert by_row[8][0][0] == "职务" and "书记、副书记、委员、党员" in by_row[8][0][1]
    assert by_row[9][0][0] == "姓名"
    assert by_row[10] == [("姓名", "不允许使用公式，请粘贴数值。")]
    assert by_row[11][0][0] == "姓名" and "<" in by_row[11][0][1]
    assert by_row[12] == [("姓名", "该组织已有书记。")]
    assert by_row[13] == [("所在组织编码", "此字段不能为空。")]
    page = response.content.decode()
    upload_row = response.context["upload"]
    assert reverse("core:import_confirm", args=[upload_row.pk]) not in page and "未保存任何数据" in page
    # The same workbook comes back with the errors in a column of their own.
    marked = client.get(reverse("core:import_errors", args=[upload_row.pk]))
    sheet = openpyxl.load_workbook(io.BytesIO(marked.content)).worksheets[0]
    assert sheet.cell(row=1, column=7).value == "错误"
    assert sheet.cell(row=5, column=7).value == "所在组织编码：本组织内没有编码为“XX99”的组织。"
    assert sheet.cell(row=2, column=7).value is None
    assert "&lt;script&gt;" in response.content.decode()  # shown escaped in the preview
    assert counts() == before


def test_secretary_cannot_import_into_another_branch(client_for, counts):
    before = counts()
    # secretary2 keeps 河东社区第一党支部 (LS0201); LS0101 belongs to another secretary.
    response = _post(client_for("secretary2"), xlsx([GOOD_ROW]))
    assert _errors(response) == [(2, "所在组织编码", "本组织内没有编码为“LS0101”的组织。")]
    assert counts() == before


def test_unit_import_builds_the_tree_in_file_order(client_for, units):
    rows = [
        ["LS10", "新村党总支", "LS", "党总支", "农村"],
        ["LS1001", "新村第一党支部", "LS10", "党支部", "农村"],
        ["LS100101", "新村第一党小组", "LS1001", "党小组", ""],
    ]
    client = client_for("office")
    response = _post(client, xlsx(rows, header=UNIT_COLUMNS), kind="units")
    assert _errors(response) == []
    confirm_import(client, response.context["upload"].pk)
    group = OrgUnit.objects.get(code="LS100101")
    assert group.path == "/LS/LS10/LS1001/LS100101/"


def test_unit_import_refuses_a_group_directly_under_the_township(client_for, counts):
    before = counts()
    rows = [["LS11", "错层党小组", "LS", "党小组", ""]]
    response = _post(client_for("office"), xlsx(rows, header=UNIT_COLUMNS), kind="units")
    assert _errors(response)[0][:2] == (2, "上级组织编码")
    assert counts() == before


def test_template_download_has_the_chinese_headers(client_for):
    response = client_for("secretary").get(reverse("core:import_template", args=["members"]))
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    first = workbook.worksheets[0]
    assert [cell.value for cell in first[1]] == MEMBER_COLUMNS
    assert first.max_row == 1  # blank: nothing that would be imported by mistake
    assert "attachment" in response["Content-Disposition"]


class TestCommandLine:
    def _write(self, tmp_path, rows, name="roster.xlsx"):
        path = tmp_path / name
        path.write_bytes(xlsx(rows))
        return str(path)

    def test_dry_run_checks_and_saves_nothing(self, tmp_path, counts):
        before = counts()
        out = io.StringIO()
        call_command("import_ledger", "members", self._write(tmp_path, [GOOD_ROW]), "--dry-run", stdout=out)
        assert "检查通过：1 行" in out.getvalue()
        assert counts() == before

    def test_import_saves_all_rows(self, tmp_path, counts):
        before = counts()
        call_command("import_ledger", "members", self._write(tmp_path, [GOOD_ROW]), stdout=io.StringIO())
        assert counts()[0] == before[0] + 1

    def test_bad_rows_fail_with_one_line_each_and_save_nothing(self, tmp_path, counts):
        before = counts()
        rows = [GOOD_ROW, ["王四", "男", "XX99", "党员", "", "2026/13/01"]]
        err = io.StringIO()
        with pytest.raises(CommandError, match="2 处错误"):
            call_command(
                "import_ledger", "members", self._write(tmp_path, rows), stderr=err, stdout=io.StringIO()
            )
        lines = err.getvalue().strip().splitlines()
        assert len(lines) == 2
        assert all("第 3 行" in line for line in lines)
        assert counts() == before

    def test_unreadable_file_fails(self, tmp_path, counts):
        path = tmp_path / "notes.xlsx"
        path.write_text("这不是表格")
        with pytest.raises(CommandError, match="不是 Excel 工作簿"):
            call_command("import_ledger", "members", str(path))
        with pytest.raises(CommandError):
            call_command("import_ledger", "members", str(tmp_path / "missing.xlsx"))
