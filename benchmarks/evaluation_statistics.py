"""A county's half-year of 群众评议: 500 branches and 15,000 members evaluated, each with paper
tallies and online votes (300,000), written as 附件六 群众评议情况统计表; and the review round's
coverage page over the same 500 branches.

The export, and the floor (the same rows from the same query, written by plain openpyxl
write-only mode without styles into the same sheets: one per branch, and the summary's, which
it fills last with a row per branch; the same rows in one sheet are measured for information),
run in fresh processes (`_measure`), so that
time and peak memory are their own. Use a scratch database:
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/cxzy_bench .venv/bin/python benchmarks/evaluation_statistics.py
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
from benchmarks._measure import (  # noqa: E402
    MULTI_SHEET,
    compare,
    one_sheet_floor,
    same_sheets_floor,
    summary,
    timed,
)

BRANCHES = int(os.environ.get("BRANCHES", "500"))
MEMBERS = int(os.environ.get("MEMBERS", "30"))  # per branch
VOTES = int(os.environ.get("VOTES", "20"))  # online votes per member
PERIOD = "2025H2"
TITLE = "基准测试：2025年下半年群众评议"


def setup() -> None:
    from django.core.management import call_command

    from accounts.models import Level, OrgUnit
    from branches.models import Member
    from reviews.models import Campaign, CampaignBranch, EvaluationSubject, Vote

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
    branches = list(OrgUnit.objects.filter(code__startswith="BM").order_by("code"))
    if not Member.objects.filter(unit__code__startswith="BM").exists():
        Member.objects.bulk_create(
            [Member(unit=unit, name=f"基准党员{n}") for unit in branches for n in range(MEMBERS)],
            batch_size=5000,
        )
    if Campaign.objects.filter(title=TITLE).exists():
        return
    day = datetime.date(2025, 12, 10)
    campaign = Campaign.objects.create(unit=township, period=PERIOD, title=TITLE, opens_on=day, closes_on=day)
    CampaignBranch.objects.bulk_create([CampaignBranch(campaign=campaign, unit=unit) for unit in branches])
    paper = {
        "handed_out": 50,
        "returned": 48,
        "paper_valid": 45,
        "paper_satisfied": 35,
        "paper_basic": 6,
        "paper_unsatisfied": 4,
    }
    subjects = [EvaluationSubject(campaign=campaign, unit=unit, **paper) for unit in branches]
    subjects += [
        EvaluationSubject(campaign=campaign, unit_id=unit_id, member_id=pk, **paper)
        for pk, unit_id in Member.objects.filter(unit__in=branches).values_list("pk", "unit_id")
    ]
    subjects = EvaluationSubject.objects.bulk_create(subjects, batch_size=5000)
    choices = ["satisfied", "satisfied", "basic", "unsatisfied"]
    Vote.objects.bulk_create(
        (
            Vote(subject=subject, choice=choices[n % 4], cast_on=day)
            for subject in subjects
            if subject.member_id
            for n in range(VOTES)
        ),
        batch_size=10000,
    )


def measure(mode: str) -> None:
    import django

    django.setup()

    from accounts.models import OrgUnit, User
    from core.periods import Period
    from reviews.exports import _rows, statistics_queryset, write_statistics

    office, unit, period = (
        User.objects.get(username="office"),
        OrgUnit.objects.get(code="LS"),
        Period.parse(PERIOD),
    )

    def one_sheet() -> int:
        return one_sheet_floor(row.values() for row in _rows(statistics_queryset(office, unit, period)))

    def same_sheets() -> int:  # the rows come in the order of the branches
        rows = _rows(statistics_queryset(office, unit, period))
        return same_sheets_floor((row["unit_id"], row["unit__name"], *row.values()) for row in rows)

    writers = {
        "ours": lambda: len(write_statistics(office, unit, period)),
        "floor": same_sheets,
        "one-sheet": one_sheet,
    }
    timed(writers[mode])


def coverage_seconds() -> tuple[float, int]:
    """The 2026H2 review round's coverage page (seeded by the demo) for the township office."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from accounts.models import User
    from reviews.models import ReviewRound

    client = Client()
    client.force_login(User.objects.get(username="office"))
    url = reverse("reviews:round", args=[ReviewRound.objects.get(township__code="LS", period="2026H2").pk])
    connection.queries_log.clear()  # the set-up's queries overflowed the log
    started = time.perf_counter()
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url, HTTP_HOST="127.0.0.1").status_code == 200
    return round(time.perf_counter() - started, 3), len(queries)


def main() -> None:
    if len(sys.argv) > 1:
        measure(sys.argv[1])
        return
    import django

    django.setup()
    setup()
    subjects = BRANCHES * (MEMBERS + 1)
    label = (
        f"附件六 of {subjects} subjects ({BRANCHES * MEMBERS * VOTES} online votes) in {BRANCHES + 1} sheets"
    )
    print(summary(label, compare(__file__, modes=MULTI_SHEET)), flush=True)
    seconds, queries = coverage_seconds()
    print(f"review coverage page of {BRANCHES + 12} branches: {seconds} s in {queries} queries")


if __name__ == "__main__":
    main()
