"""The reminder scan over 100,000 open deadlines, 500 branches and 15,000 members, with
200 period locks, 500 reminder policies and 500 group bots.

Reports seconds and queries of a first scan, of an immediate second one (which must send
nothing) and of the office's "who owes what" board. Group-bot posts are counted, not sent:
this measures the scan, not the network. Use a scratch database of its own:
    createdb -h 127.0.0.1 -U postgres cxzy_bench_reminders
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/cxzy_bench_reminders .venv/bin/python benchmarks/reminder_scan.py
"""

from __future__ import annotations

import datetime
import os
import sys
import time
from pathlib import Path
from unittest import mock

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("EMAIL_BACKEND", "django.core.mail.backends.locmem.EmailBackend")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402

BRANCHES, MEMBERS, DEADLINES = 500, 15_000, 100_000
LOCKS, POLICIES, WEBHOOKS = 200, 500, 500
NOW = datetime.datetime(2026, 11, 27, 9, 0, tzinfo=datetime.timezone(datetime.timedelta(hours=8)))


def build() -> None:
    from accounts.models import Level, OrgUnit, Role, RoleAssignment, User
    from branches.models import Member
    from commitments.models import Category, Commitment, CommitmentLetter
    from core.models import Notification

    call_command("migrate", verbosity=0)
    Notification.objects.all().delete()
    with connection.cursor() as cursor:  # every run's first scan starts from the same table
        cursor.execute("VACUUM ANALYZE core_notification")
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


def configure() -> None:
    """Every branch with its own reminder policy and group bot; 200 closed periods.

    Of the locks, 180 close past periods (they exclude nothing due now, yet each one is a
    condition of the scan) and 20 close this half-year for 20 branches.
    """
    from accounts.models import OrgUnit
    from commitments.models import PeriodLock
    from core.models import ReminderPolicy, Webhook

    units = list(OrgUnit.objects.filter(code__startswith="BM", level="branch").order_by("code"))
    ReminderPolicy.objects.bulk_create(
        [ReminderPolicy(unit=unit, days_before=3 + i % 4) for i, unit in enumerate(units[:POLICIES])],
        ignore_conflicts=True,
    )
    Webhook.objects.bulk_create(
        [
            Webhook(unit=unit, platform="wecom", url=f"http://127.0.0.1:9/bench/{unit.code}")
            for unit in units[:WEBHOOKS]
        ],
        ignore_conflicts=True,
    )
    past = ["2024H1", "2024H2", "2025H1", "2025H2"]
    locks = [PeriodLock(unit=units[i % BRANCHES], period=past[i % len(past)]) for i in range(LOCKS - 20)]
    locks += [PeriodLock(unit=units[i * 7], period="2026H2") for i in range(20)]
    PeriodLock.objects.bulk_create(locks, ignore_conflicts=True)


POSTS: list[str] = []


def _post_webhook(url: str, payload: dict) -> None:
    POSTS.append(url)


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


def measure_board(runs: int = 5) -> None:
    """The office's board, rendered for the county office as a request would: its first page,
    and one branch's own page (the drill-down). Median of `runs` renderings."""
    from django.test import RequestFactory

    from accounts.models import OrgUnit, User
    from core.reminder_views import board

    office = User.objects.get(username="bench-office")
    branch = OrgUnit.objects.get(code="BM0001")
    for label, query in (("board", ""), ("board, one branch", f"?unit={branch.pk}")):
        timings, queries, size = [], 0, 0
        for _run in range(runs):
            request = RequestFactory().get(f"/reminders/board/{query}")
            request.user = office
            request.session = {}
            queries = 0

            def count(execute, sql, params, many, context):
                nonlocal queries
                queries += 1
                return execute(sql, params, many, context)

            with (
                connection.execute_wrapper(count),
                mock.patch.object(timezone, "localdate", lambda: NOW.date()),
            ):
                started = time.perf_counter()
                response = board(request)
                timings.append(time.perf_counter() - started)
            assert response.status_code == 200
            size = len(response.content)
        median = sorted(timings)[len(timings) // 2] * 1000
        print(f"{label}: {median:.0f} ms (median of {runs}), {queries} queries, {size / 1024:.0f} KB")


def main() -> None:
    from core.reminders import open_deadlines

    build()
    configure()
    with connection.cursor() as cursor:
        # Planner statistics for the tables just bulk-loaded, as autovacuum would have them
        # in production: without them the lock check runs as a nested loop (2 s, not 70 ms).
        cursor.execute("ANALYZE")
    print(f"{len(open_deadlines(timezone.localtime(NOW).date()))} open deadlines")
    with mock.patch("core.reminders.post_webhook", _post_webhook):
        measure("first scan")
        assert measure("second scan") == 0
    print(f"{len(POSTS)} group-bot posts")
    measure_board()


if __name__ == "__main__":
    main()
