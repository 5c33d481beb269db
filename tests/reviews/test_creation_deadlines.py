"""What a creation round owes the reminder engine: each branch's plan, progress reports and
materials until filed, and its self-check by the materials' date while the round files."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import OrgUnit
from core.models import Channel, Notification
from core.reminders import open_deadlines, scan
from reviews.creation_services import assessment_start, creation_filing_save, self_assessment_save
from reviews.deadlines import creation_deadlines
from reviews.models import CreationRound
from tests.core.test_reminders import at
from tests.reviews.access_creation import entry_of, make_round, scores

pytestmark = pytest.mark.django_db
DAY = datetime.timedelta(days=1)


@pytest.fixture
def creation_round(personas, units) -> CreationRound:
    return make_round(personas, units)


def _keys(today, code: str = "LS0101") -> dict:
    return {d.key: d for d in open_deadlines(today, OrgUnit.objects.filter(code=code))}


def test_a_missing_plan_is_reminded_and_a_filed_one_is_not(creation_round, units, personas):
    key = f"creation:{creation_round.pk}:{units['LS0101'].pk}:plan"
    before = creation_round.plan_due - 2 * DAY
    deadline = _keys(before)[key]
    assert deadline.due == creation_round.plan_due and deadline.kind == "创建先进单位"
    assert f"{creation_round.year}年度创建先进单位：创建方案" in deadline.title
    assert deadline.link == f"/creation/branches/{entry_of(creation_round, 'LS0101').pk}/filings/plan/"
    creation_filing_save(
        entry=entry_of(creation_round, "LS0101"), kind="plan", text="方案", by=personas["secretary"]
    )
    assert key not in _keys(before)
    assert f"creation:{creation_round.pk}:{units['LS0102'].pk}:plan" in _keys(before, "LS0102")


def test_progress_reports_materials_and_the_self_check_fall_due_on_their_dates(
    creation_round, units, personas
):
    branch = units["LS0101"].pk
    progress = _keys(creation_round.progress_1_due)
    assert f"creation:{creation_round.pk}:{branch}:progress_1" in progress
    assert f"creation:{creation_round.pk}:{branch}:materials" not in progress  # months ahead
    due = _keys(creation_round.materials_due)
    assert {f"creation:{creation_round.pk}:{branch}:{kind}" for kind in ("materials", "self")} <= set(due)
    self_assessment_save(entry=entry_of(creation_round, "LS0101"), scores=scores(8), by=personas["secretary"])
    assert f"creation:{creation_round.pk}:{branch}:self" not in _keys(creation_round.materials_due)
    assessment_start(round=creation_round, by=personas["office"])
    after = _keys(creation_round.materials_due + DAY, "LS0102")
    assert f"creation:{creation_round.pk}:{units['LS0102'].pk}:materials" in after  # still owed
    assert f"creation:{creation_round.pk}:{units['LS0102'].pk}:self" not in after  # closed


def test_the_scan_tells_the_branch_secretary(creation_round, units):
    day = creation_round.plan_due
    scan(at(f"{day.isoformat()}T09:00"))
    told = set(
        Notification.objects.filter(
            key=f"creation:{creation_round.pk}:{units['LS0101'].pk}:plan", channel=Channel.INBOX
        ).values_list("recipient__username", flat=True)
    )
    assert "secretary" in told and "secretary2" not in told


def test_the_source_costs_one_query_whatever_the_rounds_and_branches(
    creation_round, django_assert_num_queries
):
    far = datetime.date(2001, 1, 1)
    with django_assert_num_queries(1):
        assert list(creation_deadlines(far, None, far + 31 * DAY)) == []
    day = creation_round.plan_due
    with CaptureQueriesContext(connection) as all_branches:
        owed = list(creation_deadlines(day, None, day + 31 * DAY))
    with CaptureQueriesContext(connection) as one:
        list(creation_deadlines(day, OrgUnit.objects.filter(code="LS0101"), day + 31 * DAY))
    assert len(all_branches) == len(one) == 1
    assert len({d.unit_id for d in owed if d.key.startswith(f"creation:{creation_round.pk}:")}) == 14
