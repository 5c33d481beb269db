"""A returned report goes back to its branch: only the branch edits and resends it."""

from __future__ import annotations

from django.urls import reverse

from reports.models import Category, Report, ReportStatus
from reports.services import report_review, report_submit


def _returned(units, personas) -> Report:
    report = Report.objects.create(
        unit=units["LS0101"], title="柳山村信息", authors="张志强", category=Category.NEWS, body="正文"
    )
    report_submit(actor=personas["secretary"], report=report)
    return report_review(actor=personas["office"], report=report, adopt=False, note="请补充数据")


def test_returned_report_offers_edit_and_resubmit_to_its_branch_only(client_for, units, personas):
    report = _returned(units, personas)
    url = reverse("reports:detail", args=[report.pk])
    edit_url = reverse("reports:edit", args=[report.pk])
    submit_url = reverse("reports:submit", args=[report.pk])
    branch_page = client_for("secretary").get(url).content.decode()
    assert edit_url in branch_page and submit_url in branch_page and "重新报送" in branch_page
    office_page = client_for("office").get(url).content.decode()
    assert "请补充数据" in office_page
    assert edit_url not in office_page and submit_url not in office_page and "重新报送" not in office_page


def test_office_cannot_resend_or_edit_a_report_it_returned(client_for, units, personas):
    report = _returned(units, personas)
    office = client_for("office")
    assert office.post(reverse("reports:submit", args=[report.pk])).status_code == 403
    assert office.get(reverse("reports:edit", args=[report.pk])).status_code == 403
    changed = office.post(
        reverse("reports:edit", args=[report.pk]),
        {"unit": units["LS0101"].pk, "title": "改", "authors": "x", "category": Category.NEWS, "body": "x"},
    )
    assert changed.status_code == 403
    kept = Report.objects.get(pk=report.pk)
    assert kept.status == ReportStatus.RETURNED and kept.title == "柳山村信息"
    assert client_for("secretary").post(reverse("reports:submit", args=[report.pk])).status_code == 302
    assert Report.objects.get(pk=report.pk).status == ReportStatus.SUBMITTED


def test_office_still_submits_a_draft_it_wrote_for_a_branch(client_for, units, personas):
    draft = Report.objects.create(
        unit=units["LS0101"],
        title="镇里代写",
        authors="王",
        category=Category.NEWS,
        body="正文",
        author=personas["office"],
    )
    assert (
        reverse("reports:submit", args=[draft.pk])
        in client_for("office").get(reverse("reports:detail", args=[draft.pk])).content.decode()
    )
    assert client_for("office").post(reverse("reports:submit", args=[draft.pk])).status_code == 302
    assert Report.objects.get(pk=draft.pk).status == ReportStatus.SUBMITTED
