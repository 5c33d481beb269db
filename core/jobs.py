"""Background jobs: each app registers what a kind of job does; core runs and tracks it.

A handler receives the job and a `progress(done, total)` callback and returns the result
as (file name, bytes) — or (file name, an open File) for a result too large for memory (an
archive), which is closed once stored — or, for work without a file (an import), a message saying how it
went. It raises JobError for a failure its owner should read about.

Progress reports are the job's heartbeat: a running job silent for longer than
JOB_LEASE_SECONDS has lost its worker (killed, out of memory) and is failed with a message
(`jobs_fail_abandoned`), by beat every minute and whenever its owner looks at it.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Callable

from django.conf import settings
from django.core.files import File
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from kombu.exceptions import OperationalError

from core.models import Job, JobStatus

log = logging.getLogger(__name__)

Handler = Callable[[Job, Callable[[int, int], None]], tuple[str, bytes | File] | str]
_HANDLERS: dict[str, Handler] = {}


class JobError(Exception):
    """A failure explained to the job's owner (the message is shown as it is)."""


def register(kind: str, handler: Handler) -> None:
    _HANDLERS[kind] = handler


def job_create(*, owner, kind: str, title: str, params: dict) -> Job:
    if kind not in _HANDLERS:
        raise KeyError(kind)
    return Job.objects.create(owner=owner, kind=kind, title=title, params=params)


def job_enqueue(job: Job) -> None:
    """Hand the job to a worker once the request commits; with the broker down, run it here."""
    transaction.on_commit(lambda: _send_or_run(job.pk))


def _send_or_run(job_id: int) -> None:
    from core.tasks import run_job

    try:
        run_job.delay(job_id)
    except OperationalError:
        log.warning("broker unreachable: running job %s in the web process", job_id)
        job_run(job_id)


def _lease() -> datetime.timedelta:
    return datetime.timedelta(seconds=settings.JOB_LEASE_SECONDS)


def job_run(job_id: int) -> None:
    """Run a queued job once: a second delivery of the same task finds it claimed and stops."""
    last = {"percent": -1, "beat": timezone.now()}
    claimed = Job.objects.filter(pk=job_id, status=JobStatus.QUEUED).update(
        status=JobStatus.RUNNING, heartbeat_at=last["beat"]
    )
    if claimed != 1:
        return
    job = Job.objects.get(pk=job_id)
    renew_every = _lease() / 10  # well within the lease, yet not a write per row

    def progress(done: int, total: int) -> None:
        percent = min(99, done * 100 // total) if total else 0
        now = timezone.now()
        if percent != last["percent"] or now - last["beat"] >= renew_every:
            last["percent"], last["beat"] = percent, now
            Job.objects.filter(pk=job.pk, status=JobStatus.RUNNING).update(progress=percent, heartbeat_at=now)

    try:
        outcome = _HANDLERS[job.kind](job, progress)
    except JobError as exc:
        _finish(job, JobStatus.FAILED, message=str(exc))
        return
    except Exception:
        _finish(job, JobStatus.FAILED, message="")
        raise
    if isinstance(outcome, str):
        _finish(job, JobStatus.DONE, message=outcome)
        return
    name, content = outcome
    with content if isinstance(content, File) else ContentFile(content) as result:
        job.result.save(name, result, save=False)
    job.result_name = name
    _finish(job, JobStatus.DONE)


def _finish(job: Job, status: str, message: str = "") -> None:
    """Record how the job ended.

    Also over a "failed" written by `jobs_fail_abandoned` while a worker was only slow: the
    work was done (an import's rows are saved), so its owner reads that, not the guess.
    """
    fields = {"status": status, "message": message, "finished_at": timezone.now()}
    if status == JobStatus.DONE:
        fields.update(progress=100, result=job.result.name, result_name=job.result_name)
    Job.objects.filter(pk=job.pk).update(**fields)


def jobs_fail_abandoned(*, jobs: QuerySet[Job] | None = None, now: datetime.datetime | None = None) -> int:
    """Fail the running jobs (of `jobs`, default all) whose worker has been silent too long.

    A worker killed mid-job leaves its job 'running' for ever; one conditional UPDATE tells
    the owner instead. Safe to run from any number of places at once.
    """
    now = now or timezone.now()
    lease = _lease()
    message = _(
        "The job stopped: the process running it gave no sign of life for %(minutes)d minutes "
        "(it was probably restarted). Please start it again."
    ) % {"minutes": max(1, int(lease.total_seconds()) // 60)}
    jobs = Job.objects.all() if jobs is None else jobs
    return jobs.filter(status=JobStatus.RUNNING, heartbeat_at__lt=now - lease).update(
        status=JobStatus.FAILED, message=message, finished_at=now
    )
