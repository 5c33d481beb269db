"""A permission is a question about an object: an office role held in another township opens
nothing here. `twohat` (tests/conftest.py) is office of 青石镇 and secretary of 柳山村第一党支部."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from branches.forms import LiaisonPointForm, OrgUnitForm
from commitments.models import Commitment, PeriodLock
from commitments.services import letter_get_or_create
from core.models import Notification
from core.periods import Period
from reports.models import Report, ReportStatus
from reports.services import report_submit


@pytest.fixture
def twohat_client(twohat):
    client = Client()
    client.force_login(twohat)
    return client


@pytest.fixture
def submitted_report(units):
    report = Report.objects.create(unit=units["LS0101"], title="村口修桥", authors="张志强", body="正文")
    return report_submit(actor=None, report=report)


def test_secretary_with_an_office_elsewhere_cannot_review_its_own_branch_report(
    twohat_client, submitted_report
):
    page = twohat_client.get(reverse("reports:detail", args=[submitted_report.pk])).content.decode()
    assert 'name="decision"' not in page
    response = twohat_client.post(
        reverse("reports:review", args=[submitted_report.pk]), {"decision": "adopt"}
    )
    assert response.status_code == 403
    submitted_report.refresh_from_db()
    assert submitted_report.status == ReportStatus.SUBMITTED


def test_its_board_and_message_log_show_only_the_township_it_manages(twohat_client, units):
    page = twohat_client.get(reverse("core:board")).content.decode()
    assert "柳山村第一党支部" not in page
    response = twohat_client.post(reverse("core:board_remind", args=[units["LS0101"].pk]))
    assert response.status_code == 403
    assert not Notification.objects.filter(key__startswith="manual:").exists()


def test_its_change_after_the_lock_is_an_amendment_like_any_secretary(twohat_client, units):
    period = Period.containing(timezone.localdate())
    letter = letter_get_or_create(unit=units["LS0101"], member=None, period=period.code)
    commitment = Commitment.objects.create(
        letter=letter, category="service", content="锁定前", deadline=period.end
    )
    PeriodLock.objects.create(unit=units["LS"], period=period.code)
    twohat_client.post(
        reverse("commitments:edit", args=[commitment.pk]),
        {"category": "service", "content": "锁定后改过的承诺", "deadline": period.end.isoformat()},
    )
    record = Commitment.history.filter(id=commitment.pk).latest("history_date")
    assert record.content == "锁定后改过的承诺" and record.history_change_reason == "amendment"


def test_its_forms_offer_only_what_it_manages(twohat, units):
    parents = {unit.code for unit in OrgUnitForm(actor=twohat).fields["parent"].queryset}
    assert parents == {"QS", "QS01"}
    form = LiaisonPointForm(
        {"leader": units["LS"].pk, "branch": units["LS0101"].pk, "started_on": "2026-11-01"}, actor=twohat
    )
    assert list(form.fields["leader"].queryset) == []  # no leader in 青石镇, and it is none itself


def test_the_office_may_review_and_close_but_a_reader_may_not(client_for, submitted_report):
    page = client_for("office").get(reverse("reports:detail", args=[submitted_report.pk])).content.decode()
    assert 'name="decision"' in page
    for role in ["leader", "inspector", "secretary"]:
        assert client_for(role).post(reverse("reports:review", args=[submitted_report.pk])).status_code == 403


def test_navigation_follows_what_the_user_manages(twohat_client, client_for):
    board = reverse("core:board")
    assert board in twohat_client.get(reverse("dashboards:home")).content.decode()
    assert board not in client_for("secretary").get(reverse("dashboards:home")).content.decode()
    liaison = f'href="{reverse("branches:liaison_list")}"'
    assert liaison in client_for("office").get(reverse("dashboards:home")).content.decode()
    assert liaison not in twohat_client.get(reverse("dashboards:home")).content.decode()
