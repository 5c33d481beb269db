"""The demo's inspections (seed_inspections, run by seed_demo at the start of the session)."""

from __future__ import annotations

import datetime
import io

from django.apps import apps
from django.core.management import call_command
from django.utils import timezone

from branches.models import LeadingGroupMember
from core.models import Notification
from inspections.models import (
    Circular,
    CircularStatus,
    Finding,
    FindingCategory,
    Inspection,
    InspectionGroup,
    InspectionStatus,
    Rectification,
    RectificationStatus,
)


def _group():
    return InspectionGroup.objects.get(township__code="LS", name="柳山镇督查组")


def test_the_demo_has_a_group_and_the_townships_leading_group(personas, units):
    group = _group()
    assert group.leader == personas["inspector"]
    assert set(group.members.values_list("username", flat=True)) == {"inspector", "inspector2"}
    assert list(group.units.all()) == [units["LS"]]
    seats = LeadingGroupMember.objects.filter(unit=units["LS"])
    assert seats.filter(post="head", user=None, title="镇党委书记").count() == 1
    assert seats.get(post="deputy").user == personas["leader"]
    assert {"leader2", "office"} <= set(seats.filter(post="member").values_list("user__username", flat=True))


def test_the_demo_has_rectifications_in_every_state(units):
    today = timezone.localdate()
    rectifications = Rectification.objects.filter(group=_group())
    for status in RectificationStatus.values:
        assert rectifications.filter(status=status).exists(), status
    never_replied = rectifications.filter(status=RectificationStatus.OPEN, replies=None)
    assert never_replied.filter(deadline__lt=today).exists()  # overdue
    assert never_replied.filter(deadline__gte=today).exists()  # not yet due
    returned = rectifications.get(status=RectificationStatus.RETURNED)
    assert returned.checks.get().comment and returned.deadline >= today
    assert returned.replies.get().replied_by.username == "secretary"
    assert rectifications.get(status=RectificationStatus.PASSED).checked_by.username == "inspector"


def test_the_demo_has_three_months_of_inspections_and_every_kind_of_finding(db):
    today = timezone.localdate()
    inspections = Inspection.objects.filter(group=_group())
    final = inspections.filter(status=InspectionStatus.FINAL)
    months = {(d.year, d.month) for d in final.values_list("date", flat=True)}
    assert len(months) >= 2 and final.count() >= 20
    assert final.filter(date__gte=today - datetime.timedelta(days=100)).count() == final.count()
    assert inspections.filter(status=InspectionStatus.PLANNED, date__gt=today).exists()
    findings = Finding.objects.filter(inspection__group=_group())
    assert set(findings.values_list("category", flat=True)) == set(FindingCategory.values)
    assert findings.filter(promote=True).exists()
    assert Inspection.objects.filter(group=_group(), notices__isnull=False).distinct().count() >= 2


def test_the_demo_circular_is_issued_and_read_by_some(units):
    circular = Circular.objects.get(group=_group())
    assert circular.status == CircularStatus.ISSUED and circular.label
    receipts = {r.unit.code: r for r in circular.receipts.select_related("unit")}
    assert receipts["LS0201"].read_at is not None and receipts["LS0201"].read_by.username == "secretary2"
    assert receipts["LS0101"].read_at is None  # the secretary persona sees 已阅 to click
    assert circular.decided_by.username == "leader"


def _counts() -> dict[str, int]:
    models = [m for m in apps.get_models() if m._meta.app_label in ("inspections", "branches", "core")]
    return {m._meta.label: m._base_manager.count() for m in models} | {"n": Notification.objects.count()}


def test_running_it_again_changes_nothing(db):
    before = _counts()
    call_command("seed_inspections", stdout=io.StringIO())
    call_command("seed_inspections", stdout=io.StringIO())
    assert _counts() == before
