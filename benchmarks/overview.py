"""The dashboards at county scale (`seed_demo --scale county`: 20 townships × 25 branches,
15,000 members, 60,000 commitments, reports, rectifications, reviews and an evaluation per
township). Times the overview page of the county office (its 20 townships compared) and of a
township office (its 25 branches), the home page of each and of a secretary, and a branch's
scorecard, each through Django's test client (queries, the charts' data, the template),
median of ROUNDS.

Use a scratch database:
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/cxzy_bench .venv/bin/python benchmarks/overview.py
"""

from __future__ import annotations

import io
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
ROUNDS = int(os.environ.get("ROUNDS", "15"))
# A host the development settings serve, so that the test client needs no test environment
# (whose instrumented template rendering would add its own cost to every page).
HOST = "127.0.0.1"


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
    from django.core.management import call_command
    from django.test import Client

    from accounts.models import OrgUnit, User

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    call_command("seed_demo", force=True, scale="county", stdout=io.StringIO())
    print(f"seed_demo --scale county: {time.perf_counter() - started:.1f} s")
    county, town = OrgUnit.objects.get(code="XC"), OrgUnit.objects.get(code="XC01")
    branch = OrgUnit.objects.get(code="XC0101")
    pages = [
        ("county-office", f"/overview/?unit={county.pk}", "overview, county (20 townships)"),
        ("county-office", "/", "home, county office"),
        ("town01-office", f"/overview/?unit={town.pk}", "overview, township (25 branches)"),
        ("town01-office", "/", "home, township office"),
        ("town01-office", f"/units/{branch.pk}/scorecard/", "scorecard of a branch"),
        ("secretary-xc0101", "/", "home, a secretary"),
    ]
    for username, url, label in pages:
        client = Client(HTTP_HOST=HOST)
        client.force_login(User.objects.get(username=username))
        median, queries, size = measure(client, url)
        print(f"{label:36s} median {median * 1000:6.0f} ms  {queries:3d} queries  {size / 1024:5.0f} KB")


if __name__ == "__main__":
    main()
