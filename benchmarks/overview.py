"""The dashboards at county scale: 20 townships × 25 branches (500), 15,000 members, 30,000
commitments of the half-year, a report on three of four reporting days, 5,000 rectifications,
an evaluation and a review round per township. Times the overview page of the county office (its 20 townships compared)
and of a township office (its 25 branches), the home page of each, and a branch's scorecard,
each through Django's test client (queries, the charts' data, the template), median of ROUNDS.

Use a scratch database:
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/cxzy_bench .venv/bin/python benchmarks/overview.py
"""

from __future__ import annotations

import datetime
import io
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
TOWNSHIPS = int(os.environ.get("TOWNSHIPS", "20"))
BRANCHES = int(os.environ.get("BRANCHES", "25"))  # per township
MEMBERS = 30  # per branch
COMMITMENTS = 60  # per branch and half-year, the branch's and its members'
ROUNDS = int(os.environ.get("ROUNDS", "15"))


def setup(today: datetime.date) -> None:
    from django.contrib.contenttypes.models import ContentType
    from django.core.management import call_command
    from django.utils import timezone

    from accounts.models import Level, OrgUnit, Role, RoleAssignment, User
    from branches.models import Member
    from commitments.models import Commitment, CommitmentLetter
    from core.periods import Period
    from inspections.models import Finding, Rectification
    from reports.models import Report
    from reports.slots import slots_between
    from reviews.models import Campaign, EvaluationSubject, ReviewRound

    call_command("migrate", verbosity=0)
    call_command("seed_demo", force=True, stdout=io.StringIO())
    if OrgUnit.objects.filter(code="XC").exists():
        return
    county = OrgUnit.objects.create(code="XC", name="中共基准县委员会", level=Level.COMMITTEE)
    townships = OrgUnit.objects.bulk_create(
        [
            OrgUnit(
                code=f"XC{t:02d}",
                name=f"中共基准第{t}镇委员会",
                level=Level.COMMITTEE,
                parent=county,
                path=f"{county.path}XC{t:02d}/",
            )
            for t in range(TOWNSHIPS)
        ]
    )
    branches = OrgUnit.objects.bulk_create(
        [
            OrgUnit(
                code=f"{town.code}{b:02d}",
                name=f"基准第{t}镇第{b}党支部",
                level=Level.BRANCH,
                parent=town,
                path=f"{town.path}{town.code}{b:02d}/",
            )
            for t, town in enumerate(townships)
            for b in range(BRANCHES)
        ]
    )
    Member.objects.bulk_create(
        [Member(unit=unit, name=f"党员{n}") for unit in branches for n in range(MEMBERS)], batch_size=5000
    )
    period = Period.containing(today)
    letters = CommitmentLetter.objects.bulk_create(
        [CommitmentLetter(unit=unit, period=period.code) for unit in branches]
    )
    deadlines = [period.start + datetime.timedelta(days=d) for d in range(0, 180, 3)]
    Commitment.objects.bulk_create(
        [
            Commitment(
                letter=letter,
                category="service",
                content=f"承诺事项{n}",
                deadline=deadlines[n % len(deadlines)],
                percent=(n * 37) % 101,
            )
            for letter in letters
            for n in range(COMMITMENTS)
        ],
        batch_size=5000,
    )
    slots = [slot for slot in slots_between(period.start, today) if slot < today]
    Report.objects.bulk_create(
        [
            Report(
                unit=unit,
                title="信息",
                authors="张三",
                category="news",
                body="正文",
                status="adopted" if n % 3 == 0 else "submitted",
                submitted_at=timezone.make_aware(datetime.datetime.combine(slot, datetime.time(9))),
                slot=slot,
            )
            for n, unit in enumerate(branches)
            for slot in slots
            if (n + slot.day) % 4
        ],
        batch_size=5000,
    )
    finding = ContentType.objects.get_for_model(Finding)
    Rectification.objects.bulk_create(
        [
            Rectification(
                unit=unit,
                source="inspections.finding",
                source_type=finding,
                source_id=1,
                problem="记录不全",
                demand="补齐",
                issued_on=period.start + datetime.timedelta(days=n),
                deadline=period.start + datetime.timedelta(days=n + 30),
                status="passed" if n % 2 else "open",
            )
            for unit in branches
            for n in range(10)
        ],
        batch_size=5000,
    )
    for town in townships:
        campaign = Campaign.objects.create(
            unit=town,
            period=period.code,
            title="群众评议",
            opens_on=period.start,
            closes_on=period.start,
            status="closed",
        )
        EvaluationSubject.objects.bulk_create(
            [
                EvaluationSubject(
                    campaign=campaign, unit=unit, valid=50, satisfied=30 + n % 15, basic=5, passed=n % 3 > 0
                )
                for n, unit in enumerate(branches)
                if unit.parent_id == town.pk
            ]
        )
        ReviewRound.objects.create(township=town, period=period.code, ends_on=period.end)
    county_office = User.objects.create_user("county-office", full_name="县办公室")
    RoleAssignment.objects.create(user=county_office, role=Role.OFFICE, org_unit=county)
    town_office = User.objects.create_user("town-office", full_name="镇办公室")
    RoleAssignment.objects.create(user=town_office, role=Role.OFFICE, org_unit=townships[0])


def measure(client, url: str) -> tuple[float, int, int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(url)  # warm: templates compiled, session loaded
    times = []
    for _round in range(ROUNDS):
        start = time.perf_counter()
        response = client.get(url)
        times.append(time.perf_counter() - start)
        assert response.status_code == 200, (url, response.status_code)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    return statistics.median(times), len(queries), len(response.content)


def main() -> None:
    import django

    django.setup()
    from django.test import Client
    from django.test.utils import setup_test_environment
    from django.utils import timezone

    from accounts.models import OrgUnit, User

    setup_test_environment()  # lets the test client serve on the settings' hosts
    today = timezone.localdate()
    started = time.perf_counter()
    setup(today)
    print(
        f"set-up {time.perf_counter() - started:.1f} s; {OrgUnit.objects.filter(path__startswith='/XC/', level='branch').count()} branches"
    )
    county, town = OrgUnit.objects.get(code="XC"), OrgUnit.objects.get(code="XC00")
    branch = OrgUnit.objects.get(code="XC0000")
    pages = [
        ("county-office", f"/overview/?unit={county.pk}", "overview, county (20 townships)"),
        ("county-office", "/", "home, county office"),
        ("town-office", f"/overview/?unit={town.pk}", "overview, township (25 branches)"),
        ("town-office", "/", "home, township office"),
        ("town-office", f"/units/{branch.pk}/scorecard/", "scorecard of a branch"),
    ]
    for username, url, label in pages:
        client = Client()
        client.force_login(User.objects.get(username=username))
        median, queries, size = measure(client, url)
        print(f"{label:36s} median {median * 1000:6.0f} ms  {queries:3d} queries  {size / 1024:5.0f} KB")


if __name__ == "__main__":
    main()
