from __future__ import annotations

from celery import shared_task

from core.services import uploads_purge_stale


@shared_task(ignore_result=True)
def purge_stale_uploads() -> int:
    return uploads_purge_stale()
