"""The information reports' circular (信息报送情况统计) of a county over a year: the workbook the
circular page exports (`reports.exports.circular_xlsx`), for the county office of
`seed_demo --scale county` (县 XC: 500 branches, 10,800 reports over the last year), the 12
months to the current one (24 reporting days), one row per branch in one sheet.

The floor is the same rows (the title, the header, a row per branch with its figures and
its marks) written raw by plain openpyxl write-only mode, without styles or layout, into
the same sheet. Both modes first fetch the rows (`circular_rows`, three queries, the same for
both) and then time only the writing of the workbook, which is what the export adds; the
query's own time is printed for information. Each measurement runs in a fresh process
(`_measure`), so that time and peak memory are its own. Use a scratch database:
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/cxzy_bench .venv/bin/python benchmarks/report_circular.py
"""

from __future__ import annotations

import io
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
from benchmarks._measure import compare, summary, timed  # noqa: E402

MONTHS = int(os.environ.get("MONTHS", "12"))


def setup() -> None:
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("seed_demo", force=True, scale="county", stdout=io.StringIO())


def scope():
    """The county office, the county, and the `MONTHS` months to the current one."""
    from django.utils import timezone

    from accounts.models import OrgUnit, User
    from reports.exports import parse_months

    today = timezone.localdate()
    start = today.year * 12 + today.month - MONTHS  # months since year 0, zero-based
    first, last = parse_months(f"{start // 12}-{start % 12 + 1}:{today:%Y-%m}")
    return User.objects.get(username="county-office"), OrgUnit.objects.get(code="XC"), first, last


def fetch():
    from reports.exports import circular_rows

    user, unit, first, last = scope()
    slots, rows = circular_rows(user, first, last, unit)
    return unit, first, last, slots, rows


def measure(mode: str) -> None:
    import django

    django.setup()
    from openpyxl import Workbook

    from core.dates import month_day
    from reports.exports import CIRCULAR_COLUMNS, MARKS, circular_xlsx, months_label

    unit, first, last, slots, rows = fetch()

    def floor() -> int:
        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet("报送情况")
        sheet.append([f"{unit.name}信息报送情况统计（{months_label(first, last)}）"])
        sheet.append(CIRCULAR_COLUMNS + [month_day(slot) for slot in slots])
        for number, row in enumerate(rows, start=1):
            sheet.append(
                [number, row.unit.name, row.submitted, row.on_time, row.late, row.missing, row.adopted]
                + [MARKS[state] for _slot, state in row.cells]
            )
        buffer = io.BytesIO()
        workbook.save(buffer)
        return len(buffer.getvalue())

    writers = {
        "ours": lambda: len(circular_xlsx(unit.name, first, last, slots, rows)),
        "floor": floor,
    }
    timed(writers[mode])


def main() -> None:
    if len(sys.argv) > 1:
        measure(sys.argv[1])
        return
    import django

    django.setup()
    setup()
    started = time.perf_counter()
    unit, first, last, slots, rows = fetch()
    query = time.perf_counter() - started
    label = (
        f"信息报送情况统计, {unit.name} {first:%Y-%m}:{last:%Y-%m}: {len(rows)} branches × {len(slots)} slots"
    )
    results = compare(__file__)
    print(summary(label, results), flush=True)
    ours, floor = results["ours"], results["floor"]
    print(
        f"[in ms] ours {ours['seconds'] * 1000:.1f} ms (CPU {ours['cpu_seconds'] * 1000:.1f} ms), "
        f"floor {floor['seconds'] * 1000:.1f} ms (CPU {floor['cpu_seconds'] * 1000:.1f} ms)"
    )
    print(f"[for information] the rows' query (both modes, not timed above): {query:.2f} s")


if __name__ == "__main__":
    main()
