"""Writing, submitting, adopting and returning reports; the grid, the circular, the Word files."""

from __future__ import annotations

import datetime
import io
import zoneinfo

import openpyxl
import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from docx import Document
from docx.oxml.ns import qn

from core.models import Job
from reports.models import Category, Report, ReportStatus
from reports.selectors import SlotState, branches_owing, slot_grid
from reports.services import report_submit
from tests.conftest import add_units

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")


@pytest.fixture
def draft(units, personas):
    return Report.objects.create(
        unit=units["LS0101"],
        title="柳山村开展环境整治",
        authors="张志强、周玉兰",
        category=Category.NEWS,
        body="第一段：党员带头清理沟渠。\n\n第二段：群众积极参与。",
        author=personas["secretary"],
    )


@pytest.fixture
def other_report(units, personas):
    report = Report.objects.create(
        unit=units["LS0201"], title="河东社区信息", authors="刘春生", category=Category.NEWS, body="正文"
    )
    return report_submit(actor=personas["secretary2"], report=report)


def test_secretary_writes_and_submits_a_report(client_for, units):
    response = client_for("secretary").post(
        reverse("reports:create"),
        {
            "unit": units["LS0101"].pk,
            "title": "党员先锋岗亮诺",
            "authors": "张志强",
            "category": Category.NEWS,
            "body": "正文第一段\n正文第二段",
            "submit": "1",
        },
    )
    report = Report.objects.get(title="党员先锋岗亮诺")
    assert response.status_code == 302
    assert report.status == ReportStatus.SUBMITTED
    from reports.slots import slot_for

    assert report.slot == slot_for(report.submitted_at) >= timezone.localdate()


def test_markup_in_the_title_is_refused_and_the_body_is_escaped(client_for, units, draft):
    response = client_for("secretary").post(
        reverse("reports:create"),
        {
            "unit": units["LS0101"].pk,
            "title": "<b>标题</b>",
            "authors": "张",
            "category": Category.NEWS,
            "body": "x",
        },
    )
    assert "title" in response.context["form"].errors
    draft.body = "<script>alert(1)</script>"
    draft.save()
    page = client_for("secretary").get(reverse("reports:detail", args=[draft.pk])).content.decode()
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;" in page


class TestScope:
    @pytest.mark.parametrize("view", ["detail", "edit", "print", "word"])
    def test_secretary_gets_404_for_another_branchs_report(self, client_for, other_report, view):
        assert (
            client_for("secretary").get(reverse(f"reports:{view}", args=[other_report.pk])).status_code == 404
        )

    def test_secretary_cannot_submit_or_review_another_branchs_report(self, client_for, other_report):
        client = client_for("secretary")
        assert client.post(reverse("reports:submit", args=[other_report.pk])).status_code == 404
        assert (
            client.post(reverse("reports:review", args=[other_report.pk]), {"decision": "adopt"}).status_code
            == 404
        )
        assert Report.objects.get(pk=other_report.pk).status == ReportStatus.SUBMITTED

    def test_attached_photo_follows_its_report(self, client_for, units, other_report):
        from django.core.files.uploadedfile import SimpleUploadedFile

        from core.models import Attachment
        from tests.commitments.conftest import jpeg_bytes

        client_for("secretary2").post(
            reverse("reports:create"),
            {
                "unit": units["LS0201"].pk,
                "title": "带照片的信息",
                "authors": "刘春生",
                "category": Category.NEWS,
                "body": "正文",
                "files": [SimpleUploadedFile("现场.jpg", jpeg_bytes())],
                "submit": "1",
            },
        )
        photo = Attachment.objects.order_by("-pk").first()
        assert client_for("secretary").get(reverse("core:attachment", args=[photo.pk])).status_code == 404
        assert client_for("office").get(reverse("core:attachment", args=[photo.pk])).status_code == 200

    def test_a_draft_stays_with_its_branch(self, client_for, draft):
        assert client_for("secretary").get(reverse("reports:detail", args=[draft.pk])).status_code == 200
        assert client_for("office").get(reverse("reports:detail", args=[draft.pk])).status_code == 404


class TestReview:
    def test_office_adopts_a_report(self, client_for, draft, personas):
        report_submit(actor=personas["secretary"], report=draft)
        client_for("office").post(
            reverse("reports:review", args=[draft.pk]), {"decision": "adopt", "note": "镇简报第12期"}
        )
        draft.refresh_from_db()
        assert draft.status == ReportStatus.ADOPTED and draft.adoption_note == "镇简报第12期"
        assert draft.reviewed_by == personas["office"]

    def test_returned_report_is_revised_resubmitted_and_both_versions_kept(self, client_for, draft, personas):
        report_submit(actor=personas["secretary"], report=draft)
        first_slot = Report.objects.get(pk=draft.pk).slot
        office = client_for("office")
        refused = office.post(reverse("reports:review", args=[draft.pk]), {"decision": "return"}, follow=True)
        assert "请填写退回原因" in refused.content.decode()
        office.post(reverse("reports:review", args=[draft.pk]), {"decision": "return", "note": "请补充数据"})
        assert Report.objects.get(pk=draft.pk).status == ReportStatus.RETURNED
        secretary = client_for("secretary")
        secretary.post(
            reverse("reports:edit", args=[draft.pk]),
            {
                "unit": draft.unit_id,
                "title": "柳山村开展环境整治（修改稿）",
                "authors": draft.authors,
                "category": Category.NEWS,
                "body": "补充：清理沟渠 3 公里。",
                "submit": "1",
            },
        )
        revised = Report.objects.get(pk=draft.pk)
        assert (
            revised.status == ReportStatus.SUBMITTED
            and revised.slot == first_slot
            and revised.return_comment == ""
        )
        page = office.get(reverse("reports:detail", args=[draft.pk])).content.decode()
        assert (
            "历次报送版本" in page and "柳山村开展环境整治（修改稿）" in page and "党员带头清理沟渠" in page
        )

    def test_an_adopted_report_can_no_longer_be_edited(self, client_for, draft, personas):
        report_submit(actor=personas["secretary"], report=draft)
        client_for("office").post(reverse("reports:review", args=[draft.pk]), {"decision": "adopt"})
        assert client_for("secretary").get(reverse("reports:edit", args=[draft.pk])).status_code == 403
        response = client_for("office").post(
            reverse("reports:review", args=[draft.pk]), {"decision": "return", "note": "x"}, follow=True
        )
        assert "不能改为" in response.content.decode()

    def test_only_the_office_reviews(self, client_for, draft, personas):
        report_submit(actor=personas["secretary"], report=draft)
        assert (
            client_for("secretary")
            .post(reverse("reports:review", args=[draft.pk]), {"decision": "adopt"})
            .status_code
            == 403
        )


def _submit_at(unit, when, title="信息"):
    report = Report.objects.create(unit=unit, title=title, authors="a", category=Category.NEWS, body="b")
    return report_submit(actor=None, report=report, now=when)


def test_grid_marks_on_time_late_and_missing(personas, units):
    unit = units["LS0102"]
    Report.objects.filter(unit=unit).delete()
    _submit_at(unit, datetime.datetime(2026, 9, 15, 23, 59, tzinfo=SHANGHAI))  # on time for 9/15
    _submit_at(unit, datetime.datetime(2026, 10, 2, 9, 0, tzinfo=SHANGHAI))  # late for 9/30, counts for 10/15
    slots, rows = slot_grid(
        personas["office"], datetime.date(2026, 9, 1), datetime.date(2026, 10, 31), units=[unit]
    )
    states = dict(rows[0].cells)
    assert states[datetime.date(2026, 9, 15)] == SlotState.ON_TIME
    assert states[datetime.date(2026, 9, 30)] == SlotState.LATE
    assert states[datetime.date(2026, 10, 15)] == SlotState.ON_TIME
    assert states[datetime.date(2026, 10, 30)] == SlotState.MISSING
    assert rows[0].submitted == 2
    assert unit in branches_owing(datetime.date(2026, 10, 30))
    assert unit not in branches_owing(datetime.date(2026, 10, 15))


def test_grid_queries_do_not_grow_with_branches(client_for, units, django_assert_max_num_queries):
    client = client_for("office")
    url = reverse("reports:grid") + "?months=2025-12:2026-11"  # 24 slots
    parent = units["LS"]

    def add_branches(start, stop):
        add_units(parent, {f"X{index:03d}": f"测试支部{index}" for index in range(start, stop)})

    # Both sizes beyond what a unit select lists in full, which asks one query more for the rest.
    add_branches(0, 60)
    with CaptureQueriesContext(connection) as small:
        response = client.get(url)
    assert len(response.context["slots"]) == 24 and len(response.context["rows"]) == 72
    add_branches(60, 488)
    with django_assert_max_num_queries(len(small)):
        response = client.get(url)
    # A township's own branches are its grid's rows, however many.
    assert len(response.context["rows"]) == 500
    assert len(small) <= 13


def test_secretary_sees_its_year(client_for):
    response = client_for("secretary").get(reverse("reports:mine"))
    assert [row.unit.code for row in response.context["rows"]] == ["LS0101"]
    assert len(response.context["rows"][0].cells) == 24


def test_report_word_file_has_the_official_fonts(client_for, draft):
    response = client_for("secretary").get(reverse("reports:word", args=[draft.pk]))
    document = Document(io.BytesIO(response.content))
    title, byline, *body = document.paragraphs
    run = title.runs[0]
    assert title.text == "柳山村开展环境整治"
    assert run.bold and run.font.size.pt == 22 and run._element.rPr.rFonts.get(qn("w:eastAsia")) == "宋体"
    assert byline.text == "柳山村第一党支部　张志强、周玉兰"
    assert [p.text for p in body] == ["第一段：党员带头清理沟渠。", "第二段：群众积极参与。"]
    for paragraph in [byline, *body]:
        assert paragraph.runs[0]._element.rPr.rFonts.get(qn("w:eastAsia")) == "仿宋"
        assert paragraph.runs[0].font.size.pt == 16
    section = document.sections[0]
    assert round(section.page_width.cm, 1) == 21.0 and round(section.page_height.cm, 1) == 29.7


def test_circular_page_word_and_workbook_agree(client_for, personas):
    client = client_for("office")
    months = "2026-08:2026-11"
    page = client.get(reverse("reports:circular"), {"months": months})
    rows = page.context["rows"]
    assert len(rows) == 12
    document = Document(
        io.BytesIO(client.get(reverse("reports:circular"), {"months": months, "format": "docx"}).content)
    )
    table = document.tables[0]
    assert [c.text for c in table.rows[0].cells] == [
        "序号",
        "党支部",
        "报送篇数",
        "按时报送",
        "逾期补报",
        "缺报",
        "采用篇数",
    ]
    assert [c.text for c in table.rows[1].cells][1:] == [
        rows[0].unit.name,
        *map(str, [rows[0].submitted, rows[0].on_time, rows[0].late, rows[0].missing, rows[0].adopted]),
    ]
    response = client.post(reverse("reports:circular") + f"?months={months}")
    job = Job.objects.latest("pk")
    assert response["Location"] == reverse("core:job_detail", args=[job.pk])
    assert job.status == "done"
    with job.result.open("rb") as result:
        sheet = openpyxl.load_workbook(io.BytesIO(result.read())).worksheets[0]
    assert sheet["A1"].value.startswith("中共柳山镇委员会信息报送情况统计")
    assert [sheet.cell(row=3, column=c).value for c in range(2, 8)] == [
        rows[0].unit.name,
        rows[0].submitted,
        rows[0].on_time,
        rows[0].late,
        rows[0].missing,
        rows[0].adopted,
    ]


def test_circular_is_read_by_every_reading_role_within_its_scope(client_for):
    for role in ["office", "leader", "inspector", "secretary"]:
        assert client_for(role).get(reverse("reports:circular")).status_code == 200
    assert "河东社区" not in client_for("secretary").get(reverse("reports:circular")).content.decode()
    assert client_for("member").get(reverse("reports:circular")).status_code == 403


def test_export_ledger_reports_command(db, tmp_path):
    path = tmp_path / "信息统计.xlsx"
    call_command(
        "export_ledger",
        "reports",
        "--month",
        "2026-11",
        "--unit",
        "LS01",
        "-o",
        str(path),
        stdout=io.StringIO(),
    )
    sheet = openpyxl.load_workbook(path).worksheets[0]
    names = [sheet.cell(row=r, column=2).value for r in range(3, sheet.max_row + 1)]
    assert names == ["柳山村第一党支部", "柳山村第二党支部"]
    with pytest.raises(CommandError, match="不是月份"):
        call_command("export_ledger", "reports", "--month", "2026-13", "-o", str(path))


def test_office_searches_reports(client_for, other_report):
    response = client_for("office").get(reverse("reports:list"), {"q": "河东社区信息", "status": "submitted"})
    assert [r.pk for r in response.context["page"].object_list] == [other_report.pk]
