"""The monthly round: branches × months, who was inspected, who is planned, who is still owed."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import Level, OrgUnit
from branches.services import unit_save
from inspections.models import Inspection, InspectionGroup, InspectionStatus
from inspections.selectors import coverage_grid
from inspections.services import group_save, inspection_save


@pytest.fixture
def fresh(units):
    """Two branches of 柳山村党总支 nobody has inspected yet."""
    return {
        code: unit_save(unit=OrgUnit(code=code, name=name, level=Level.BRANCH, parent=units["LS01"]))
        for code, name in [("A1B1", "甲测试支部"), ("A1B2", "乙测试支部")]
    }


@pytest.fixture
def group(units, personas):
    group = InspectionGroup(township=units["LS"], name="A1覆盖组", leader=personas["inspector"])
    return group_save(group=group, members=[], units=[units["LS01"], units["LS02"]])


def _inspect(group, unit, day, status=InspectionStatus.DRAFT):
    inspection = Inspection(group=group, unit=unit, date=day, status=status, summary="")
    return inspection_save(actor=group.leader, inspection=inspection)


def test_grid_marks_branches_not_inspected_this_month_and_shows_planned_ones(client_for, group, fresh):
    today = timezone.localdate()
    done = _inspect(group, fresh["A1B1"], today)
    planned_day = today + datetime.timedelta(days=1) if today.day < 28 else today
    planned = _inspect(group, fresh["A1B2"], planned_day, InspectionStatus.PLANNED)
    response = client_for("office").get(reverse("inspections:coverage"))
    assert response.status_code == 200
    grid = response.context["grid"]
    rows = {row.unit.code: row for row in grid.rows}
    assert not rows["A1B1"].missing and rows["A1B2"].missing
    assert rows["A1B1"].cells[today.month - 1].done == [done]
    assert rows["A1B2"].cells[planned_day.month - 1].planned == [planned]
    assert grid.missing_count == sum(1 for row in grid.rows if row.missing) >= 1
    page = response.content.decode()
    assert reverse("inspections:detail", args=[done.pk]) in page
    assert "计划" in page and "A1覆盖组" in page and "本月尚未督查" in page
    assert f"尚未督查的党支部：{grid.missing_count} 个" in page
    assert page.count("coverage-missing") == grid.missing_count


def test_grid_of_another_year(client_for, group, units):
    last_year = timezone.localdate().year - 1
    old = _inspect(group, units["LS0101"], datetime.date(last_year, 3, 5))
    response = client_for("inspector").get(reverse("inspections:coverage"), {"year": last_year})
    rows = {row.unit.code: row for row in response.context["grid"].rows}
    assert old in rows["LS0101"].cells[2].done
    assert client_for("inspector").get(reverse("inspections:coverage"), {"year": "x"}).status_code == 200


def test_grid_is_for_the_township_staff_only(client_for):
    assert client_for("leader").get(reverse("inspections:coverage")).status_code == 200
    assert client_for("secretary").get(reverse("inspections:coverage")).status_code == 403
    assert client_for("member").get(reverse("inspections:coverage")).status_code == 403


def test_grid_queries_do_not_grow_with_branches(client_for, group, units, django_assert_max_num_queries):
    client = client_for("office")
    _inspect(group, units["LS0101"], timezone.localdate())
    with CaptureQueriesContext(connection) as small:
        client.get(reverse("inspections:coverage"))
    OrgUnit.objects.bulk_create(
        OrgUnit(
            code=f"A1X{index:03d}",
            name=f"测试支部{index}",
            level=Level.BRANCH,
            parent=units["LS"],
            path=f"{units['LS'].path}A1X{index:03d}/",
        )
        for index in range(200)
    )
    for unit in OrgUnit.objects.filter(code__startswith="A1X")[:30]:
        _inspect(group, unit, timezone.localdate())
        _inspect(group, unit, timezone.localdate() + datetime.timedelta(days=1), InspectionStatus.PLANNED)
    with django_assert_max_num_queries(len(small)):
        response = client.get(reverse("inspections:coverage"))
    assert len(response.context["grid"].rows) >= 200


def test_a_planned_inspection_does_not_count_as_inspected(group, fresh, personas):
    today = timezone.localdate()
    _inspect(group, fresh["A1B1"], today, InspectionStatus.PLANNED)
    grid = coverage_grid(personas["office"], today.year, today=today)
    rows = {row.unit.code: row for row in grid.rows}
    assert rows["A1B1"].missing and rows["A1B1"].cells[today.month - 1].planned
