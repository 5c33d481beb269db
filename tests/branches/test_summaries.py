"""Period summaries: filed by the branch, reminded by the filing day, published by the office."""

from __future__ import annotations

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from branches.models import PeriodSummary
from branches.summary_forms import last_period
from core.models import Attachment, Channel, Notification
from core.periods import Period
from core.reminders import open_deadlines
from tests.branches.access_meetings import make_summary

pytestmark = pytest.mark.django_db


def _form(unit, period: str, **overrides) -> dict:
    data = {
        "unit": str(unit.pk),
        "period": period,
        "done": "开展主题党日六次",
        "worked": "",
        "learnt": "",
        "watch": "",
    }
    data.update(overrides)
    return data


def test_secretary_files_its_summary_with_a_file(client_for, units):
    period = Period.containing(timezone.localdate()).code
    pdf = SimpleUploadedFile("总结附件.pdf", b"%PDF-1.4 summary", content_type="application/pdf")
    data = _form(units["LS0101"], period, worked="党员积分管理", files=pdf)
    response = client_for("secretary").post(reverse("branches:summary_create"), data)
    summary = PeriodSummary.objects.get(unit=units["LS0101"], period=period)
    assert response.status_code == 302 and summary.worked == "党员积分管理"
    assert Attachment.objects.for_objects([summary]).get().original_name == "总结附件.pdf"


def test_secretary_cannot_file_for_another_branch_nor_twice(client_for, units):
    period = Period.containing(timezone.localdate()).code
    response = client_for("secretary2").post(
        reverse("branches:summary_create"), _form(units["LS0101"], period)
    )
    assert response.status_code == 200 and "unit" in response.context["form"].errors
    client_for("secretary").post(reverse("branches:summary_create"), _form(units["LS0101"], period))
    response = client_for("secretary").post(
        reverse("branches:summary_create"), _form(units["LS0101"], period)
    )
    assert response.status_code == 200 and response.context["form"].errors
    markup = client_for("secretary").post(
        reverse("branches:summary_create"),
        _form(units["LS0101"], "2025H1", done="<img src=x onerror=alert(1)>"),
    )
    assert markup.status_code == 200 and "done" in markup.context["form"].errors
    assert PeriodSummary.objects.filter(unit=units["LS0101"], period__in=[period, "2025H1"]).count() == 1


def test_a_branch_without_a_summary_owes_it_by_the_filing_day(units, personas):
    period = Period.containing(timezone.localdate())
    due = period.filing_deadline
    today = due - datetime.timedelta(days=2)
    keys = {d.key: d for d in open_deadlines(today)}
    key = f"period-summary:{units['LS0102'].pk}:{period.code}"
    assert keys[key].due == due and keys[key].unit_id == units["LS0102"].pk
    make_summary(personas, units["LS0102"], period.code)
    assert key not in {d.key for d in open_deadlines(today)}
    # A 党总支 or a 党小组 owes none of its own.
    assert f"period-summary:{units['LS01'].pk}:{period.code}" not in keys


def test_member_reads_the_summary_once_published_and_is_told(client_for, personas, units):
    summary = make_summary(personas, units["LS0101"], done="为民办实事十二件")
    url = reverse("branches:summary_detail", args=[summary.pk])
    assert client_for("member").get(url).status_code == 404
    assert (
        client_for("secretary").post(reverse("branches:summary_publish", args=[summary.pk])).status_code
        == 403
    )
    assert (
        client_for("office").post(reverse("branches:summary_publish", args=[summary.pk])).status_code == 302
    )
    summary.refresh_from_db()
    assert summary.published_on == timezone.localdate()
    assert "为民办实事十二件" in client_for("member").get(url).content.decode()
    assert Notification.objects.filter(
        key=f"summary:{summary.pk}:published", recipient=personas["member"], channel=Channel.INBOX
    ).exists()
    # Published, it no longer changes.
    assert client_for("secretary").get(reverse("branches:summary_edit", args=[summary.pk])).status_code == 403


def test_the_public_board_shows_published_summaries_only(client, personas, units):
    shown = make_summary(personas, units["LS0102"], done="修缮村级活动阵地")
    hidden = make_summary(personas, units["LS0201"], done="尚未公开的总结内容")
    client_for_office = client.__class__()
    client_for_office.force_login(personas["office"])
    client_for_office.post(reverse("branches:summary_publish", args=[shown.pk]))
    page = client.get(reverse("commitments:board", args=["LS"])).content.decode()
    assert "修缮村级活动阵地" in page and hidden.done not in page
    branch_board = client.get(reverse("commitments:board", args=["LS0201"])).content.decode()
    assert "修缮村级活动阵地" not in branch_board


def test_office_sees_which_branches_have_filed(client_for, units):
    period = last_period(timezone.localdate()).code
    page = client_for("office").get(reverse("branches:summary_list"), {"period": period})
    rows = {row.name: row.summary_pk for row in page.context["branches"]}
    assert rows["柳山村第一党支部"] is not None  # the demo filed it
    assert rows["石桥村党支部"] is None
    assert "table-cards" in page.content.decode()


def test_demo_published_one_summary_of_last_half_year(units):
    period = last_period(timezone.localdate()).code
    summaries = PeriodSummary.objects.filter(period=period)
    assert summaries.count() >= 3
    assert summaries.get(unit=units["LS0101"]).published_on is not None
