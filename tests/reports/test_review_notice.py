"""The branch hears of the office's decision on its report: inbox, e-mail, once."""

from __future__ import annotations

import datetime
import zoneinfo

import pytest
from django.core import mail
from django.urls import reverse

from accounts.models import Role, RoleAssignment, User
from core.models import Channel, DeliveryStatus, Notification
from core.reminders import decision_notify
from core.tasks import scan_reminders
from reports.models import Category, Report
from reports.services import report_submit

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")


@pytest.fixture(autouse=True)
def daytime(monkeypatch):
    """No quiet hours, whatever time the suite runs at: one test below puts them back."""
    monkeypatch.setattr("core.reminders.QUIET_END", 0)
    monkeypatch.setattr("core.reminders.QUIET_START", 24)


@pytest.fixture
def submitted(units, personas):
    report = Report.objects.create(
        unit=units["LS0101"],
        title="柳山村开展环境整治",
        authors="张志强",
        category=Category.NEWS,
        body="正文",
    )
    return report_submit(actor=personas["secretary"], report=report)


@pytest.fixture
def sending(monkeypatch):
    """The scan the decision enqueues runs here, as the worker would run it (Redis or not)."""
    monkeypatch.setattr(scan_reminders, "delay", lambda: scan_reminders.apply())


def review(client, report, decision, note, capture):
    with capture(execute=True):
        return client.post(reverse("reports:review", args=[report.pk]), {"decision": decision, "note": note})


def told(user, report):
    """What `user`'s inbox says of `report` (the demo has its own reports and reminders)."""
    return Notification.objects.inbox_of(user).filter(key__startswith=f"report:{report.pk}:")


def inbox(client) -> str:
    return client.get(reverse("core:inbox")).content.decode()


def test_adopting_tells_the_branch_secretary(
    client_for, personas, submitted, django_capture_on_commit_callbacks
):
    review(client_for("office"), submitted, "adopt", "镇简报第12期", django_capture_on_commit_callbacks)
    (message,) = told(personas["secretary"], submitted)
    assert "采用" in message.title and "柳山村开展环境整治" in message.title
    assert "镇简报第12期" in message.body
    assert message.link == reverse("reports:detail", args=[submitted.pk])
    page = inbox(client_for("secretary"))
    assert "柳山村开展环境整治" in page and "镇简报第12期" in page


def test_returning_tells_the_comment(client_for, personas, submitted, django_capture_on_commit_callbacks):
    review(client_for("office"), submitted, "return", "请补充具体数据", django_capture_on_commit_callbacks)
    (message,) = told(personas["secretary"], submitted)
    assert "退回" in message.title and "柳山村开展环境整治" in message.title
    assert "请补充具体数据" in message.body
    assert "请补充具体数据" in inbox(client_for("secretary"))


def test_email_follows_the_preference(
    client_for, personas, units, submitted, sending, django_capture_on_commit_callbacks
):
    secretary = personas["secretary"]
    secretary.email = "zhang@example.cn"
    secretary.save()
    quiet = User.objects.create_user(
        "deputy", full_name="周玉兰", email="zhou@example.cn", email_reminders=False
    )
    RoleAssignment.objects.create(user=quiet, role=Role.SECRETARY, org_unit=units["LS0101"])
    mail.outbox.clear()
    review(client_for("office"), submitted, "return", "请补充具体数据", django_capture_on_commit_callbacks)
    (sent,) = [m for m in mail.outbox if "zhang@example.cn" in m.to]
    assert "柳山村开展环境整治" in sent.body and "退回" in sent.body and "请补充具体数据" in sent.body
    assert not [m for m in mail.outbox if "zhou@example.cn" in m.to]
    # Both secretaries have it in their inbox.
    assert told(quiet, submitted).count() == 1
    assert (
        Notification.objects.get(
            channel=Channel.EMAIL, recipient=secretary, key__startswith=f"report:{submitted.pk}:"
        ).status
        == DeliveryStatus.SENT
    )


def test_a_retried_review_tells_nothing_twice(
    client_for, personas, submitted, sending, django_capture_on_commit_callbacks
):
    personas["secretary"].email = "zhang@example.cn"
    personas["secretary"].save()
    mail.outbox.clear()
    office = client_for("office")
    review(office, submitted, "adopt", "镇简报第12期", django_capture_on_commit_callbacks)
    review(office, submitted, "adopt", "镇简报第12期", django_capture_on_commit_callbacks)
    assert told(personas["secretary"], submitted).count() == 1
    assert [m.to for m in mail.outbox].count(["zhang@example.cn"]) == 1
    # The same decision told again (a retried call of the shared function) writes nothing.
    before = Notification.objects.count()
    decision_notify(
        unit=submitted.unit,
        key=Notification.objects.get(channel=Channel.EMAIL, key__startswith=f"report:{submitted.pk}:").key,
        title="x",
        body="",
        link="",
    )
    assert Notification.objects.count() == before


def test_each_review_after_a_resubmission_is_told(
    client_for, personas, submitted, django_capture_on_commit_callbacks
):
    office = client_for("office")
    review(office, submitted, "return", "请补充具体数据", django_capture_on_commit_callbacks)
    report_submit(actor=personas["secretary"], report=submitted)
    review(office, submitted, "adopt", "镇简报第12期", django_capture_on_commit_callbacks)
    titles = list(told(personas["secretary"], submitted).values_list("title", flat=True))
    assert sorted("采用" in t for t in titles) == [False, True]


def test_another_branch_hears_nothing(client_for, personas, submitted, django_capture_on_commit_callbacks):
    review(client_for("office"), submitted, "adopt", "镇简报第12期", django_capture_on_commit_callbacks)
    assert not told(personas["secretary2"], submitted).exists()
    assert "柳山村开展环境整治" not in inbox(client_for("secretary2"))


def test_a_decision_at_night_waits_for_the_morning(monkeypatch, personas, units):
    monkeypatch.setattr("core.reminders.QUIET_END", 8)
    monkeypatch.setattr("core.reminders.QUIET_START", 21)
    personas["secretary"].email = "zhang@example.cn"
    personas["secretary"].save()
    night = datetime.datetime(2026, 11, 24, 22, 30, tzinfo=SHANGHAI)
    decision_notify(
        unit=units["LS0101"], key="report:1:review:x", title="【已退回】信息", body="", link="", now=night
    )
    rows = Notification.objects.filter(key="report:1:review:x")
    morning = datetime.datetime(2026, 11, 25, 8, 0, tzinfo=SHANGHAI)
    assert {(n.channel, n.status, n.scheduled_for) for n in rows} == {
        (Channel.INBOX, DeliveryStatus.PENDING, morning),
        (Channel.EMAIL, DeliveryStatus.PENDING, morning),
    }
