"""群众评议 rules: the threshold compared exactly, closing (results, rectifications, opinions), publishing."""

from __future__ import annotations

import datetime
from fractions import Fraction

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from branches.models import Member
from core.models import Notification
from inspections.models import Rectification
from reviews.evaluation_services import (
    ballot_cast,
    ballot_codes_create,
    campaign_close,
    campaign_publish,
    close_due,
)
from reviews.models import Campaign, CampaignStatus, Choice, EvaluationSubject
from reviews.tasks import close_due_campaigns
from tests.reviews.access_evaluations import make_campaign

DAY = datetime.timedelta(days=1)


def _campaign(threshold=(4, 5)) -> Campaign:
    return Campaign(threshold_numerator=threshold[0], threshold_denominator=threshold[1])


@pytest.mark.parametrize(
    ("threshold", "satisfied", "valid", "passes"),
    [
        ((4, 5), 799, 1000, False),  # 79.9 %
        ((4, 5), 800, 1000, True),  # exactly 80 %
        ((4, 5), 4, 5, True),
        ((4, 5), 3, 4, False),
        ((2, 3), 2, 3, True),  # exactly two thirds, not 0.666…
        ((2, 3), 1999, 3000, False),
        ((2, 3), 667, 1000, True),
        ((1, 2), 1, 2, True),
        ((1, 1), 99, 100, False),
    ],
)
def test_the_threshold_is_compared_exactly(threshold, satisfied, valid, passes):
    assert _campaign(threshold).passes(satisfied, valid) is passes


@pytest.mark.parametrize(("numerator", "denominator"), [(49, 100), (101, 100), (1, 3)])
def test_a_threshold_outside_50_to_100_percent_is_refused(numerator, denominator, units):
    campaign = Campaign(
        unit=units["LS"],
        period="2026H2",
        title="评议",
        opens_on=datetime.date(2026, 12, 1),
        closes_on=datetime.date(2026, 12, 7),
        threshold_numerator=numerator,
        threshold_denominator=denominator,
    )
    with pytest.raises(ValidationError):
        campaign.full_clean()


def test_opening_makes_a_subject_of_each_branch_and_its_members(personas, units):
    campaign = make_campaign(personas, units, covers=("LS0101", "LS0201"))
    for code in ("LS0101", "LS0201"):
        subjects = EvaluationSubject.objects.filter(campaign=campaign, unit=units[code])
        assert subjects.filter(member=None).count() == 1
        members = Member.objects.filter(unit__path__startswith=units[code].path).count()
        assert subjects.exclude(member=None).count() == members > 0


def test_a_branch_outside_the_organiser_is_refused(personas, units):
    with pytest.raises(ValidationError):
        make_campaign(personas, units, organiser="LS0101", actor="secretary", covers=("LS0201",))
    assert not Campaign.objects.filter(title="A2测试评议").exists()


def _tally(subject, satisfied, basic, unsatisfied, opinions=""):
    valid = satisfied + basic + unsatisfied
    EvaluationSubject.objects.filter(pk=subject.pk).update(
        handed_out=valid,
        returned=valid,
        paper_valid=valid,
        paper_satisfied=satisfied,
        paper_basic=basic,
        paper_unsatisfied=unsatisfied,
        paper_opinions=opinions,
    )


def test_closing_counts_paper_and_online_and_opens_rectifications_below_the_threshold(personas, units):
    campaign = make_campaign(personas, units)
    branch = EvaluationSubject.objects.get(campaign=campaign, unit=units["LS0101"], member=None)
    member_subjects = list(EvaluationSubject.objects.filter(campaign=campaign).exclude(member=None)[:2])
    low, high = member_subjects
    _tally(branch, 3, 0, 1, "道路维修不及时")  # 3/4 on paper ...
    [code] = ballot_codes_create(campaign=campaign, count=1)
    # ... + one online 满意 = 4/5: exactly the threshold, passes.
    ballot_cast(campaign=campaign, code=code.code, marks={branch.pk: (Choice.SATISFIED, "希望多开会")})
    _tally(low, 799, 0, 201, "<b>很少走访群众</b>")
    _tally(high, 1, 1, 0, "继续保持")

    campaign_close(actor=personas["office"], campaign=campaign)

    branch.refresh_from_db()
    assert (branch.valid, branch.satisfied, branch.basic, branch.unsatisfied) == (5, 4, 0, 1)
    assert branch.satisfaction == Fraction(4, 5) and branch.passed is True and branch.rectification is None
    low.refresh_from_db()
    assert low.passed is False and low.valid == 1000
    rectification = low.rectification
    assert rectification.unit == units["LS0101"] and rectification.member == low.member
    assert rectification.source == "reviews.evaluationsubject" and rectification.source_id == low.pk
    assert "79.9%" in rectification.problem and "很少走访群众" in rectification.problem
    assert rectification.issued_by == personas["office"]
    high.refresh_from_db()
    assert high.passed is True and high.rectification is None
    # A subject nobody voted on has no result and no rectification.
    untouched = EvaluationSubject.objects.filter(campaign=campaign, valid=0)
    assert untouched.exists() and not untouched.filter(passed__isnull=False).exists()
    # The opinions on those that passed go to the branch's secretary.
    note = Notification.objects.get(
        key=f"evaluation:{campaign.pk}:opinions:{units['LS0101'].pk}", channel="inbox"
    )
    assert note.recipient == personas["secretary"]
    assert "道路维修不及时" in note.body and "希望多开会" in note.body and "继续保持" in note.body
    assert "很少走访群众" not in note.body  # that one is in the rectification


def test_closing_twice_does_nothing_twice(personas, units):
    campaign = make_campaign(personas, units)
    subject = EvaluationSubject.objects.filter(campaign=campaign).exclude(member=None).first()
    _tally(subject, 1, 0, 3, "意见")
    campaign_close(actor=personas["office"], campaign=campaign)
    rectifications = Rectification.objects.count()
    notifications = Notification.objects.count()
    campaign_close(actor=personas["office"], campaign=campaign)
    assert Rectification.objects.count() == rectifications
    assert Notification.objects.count() == notifications
    assert Rectification.objects.filter(source_id=subject.pk, source="reviews.evaluationsubject").count() == 1


def test_two_thirds_threshold_passes_exactly_two_of_three(personas, units):
    campaign = make_campaign(personas, units, threshold=(2, 3))
    subject = EvaluationSubject.objects.filter(campaign=campaign, member=None).get()
    _tally(subject, 1, 1, 1)
    campaign_close(actor=None, campaign=campaign)
    subject.refresh_from_db()
    assert subject.passed is True and subject.rectification is None


def test_the_periodic_task_closes_campaigns_past_their_closing_day(personas, units, eager_tasks):
    today = timezone.localdate()
    due = make_campaign(personas, units, opens_on=today - 10 * DAY, closes_on=today - DAY, title="已到期")
    running = make_campaign(personas, units, opens_on=today - DAY, closes_on=today, title="今天截止")
    assert close_due_campaigns.delay().get() >= 1
    assert Campaign.objects.get(pk=due.pk).status == CampaignStatus.CLOSED
    assert Campaign.objects.get(pk=running.pk).status == CampaignStatus.OPEN
    assert close_due() == 0  # nothing left to close


def test_publishing_needs_a_closed_campaign_and_happens_once(personas, units):
    campaign = make_campaign(personas, units)
    with pytest.raises(ValidationError):
        campaign_publish(actor=personas["office"], campaign=campaign)
    campaign_close(actor=personas["office"], campaign=campaign)
    day = timezone.localdate()
    campaign_publish(actor=personas["office"], campaign=campaign, today=day)
    campaign_publish(actor=personas["office"], campaign=campaign, today=day + DAY)
    assert Campaign.objects.get(pk=campaign.pk).published_on == day


def test_a_member_of_a_party_group_is_evaluated_with_its_branch_and_rectified_in_its_group(personas, units):
    from accounts.models import Level, OrgUnit
    from branches.services import unit_save

    group = unit_save(
        unit=OrgUnit(code="LS0101G9", name="测试党小组", level=Level.GROUP, parent=units["LS0101"])
    )
    member = Member.objects.create(unit=group, name="测试党员")
    campaign = make_campaign(personas, units)
    subject = EvaluationSubject.objects.get(campaign=campaign, member=member)
    assert subject.unit == units["LS0101"]
    _tally(subject, 1, 0, 1)
    campaign_close(actor=personas["office"], campaign=campaign)
    subject.refresh_from_db()
    assert subject.passed is False and subject.rectification.unit == group
    assert subject.rectification.member == member
