"""Figures of the commitments app, one definition for every page that counts them: the
dashboards, a creation round's evidence and the exports."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.db.models import Count

from commitments.models import Commitment, status_expression


def status_counts(
    under: str, periods: Iterable[str], today: datetime.date
) -> list[tuple[str, str, str, int]]:
    """(unit path, period, status, commitments) of the branches' and members' commitments of
    `periods` under the unit at `under`, each status as the lists show it on `today`.

    The caller has checked that its reader may see the subtree at `under`.
    """
    return list(
        Commitment.objects.filter(letter__period__in=list(periods), letter__unit__path__under=under)
        .annotate(status_code=status_expression(today))
        .order_by()
        .values_list("letter__unit__path", "letter__period", "status_code")
        .annotate(n=Count("pk"))
    )


def completion(done: int, total: int) -> float | None:
    """完成率: commitments completed ÷ all commitments of the period; None with none made."""
    return done / total if total else None
