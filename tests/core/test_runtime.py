"""Health check, the embedded default and a real Celery worker."""

from __future__ import annotations

import datetime
import io
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from core.models import Upload
from tests.postgres import worker_environment

ROOT = Path(__file__).resolve().parents[2]


def _run(*args, env_overrides=None, check=True):
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    env.update(env_overrides or {})
    result = subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, check=False, timeout=300
    )
    if check:
        assert result.returncode == 0, result.stdout + result.stderr
    return result


def test_healthz_names_database_and_broker(db, client):
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    expected_broker = "ok" if settings.REDIS_URL else "eager"
    assert response.json() == {"database": "ok", "broker": expected_broker}


def test_healthz_answers_503_when_the_database_is_down():
    script = (
        "import django; django.setup();"
        "from django.test.utils import setup_test_environment; setup_test_environment();"
        "from django.test import Client; r = Client().get('/healthz');"
        "print(r.status_code, r.content.decode())"
    )
    result = _run(
        "-c",
        script,
        env_overrides={
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "DATABASE_URL": "postgres://nobody@127.0.0.1:9/none",
            "REDIS_URL": "redis://127.0.0.1:9/0",
        },
    )
    assert result.stdout.split(" ", 1)[0] == "503"
    assert '"database": "down"' in result.stdout and '"broker": "down"' in result.stdout


def test_embedded_default_migrates_and_seeds_twice_to_the_same_data(tmp_path):
    """What `make run` does on a fresh clone: SQLite, no Redis, tasks in-process."""
    env = {"DATABASE_URL": f"sqlite:///{tmp_path / 'portal.sqlite3'}", "MEDIA_ROOT": str(tmp_path)}
    _run("manage.py", "migrate", "--no-input", env_overrides=env)
    count_rows = (
        "from branches.models import Member; from accounts.models import RoleAssignment;"
        "print(Member.objects.count(), RoleAssignment.objects.count(), Member.history.count())"
    )

    def seed_and_count():
        output = _run("manage.py", "seed_demo", env_overrides=env).stdout
        counts = _run("manage.py", "shell", "--no-imports", "-c", count_rows, env_overrides=env).stdout
        return output, counts.split()

    first, first_counts = seed_and_count()
    second, second_counts = seed_and_count()
    assert "16 units, 300 members" in first and first == second
    assert first_counts[:2] == ["300", "8"]
    assert second_counts == first_counts  # not even a history row more
    refused = _run(
        "manage.py", "seed_demo", check=False, env_overrides={**env, "DEBUG": "0", "SECRET_KEY": "k" * 50}
    )
    assert refused.returncode != 0 and "--force" in refused.stderr


@pytest.mark.worker
@pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs REDIS_URL (CI sets it)")
@pytest.mark.skipif(connection.vendor != "postgresql", reason="the worker must share the test database")
def test_a_real_worker_runs_jobs_reminders_and_purges_stale_uploads(transactional_db, tmp_path, settings):
    from accounts.models import User
    from core.jobs import job_create
    from core.models import Job, JobStatus
    from core.periods import Period

    call_command("seed_demo", force=True, stdout=io.StringIO())
    personas = {user.username: user for user in User.objects.all()}
    settings.MEDIA_ROOT = str(tmp_path)
    job = job_create(
        owner=personas["office"],
        kind="export",
        title="柳山镇台账",
        params={
            "export": "commitments",
            "unit": "LS",
            "period": Period.containing(timezone.localdate()).code,
        },
    )
    stale = Upload(owner=personas["office"], kind="members", original_name="old.xlsx")
    stale.file.save("old.xlsx", ContentFile(b"PK\x03\x04"), save=True)
    Upload.objects.filter(pk=stale.pk).update(created_at=timezone.now() - datetime.timedelta(days=2))
    fresh = Upload.objects.create(owner=personas["office"], kind="members", original_name="new.xlsx")
    env = worker_environment(tmp_path)
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config",
            "worker",
            "--pool=solo",
            "--loglevel=INFO",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        from core.models import Channel, Notification
        from core.reminders import plan, release_time
        from core.tasks import purge_stale_uploads, run_job, scan_reminders

        now = timezone.now()
        expected = {(n.key, n.target) for n in plan(now) if n.channel == Channel.INBOX}
        assert expected  # the demo has reporting days missed and commitments overdue
        purge_stale_uploads.delay()
        run_job.delay(job.pk)
        scan_reminders.delay()  # as beat sends it every 15 minutes
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline and (
            Upload.objects.filter(pk=stale.pk).exists() or not Job.objects.get(pk=job.pk).finished
        ):
            time.sleep(0.5)
        # The demo's seeded decisions are in the inbox already: wait for the scan's messages.
        inbox = Notification.objects.filter(channel=Channel.INBOX, key__in={key for key, _target in expected})
        while time.monotonic() < deadline and not {(n.key, n.target) for n in inbox} >= expected:
            time.sleep(0.5)
        assert {(n.key, n.target) for n in inbox} >= expected
        quiet = release_time(now) != now  # between 21:00 and 08:00 the messages wait
        assert set(inbox.values_list("status", flat=True)) == ({"pending"} if quiet else {"sent"})
        job.refresh_from_db()
        assert job.status == JobStatus.DONE and job.progress == 100
        with job.result.open("rb") as result:
            assert result.read(4) == b"PK\x03\x04"
        assert not Upload.objects.filter(pk=stale.pk).exists()
        assert Upload.objects.filter(pk=fresh.pk).exists()
        assert not (tmp_path / stale.file.name).exists()
    finally:
        worker.terminate()
        output = worker.communicate(timeout=30)[0]
    assert "core.tasks.purge_stale_uploads" in output and "core.tasks.run_job" in output
    assert "core.tasks.scan_reminders" in output
