"""Every list page of the county office at county scale, and the Django admin changelist of
the same rows beside it: median time of interleaved rounds (portal, admin, portal, admin …),
the ratio, queries and size. Pages without an admin peer (the grid, the board, the
dashboards: overviews, homes, a scorecard, some as a township office or a secretary) are
timed alone.

The data is `seed_demo --scale county` (500 branches, 15,000 members, 60,000 commitments),
built on the first run. Each request goes through Django's test client in this process
(middleware, queries, template; no network), the portal's as `county-office`, the admin's as
the superuser `admin`. Use a scratch database:
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/cxzy_bench .venv/bin/python benchmarks/pages.py
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


def pages():
    """(label, portal URL, admin URL or None, portal user)."""
    from accounts.models import OrgUnit

    county, town, branch = (OrgUnit.objects.get(code=code) for code in ("XC", "XC01", "XC0101"))
    return [
        ("members", "/members/", "/admin/branches/member/", "county-office"),
        ("members, searched", "/members/?q=王", "/admin/branches/member/?q=王", "county-office"),
        ("members of a township", f"/members/?unit={town.pk}", None, "county-office"),
        ("organisation", "/units/", "/admin/accounts/orgunit/", "county-office"),
        ("liaison points", "/liaison/", "/admin/branches/liaisonpoint/", "county-office"),
        ("commitments", "/commitments/", "/admin/commitments/commitment/", "county-office"),
        ("reports", "/reports/", "/admin/reports/report/", "county-office"),
        ("rectifications", "/rectifications/", "/admin/inspections/rectification/", "county-office"),
        ("inspections", "/inspections/", "/admin/inspections/inspection/", "county-inspector"),
        ("reporting days, a year", "/reports/slots/", None, "county-office"),
        ("who owes what", "/reminders/board/", None, "county-office"),
        ("overview (20 townships)", f"/overview/?unit={county.pk}", None, "county-office"),
        ("home", "/", None, "county-office"),
        ("a township's overview", f"/overview/?unit={town.pk}", None, "town01-office"),
        ("a township office's home", "/", None, "town01-office"),
        ("a branch's scorecard", f"/units/{branch.pk}/scorecard/", None, "town01-office"),
        ("a secretary's home", "/", None, "secretary-xc0101"),
    ]


def main() -> None:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from accounts.models import User

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    call_command("seed_demo", force=True, scale="county", stdout=io.StringIO())
    print(f"seed_demo --scale county: {time.perf_counter() - started:.1f} s")

    clients: dict[str, Client] = {}

    def client(username: str) -> Client:
        if username not in clients:
            clients[username] = Client(HTTP_HOST=HOST)
            clients[username].force_login(User.objects.get(username=username))
        return clients[username]

    def timed(username: str, url: str) -> float:
        start = time.perf_counter()
        response = client(username).get(url)
        elapsed = time.perf_counter() - start
        assert response.status_code == 200, (url, response.status_code)
        return elapsed

    print(f"{'page':26s} {'portal':>8s} {'admin':>8s} {'ratio':>6s} {'queries':>8s} {'KB':>6s}")
    for label, url, admin_url, username in pages():
        timed(username, url)  # warm: templates compiled, sessions loaded
        if admin_url:
            timed("admin", admin_url)
        portal, admin = [], []
        for _round in range(ROUNDS):
            portal.append(timed(username, url))
            if admin_url:
                admin.append(timed("admin", admin_url))
        with CaptureQueriesContext(connection) as queries:
            size = len(client(username).get(url).content)
        mine = statistics.median(portal) * 1000
        theirs = f"{statistics.median(admin) * 1000:6.0f}ms" if admin else f"{'—':>8s}"
        ratio = f"{mine / (statistics.median(admin) * 1000):6.2f}" if admin else f"{'—':>6s}"
        print(f"{label:26s} {mine:6.0f}ms {theirs} {ratio} {len(queries):8d} {size / 1024:6.0f}")


if __name__ == "__main__":
    main()
