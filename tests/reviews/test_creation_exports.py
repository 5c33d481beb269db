"""The creation round's results read back: the .xlsx (command, job) with openpyxl in the ledgers'
print style, the evidence as counted; the .docx results list with python-docx."""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from docx import Document
from docx.oxml.ns import qn

from core.models import Job
from reviews.creation_selectors import branch_evidence
from reviews.creation_services import assessment_save
from reviews.exports import build_creation_export
from tests.reviews.access_creation import assessed_round, entry_of, scores

pytestmark = pytest.mark.django_db

HEADERS = [
    "序号",
    "党组织",
    "自评得分",
    "领导班子坚强有力",
    "党建责任落实到位",
    "基层组织作用突出",
    "科学发展成效显著",
    "五个好",
    "综合得分",
    "排名",
    "评价结论",
    "承诺完成率",
    "信息报送\n√/补/×",
    "整改\n开启/办结/逾期",
    "群众满意率",
    "点评覆盖",
]


@pytest.fixture
def creation_round(personas, units):
    """Every branch scored: LS0101 and LS03 at 9 (recommended), the others at 6; LS0101 above
    LS03 by one point in 五个好, and it checked itself at 7."""
    creation_round = assessed_round(personas, units)
    first = entry_of(creation_round, "LS0101")
    assessment_save(entry=first, scores=scores(9, good_results=10), by=personas["office"])
    # The self-check closed with the assessment's start: written here as the branch had it.
    first.self_scores = scores(7)
    first.save(update_fields=["self_scores"])
    return creation_round


def _rows(content: bytes, sheet: str = "中共柳山镇委员会"):
    workbook = openpyxl.load_workbook(io.BytesIO(content))
    return workbook[sheet], [list(row) for row in workbook[sheet].iter_rows(values_only=True)]


def test_export_ledger_writes_the_results_with_their_evidence(creation_round, units, tmp_path):
    out = tmp_path / "创建考核.xlsx"
    call_command("export_ledger", "creation", "--year", str(creation_round.year), "-o", str(out))
    sheet, rows = _rows(out.read_bytes())
    assert rows[0][0] == f"柳山镇{creation_round.year}年度创建基层党组织建设先进单位考核汇总表（考核中）"
    assert rows[1] == HEADERS
    body = {row[1]: row for row in rows[2:-1]}
    assert len(body) == 14 and [row[0] for row in rows[2:-1]] == list(range(1, 15))
    first = body["柳山村第一党支部"]
    # 五个好: 9, 9, 9, 10, 9 → 92; total = 0.2×90 + 0.25×90 + 0.25×90 + 0.1×90 + 0.2×92 = 90.40
    assert first[2:11] == [70, 90, 90, 90, 90, 92, 90.4, 1, "拟命名"]
    assert body["柳山镇中心学校党支部"][8:11] == [90, 2, "拟命名"]
    assert body["石桥村党支部"][8:11] == [60, 3, "不予命名"]  # twelve share the third place
    assert body["石桥村党支部"][2] == "—"  # no self-check
    evidence = branch_evidence(creation_round, [units["LS0101"].pk])[units["LS0101"].pk]
    assert first[11] == (evidence.completion if evidence.completion is not None else "—")
    assert first[12] == f"{evidence.reports_on_time}/{evidence.reports_late}/{evidence.reports_missing}"
    assert first[13] == (
        f"{evidence.rectifications}/{evidence.rectifications_closed}/{evidence.rectifications_overdue}"
    )
    assert sheet["L3"].number_format == "0.0%"
    assert rows[-1][1] == "参评党组织 14 个" and rows[-1][10] == "拟命名 2 个"
    assert sheet.page_setup.orientation == "landscape" and sheet.print_title_rows == "$2:$2"


def test_one_branch_keeps_its_rank_in_the_round(creation_round, units, personas):
    _name, content = build_creation_export(personas["office"], year=creation_round.year, unit="LS03")
    _sheet, rows = _rows(content)
    assert [row[1] for row in rows[2:-1]] == ["柳山镇中心学校党支部"]
    assert rows[2][9] == 2


def test_a_bad_year_or_no_round_is_explained(creation_round, tmp_path):
    with pytest.raises(CommandError, match="不是年份"):
        call_command("export_ledger", "creation", "--year", "明年", "-o", str(tmp_path / "x.xlsx"))
    with pytest.raises(CommandError, match="没有2001年度的创建活动"):
        call_command("export_ledger", "creation", "--year", "2001", "-o", str(tmp_path / "x.xlsx"))


def test_a_secretary_cannot_export_other_branches(creation_round, personas):
    from core.jobs import JobError

    with pytest.raises(JobError):
        build_creation_export(personas["secretary"], year=creation_round.year)


def test_the_page_builds_the_workbook_as_a_job(
    creation_round, client_for, eager_tasks, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for("leader").post(reverse("reviews:creation_export", args=[creation_round.pk]))
    job = Job.objects.get(params__export="creation", params__year=creation_round.year)
    assert response["Location"] == reverse("core:job_detail", args=[job.pk])
    assert job.status == "done" and job.result_name.endswith("考核汇总表.xlsx")
    _sheet, rows = _rows(job.result.read())
    assert len(rows) == 2 + 14 + 1


def test_results_print_in_the_official_format(creation_round, client_for, personas):
    from reviews.creation_services import summary_save

    summary_save(round=creation_round, summary="一、基本情况\n经检查验收，拟命名2个。", by=personas["office"])
    response = client_for("inspector").get(reverse("reviews:creation_word", args=[creation_round.pk]))
    assert response.status_code == 200
    document = Document(io.BytesIO(response.content))
    title = document.paragraphs[0]
    assert title.text == f"柳山镇{creation_round.year}年度创建基层党组织建设先进单位考核结果"
    assert title.runs[0].bold and title.runs[0]._element.rPr.rFonts.get(qn("w:eastAsia")) == "宋体"
    assert document.paragraphs[1].text == "一、基本情况"
    (table,) = document.tables
    rows = [[cell.text for cell in row.cells] for row in table.rows]
    assert rows[0] == ["序号", "党组织", "自评得分", "综合得分", "排名", "评价结论"]
    assert rows[1] == ["1", "柳山村第一党支部", "70.00", "90.40", "1", "拟命名"]
    assert rows[2][1:] == ["柳山镇中心学校党支部", "—", "90.00", "2", "拟命名"]
    assert len(rows) == 15
    section = document.sections[0]
    assert round(section.page_width.mm) == 210 and round(section.top_margin.mm) == 37
    assert document.paragraphs[-2].text == "柳山镇创先争优活动领导小组"
