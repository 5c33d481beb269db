"""Exports by name: each app registers how to build its files; pages, jobs and
`manage.py export_ledger` ask for them the same way.

`build(user, unit=..., period=..., month=...)` receives the options as typed (a unit's
code, "2026H1", "2026-11"), checks them against the user's scope and returns
(file name, bytes), or raises JobError with a message for the user.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import ValidationError

from core import jobs
from core.jobs import JobError
from core.periods import Period


@dataclass(frozen=True)
class Export:
    kind: str
    build: Callable[..., tuple[str, bytes]]


_EXPORTS: dict[str, Export] = {}


def register(export: Export) -> Export:
    _EXPORTS[export.kind] = export
    return export


def get_export(kind: str) -> Export:
    try:
        return _EXPORTS[kind]
    except KeyError:
        raise JobError(kind) from None


def period_option(text: str | None) -> Period:
    """An export's `period` option as typed ("2026H2"), or JobError with the message for the user."""
    try:
        return Period.parse(text or "")
    except ValidationError as exc:
        raise JobError(exc.messages[0]) from None


def export_kinds() -> list[str]:
    return sorted(_EXPORTS)


def _export_job(job, progress) -> tuple[str, bytes]:
    """Job handler: `params` = {"export": kind, and the export's options}."""
    params = dict(job.params)
    export = get_export(params.pop("export"))
    return export.build(job.owner, progress=progress, **params)


jobs.register("export", _export_job)
