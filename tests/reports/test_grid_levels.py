"""The reporting-day grid and the circular open at the user's level: a county office sees its
townships, each adding up its branches and opening the same grid for that township; a township
office sees its branches; a secretary its own branch. Queries stay the same whatever the size."""

from __future__ import annotations

import datetime
import io
import zoneinfo

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from docx import Document

from accounts.models import Level, OrgUnit, Role, RoleAssignment, User
from reports.models import Category, Report, ReportStatus
from reports.selectors import SlotState
from tests.conftest import add_units

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
MONTHS = {"start": "2025-09", "end": "2025-10"}  # 9/15, 9/30, 10/15, 10/30, all passed
SEPT_15, SEPT_30, OCT_15 = datetime.date(2025, 9, 15), datetime.date(2025, 9, 30), datetime.date(2025, 10, 15)


def _add_branches(township: OrgUnit, count: int, start: int = 0) -> list[OrgUnit]:
    name = township.name[2:-3]
    return add_units(
        township,
        {f"{township.code}{index:02d}": f"{name}第{index}党支部" for index in range(start, start + count)},
    )


def _report(unit: OrgUnit, slot: datetime.date, status=ReportStatus.SUBMITTED) -> Report:
    submitted = timezone.make_aware(datetime.datetime.combine(slot, datetime.time(9)), SHANGHAI)
    return Report.objects.create(
        unit=unit,
        title="信息",
        authors="张三",
        category=Category.NEWS,
        body="正文",
        status=status,
        submitted_at=submitted,
        slot=slot,
    )


def _user(username: str, role: str, unit: OrgUnit) -> Client:
    user = User.objects.create_user(username, full_name=username)
    RoleAssignment.objects.create(user=user, role=role, org_unit=unit)
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def county(db):
    """县 XC with two townships of three branches each, and a branch of the county's own organ."""
    county = OrgUnit.objects.create(code="XC", name="中共测试县委员会", level=Level.COMMITTEE)
    towns = [
        OrgUnit.objects.create(code=code, name=name, level=Level.COMMITTEE, parent=county)
        for code, name in [("XCA", "中共甲镇委员会"), ("XCB", "中共乙镇委员会")]
    ]
    organ = OrgUnit.objects.create(code="XCJG", name="县直机关党支部", level=Level.BRANCH, parent=county)
    branches = {town.code: _add_branches(town, 3) for town in towns}
    return {"county": county, "towns": towns, "branches": branches, "organ": organ}


def _grid(client: Client, **params):
    response = client.get(reverse("reports:grid"), {**MONTHS, **params})
    assert response.status_code == 200
    return response


def test_county_office_sees_its_townships_not_their_branches(county):
    client = _user("county-office", Role.OFFICE, county["county"])
    response = _grid(client)
    rows = response.context["rows"]
    assert [row.unit.code for row in rows] == ["XCA", "XCB", "XCJG"]  # tree order
    assert [row.drill for row in rows] == [True, True, False]
    assert [row.branches for row in rows[:2]] == [3, 3]
    page = response.content.decode()
    table = page.split("<table")[1]  # the unit select above it may list branches
    assert "中共甲镇委员会" in table and "甲镇第0党支部" not in table
    town = county["towns"][0]
    assert f"unit={town.pk}" in page  # the township's row opens its own grid


def test_a_townships_row_adds_up_its_branches(county):
    first, second, third = county["branches"]["XCA"]
    _report(first, SEPT_15, status=ReportStatus.ADOPTED)  # on time
    _report(second, OCT_15)  # nothing by 9/30, so late for it, and on time for 10/15
    client = _grid(_user("county-office", Role.OFFICE, county["county"]))
    town = client.context["rows"][0]
    cells = dict(town.cells)
    assert (cells[SEPT_15].on_time, cells[SEPT_15].late, cells[SEPT_15].missing) == (1, 0, 2)
    assert (cells[SEPT_30].on_time, cells[SEPT_30].late, cells[SEPT_30].missing) == (0, 1, 2)
    assert cells[SEPT_15].state == SlotState.MISSING
    assert (town.submitted, town.adopted) == (2, 1)
    assert (town.on_time, town.late, town.missing) == (2, 1, 9)
    assert town.due == 12  # three branches, four passed reporting days


def test_the_townships_grid_shows_its_branches_and_leads_back_up(county):
    client = _user("county-office", Role.OFFICE, county["county"])
    town = county["towns"][0]
    response = _grid(client, unit=town.pk)
    rows = response.context["rows"]
    assert [row.unit.code for row in rows] == ["XCA00", "XCA01", "XCA02"]
    assert not any(row.drill for row in rows)
    assert response.context["up"] == county["county"]
    assert "中共乙镇委员会" not in response.content.decode().split("<table")[1]


def test_township_office_sees_its_branches_and_never_another_township(county):
    client = _user("town-office", Role.OFFICE, county["towns"][0])
    response = _grid(client)
    assert [row.unit.code for row in response.context["rows"]] == ["XCA00", "XCA01", "XCA02"]
    assert response.context["up"] is None
    other = county["towns"][1]
    for url in ["reports:grid", "reports:circular"]:
        response = client.get(reverse(url), {**MONTHS, "unit": other.pk})
        codes = [row.unit.code for row in response.context["rows"]]
        assert codes == ["XCA00", "XCA01", "XCA02"]  # the unit outside its scope is ignored
        assert "乙镇" not in response.content.decode().split("<table")[1]


def test_secretary_sees_only_its_branch(county):
    branch = county["branches"]["XCB"][1]
    client = _user("secretary-xcb", Role.SECRETARY, branch)
    for url in ["reports:grid", "reports:circular"]:
        response = client.get(reverse(url), MONTHS)
        assert [row.unit.code for row in response.context["rows"]] == ["XCB01"]
        page = response.content.decode()
        assert "乙镇第0党支部" not in page and "甲镇" not in page


def test_circular_page_adds_up_townships_and_its_word_file_lists_every_branch(county):
    client = _user("county-office", Role.OFFICE, county["county"])
    page = client.get(reverse("reports:circular"), MONTHS)
    assert [row.unit.code for row in page.context["rows"]] == ["XCA", "XCB", "XCJG"]
    word = client.get(reverse("reports:circular"), {**MONTHS, "format": "docx"})
    document = Document(io.BytesIO(word.content))
    assert len(document.tables[0].rows) == 1 + 7  # the heading and every branch


@pytest.mark.parametrize("top", ["county", "town"])
def test_grid_and_circular_queries_do_not_grow_with_branches(county, top):
    unit = county["county"] if top == "county" else county["towns"][0]
    client = _user(f"{top}-office", Role.OFFICE, unit)
    counts = {}
    # 6 branches, then 30 (few enough that the unit select still lists them all).
    for size in (6, 30):
        if size == 30:
            for town in county["towns"]:
                _add_branches(town, 12, start=3)
        for url in ["reports:grid", "reports:circular"]:
            with CaptureQueriesContext(connection) as queries:
                response = client.get(reverse(url), MONTHS)
            assert response.status_code == 200
            counts[url, size] = len(queries)
    assert counts["reports:grid", 6] == counts["reports:grid", 30]
    assert counts["reports:circular", 6] == counts["reports:circular", 30]
    assert len(response.context["rows"]) == (3 if top == "county" else 15)
