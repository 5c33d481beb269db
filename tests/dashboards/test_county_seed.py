"""`seed_demo --scale county` builds the benchmark county once, at the sizes the README gives,
with accounts that log in and see their own part of it."""

from __future__ import annotations

import io

from django.core.management import call_command
from django.test import Client

from accounts.models import OrgUnit, User
from branches.management.commands.seed_demo import DEMO_PASSWORD
from branches.models import Member
from commitments.models import Commitment
from reports.models import Report


def test_the_county_is_built_once_with_its_accounts(db):
    call_command("seed_county", stdout=io.StringIO())
    county = OrgUnit.objects.get(code="XC")
    under = OrgUnit.objects.filter(path__startswith=county.path)
    assert under.filter(level="committee").count() == 21
    assert under.filter(level="branch").count() == 500
    assert Member.objects.filter(unit__path__startswith=county.path).count() == 15_000
    assert Commitment.objects.filter(letter__unit__path__startswith=county.path).count() == 60_000
    assert Report.objects.filter(unit__path__startswith=county.path).count() == 10_800

    out = io.StringIO()
    call_command("seed_county", stdout=out)
    assert "already there" in out.getvalue()
    assert Commitment.objects.filter(letter__unit__path__startswith=county.path).count() == 60_000

    secretary = User.objects.get(username="secretary-xc0107")
    assert secretary.check_password(DEMO_PASSWORD)
    assert list(OrgUnit.objects.visible_to(secretary).values_list("code", flat=True)) == ["XC0107"]
    office = User.objects.get(username="town02-office")
    assert OrgUnit.objects.visible_to(office).filter(level="branch").count() == 25
    client = Client()
    client.post("/accounts/login/", {"username": "county-office", "password": DEMO_PASSWORD})
    page = client.get("/units/").content.decode()
    # The county office sees its townships, and drills down to the branches.
    assert "中共基准县第20镇委员会" in page and "基准县第1镇第1党支部" not in page
