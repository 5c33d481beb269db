"""Failed logins lock a username on the real client's address, also behind a reverse proxy."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse

from tests.conftest import DEMO_PASSWORD

ROOT = Path(__file__).resolve().parents[2]
PROXY = "127.0.0.1"  # nginx, as gunicorn sees it


@pytest.fixture
def behind_one_proxy(db, settings):
    from axes.models import AccessAttempt

    AccessAttempt.objects.all().delete()
    settings.PROXY_COUNT = 1
    return settings


def _login(client, username, password, *, forwarded):
    return client.post(
        reverse("accounts:login"),
        {"username": username, "password": password},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR=forwarded,
    )


def test_failures_lock_only_that_forwarded_address(client, behind_one_proxy):
    for _ in range(5):
        _login(client, "secretary", "wrong", forwarded="203.0.113.5")
    assert _login(client, "secretary", DEMO_PASSWORD, forwarded="203.0.113.5").status_code == 429
    assert _login(client, "secretary", DEMO_PASSWORD, forwarded="198.51.100.7").status_code == 302


def test_failures_from_five_addresses_do_not_lock_the_user_out(client, behind_one_proxy):
    for attacker in range(1, 6):
        for _ in range(4):
            _login(client, "secretary", "wrong", forwarded=f"203.0.113.{attacker}")
    assert _login(client, "secretary", DEMO_PASSWORD, forwarded="198.51.100.7").status_code == 302


def test_a_forged_forwarded_entry_counts_against_the_sender(client, behind_one_proxy):
    """The client writes what it likes left of the proxy's entry; only the proxy's entry counts."""
    for _ in range(5):
        _login(client, "secretary", "wrong", forwarded="198.51.100.7, 203.0.113.5")
    assert _login(client, "secretary", DEMO_PASSWORD, forwarded="198.51.100.7").status_code == 302
    assert _login(client, "secretary", DEMO_PASSWORD, forwarded="203.0.113.5").status_code == 429


def test_without_a_proxy_the_header_is_ignored(client, behind_one_proxy):
    """Otherwise an attacker would dodge the lock by sending a new X-Forwarded-For each time."""
    behind_one_proxy.PROXY_COUNT = 0
    for attempt in range(5):
        _login(client, "secretary", "wrong", forwarded=f"203.0.113.{attempt}")
    assert _login(client, "secretary", DEMO_PASSWORD, forwarded="198.51.100.7").status_code == 429


def test_the_lockout_page_says_how_many_minutes_to_wait(client, behind_one_proxy):
    behind_one_proxy.AXES_COOLOFF_TIME = 0.5
    for _ in range(5):
        _login(client, "secretary", "wrong", forwarded="203.0.113.5")
    page = _login(client, "secretary", DEMO_PASSWORD, forwarded="203.0.113.5").content.decode()
    assert "请 30 分钟后再试" in page and "PT30M" not in page
    assert f'href="{reverse("dashboards:home")}"' in page


def test_behind_proxy_defaults_to_one_proxy():
    env = {key: value for key, value in os.environ.items() if key not in ("PROXY_COUNT", "BEHIND_PROXY")}
    script = "from django.conf import settings; print(settings.PROXY_COUNT)"
    counts = [
        subprocess.run(
            [sys.executable, "manage.py", "shell", "-v", "0", "-c", script],
            cwd=ROOT,
            env={**env, **extra},
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        for extra in ({}, {"BEHIND_PROXY": "1"}, {"BEHIND_PROXY": "1", "PROXY_COUNT": "2"})
    ]
    assert counts == ["0", "1", "2"]
