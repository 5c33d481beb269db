"""Background jobs: each app registers what a kind of job does; core runs and tracks it.

A handler receives the job and a `progress(done, total)` callback and returns the result
as (file name, bytes). It raises JobError for a failure its owner should read about.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from kombu.exceptions import OperationalError

from core.models import Job, JobStatus

log = logging.getLogger(__name__)

Handler = Callable[[Job, Callable[[int, int], None]], tuple[str, bytes]]
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


def job_run(job_id: int) -> None:
    """Run a queued job once: a second delivery of the same task finds it claimed and stops."""
    claimed = Job.objects.filter(pk=job_id, status=JobStatus.QUEUED).update(status=JobStatus.RUNNING)
    if claimed != 1:
        return
    job = Job.objects.get(pk=job_id)
    last = [-1]

    def progress(done: int, total: int) -> None:
        percent = min(99, done * 100 // total) if total else 0
        if percent != last[0]:
            last[0] = percent
            Job.objects.filter(pk=job.pk).update(progress=percent)

    try:
        name, content = _HANDLERS[job.kind](job, progress)
    except JobError as exc:
        _finish(job, JobStatus.FAILED, message=str(exc))
        return
    except Exception:
        _finish(job, JobStatus.FAILED, message="")
        raise
    with transaction.atomic():
        job.result.save(name, ContentFile(content), save=False)
        job.result_name = name
        _finish(job, JobStatus.DONE)


def _finish(job: Job, status: str, message: str = "") -> None:
    job.status = status
    job.message = message
    job.progress = 100 if status == JobStatus.DONE else job.progress
    job.finished_at = timezone.now()
    job.save(update_fields=["status", "message", "progress", "finished_at", "result", "result_name"])
