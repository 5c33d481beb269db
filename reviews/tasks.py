"""Periodic work of the reviews app (beat entries in config/settings.py CELERY_BEAT_SCHEDULE)."""

from __future__ import annotations

from celery import shared_task

from reviews.evaluation_services import close_due


@shared_task(ignore_result=True)
def close_due_campaigns() -> int:
    """Close the mass evaluations past their closing day; closing a closed one does nothing."""
    return close_due()
