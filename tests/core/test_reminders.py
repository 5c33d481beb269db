"""The reminder engine: stages, recipients, quiet hours, idempotency, channels and scope."""

from __future__ import annotations

import datetime
import http.server
import json
import threading
import time
import zoneinfo

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from accounts.models import OrgUnit
from branches.models import LiaisonPoint
from commitments.models import Category, Commitment, CommitmentLetter, PeriodLock
from core.models import Channel, DeliveryStatus, Notification, ReminderPolicy, Webhook
from core.reminders import open_deadlines, plan, release_time, scan, stage_of
from reports.slots import slot_on_or_after

SH = zoneinfo.ZoneInfo("Asia/Shanghai")


def at(text: str) -> datetime.datetime:
    return datetime.datetime.fromisoformat(text).replace(tzinfo=SH)


@pytest.fixture
def commitment(units):
    """An open commitment of 柳山村第一党支部 due 2026-12-31 (leader liaises with the branch)."""
    letter, _ = CommitmentLetter.objects.get_or_create(unit=units["LS0101"], member=None, period="2026H2")
    return Commitment.objects.create(
        letter=letter, category=Category.SERVICE, content="提醒测试承诺", deadline=datetime.date(2026, 12, 31)
    )


def _mine(key: str):
    return Notification.objects.filter(key=key)


def _recipients(key: str, stage: str) -> set[str]:
    return set(
        _mine(key).filter(stage=stage, channel=Channel.INBOX).values_list("recipient__username", flat=True)
    )


class TestStages:
    def test_stage_windows(self):
        due = datetime.date(2026, 3, 1)
        assert stage_of(due, datetime.date(2026, 2, 25), 3, 7) is None
        assert stage_of(due, datetime.date(2026, 2, 26), 3, 7) == "before"  # three days before, February
        assert stage_of(due, datetime.date(2026, 2, 28), 3, 7) == "before"
        assert stage_of(due, due, 3, 7) == "due"
        assert stage_of(due, datetime.date(2026, 3, 2), 3, 7) == "overdue"
        assert stage_of(due, datetime.date(2026, 3, 8), 3, 7) == "overdue"
        assert stage_of(due, datetime.date(2026, 3, 9), 3, 7) == "overdue-2"
        assert stage_of(due, datetime.date(2026, 3, 16), 3, 7) == "overdue-3"

    def test_quiet_hours(self):
        assert release_time(at("2026-11-27T20:59")) == at("2026-11-27T20:59")
        assert release_time(at("2026-11-27T21:00")) == at("2026-11-28T08:00")
        assert release_time(at("2026-11-28T07:59")) == at("2026-11-28T08:00")
        assert release_time(at("2026-11-28T08:00")) == at("2026-11-28T08:00")

    def test_a_commitment_through_new_year(self, commitment, personas):
        key = f"commitment:{commitment.pk}"
        scan(at("2026-12-28T09:00"))
        assert _recipients(key, "before") == {"secretary"}
        scan(at("2026-12-31T08:30"))
        assert _recipients(key, "due") == {"secretary"}
        scan(at("2027-01-01T09:00"))
        # Overdue: a copy to the township office and to the branch's liaison leader.
        assert _recipients(key, "overdue") == {"secretary", "office", "leader"}
        scan(at("2027-01-09T09:00"))
        assert _recipients(key, "overdue-2") == {"secretary", "office", "leader"}
        assert all(n.status == DeliveryStatus.SENT for n in _mine(key))
        assert _mine(key).first().link == reverse("commitments:detail", args=[commitment.pk])

    def test_around_midnight_shanghai(self, commitment):
        key = f"commitment:{commitment.pk}"
        scan(at("2026-12-30T23:59"))  # still the day before; quiet hours: waits until 08:00
        waiting = _mine(key).get(channel=Channel.INBOX)
        assert waiting.stage == "before" and waiting.status == DeliveryStatus.PENDING
        assert waiting.scheduled_for == at("2026-12-31T08:00")
        scan(at("2026-12-31T00:00"))  # now the day itself, still quiet
        assert set(_mine(key).values_list("stage", "status")) == {("before", "pending"), ("due", "pending")}
        scan(at("2026-12-31T08:00"))
        assert set(_mine(key).values_list("status", flat=True)) == {"sent"}

    def test_a_completed_commitment_is_not_reminded(self, commitment):
        commitment.percent = 100
        commitment.save()
        scan(at("2026-12-31T09:00"))
        assert not _mine(f"commitment:{commitment.pk}").exists()

    def test_a_closed_period_is_no_longer_reminded(self, commitment, units, personas):
        PeriodLock.objects.create(unit=units["LS"], period="2026H2", locked_by=personas["office"])
        scan(at("2027-01-09T09:00"))
        assert not _mine(f"commitment:{commitment.pk}").exists()

    def test_a_member_is_reminded_of_its_own_commitment(self, personas, units):
        from branches.models import Member

        me = Member.objects.get(user=personas["member"])
        letter = CommitmentLetter.objects.create(unit=me.unit, member=me, period="2026H1")
        own = Commitment.objects.create(
            letter=letter, category=Category.SERVICE, content="我的承诺", deadline=datetime.date(2026, 2, 28)
        )
        scan(at("2026-02-28T10:00"))
        assert _recipients(f"commitment:{own.pk}", "due") == {"member", "secretary"}


def test_report_slots_as_deadlines(units):
    # A reporting day after every report the demo seeds (up to the day it runs): still owed.
    slot = slot_on_or_after(timezone.localdate() + datetime.timedelta(days=40))
    today = slot - datetime.timedelta(days=3)
    key = f"report:{units['LS0102'].pk}:{slot:%Y-%m-%d}"
    keys = {d.key: d for d in open_deadlines(today, OrgUnit.objects.filter(code="LS0102"))}
    upcoming = keys.get(key)
    assert upcoming is not None and upcoming.kind == "信息报送" and upcoming.due == slot
    scan(at(f"{today:%Y-%m-%d}T09:00"))
    assert _recipients(key, "before") == set(
        Notification.objects.filter(key=key).values_list("recipient__username", flat=True)
    )


def test_ledger_filing_is_due_mid_july_until_the_office_closes_it(units, personas):
    keys = [d.key for d in open_deadlines(datetime.date(2026, 7, 12), OrgUnit.objects.filter(code="LS0101"))]
    key = f"ledger:{units['LS0101'].pk}:2026H1"
    assert key in keys
    deadline = next(
        d
        for d in open_deadlines(datetime.date(2026, 7, 12), OrgUnit.objects.filter(code="LS0101"))
        if d.key == key
    )
    assert deadline.due == datetime.date(2026, 7, 15)
    PeriodLock.objects.create(unit=units["LS"], period="2026H1", locked_by=personas["office"])
    assert key not in [
        d.key for d in open_deadlines(datetime.date(2026, 7, 12), OrgUnit.objects.filter(code="LS0101"))
    ]
    january = [
        d
        for d in open_deadlines(datetime.date(2027, 1, 13), OrgUnit.objects.filter(code="LS0101"))
        if d.key.startswith("ledger:")
    ]
    assert [d.due for d in january] == [datetime.date(2027, 1, 15)]


def test_the_office_changes_the_offsets(commitment, units):
    ReminderPolicy.objects.create(unit=units["LS"], days_before=7, weekly_days=3)
    scan(at("2026-12-24T09:00"))
    assert _mine(f"commitment:{commitment.pk}").filter(stage="before").exists()


class TestIdempotency:
    def test_a_second_scan_sends_nothing(self, commitment):
        first = scan(at("2026-12-31T09:00"))
        count = Notification.objects.count()
        assert first and scan(at("2026-12-31T09:00")) == [] and Notification.objects.count() == count
        assert scan(at("2026-12-31T09:00"), dry_run=True) == []

    @pytest.mark.skipif(
        connection.vendor != "postgresql", reason="needs a database with real concurrent sessions"
    )
    @pytest.mark.django_db(transaction=True)
    def test_two_scans_at_once_send_each_message_once(self):
        import io

        from accounts.models import User

        call_command("seed_demo", force=True, stdout=io.StringIO())
        User.objects.filter(username__in=["secretary", "secretary2", "office"]).update(email="x@example.cn")
        # The demo's decisions (reports adopted, evaluation results published) were told to
        # their branches when seeded: held until 08:00 if seeded at night.
        seeded = list(Notification.objects.values_list("pk", flat=True))
        before = set(Notification.objects.values_list("key", "stage", "channel", "target"))
        barrier = threading.Barrier(2)
        results: list[list] = []

        def worker():
            barrier.wait()
            try:
                results.append(scan(at("2026-11-27T09:00")))
            finally:
                connection.close()

        threads = [threading.Thread(target=worker) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        reported = [(n.key, n.stage, n.channel, n.target) for batch in results for n in batch]
        assert reported and len(reported) == len(set(reported))  # no message reported by both scans
        rows = list(Notification.objects.values_list("key", "stage", "channel", "target"))
        assert sorted(rows) == sorted(set(reported) | before)
        assert not Notification.objects.exclude(pk__in=seeded).exclude(status=DeliveryStatus.SENT).exists()
        # One e-mail per person, not one per scan.
        assert sorted(m.to[0] for m in mail.outbox) == ["x@example.cn"] * 3


def test_email_follows_the_users_preference(commitment, personas):
    secretary, office = personas["secretary"], personas["office"]
    secretary.email, office.email = "zhang@example.cn", "wang@example.cn"
    secretary.save()
    office.email_reminders = False
    office.save()
    scan(at("2027-01-01T09:00"))
    to = [address for message in mail.outbox for address in message.to]
    assert "zhang@example.cn" in to and "wang@example.cn" not in to
    # One e-mail per person per scan, listing every reminder.
    assert [m.to for m in mail.outbox].count(["zhang@example.cn"]) == 1
    assert any("提醒测试承诺" in message.body for message in mail.outbox)


class _Bot(http.server.BaseHTTPRequestHandler):
    received: list = []
    replies: list = []

    def do_POST(self):  # noqa: N802
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        _Bot.received.append(body)
        status, delay = _Bot.replies.pop(0) if _Bot.replies else (200, 0)
        time.sleep(delay)
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(json.dumps({"errcode": 0, "errmsg": "ok"}).encode())

    def log_message(self, *args):
        pass


@pytest.fixture
def bot(units, settings):
    settings.WEBHOOK_TIMEOUT = 1
    settings.WEBHOOK_ALLOW_PRIVATE_TARGETS = True  # the bot is a real server on 127.0.0.1
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Bot)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    _Bot.received, _Bot.replies = [], []
    Webhook.objects.create(
        unit=units["LS"], platform="wecom", url=f"http://127.0.0.1:{server.server_port}/send?key=x"
    )
    yield _Bot
    server.shutdown()


def test_webhook_gets_the_platform_json(bot, commitment):
    scan(at("2026-12-31T09:00"))
    texts = [m["text"]["content"] for m in bot.received]
    assert all(m["msgtype"] == "text" for m in bot.received)
    assert any("提醒测试承诺" in line and "今日到期" in line for text in texts for line in text.splitlines())
    # Many reminders go as a few messages, each within the platform's 2,048-byte limit.
    assert all(len(text.encode()) <= 2048 for text in texts)
    assert len(bot.received) < Notification.objects.filter(channel=Channel.WEBHOOK).count()
    hook = _mine(f"commitment:{commitment.pk}").get(channel=Channel.WEBHOOK)
    assert hook.status == DeliveryStatus.SENT and hook.unit_id == commitment.letter.unit_id


def test_a_failing_webhook_is_retried_and_does_not_stop_email(bot, commitment, personas):
    personas["secretary"].email = "zhang@example.cn"
    personas["secretary"].save()
    bot.replies = [(500, 0)] * 50
    scan(at("2026-12-31T09:00"))
    hook = _mine(f"commitment:{commitment.pk}").get(channel=Channel.WEBHOOK)
    assert hook.status == DeliveryStatus.FAILED and hook.attempts == 1 and "500" in hook.last_error
    assert _mine(f"commitment:{commitment.pk}").get(channel=Channel.EMAIL).status == DeliveryStatus.SENT
    assert any("zhang@example.cn" in m.to for m in mail.outbox)
    assert (
        not Notification.objects.filter(channel=Channel.WEBHOOK)
        .exclude(status=DeliveryStatus.FAILED)
        .exists()
    )
    bot.replies = []
    scan(at("2026-12-31T09:02"))  # before the back-off: not yet
    assert _mine(f"commitment:{commitment.pk}").get(channel=Channel.WEBHOOK).attempts == 1
    scan(at("2026-12-31T09:06"))
    hook.refresh_from_db()
    assert hook.status == DeliveryStatus.SENT and hook.attempts == 2


def test_a_message_left_sending_by_a_dead_worker_is_sent_later(commitment, personas):
    personas["secretary"].email = "zhang@example.cn"
    personas["secretary"].save()
    scan(at("2026-12-31T09:00"))
    email = _mine(f"commitment:{commitment.pk}").get(channel=Channel.EMAIL)
    Notification.objects.filter(pk=email.pk).update(status=DeliveryStatus.SENDING, sent_at=None)
    mail.outbox.clear()
    scan(at("2026-12-31T09:15"))  # might still be on its way
    assert not mail.outbox
    scan(at("2026-12-31T09:45"))
    email.refresh_from_db()
    assert email.status == DeliveryStatus.SENT and len(mail.outbox) == 1


def test_a_webhook_that_times_out_fails_without_blocking(bot, commitment):
    bot.replies = [(200, 2)]
    started = time.monotonic()
    scan(at("2026-12-31T09:00"))
    assert time.monotonic() - started < 10
    hook = _mine(f"commitment:{commitment.pk}").filter(channel=Channel.WEBHOOK).first()
    failed = Notification.objects.filter(channel=Channel.WEBHOOK, status=DeliveryStatus.FAILED)
    assert failed.exists() and "timed out" in failed.first().last_error
    assert hook is not None


def test_test_button_reports_the_answer(bot, client_for):
    hook = Webhook.objects.get()
    response = client_for("office").post(reverse("core:webhook_test", args=[hook.pk]), follow=True)
    assert "测试消息已发送" in response.content.decode()
    assert bot.received[-1]["text"]["content"].startswith("创先争优工作平台测试消息")


class TestScope:
    def test_inbox_shows_only_ones_own_messages(self, client_for, commitment, personas):
        scan(at("2027-01-01T09:00"))
        mine = client_for("secretary").get(reverse("core:inbox"))
        assert {m.recipient_id for m in mine.context["page"]} == {personas["secretary"].pk}
        others = (
            Notification.objects.filter(channel=Channel.INBOX).exclude(recipient=personas["member"]).first()
        )
        assert client_for("member").post(reverse("core:inbox_open", args=[others.pk])).status_code == 404
        page = client_for("secretary").get(reverse("dashboards:home")).content.decode()
        assert "未读" in page

    def test_opening_a_message_marks_it_read_and_follows_its_link(self, client_for, commitment, personas):
        scan(at("2026-12-31T09:00"))
        message = Notification.objects.get(key=f"commitment:{commitment.pk}", channel=Channel.INBOX)
        response = client_for("secretary").post(reverse("core:inbox_open", args=[message.pk]))
        assert response["Location"] == reverse("commitments:detail", args=[commitment.pk])
        message.refresh_from_db()
        assert message.read_at is not None

    def test_board_shows_the_office_its_subtree_only(self, client_for, units):
        other = OrgUnit.objects.create(code="QT", name="邻镇党委", level="committee")
        branch = OrgUnit.objects.create(code="QT01", name="邻镇某村党支部", level="branch", parent=other)
        board = client_for("office").get(reverse("core:board"))
        names = [row.name for row in board.context["rows"]]
        assert branch.name not in names and names
        assert client_for("office").post(reverse("core:board_remind", args=[branch.pk])).status_code == 404


def test_remind_now_once_a_day(client_for, units, personas, commitment):
    client = client_for("office")
    url = reverse("core:board_remind", args=[units["LS0101"].pk])
    assert "已提醒" in client.post(url, follow=True).content.decode()
    assert "今天已提醒过" in client.post(url, follow=True).content.decode()
    manual = Notification.objects.filter(
        key__startswith=f"manual:{units['LS0101'].pk}:", channel=Channel.INBOX
    )
    assert manual.count() == 1 and manual.get().recipient == personas["secretary"]
    # A branch without a secretary's account is said so, not silently skipped.
    response = client.post(reverse("core:board_remind", args=[units["LS0102"].pk]), follow=True)
    assert "没有书记账号" in response.content.decode()


def test_send_reminders_command(commitment):
    import io

    recorded = Notification.objects.count()  # the demo's reviewed reports were told to their branches
    sent = Notification.objects.filter(status=DeliveryStatus.SENT).count()
    out = io.StringIO()
    call_command("send_reminders", "--now", "2026-12-31T09:00+08:00", "--dry-run", stdout=out)
    lines = out.getvalue().strip().splitlines()
    assert lines[-1].startswith(f"{len(lines) - 1} 条消息将发送")
    assert Notification.objects.count() == recorded
    out = io.StringIO()
    call_command("send_reminders", "--now", "2026-12-31T09:00+08:00", stdout=out)
    assert (
        Notification.objects.filter(status=DeliveryStatus.SENT).count() - sent
        == len(out.getvalue().strip().splitlines()) - 1
    )
    from django.core.management import CommandError

    with pytest.raises(CommandError):
        call_command("send_reminders", "--now", "2026-12-31 09:00")


def test_planning_is_batched(commitment, django_assert_max_num_queries):
    # A query or two per deadline source (creation rounds: one) and the batched lookups of
    # who is told: none per branch or per deadline. +1: liaison visits' follow-ups; +2: joint
    # meeting decisions and period summaries.
    with django_assert_max_num_queries(26):
        assert plan(at("2026-12-31T09:00"))


def test_leaders_get_overdue_copies_of_their_liaison_branch_only(units, personas):
    assert LiaisonPoint.objects.filter(leader=personas["leader"], branch=units["LS0101"]).exists()
    scan(at("2026-11-27T09:00"))
    copies = Notification.objects.filter(recipient=personas["leader"]).exclude(stage="decision")
    assert copies.exists()
    assert set(copies.values_list("unit_id", flat=True)) <= {units["LS0101"].pk, units["LS03"].pk}
