"""The commitment ledger export against plain openpyxl write-only mode (the floor), in two shapes:

- township: 50,000 commitments of 2025H2 over the 11 branches of the 柳山镇 demo (12 sheets);
- county: the half-year before today's of `seed_demo --scale county`, 30,000 commitments over
  500 branches (501 sheets).

The floor writes the same rows, as the database gives them, without styles, into the same
sheets as the ledger (one per branch, and the summary's, which it fills last with each
branch's count); the same rows in one sheet are measured too, for information. Each measurement runs in a fresh process (`_measure`), so that time and peak memory are its own.
Use a scratch database:
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/cxzy_bench .venv/bin/python benchmarks/ledger_export.py
"""

from __future__ import annotations

import io
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
from benchmarks._measure import (  # noqa: E402
    MULTI_SHEET,
    compare,
    one_sheet_floor,
    same_sheets_floor,
    summary,
    timed,
)

ROWS = int(os.environ.get("ROWS", "50000"))
BENCH_PERIOD = "2025H2"


def setup() -> None:
    import datetime

    from django.core.management import call_command

    from accounts.models import OrgUnit
    from commitments.models import Category, Commitment, CommitmentLetter

    call_command("migrate", verbosity=0)
    call_command("seed_demo", force=True, scale="county", stdout=io.StringIO())
    # The demo's own branches only: other benchmarks add branches under 柳山镇 too.
    branches = list(OrgUnit.objects.filter(level="branch", code__startswith="LS"))
    existing = Commitment.objects.filter(letter__period=BENCH_PERIOD, letter__unit__in=branches)
    if existing.count() == ROWS:
        return
    Commitment.objects.filter(letter__period=BENCH_PERIOD).delete()
    letters = [
        CommitmentLetter.objects.get_or_create(unit=u, member=None, period=BENCH_PERIOD)[0] for u in branches
    ]
    categories = list(Category.values)
    batch = []
    for index in range(ROWS):
        batch.append(
            Commitment(
                letter=letters[index % len(letters)],
                category=categories[index % len(categories)],
                content=f"为辖区群众办实事第{index}项：修缮道路、走访慰问、代办服务，确保按期完成",
                measures="党员结对帮扶，建立走访记录，每月向支部汇报进展情况",
                deadline=datetime.date(2025, 7, 1) + datetime.timedelta(days=index % 180),
                percent=(index * 7) % 101,
                note="备注" if index % 3 else "",
            )
        )
        if len(batch) == 5000:
            Commitment.objects.bulk_create(batch)
            batch = []
    Commitment.objects.bulk_create(batch)


def scope(shape: str):
    """The user, the unit and the period of `shape`'s ledger."""
    import datetime

    from django.utils import timezone

    from accounts.models import OrgUnit, User
    from core.periods import Period

    if shape == "township":
        return User.objects.get(username="office"), OrgUnit.objects.get(code="LS"), Period.parse(BENCH_PERIOD)
    before = Period.containing(timezone.localdate()).start - datetime.timedelta(days=1)
    return (
        User.objects.get(username="county-office"),
        OrgUnit.objects.get(code="XC"),
        Period.containing(before),
    )


def measure(mode: str, shape: str) -> None:
    import django

    django.setup()

    from commitments.ledger import ledger_queryset, write_ledger

    user, unit, period = scope(shape)
    fields = (
        "pk",
        "letter__unit__name",
        "category",
        "content",
        "measures",
        "deadline",
        "status_code",
        "note",
    )

    def one_sheet() -> int:
        return one_sheet_floor(
            ledger_queryset(user, unit, period).values_list(*fields).iterator(chunk_size=2000)
        )

    def same_sheets() -> int:
        rows = (
            ledger_queryset(user, unit, period)
            .order_by("letter__unit__path", "pk")
            .values_list("letter__unit_id", *fields)
        )
        return same_sheets_floor((unit_id, row[1], *row) for unit_id, *row in rows.iterator(chunk_size=2000))

    writers = {
        "ours": lambda: len(write_ledger(user, unit, period)),
        "floor": same_sheets,
        "one-sheet": one_sheet,
    }
    timed(writers[mode])


def main() -> None:
    if len(sys.argv) > 1:
        measure(*sys.argv[1:])
        return
    import django

    django.setup()
    setup()
    from commitments.ledger import ledger_queryset

    for shape in ("township", "county"):
        user, unit, period = scope(shape)
        rows = ledger_queryset(user, unit, period)
        sheets = rows.order_by().values("letter__unit").distinct().count() + 1
        label = f"承诺践诺台账, {shape}: {rows.count()} rows in {sheets} sheets"
        print(summary(label, compare(__file__, shape, modes=MULTI_SHEET)), flush=True)


if __name__ == "__main__":
    main()
