"""Inspection data built through the services, as the pages build it."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from inspections.models import Finding, FindingCategory, Inspection, InspectionGroup, InspectionStatus
from inspections.services import finding_save, group_save, inspection_finalise, inspection_save


@pytest.fixture
def today() -> datetime.date:
    return timezone.localdate()


@pytest.fixture
def inspectors(personas, units):
    """Two inspectors of the township in no group of the demo: `insp_a` leads the tests' groups."""
    from accounts.models import Role, RoleAssignment, User

    for username, name in [("insp_a", "甲督查员"), ("insp_b", "乙督查员")]:
        user, _created = User.objects.get_or_create(username=username, defaults={"full_name": name})
        RoleAssignment.objects.get_or_create(user=user, role=Role.INSPECTOR, org_unit=units["LS"])
        personas[username] = user


@pytest.fixture
def make_group(units, personas, inspectors):
    def make(name="测试督查组", *, covers=("LS0101",), leader="insp_a", members=()):
        group = InspectionGroup(township=units["LS"], name=name, leader=personas[leader])
        return group_save(
            group=group, members=[personas[m] for m in members], units=[units[code] for code in covers]
        )

    return make


@pytest.fixture
def make_inspection(make_group, personas, units, today):
    """An inspection of `unit` with one finding per (category, needs rectification) given."""

    made: list[InspectionGroup] = []

    def make(
        unit="LS0101", *, group=None, final=True, findings=((FindingCategory.PROBLEM, True),), actor=None
    ):
        if group is None:
            made[:] = made or [make_group(covers=("LS01",))]
            group = made[0]
        actor = actor or personas["insp_a"]
        inspection = inspection_save(
            actor=actor,
            inspection=Inspection(
                group=group,
                unit=units[unit],
                date=today - datetime.timedelta(days=1),
                methods=["report", "records"],
                summary="该支部“三会一课”记录基本完整。",
            ),
        )
        for number, (category, needs) in enumerate(findings, start=1):
            finding_save(
                actor=actor,
                finding=Finding(
                    inspection=inspection,
                    category=category,
                    text=f"发现的问题{number}：党员活动记录不全",
                    needs_rectification=needs,
                ),
            )
        if final:
            inspection = inspection_finalise(actor=actor, inspection=inspection)
        assert (inspection.status == InspectionStatus.FINAL) is final
        return inspection

    return make
