"""Export 50,000 commitments as the ledger, against plain openpyxl write-only mode (the floor).

Each measurement runs in a fresh process so that peak memory (max RSS) is its own.
Use a scratch database:
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/cxzy_bench .venv/bin/python benchmarks/ledger_export.py
"""

from __future__ import annotations

import io
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
ROWS = int(os.environ.get("ROWS", "50000"))
BENCH_PERIOD = "2025H2"


def setup() -> None:
    import datetime

    from django.core.management import call_command

    from accounts.models import OrgUnit
    from commitments.models import Category, Commitment, CommitmentLetter

    call_command("migrate", verbosity=0)
    call_command("seed_demo", force=True, stdout=io.StringIO())
    existing = Commitment.objects.filter(letter__period=BENCH_PERIOD).count()
    if existing == ROWS:
        return
    Commitment.objects.filter(letter__period=BENCH_PERIOD).delete()
    branches = list(OrgUnit.objects.filter(level="branch"))
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


def measure(mode: str) -> dict:
    import django

    django.setup()
    from openpyxl import Workbook

    from accounts.models import OrgUnit, User
    from commitments.ledger import ledger_queryset, write_ledger
    from core.periods import Period

    office = User.objects.get(username="office")
    township = OrgUnit.objects.get(code="LS")
    period = Period.parse(BENCH_PERIOD)
    started = time.perf_counter()
    if mode == "ours":
        size = len(write_ledger(office, township, period))
    else:
        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet()
        rows = ledger_queryset(office, township, period).values_list(
            "pk", "letter__unit__name", "category", "content", "measures", "deadline", "status_code", "note"
        )
        for row in rows.iterator(chunk_size=2000):
            sheet.append(row)
        buffer = io.BytesIO()
        workbook.save(buffer)
        size = len(buffer.getvalue())
    seconds = time.perf_counter() - started
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"mode": mode, "seconds": round(seconds, 2), "peak_mb": round(peak_mb, 1), "bytes": size}


def main() -> None:
    if len(sys.argv) > 1:
        print(json.dumps(measure(sys.argv[1])))
        return
    import django

    django.setup()
    setup()
    results = {}
    for mode in ("floor", "ours"):
        output = subprocess.run(
            [sys.executable, __file__, mode], capture_output=True, text=True, check=True
        ).stdout
        results[mode] = json.loads(output.strip().splitlines()[-1])
        print(results[mode])
    ours, floor = results["ours"], results["floor"]
    print(
        f"{ROWS} rows: ours {ours['seconds']} s / {ours['peak_mb']} MB peak; "
        f"plain write-only {floor['seconds']} s / {floor['peak_mb']} MB; "
        f"time ratio {ours['seconds'] / floor['seconds']:.2f}x, memory ratio {ours['peak_mb'] / floor['peak_mb']:.2f}x"
    )


if __name__ == "__main__":
    main()
