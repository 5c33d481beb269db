"""Background jobs: heartbeat, lease, and what the owner reads when the worker died."""

from __future__ import annotations

import datetime
import io
import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from core import jobs
from core.jobs import job_create, job_run, jobs_fail_abandoned
from core.models import Job, JobStatus
from core.periods import Period
from tests.postgres import waiting_on_a_lock, worker_environment

ROOT = Path(__file__).resolve().parents[2]
LOST = "后台进程"  # in the message an abandoned job's owner reads
# A queue of this run's own: the job is acks_late, so the message a killed worker held in an
# earlier run is restored to that run's queue when the next worker starts, never to this one.
QUEUE = f"test-killed-worker-{uuid.uuid4().hex[:12]}"


@pytest.fixture
def job(personas):
    return job_create(
        owner=personas["office"],
        kind="export",
        title="柳山镇台账",
        params={"export": "commitments", "unit": "LS", "period": "2026H2"},
    )


def _running(job: Job, *, silent_for: datetime.timedelta) -> None:
    Job.objects.filter(pk=job.pk).update(status=JobStatus.RUNNING, heartbeat_at=timezone.now() - silent_for)


def test_a_running_job_silent_past_its_lease_is_failed_with_a_message(job, personas, settings):
    settings.JOB_LEASE_SECONDS = 600
    fresh = job_create(owner=personas["office"], kind="export", title="t", params={})
    _running(job, silent_for=datetime.timedelta(minutes=11))
    _running(fresh, silent_for=datetime.timedelta(minutes=9))
    queued = job_create(owner=personas["office"], kind="export", title="t", params={})
    assert jobs_fail_abandoned() == 1
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and LOST in job.message and "10 分钟" in job.message
    assert job.finished_at is not None
    assert Job.objects.get(pk=fresh.pk).status == JobStatus.RUNNING
    assert Job.objects.get(pk=queued.pk).status == JobStatus.QUEUED
    assert jobs_fail_abandoned() == 0  # once is enough


def test_the_owner_opening_the_job_page_fails_an_abandoned_job_without_beat(job, client_for, settings):
    _running(job, silent_for=datetime.timedelta(seconds=settings.JOB_LEASE_SECONDS + 1))
    page = client_for("office").get(reverse("core:job_detail", args=[job.pk])).content.decode()
    assert LOST in page and "失败" in page and 'http-equiv="refresh"' not in page
    other = job_create(owner=job.owner, kind="export", title="另一个", params={})
    _running(other, silent_for=datetime.timedelta(days=1))
    listing = client_for("office").get(reverse("core:job_list")).content.decode()
    assert Job.objects.get(pk=other.pk).status == JobStatus.FAILED and "另一个" in listing
    assert "失败" in listing.split("另一个")[1].split("</li>")[0]


def test_someone_elses_job_page_fails_nothing(job, client_for, settings):
    _running(job, silent_for=datetime.timedelta(seconds=settings.JOB_LEASE_SECONDS + 1))
    assert client_for("secretary").get(reverse("core:job_detail", args=[job.pk])).status_code == 404
    assert Job.objects.get(pk=job.pk).status == JobStatus.RUNNING


def test_progress_renews_the_heartbeat(job, monkeypatch):
    seen = []

    def handler(job, progress):
        claimed = Job.objects.get(pk=job.pk).heartbeat_at
        for done in range(1, 11):
            progress(done, 10)
        seen.append((claimed, Job.objects.get(pk=job.pk)))
        return "x.xlsx", b"PK"

    monkeypatch.setitem(jobs._HANDLERS, "export", handler)
    before = Job.objects.get(pk=job.pk).heartbeat_at
    job_run(job.pk)
    claimed, during = seen[0]
    assert before < claimed < during.heartbeat_at and during.progress == 99
    assert Job.objects.get(pk=job.pk).status == JobStatus.DONE


def test_a_slow_worker_finishing_after_all_corrects_the_failure(job, monkeypatch, settings):
    def handler(job, progress):
        # Meanwhile the sweep took the worker for lost and told the owner so.
        later = timezone.now() + datetime.timedelta(seconds=settings.JOB_LEASE_SECONDS + 1)
        assert jobs_fail_abandoned(now=later) == 1
        progress(5, 10)  # no longer renews anything: the job is not running
        assert Job.objects.get(pk=job.pk).status == JobStatus.FAILED
        return "late.xlsx", b"PK"

    monkeypatch.setitem(jobs._HANDLERS, "export", handler)
    job_run(job.pk)
    job.refresh_from_db()
    assert job.status == JobStatus.DONE and job.message == "" and job.progress == 100
    assert job.result_name == "late.xlsx" and job.result.read() == b"PK"


def test_beat_runs_the_sweep_every_minute(job, settings):
    from core.tasks import fail_abandoned_jobs

    entry = settings.CELERY_BEAT_SCHEDULE["fail-abandoned-jobs"]
    assert entry["task"] == fail_abandoned_jobs.name and entry["schedule"] == 60
    _running(job, silent_for=datetime.timedelta(seconds=settings.JOB_LEASE_SECONDS + 1))
    assert fail_abandoned_jobs() == 1


def _start_worker(tmp_path) -> tuple[subprocess.Popen, list[str]]:
    """A real worker on the test database, ready to take tasks, and the lines it prints."""
    env = worker_environment(tmp_path)
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config",
            "worker",
            "--pool=solo",  # the task runs in this very process: killing it kills the job
            # Its own queue: tasks other tests left in the default one (a reminder scan reads
            # the ledger too) must not come first.
            f"--queues={QUEUE}",
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
    lines: list[str] = []
    # Read as it comes, so that the pipe never fills and blocks the worker.
    threading.Thread(target=lambda: lines.extend(worker.stdout), daemon=True).start()
    _until(lambda: any(" ready." in line for line in lines) or worker.poll() is not None)
    assert worker.poll() is None, "".join(lines)
    return worker, lines


def _until(condition, *, seconds: float = 60, state=lambda: "") -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, f"timed out; {state()}"
        time.sleep(0.2)


@pytest.mark.worker
@pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs REDIS_URL (CI sets it)")
@pytest.mark.skipif(connection.vendor != "postgresql", reason="the worker must share the test database")
def test_a_job_whose_worker_is_killed_mid_export_is_failed_for_its_owner(
    transactional_db, tmp_path, settings
):
    from accounts.models import User
    from core.tasks import run_job

    call_command("seed_demo", force=True, stdout=io.StringIO())
    owner = User.objects.get(username="office")
    period = Period.containing(timezone.localdate()).code
    params = {"export": "commitments", "unit": "LS", "period": period}
    job = job_create(owner=owner, kind="export", title="柳山镇台账", params=params)
    worker, lines = _start_worker(tmp_path)
    try:
        with transaction.atomic():
            # The export's first read of the ledger waits behind this lock: however fast the
            # machine, the worker is inside the export, its job running, when it is killed.
            with connection.cursor() as cursor:
                cursor.execute("LOCK TABLE commitments_commitment IN ACCESS EXCLUSIVE MODE")
            run_job.apply_async((job.pk,), queue=QUEUE)
            _until(
                lambda: Job.objects.get(pk=job.pk).status == JobStatus.RUNNING and waiting_on_a_lock(),
                state=lambda: f"job {Job.objects.get(pk=job.pk).status}, worker said {''.join(lines[-15:])}",
            )
            os.kill(worker.pid, signal.SIGKILL)
            worker.wait(timeout=30)
            with connection.cursor() as cursor:  # the dead worker's session, as TCP would end it
                cursor.execute(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE datname = current_database() AND wait_event_type = 'Lock'"
                )
    finally:
        if worker.poll() is None:
            worker.kill()
        worker.wait(timeout=30)
    assert worker.returncode == -signal.SIGKILL and any("core.tasks.run_job" in line for line in lines)
    job.refresh_from_db()
    assert job.status == JobStatus.RUNNING and job.progress < 100  # nobody left to say otherwise
    assert jobs_fail_abandoned() == 0  # still within its lease: it might be busy
    after_the_lease = job.heartbeat_at + datetime.timedelta(seconds=settings.JOB_LEASE_SECONDS + 1)
    assert jobs_fail_abandoned(now=after_the_lease) == 1
    client = Client()
    client.force_login(owner)
    page = client.get(reverse("core:job_detail", args=[job.pk])).content.decode()
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and not job.result
    assert LOST in job.message and job.message in page
