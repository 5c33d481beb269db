"""Time a roster import the size of a county (15,000 members) through the same code path.

Run against the database in DATABASE_URL (use a scratch database: it creates 12 units):
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/cxzy_bench .venv/bin/python benchmarks/roster_import.py
"""

from __future__ import annotations

import io
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

import openpyxl  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, reset_queries  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from accounts.scoping import system_actor  # noqa: E402
from branches.models import Member  # noqa: E402
from core.imports import get_ledger, run_import  # noqa: E402

ROWS = int(os.environ.get("ROWS", "15000"))


def workbook() -> bytes:
    codes = ["LS0101", "LS0102", "LS0201", "LS0202", "LS03", "LS04", "LS05", "LS06", "LS07", "LS08", "LS09"]
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet()
    sheet.append(["姓名", "性别", "所在组织编码", "职务", "联系电话", "入党日期"])
    for index in range(ROWS):
        sheet.append(
            [f"导入党员{index:06d}", "男", codes[index % len(codes)], "党员", "13900000000", "2010-07-01"]
        )
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def main() -> None:
    from django.conf import settings

    settings.DEBUG = False
    call_command("migrate", verbosity=0)
    call_command("seed_demo", force=True, stdout=io.StringIO())
    Member.objects.filter(name__startswith="导入党员").delete()
    content = workbook()
    ledger = get_ledger("members")
    for dry_run in (True, False):
        reset_queries()
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            report = run_import(
                ledger=ledger,
                user=system_actor("benchmark"),
                fileobj=io.BytesIO(content),
                max_rows=settings.IMPORT_MAX_ROWS,
                dry_run=dry_run,
            )
            seconds = time.perf_counter() - started
        label = "preview (dry run)" if dry_run else "import"
        if os.environ.get("SHOW_QUERIES"):
            from collections import Counter

            print(Counter(q["sql"][:60] for q in queries.captured_queries).most_common(5))
        print(
            f"{label}: {ROWS} rows, {len(report.errors)} errors, {seconds:.1f} s, "
            f"{len(queries)} queries, {ROWS / seconds:.0f} rows/s"
        )
    Member.objects.filter(name__startswith="导入党员").delete()


if __name__ == "__main__":
    main()
