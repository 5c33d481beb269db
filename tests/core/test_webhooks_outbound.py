"""Group-bot webhooks reach only https:// on public addresses, at save time and at send time.

A real bot server listens on 127.0.0.1; with the default settings it must receive nothing.
Names that should resolve to other addresses are answered by a stand-in for getaddrinfo, and
no test connects anywhere but the loopback range.
"""

from __future__ import annotations

import datetime
import http.server
import ipaddress
import json
import socket
import threading
import time
import zoneinfo

import pytest
from django.urls import reverse

from commitments.models import Category, Commitment, CommitmentLetter
from core.models import Channel, DeliveryStatus, Notification, Webhook
from core.outbound import Refused, check_url, is_public
from core.reminders import post_webhook, scan

REAL_GETADDRINFO = socket.getaddrinfo


class _Bot(http.server.BaseHTTPRequestHandler):
    received: list = []
    reply: dict = {}

    def do_POST(self):  # noqa: N802
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        _Bot.received.append({"host": self.headers["Host"], "path": self.path, "body": body})
        time.sleep(_Bot.reply.get("delay", 0))
        self.send_response(_Bot.reply.get("status", 200))
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(json.dumps(_Bot.reply.get("answer", {"errcode": 0, "errmsg": "ok"})).encode())

    def log_message(self, *args):
        pass


@pytest.fixture
def bot(settings):
    settings.WEBHOOK_TIMEOUT = 1
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Bot)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    _Bot.received, _Bot.reply = [], {}
    _Bot.port = server.server_port
    yield _Bot
    server.shutdown()
    server.server_close()


class _FakeDNS:
    """Answers for made-up names: one list of addresses per lookup, the last one repeated."""

    def __init__(self):
        self.answers: dict[str, list[list[str]]] = {}
        self.asked: list[str] = []

    def __setitem__(self, host: str, answers: list[list[str]]):
        self.answers[host] = answers

    def getaddrinfo(self, host, port, *args, **kwargs):
        if host not in self.answers:
            return REAL_GETADDRINFO(host, port, *args, **kwargs)
        self.asked.append(host)
        queue = self.answers[host]
        addresses = queue.pop(0) if len(queue) > 1 else queue[0]
        return [
            (socket.AF_INET6, socket.SOCK_STREAM, 6, "", (a, port, 0, 0))
            if ":" in a
            else (socket.AF_INET, socket.SOCK_STREAM, 6, "", (a, port))
            for a in addresses
        ]


@pytest.fixture
def dns(monkeypatch):
    fake = _FakeDNS()
    monkeypatch.setattr(socket, "getaddrinfo", fake.getaddrinfo)
    return fake


@pytest.fixture
def no_connection(monkeypatch):
    """Fails the test should anything open a connection."""
    attempts: list = []

    def create_connection(address, *args, **kwargs):
        attempts.append(address)
        raise AssertionError(f"connected to {address}")

    monkeypatch.setattr(socket, "create_connection", create_connection)
    return attempts


@pytest.mark.parametrize(
    ("address", "public"),
    [
        ("8.8.8.8", True),
        ("101.226.4.6", True),
        ("2400:3200::1", True),
        ("::ffff:8.8.8.8", True),
        ("127.0.0.1", False),
        ("127.8.9.10", False),
        ("10.1.2.3", False),
        ("172.16.0.1", False),
        ("192.168.1.1", False),
        ("100.64.0.1", False),  # carrier-grade NAT
        ("169.254.169.254", False),  # link-local: cloud metadata
        ("0.0.0.0", False),  # noqa: S104
        ("224.0.0.1", False),
        ("240.0.0.1", False),
        ("255.255.255.255", False),
        ("::1", False),
        ("::", False),
        ("fe80::1", False),
        ("fc00::1", False),
        ("fec0::1", False),
        ("ff02::1", False),
        ("::ffff:127.0.0.1", False),
        ("::ffff:10.0.0.1", False),
        ("::127.0.0.1", False),
        ("2002:7f00:1::", False),  # 6to4 around 127.0.0.1
        ("64:ff9b::a00:1", False),  # NAT64 around 10.0.0.1
    ],
)
def test_only_public_addresses_count_as_public(address, public):
    assert is_public(ipaddress.ip_address(address)) is public


@pytest.mark.parametrize(
    "url",
    [
        "http://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=x",
        "https://127.0.0.1/send",
        "https://localhost/send",
        "https://[::1]/send",
        "https://[::ffff:127.0.0.1]/send",
        "https://10.0.0.7/send",
        "https://169.254.169.254/latest/meta-data/",
        "https://0.0.0.0/send",
        "https://[fe80::1]/send",
        "https://224.0.0.1/send",
    ],
)
def test_check_refuses_plain_http_and_non_public_addresses(url, no_connection):
    with pytest.raises(Refused):
        check_url(url)


def test_check_refuses_a_name_resolving_to_a_private_address(dns, no_connection):
    dns["bot.example"] = [["10.0.0.7"]]
    with pytest.raises(Refused, match="内网"):
        check_url("https://bot.example/send")
    # One private answer among public ones is enough to refuse.
    dns["mixed.example"] = [["101.226.4.6", "192.168.1.5"]]
    with pytest.raises(Refused):
        check_url("https://mixed.example/send")


def test_check_accepts_a_public_https_address(dns):
    dns["qyapi.weixin.qq.com"] = [["101.226.4.6"]]
    target = check_url("https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=x")
    assert target == ("https", "qyapi.weixin.qq.com", 443, "/cgi-bin/webhook/send?key=x", "101.226.4.6")


def test_check_refuses_a_name_that_does_not_resolve():
    with pytest.raises(Refused, match="找不到"):
        check_url("https://no-such-host.invalid/send")


# Save time: the office's form.


def _add_webhook(client, units, url):
    return client.post(
        reverse("core:reminder_settings"),
        {"webhook": "1", "unit": units["LS"].pk, "platform": "wecom", "url": url, "active": "on"},
    )


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("http://127.0.0.1:8080/send?key=x", "只允许以 https:// 开头的地址"),
        ("https://127.0.0.1/send?key=x", "指向内网、本机或保留地址"),
        ("https://192.168.1.20/send?key=x", "指向内网、本机或保留地址"),
        ("https://[::ffff:10.0.0.1]/send?key=x", "指向内网、本机或保留地址"),
        ("https://localhost/send?key=x", "指向内网、本机或保留地址"),
        ("https://intranet.example/send?key=x", "指向内网、本机或保留地址"),
    ],
)
def test_office_cannot_save_a_webhook_to_a_private_or_plain_http_address(
    client_for, units, dns, url, message
):
    dns["intranet.example"] = [["172.20.0.3"]]
    response = _add_webhook(client_for("office"), units, url)
    assert response.status_code == 200 and message in response.content.decode()
    assert not Webhook.objects.exists()


def test_office_saves_a_public_https_webhook(client_for, units, dns):
    dns["qyapi.weixin.qq.com"] = [["101.226.4.6"]]
    url = "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=x"
    response = _add_webhook(client_for("office"), units, url)
    assert response.status_code == 302
    assert Webhook.objects.get().url == url


# Send time: addresses saved before these checks, or whose name now resolves elsewhere.


@pytest.fixture
def due_commitment(units):
    letter, _ = CommitmentLetter.objects.get_or_create(unit=units["LS0101"], member=None, period="2026H2")
    return Commitment.objects.create(
        letter=letter, category=Category.SERVICE, content="外呼测试承诺", deadline=datetime.date(2026, 12, 31)
    )


DUE_DAY = datetime.datetime(2026, 12, 31, 9, tzinfo=zoneinfo.ZoneInfo("Asia/Shanghai"))


@pytest.mark.parametrize("scheme_host", ["http://127.0.0.1", "https://127.0.0.1", "https://localhost"])
def test_scan_sends_nothing_to_a_loopback_webhook_by_default(bot, units, due_commitment, scheme_host):
    Webhook.objects.create(unit=units["LS"], platform="wecom", url=f"{scheme_host}:{bot.port}/send?key=x")
    scan(DUE_DAY)
    assert bot.received == []
    failed = Notification.objects.filter(channel=Channel.WEBHOOK, key=f"commitment:{due_commitment.pk}").get()
    assert failed.status == DeliveryStatus.FAILED
    assert "只允许以 https://" in failed.last_error or "指向内网" in failed.last_error


def test_scan_sends_nothing_once_a_name_resolves_to_a_private_address(
    units, due_commitment, dns, no_connection
):
    Webhook.objects.create(unit=units["LS"], platform="wecom", url="https://bot.example/send?key=x")
    dns["bot.example"] = [["10.0.0.7"]]
    scan(DUE_DAY)
    assert no_connection == []
    failed = Notification.objects.filter(channel=Channel.WEBHOOK, key=f"commitment:{due_commitment.pk}").get()
    assert failed.status == DeliveryStatus.FAILED and "内网" in failed.last_error


def test_sending_connects_to_the_address_that_was_checked(bot, dns, settings):
    """A name answering 127.0.0.1 at the check and 127.0.0.2 just after still gets 127.0.0.1."""
    settings.WEBHOOK_ALLOW_PRIVATE_TARGETS = True
    dns["bot.example"] = [["127.0.0.1"], ["127.0.0.2"]]
    post_webhook(f"http://bot.example:{bot.port}/send?key=x", {"msgtype": "text", "text": {"content": "hi"}})
    assert dns.asked == ["bot.example"]
    assert bot.received == [
        {
            "host": f"bot.example:{bot.port}",
            "path": "/send?key=x",
            "body": {"msgtype": "text", "text": {"content": "hi"}},
        }
    ]


# The office's test button: success, or a short Chinese reason, never the socket's words.


def _press_test(client_for, units, url):
    hook = Webhook.objects.create(unit=units["LS"], platform="wecom", url=url)
    response = client_for("office").post(reverse("core:webhook_test", args=[hook.pk]), follow=True)
    return response.content.decode()


def test_test_button_refuses_a_loopback_address_by_default(bot, client_for, units):
    page = _press_test(client_for, units, f"https://127.0.0.1:{bot.port}/send?key=x")
    assert "群机器人未能接收测试消息：该地址指向内网" in page
    assert bot.received == []


def test_test_button_reports_an_unreachable_bot_in_chinese(client_for, units, settings):
    settings.WEBHOOK_ALLOW_PRIVATE_TARGETS = True
    closed = socket.socket()
    closed.bind(("127.0.0.1", 0))
    port = closed.getsockname()[1]
    closed.close()
    page = _press_test(client_for, units, f"http://127.0.0.1:{port}/send?key=x")
    assert "群机器人未能接收测试消息：无法连接到该地址。" in page
    assert "Errno" not in page and "refused" not in page


@pytest.mark.parametrize(
    ("reply", "reason"),
    [
        ({"delay": 2}, "对方未在规定时间内应答。"),
        (
            {"answer": {"errcode": 93000, "errmsg": "invalid webhook url, hint: [x]"}},
            "对方返回错误码 93000。",
        ),
        ({"status": 500}, "对方返回错误码 500。"),
    ],
)
def test_test_button_reports_a_failing_bot_in_chinese(bot, client_for, units, settings, reply, reason):
    settings.WEBHOOK_ALLOW_PRIVATE_TARGETS = True
    bot.reply = reply
    page = _press_test(client_for, units, f"http://127.0.0.1:{bot.port}/send?key=x")
    assert f"群机器人未能接收测试消息：{reason}" in page
    assert "timed out" not in page and "hint" not in page
