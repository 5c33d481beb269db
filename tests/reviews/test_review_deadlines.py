"""What the reviews app owes the reminder engine: missing review sheets by the round's end,
each branch's half-year evaluation by the filing day, and ballots not in by a campaign's close."""

from __future__ import annotations

import datetime

import pytest

from accounts.models import OrgUnit
from branches.models import LiaisonPoint, Member, Position
from core.models import Channel, Notification
from core.reminders import open_deadlines, scan
from reviews.models import (
    Campaign,
    CampaignBranch,
    CampaignStatus,
    EvaluationSubject,
    Review,
    ReviewKind,
    ReviewRound,
    ReviewStatus,
    Vote,
)
from tests.core.test_reminders import at

ENDS = datetime.date(2027, 3, 31)


@pytest.fixture
def round_(units, personas):
    return ReviewRound.objects.create(township=units["LS"], period="2027H1", ends_on=ENDS)


def _keys(today, code: str) -> dict:
    return {d.key: d for d in open_deadlines(today, OrgUnit.objects.filter(code=code))}


def _sign(round_, kind, unit, reviewer, member=None) -> Review:
    return Review.objects.create(
        round=round_, kind=kind, unit=unit, member=member, reviewer=reviewer, status=ReviewStatus.SIGNED
    )


def test_a_branch_owes_its_liaison_leaders_reviews_until_both_are_signed(round_, units, personas):
    branch = units["LS0101"]
    key = f"review-leader:{round_.pk}:{branch.pk}"
    before = ENDS - datetime.timedelta(days=2)
    deadline = _keys(before, "LS0101")[key]
    leaders = set(LiaisonPoint.objects.active().filter(branch=branch).values_list("leader_id", flat=True))
    assert deadline.due == ENDS and set(deadline.owners) == leaders and personas["leader"].pk in leaders
    assert deadline.kind == "领导点评" and "2027年上半年" in deadline.title
    _sign(round_, ReviewKind.BRANCH, branch, personas["leader"])
    assert key in _keys(before, "LS0101")  # the secretary's review is still missing
    secretary = Member.objects.get(unit=branch, position=Position.SECRETARY)
    _sign(round_, ReviewKind.SECRETARY, branch, personas["leader"], secretary)
    assert key not in _keys(before, "LS0101")


def test_the_secretary_owes_a_review_of_every_member(round_, units, personas):
    branch = units["LS0101"]
    key = f"review-members:{round_.pk}:{branch.pk}"
    members = Member.objects.filter(unit__path__under=branch.path)
    total = members.count()
    assert f"尚有 {total} 名" in _keys(ENDS, "LS0101")[key].title
    zhou = Member.objects.get(user=personas["member"])
    _sign(round_, ReviewKind.MEMBER, branch, personas["secretary"], zhou)
    assert f"尚有 {total - 1} 名" in _keys(ENDS, "LS0101")[key].title
    for member in members.exclude(pk=zhou.pk):
        _sign(round_, ReviewKind.MEMBER, member.unit, personas["secretary"], member)
    assert key not in _keys(ENDS, "LS0101")


def test_the_scan_reminds_the_liaison_leader_and_the_secretary(round_, units, personas):
    scan(at("2027-03-29T09:00"))
    branch = units["LS0101"]
    told = set(
        Notification.objects.filter(
            key=f"review-leader:{round_.pk}:{branch.pk}", channel=Channel.INBOX
        ).values_list("recipient__username", flat=True)
    )
    assert {"leader", "secretary"} <= told and "secretary2" not in told


def test_every_branch_owes_its_half_year_evaluation_by_the_filing_day(units, personas):
    key = f"evaluation-filing:{units['LS0101'].pk}:2027H1"
    filing = datetime.date(2027, 7, 15)
    assert _keys(filing - datetime.timedelta(days=3), "LS0101")[key].due == filing
    campaign = Campaign.objects.create(
        unit=units["LS"],
        period="2027H1",
        title="2027年上半年群众评议",
        opens_on=datetime.date(2027, 6, 1),
        closes_on=datetime.date(2027, 6, 30),
    )
    CampaignBranch.objects.create(campaign=campaign, unit=units["LS0101"])
    assert key in _keys(filing, "LS0101")  # open is not filed yet
    Campaign.objects.filter(pk=campaign.pk).update(status=CampaignStatus.CLOSED)
    assert key not in _keys(filing, "LS0101")
    assert f"evaluation-filing:{units['LS0201'].pk}:2027H1" in _keys(filing, "LS0201")


def test_a_branch_with_no_ballot_in_is_chased_at_the_close_date(units):
    closes = datetime.date(2027, 6, 30)
    campaign = Campaign.objects.create(
        unit=units["LS"],
        period="2027H1",
        title="上半年评议",
        opens_on=datetime.date(2027, 6, 1),
        closes_on=closes,
    )
    quiet = EvaluationSubject.objects.create(campaign=campaign, unit=units["LS0101"])
    voted = EvaluationSubject.objects.create(campaign=campaign, unit=units["LS0201"])
    Vote.objects.create(subject=voted, choice="satisfied", cast_on=closes)
    assert f"evaluation-close:{campaign.pk}:{units['LS0101'].pk}" in _keys(closes, "LS0101")
    assert f"evaluation-close:{campaign.pk}:{units['LS0201'].pk}" not in _keys(closes, "LS0201")
    EvaluationSubject.objects.filter(pk=quiet.pk).update(
        handed_out=1, returned=1, paper_valid=1, paper_satisfied=1, tallied_at=at("2027-06-29T10:00")
    )
    assert f"evaluation-close:{campaign.pk}:{units['LS0101'].pk}" not in _keys(closes, "LS0101")
