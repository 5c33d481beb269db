from __future__ import annotations

from celery import shared_task

from core.jobs import job_run, jobs_fail_abandoned
from core.services import uploads_purge_stale


@shared_task(ignore_result=True)
def purge_stale_uploads() -> int:
    return uploads_purge_stale()


@shared_task(ignore_result=True, acks_late=True)
def run_job(job_id: int) -> None:
    # acks_late is safe: job_run claims the job with a conditional UPDATE, so a redelivery is a no-op.
    job_run(job_id)


@shared_task(ignore_result=True)
def fail_abandoned_jobs() -> int:
    return jobs_fail_abandoned()


@shared_task(ignore_result=True)
def scan_reminders() -> int:
    from core.reminders import scan

    return len(scan())
