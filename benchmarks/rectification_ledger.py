"""Export a county's half-year of rectifications (20,000, each replied, half re-checked) as the
整改台账, and draw the monthly coverage grid of 500 branches.

The export, and the floor (the same rows from the same query, written by plain openpyxl
write-only mode into one sheet without styles), run in fresh processes (`_measure`), so that
time and peak memory are their own. Use a scratch database:
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/cxzy_bench .venv/bin/python benchmarks/rectification_ledger.py
"""

from __future__ import annotations

import datetime
import io
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
from benchmarks._measure import compare, one_sheet_floor, summary, timed  # noqa: E402

ROWS = int(os.environ.get("ROWS", "20000"))
BRANCHES = int(os.environ.get("BRANCHES", "500"))
PERIOD = "2025H2"
PROBLEM = "基准测试：“三会一课”记录不完整，党员活动签到表缺失"


def setup() -> None:
    from django.contrib.contenttypes.models import ContentType
    from django.core.management import call_command

    from accounts.models import Level, OrgUnit, User
    from inspections.models import (
        Finding,
        Inspection,
        InspectionGroup,
        Rectification,
        RectificationCheck,
        RectificationReply,
    )

    call_command("migrate", verbosity=0)
    call_command("seed_demo", force=True, stdout=io.StringIO())
    township = OrgUnit.objects.get(code="LS")
    existing = OrgUnit.objects.filter(code__startswith="BM").count()
    OrgUnit.objects.bulk_create(
        [
            OrgUnit(
                code=f"BM{n:04d}",
                name=f"基准村第{n}党支部",
                level=Level.BRANCH,
                parent=township,
                path=f"{township.path}BM{n:04d}/",  # what save() would compute
            )
            for n in range(existing, BRANCHES)
        ]
    )
    if Rectification.objects.filter(problem=PROBLEM).count() == ROWS:
        return
    Rectification.objects.filter(problem=PROBLEM).delete()
    inspector = User.objects.get(username="inspector")
    group = InspectionGroup.objects.get(name="柳山镇督查组")
    branches = list(OrgUnit.objects.filter(code__startswith="BM").order_by("code"))
    start = datetime.date(2025, 7, 1)
    inspections = Inspection.objects.bulk_create(
        [
            Inspection(group=group, unit=unit, date=start + datetime.timedelta(days=n % 150), status="final")
            for n, unit in enumerate(branches)
        ]
    )
    findings = Finding.objects.bulk_create(
        [
            Finding(inspection=i, category="problem", text=PROBLEM, needs_rectification=True)
            for i in inspections
        ]
    )
    finding_type = ContentType.objects.get_for_model(Finding)
    rectifications = []
    for n in range(ROWS):
        finding = findings[n % len(findings)]
        issued = start + datetime.timedelta(days=n % 150)
        rectifications.append(
            Rectification(
                unit=branches[n % len(branches)],
                source="inspections.finding",
                source_type=finding_type,
                source_id=finding.pk,
                group=group,
                problem=PROBLEM,
                demand="一个月内补齐记录，建立会前签到制度，并书面回复",
                issued_by=inspector,
                issued_on=issued,
                deadline=issued + datetime.timedelta(days=30),
                status="passed" if n % 2 else "replied",
            )
        )
    rectifications = Rectification.objects.bulk_create(rectifications, batch_size=5000)
    replies = RectificationReply.objects.bulk_create(
        [
            RectificationReply(rectification=r, version=1, measures="补齐了签到表", result="已整改")
            for r in rectifications
        ],
        batch_size=5000,
    )
    RectificationCheck.objects.bulk_create(
        [
            RectificationCheck(
                rectification=r, reply=reply, passed=True, comment="整改到位", checked_by=inspector
            )
            for r, reply in zip(rectifications, replies, strict=True)
            if r.status == "passed"
        ],
        batch_size=5000,
    )


def measure(mode: str) -> None:
    import django

    django.setup()

    from accounts.models import OrgUnit, User
    from core.periods import Period
    from inspections.exports import _rows, ledger_queryset, write_ledger

    office, unit, period = (
        User.objects.get(username="office"),
        OrgUnit.objects.get(code="LS"),
        Period.parse(PERIOD),
    )

    def floor() -> int:
        return one_sheet_floor(row.values() for row in _rows(ledger_queryset(office, unit, period)))

    timed(lambda: len(write_ledger(office, unit, period)) if mode == "ours" else floor())


def grid_seconds() -> tuple[float, int, int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from accounts.models import User
    from inspections.selectors import coverage_grid

    office = User.objects.get(username="office")
    started = time.perf_counter()
    with CaptureQueriesContext(connection) as queries:
        rows = len(coverage_grid(office, 2025).rows)
    return round(time.perf_counter() - started, 3), len(queries), rows


def main() -> None:
    if len(sys.argv) > 1:
        measure(sys.argv[1])
        return
    import django

    django.setup()
    setup()
    print(summary(f"整改台账 of {ROWS} rectifications in 1 sheet", compare(__file__)), flush=True)
    seconds, queries, rows = grid_seconds()
    print(f"coverage grid of {rows} branches × 12 months: {seconds} s in {queries} queries")


if __name__ == "__main__":
    main()
