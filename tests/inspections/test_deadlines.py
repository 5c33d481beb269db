"""Rectification deadlines and unread circulars reach the reminder engine (inspections/deadlines.py)."""

from __future__ import annotations

import datetime
import zoneinfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import OrgUnit
from branches.models import Member
from core.models import Channel, Notification
from core.reminders import scan
from inspections.deadlines import rectification_deadlines, unread_circular_deadlines
from inspections.models import (
    Circular,
    Finding,
    FindingCategory,
    Inspection,
    InspectionGroup,
    InspectionStatus,
)
from inspections.services import (
    circular_acknowledge,
    circular_decide,
    circular_issue,
    circular_save,
    circular_submit,
    open_rectification,
    rectification_recheck,
    rectification_reply,
)

SH = zoneinfo.ZoneInfo("Asia/Shanghai")
DUE = datetime.date(2026, 12, 10)


def _at(day: datetime.date, hour: int = 9) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour), tzinfo=SH)


@pytest.fixture
def group(units, personas):
    return InspectionGroup.objects.create(township=units["LS"], name="C测试组", leader=personas["inspector"])


@pytest.fixture
def finding(group, units):
    inspection = Inspection.objects.create(
        group=group,
        unit=units["LS0101"],
        date=datetime.date(2026, 11, 18),
        summary="督查总结",
        status=InspectionStatus.FINAL,
    )
    return Finding.objects.create(
        inspection=inspection, category=FindingCategory.PROBLEM, text="台账不全", needs_rectification=True
    )


def _open(finding, personas, *, member=None, problem="C测试：三会一课记录缺失", deadline=DUE, issued_on=None):
    return open_rectification(
        unit=finding.inspection.unit,
        member=member,
        source=finding,
        problem=problem,
        demand="补齐记录",
        deadline=deadline,
        issued_by=personas["inspector"],
        group=finding.inspection.group,
        issued_on=issued_on or datetime.date(2026, 11, 20),
    )


def _inbox(key_prefix: str, stage: str | None = None) -> set[str]:
    """Usernames whose inbox got a message of this deadline (at this stage)."""
    rows = Notification.objects.filter(key__startswith=key_prefix, channel=Channel.INBOX)
    if stage:
        rows = rows.filter(stage=stage)
    return set(rows.values_list("recipient__username", flat=True))


def test_before_due_and_overdue_notices_of_a_rectification(finding, personas):
    rectification = _open(finding, personas)
    key = f"rectification:{rectification.pk}:{DUE:%Y-%m-%d}"
    scan(now=_at(DUE - datetime.timedelta(days=2)))
    assert _inbox(key, "before") == {"secretary"}
    message = Notification.objects.get(key=key, stage="before", recipient=personas["secretary"])
    assert "整改「C测试：三会一课记录缺失」整改时限" in message.title
    assert message.link == reverse("inspections:rectification", args=[rectification.pk])
    scan(now=_at(DUE))
    assert _inbox(key, "due") == {"secretary"}
    # Overdue: copies to the office and the branch's liaison leader (`leader` liaises LS0101).
    scan(now=_at(DUE + datetime.timedelta(days=1)))
    assert _inbox(key, "overdue") == {"secretary", "office", "leader"}
    assert "leader2" not in _inbox(key)


def test_a_second_scan_sends_nothing_twice(finding, personas):
    rectification = _open(finding, personas)
    key = f"rectification:{rectification.pk}:"
    now = _at(DUE + datetime.timedelta(days=1))
    scan(now=now)
    count = Notification.objects.filter(key__startswith=key).count()
    assert count >= 3
    scan(now=now)
    assert Notification.objects.filter(key__startswith=key).count() == count


def test_a_members_rectification_reaches_that_member(finding, personas):
    own = Member.objects.get(user=personas["member"])
    rectification = _open(finding, personas, member=own, problem="C测试：个人承诺未践诺")
    scan(now=_at(DUE))
    assert _inbox(f"rectification:{rectification.pk}:", "due") == {"secretary", "member"}


def test_a_replied_rectification_waits_for_the_recheck_not_for_the_branch(finding, personas):
    rectification = _open(finding, personas)
    rectification_reply(
        actor=personas["secretary"], rectification=rectification, measures="补记", result="已补齐"
    )
    scan(now=_at(DUE))
    scan(now=_at(DUE + datetime.timedelta(days=1)))
    assert not Notification.objects.filter(key__startswith=f"rectification:{rectification.pk}:").exists()


def test_a_new_deadline_after_a_send_back_is_a_new_deadline(finding, personas, units):
    rectification = _open(finding, personas, deadline=timezone.localdate() + datetime.timedelta(days=3))
    old_key = f"rectification:{rectification.pk}:{rectification.deadline:%Y-%m-%d}"
    rectification_reply(
        actor=personas["secretary"], rectification=rectification, measures="补记", result="已补齐"
    )
    new_deadline = timezone.localdate() + datetime.timedelta(days=10)
    rectification_recheck(
        actor=personas["inspector"],
        rectification=rectification,
        passed=False,
        comment="仍缺10月记录",
        new_deadline=new_deadline,
    )
    keys = {d.key for d in rectification_deadlines(timezone.localdate(), None, new_deadline)}
    assert f"rectification:{rectification.pk}:{new_deadline:%Y-%m-%d}" in keys
    assert old_key not in keys


def test_each_source_is_one_query(finding, personas, units):
    _open(finding, personas)
    branches = OrgUnit.objects.filter(code__in=["LS0101", "LS0201"])
    for source in (rectification_deadlines, unread_circular_deadlines):
        with CaptureQueriesContext(connection) as queries:
            list(source(DUE, branches, DUE + datetime.timedelta(days=31)))
        assert len(queries) == 1, source.__name__


@pytest.fixture
def issued_circular(group, units, personas):
    circular = circular_save(
        actor=personas["inspector"],
        circular=Circular(
            township=units["LS"],
            group=group,
            month=datetime.date(2026, 11, 1),
            title="C测试通报",
            body="正文",
        ),
    )
    circular_submit(actor=personas["inspector"], circular=circular)
    circular_decide(actor=personas["leader"], circular=circular, approve=True)
    return circular_issue(
        actor=personas["inspector"], circular=circular, now=_at(datetime.date(2026, 12, 1), 10)
    )


def test_an_unread_circular_is_chased_after_three_days(issued_circular, personas, units):
    key = f"circular-read:{issued_circular.pk}:{units['LS0101'].pk}"
    scan(now=_at(datetime.date(2026, 12, 3)))
    assert not Notification.objects.filter(key=key).exists()  # told when issued: not owed yet
    scan(now=_at(datetime.date(2026, 12, 4)))
    assert _inbox(key, "due") == {"secretary"}
    message = Notification.objects.get(key=key, channel=Channel.INBOX)
    assert "督查通报「C测试通报」请阅知确认" in message.title
    assert message.link == reverse("inspections:circular", args=[issued_circular.pk])


def test_no_reminder_once_the_circular_is_read(issued_circular, personas, units):
    circular_acknowledge(actor=personas["secretary"], circular=issued_circular)
    circular_acknowledge(actor=personas["secretary2"], circular=issued_circular)
    scan(now=_at(datetime.date(2026, 12, 4)))
    scan(now=_at(datetime.date(2026, 12, 5)))
    for code in ("LS0101", "LS0201"):
        assert not Notification.objects.filter(
            key=f"circular-read:{issued_circular.pk}:{units[code].pk}"
        ).exists()
    # The branches that have not read it are still chased, overdue now, with copies to the office.
    assert "office" in _inbox(f"circular-read:{issued_circular.pk}:", "overdue")


def test_the_board_lists_a_rectification_deadline(finding, personas, client_for):
    soon = timezone.localdate() + datetime.timedelta(days=2)
    rectification = _open(
        finding, personas, problem="C看板测试问题", deadline=soon, issued_on=timezone.localdate()
    )
    client = client_for("office")
    # Counted on the board's row of the branch, listed on the branch's own page.
    rows = client.get(reverse("core:board")).context["rows"]
    assert any(row.pk == rectification.unit_id and row.items for row in rows)
    page = client.get(reverse("core:board"), {"unit": rectification.unit_id}).content.decode()
    assert "整改「C看板测试问题」整改时限" in page
