"""The reminder scan over 100,000 open deadlines, 500 branches and 15,000 members.

Reports seconds and queries of a first scan and of an immediate second one (which must send
nothing). Use a scratch database of its own:
    createdb -h 127.0.0.1 -U postgres cxzy_bench_reminders
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/cxzy_bench_reminders .venv/bin/python benchmarks/reminder_scan.py
"""

from __future__ import annotations

import datetime
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("EMAIL_BACKEND", "django.core.mail.backends.locmem.EmailBackend")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402

BRANCHES, MEMBERS, DEADLINES = 500, 15_000, 100_000
NOW = datetime.datetime(2026, 11, 27, 9, 0, tzinfo=datetime.timezone(datetime.timedelta(hours=8)))


def build() -> None:
    from accounts.models import Role, RoleAssignment, User
    from branches.models import Level, Member, OrgUnit
    from commitments.models import Category, Commitment, CommitmentLetter
    from core.models import Notification

    call_command("migrate", verbosity=0)
    Notification.objects.all().delete()
    if OrgUnit.objects.filter(code__startswith="BM").count() == BRANCHES + 1:
        return
    county = OrgUnit.objects.create(code="BM", name="基准县委", level=Level.COMMITTEE)
    units = OrgUnit.objects.bulk_create(
        OrgUnit(
            code=f"BM{i:04d}",
            name=f"基准党支部{i}",
            level=Level.BRANCH,
            parent=county,
            path=f"/BM/BM{i:04d}/",
        )
        for i in range(BRANCHES)
    )
    office = User.objects.create_user("bench-office", email="office@example.cn")
    RoleAssignment.objects.create(user=office, role=Role.OFFICE, org_unit=county)
    secretaries = User.objects.bulk_create(
        User(username=f"bench-sec-{i}", email=f"s{i}@example.cn") for i in range(BRANCHES)
    )
    RoleAssignment.objects.bulk_create(
        RoleAssignment(user=user, role=Role.SECRETARY, org_unit=unit)
        for user, unit in zip(secretaries, units, strict=True)
    )
    members = Member.objects.bulk_create(
        Member(unit=units[i % BRANCHES], name=f"基准党员{i}") for i in range(MEMBERS)
    )
    letters = CommitmentLetter.objects.bulk_create(
        [CommitmentLetter(unit=unit, period="2026H2") for unit in units]
        + [CommitmentLetter(unit=m.unit, member=m, period="2026H2") for m in members]
    )
    today = NOW.date()
    offsets = [-20, -9, -1, 0, 1, 2, 3, 10]  # overdue, due, before, and some not yet in a stage
    batch = []
    for i in range(DEADLINES):
        batch.append(
            Commitment(
                letter=letters[i % len(letters)],
                category=Category.SERVICE,
                content=f"基准承诺{i}",
                deadline=today + datetime.timedelta(days=offsets[i % len(offsets)]),
            )
        )
        if len(batch) == 10_000:
            Commitment.objects.bulk_create(batch)
            batch = []
    Commitment.objects.bulk_create(batch)


def measure(label: str) -> int:
    from core.reminders import scan

    queries = 0

    def count(execute, sql, params, many, context):
        # Counts statements without formatting their SQL (as the debug cursor would).
        nonlocal queries
        queries += 1
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        started = time.perf_counter()
        sent = scan(NOW)
        seconds = time.perf_counter() - started
    print(f"{label}: {seconds:.1f} s, {queries} queries, {len(sent)} messages sent")
    return len(sent)


def main() -> None:
    from core.reminders import open_deadlines

    build()
    print(f"{len(open_deadlines(timezone.localtime(NOW).date()))} open deadlines")
    measure("first scan")
    assert measure("second scan") == 0


if __name__ == "__main__":
    main()
