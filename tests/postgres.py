"""Helpers for the tests that need a real PostgreSQL: a second process on the test database."""

from __future__ import annotations

import os

from django.db import connection


def worker_environment(media_root) -> dict[str, str]:
    """The environment of a process (a Celery worker) that works on the test database."""
    db = connection.settings_dict
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "MEDIA_ROOT": str(media_root),
    }
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    return env


def waiting_on_a_lock() -> int:
    """How many sessions of the test database wait on a lock now."""
    with connection.cursor() as cursor:
        # Inside a transaction the statistics views keep their first answer unless cleared.
        cursor.execute("SELECT pg_stat_clear_snapshot()")
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
            "AND wait_event_type = 'Lock'"
        )
        return cursor.fetchone()[0]
