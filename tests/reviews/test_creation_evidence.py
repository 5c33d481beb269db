"""The evidence beside the assessment is the portal's records, counted: change a record and
the figure changes; a 党总支 counts its 党支部's; the number of queries does not grow."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from branches.models import Member
from commitments.models import Category, Commitment
from commitments.services import letter_get_or_create
from core.periods import Period
from inspections.services import rectification_recheck, rectification_reply
from reports.models import Report
from reports.selectors import slot_grid
from reports.services import report_submit
from reviews.creation_selectors import branch_evidence, evidence_window
from reviews.evaluation_services import campaign_close, campaign_open
from reviews.models import Campaign, CreationBranch, EvaluationSubject, Review, ReviewKind
from tests.inspections.access_rectifications import make_group, make_inspection, make_rectification
from tests.reviews import access_reviews
from tests.reviews.access_creation import dates_around, make_round

pytestmark = pytest.mark.django_db


@pytest.fixture
def creation_round(personas, units):
    """A round whose evidence began 200 days ago: its window ends today."""
    return make_round(personas, units, dates=dates_around(timezone.localdate()))


@pytest.fixture
def window(creation_round):
    return evidence_window(creation_round)


def _evidence(creation_round, units, *codes):
    found = branch_evidence(creation_round, [units[code].pk for code in codes])
    return [found[units[code].pk] for code in codes]


def test_commitments_filed_completed_and_overdue(creation_round, window, personas, units):
    start, end = window
    period = Period.containing(end)
    before, general, other = _evidence(creation_round, units, "LS0101", "LS01", "LS0201")
    letter = letter_get_or_create(unit=units["LS0101"], member=None, period=period.code)
    kept = Commitment.objects.create(
        letter=letter, category=Category.SERVICE, content="修路", deadline=period.end
    )
    late = Commitment.objects.create(
        letter=letter, category=Category.PRACTICAL, content="建活动室", deadline=max(period.start, start)
    )
    after, general_after, other_after = _evidence(creation_round, units, "LS0101", "LS01", "LS0201")
    assert after.commitments == before.commitments + 2
    overdue = late.deadline < timezone.localdate()
    assert after.commitments_overdue == before.commitments_overdue + overdue
    Commitment.objects.filter(pk=kept.pk).update(percent=100)
    (done,) = _evidence(creation_round, units, "LS0101")
    assert done.commitments_done == before.commitments_done + 1
    assert done.completion == done.commitments_done / done.commitments
    assert general_after.commitments == general.commitments + 2  # 柳山村党总支 counts its branches
    assert other_after.commitments == other.commitments
    (row,) = [row for row in done.commitment_periods if row.period == period]
    assert row.links["done"].endswith(f"?period={period.code}&unit={units['LS0101'].pk}&status=done")


def test_reports_counted_as_the_reports_grid_counts_them(creation_round, window, personas, units):
    start, end = window
    branch = units["LS0101"]
    Report.objects.filter(unit=branch).delete()

    def grid(*codes):
        _slots, rows = slot_grid(None, start, end, units=[units[c] for c in codes])
        return sum(r.on_time for r in rows), sum(r.late for r in rows), sum(r.missing for r in rows)

    (evidence,) = _evidence(creation_round, units, "LS0101")
    assert (evidence.reports_on_time, evidence.reports_late, evidence.reports_missing) == grid("LS0101")
    assert evidence.reports_on_time == 0
    first_slot = start.replace(day=15)
    report = Report.objects.create(unit=branch, title="动态", authors="张", category="news", body="正文")
    report_submit(
        actor=None,
        report=report,
        now=timezone.make_aware(datetime.datetime.combine(first_slot, datetime.time(9))),
    )
    after, general = _evidence(creation_round, units, "LS0101", "LS01")
    assert (after.reports_on_time, after.reports_late, after.reports_missing) == grid("LS0101")
    assert after.reports_on_time == 1 and after.reports_missing == evidence.reports_missing - 1
    assert (general.reports_on_time, general.reports_late, general.reports_missing) == grid(
        "LS0101", "LS0102"
    )


def test_rectifications_opened_closed_overdue_and_inspections(creation_round, window, personas, units):
    start, end = window
    before, township_other = _evidence(creation_round, units, "LS0101", "LS03")
    group = make_group(personas, units)
    inspection = make_inspection(personas, units, group, day=end)
    rectification = make_rectification(personas, inspection, deadline=end, issued_on=end)
    after, other = _evidence(creation_round, units, "LS0101", "LS03")
    assert after.rectifications == before.rectifications + 1
    assert after.inspections == before.inspections + 1
    assert (
        after.rectification_sources["inspections.finding"]
        == before.rectification_sources.get("inspections.finding", 0) + 1
    )
    overdue = end < timezone.localdate()
    assert after.rectifications_overdue == before.rectifications_overdue + overdue
    assert other.rectifications == township_other.rectifications
    rectification_reply(
        actor=personas["secretary"], rectification=rectification, measures="补齐", result="到位"
    )
    rectification_recheck(actor=personas["office"], rectification=rectification, passed=True)
    (closed,) = _evidence(creation_round, units, "LS0101")
    assert closed.rectifications_closed == before.rectifications_closed + 1
    assert closed.rectifications_overdue == before.rectifications_overdue
    (row,) = [row for row in closed.rectification_periods if row.period == Period.containing(end)]
    assert row.links["closed"].endswith("&state=passed")
    assert row.source_rows[0][2].endswith("&source=inspections.finding")


def test_mass_evaluation_satisfaction_and_result(creation_round, window, personas, units):
    start, end = window
    period = Period.containing(end)
    campaign = campaign_open(
        actor=personas["office"],
        campaign=Campaign(
            unit=units["LS"], period=period.code, title="测试评议", opens_on=start, closes_on=end
        ),
        branches=[units["LS0102"]],
    )
    (before,) = _evidence(creation_round, units, "LS0102")
    assert all(result.campaign_id != campaign.pk for result in before.evaluations)
    subject = EvaluationSubject.objects.get(campaign=campaign, unit=units["LS0102"], member=None)
    EvaluationSubject.objects.filter(pk=subject.pk).update(
        handed_out=20, returned=20, paper_valid=20, paper_satisfied=14, paper_basic=3, paper_unsatisfied=3
    )
    (still_open,) = _evidence(creation_round, units, "LS0102")
    assert len(still_open.evaluations) == len(before.evaluations)  # an open campaign does not count yet
    campaign_close(actor=personas["office"], campaign=campaign)
    after, general = _evidence(creation_round, units, "LS0102", "LS01")
    (result,) = [r for r in after.evaluations if r.campaign_id == campaign.pk]
    assert (result.valid, result.satisfied, result.passed) == (20, 17, True)
    assert result.satisfaction == 17 / 20
    assert any(r.campaign_id == campaign.pk for r in general.evaluations)


def test_leader_review_coverage(creation_round, personas, units):
    period = Period.containing(timezone.localdate())
    review_round = access_reviews.make_round(personas, units, period=period.code)
    branch = units["LS0101"]
    (before,) = _evidence(creation_round, units, "LS0101")
    (coverage,) = [c for c in before.reviews if c.round_id == review_round.pk]
    assert (
        coverage.branches == 1
        and coverage.members == Member.objects.filter(unit__path__under=branch.path).count()
    )
    reviewed = Review.objects.filter(round=review_round, kind=ReviewKind.MEMBER).values("member_id")
    member = (
        Member.objects.filter(unit=branch)
        .exclude(pk__in=reviewed)
        .exclude(user=personas["secretary"])
        .first()
    )
    access_reviews.make_review(
        personas["secretary"], review_round, branch, kind=ReviewKind.MEMBER, member=member, sign=True
    )
    (after,) = _evidence(creation_round, units, "LS0101")
    (coverage_after,) = [c for c in after.reviews if c.round_id == review_round.pk]
    assert coverage_after.members_reviewed == coverage.members_reviewed + 1


def test_evidence_takes_a_fixed_number_of_queries(creation_round, units, django_assert_max_num_queries):
    everyone = list(CreationBranch.objects.filter(round=creation_round).values_list("unit_id", flat=True))
    assert len(everyone) == 14
    with CaptureQueriesContext(connection) as one:
        branch_evidence(creation_round, everyone[:1])
    with django_assert_max_num_queries(11):
        evidence = branch_evidence(creation_round, everyone)
    with CaptureQueriesContext(connection) as all_of_them:
        branch_evidence(creation_round, everyone)
    assert len(evidence) == 14 and len(all_of_them) == len(one)
