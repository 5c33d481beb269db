"""The liaison page at county scale: each leader and its points listed once, a page at a time,
in the same number of queries whatever the number of leaders, within the office's scope."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Level, OrgUnit, Role, RoleAssignment, User
from branches.models import LiaisonPoint
from branches.views import LEADERS_PER_PAGE

STARTED = datetime.date(2026, 3, 1)


@pytest.fixture
def county(db):
    """县 XC with two townships of three branches each."""
    county = OrgUnit.objects.create(code="XC", name="中共测试县委员会", level=Level.COMMITTEE)
    towns = {}
    for code, name in [("XCA", "中共甲镇委员会"), ("XCB", "中共乙镇委员会")]:
        town = OrgUnit.objects.create(code=code, name=name, level=Level.COMMITTEE, parent=county)
        branches = [
            OrgUnit.objects.create(
                code=f"{code}{n}", name=f"{name[2:4]}第{n}党支部", level=Level.BRANCH, parent=town
            )
            for n in range(3)
        ]
        towns[code] = (town, branches)
    return county, towns


def _client(username: str, role: str, unit: OrgUnit) -> Client:
    user = User.objects.create_user(username, full_name=username)
    RoleAssignment.objects.create(user=user, role=role, org_unit=unit)
    client = Client()
    client.force_login(user)
    return client


def _leaders(town: OrgUnit, branches: list[OrgUnit], start: int, count: int) -> list[User]:
    """Leaders of `town`, holding 0, 1 or 2 liaison points in turn."""
    users = User.objects.bulk_create(
        User(username=f"lead-{town.code}-{n:03d}", full_name=f"{town.name[2:4]}领导{n:03d}")
        for n in range(start, start + count)
    )
    RoleAssignment.objects.bulk_create(RoleAssignment(user=u, role=Role.LEADER, org_unit=town) for u in users)
    LiaisonPoint.objects.bulk_create(
        LiaisonPoint(leader=u, branch=branches[(n + k) % len(branches)], started_on=STARTED)
        for n, u in enumerate(users, start=start)
        for k in range(n % 3)
    )
    return users


def test_liaison_page_queries_do_not_grow_with_leaders(county):
    county_unit, towns = county
    client = _client("county-office", Role.OFFICE, county_unit)
    counts = []
    for start, count in [(0, 3), (3, 27)]:  # 3 leaders per township, then 30
        for town, branches in towns.values():
            _leaders(town, branches, start, count)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse("branches:liaison_list"))
        assert response.status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]
    assert len(response.context["page"].object_list) == LEADERS_PER_PAGE  # 60 leaders, a page of them


def test_liaison_page_pages_its_leaders_those_to_fix_first(county):
    county_unit, towns = county
    for town, branches in towns.values():
        _leaders(town, branches, 0, 30)
    client = _client("county-office", Role.OFFICE, county_unit)
    first = client.get(reverse("branches:liaison_list")).context["page"]
    second = client.get(reverse("branches:liaison_list"), {"page": 2}).context["page"]
    shown = [*first.object_list, *second.object_list]
    assert len(shown) == 60 and len({leader.pk for leader in shown}) == 60
    without = [leader.active_points == 0 for leader in shown]
    assert without == sorted(without, reverse=True)  # the leaders with no point come first
    assert all(len(leader.current_points) == leader.active_points for leader in shown)


def test_each_point_is_listed_once_with_its_end_button(county):
    county_unit, towns = county
    town, branches = towns["XCA"]
    (leader,) = _leaders(town, branches, 1, 1)  # one point
    point = LiaisonPoint.objects.get(leader=leader)
    page = _client("town-office", Role.OFFICE, town).get(reverse("branches:liaison_list")).content.decode()
    assert page.count(reverse("branches:liaison_end", args=[point.pk])) == 1


def test_township_office_sees_only_its_own_leaders(county):
    county_unit, towns = county
    for town, branches in towns.values():
        _leaders(town, branches, 0, 3)
    town, _branches = towns["XCA"]
    response = _client("town-office", Role.OFFICE, town).get(reverse("branches:liaison_list"))
    assert {leader.username for leader in response.context["page"]} == {
        "lead-XCA-000",
        "lead-XCA-001",
        "lead-XCA-002",
    }
    page = response.content.decode()
    assert "乙镇领导" not in page and "乙镇第" not in page


def test_a_leader_from_above_keeps_its_point_on_the_township_page(county):
    """A county leader's point in a township is the township office's to end, listed apart."""
    county_unit, towns = county
    town, branches = towns["XCA"]
    leader = User.objects.create_user("county-leader", full_name="县领导")
    RoleAssignment.objects.create(user=leader, role=Role.LEADER, org_unit=county_unit)
    point = LiaisonPoint.objects.create(leader=leader, branch=branches[0], started_on=STARTED)
    _leaders(town, branches, 0, 1)  # the page opens for an office with leaders of its own
    response = _client("town-office", Role.OFFICE, town).get(reverse("branches:liaison_list"))
    assert list(response.context["points"]) == [point]
    assert reverse("branches:liaison_end", args=[point.pk]) in response.content.decode()
