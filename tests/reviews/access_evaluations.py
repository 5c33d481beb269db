"""Mass-evaluation URLs for the access matrix (tests/test_access_matrix.py).

Objects, all built by `target()` (and `make_campaign`, which the page tests reuse): a
campaign of 柳山镇 opened by `office`, open today, evaluating 柳山村第一党支部 (LS0101)
and its members only, so that `secretary2` (河东社区第一党支部) sees nothing of it:
- the office runs it (codes, close, export); a branch's secretary reads it and enters its
  own branch's tallies (so does twohat, secretary of LS0101), nothing else; leaders and
  inspectors read; the `member` persona sees nothing before the results are published;
- `campaign_publish`: the same campaign closed; only the office publishes;
- `ballot`: the public page, no login.
"""

from __future__ import annotations

import datetime

from django.utils import timezone

from core.models import Job
from reviews.evaluation_services import campaign_close, campaign_open
from reviews.models import BallotCode, Campaign, CampaignStatus, EvaluationSubject

LOGIN = 302
EXPECTED = {
    # ROLES: anonymous office leader leader2 secretary secretary2 inspector member twohat admin
    "reviews:campaigns": ("get", [LOGIN, 200, 200, 200, 200, 200, 200, 200, 200, 200]),
    "reviews:campaign_create": ("get", [LOGIN, 200, 403, 403, 200, 200, 403, 403, 200, 200]),
    "reviews:campaign": ("get", [LOGIN, 200, 200, 200, 200, 404, 200, 404, 200, 200]),
    "reviews:tally": ("post", [LOGIN, 302, 403, 403, 302, 404, 403, 404, 302, 302]),
    "reviews:codes_create": ("post", [LOGIN, 302, 403, 403, 403, 404, 403, 404, 403, 302]),
    "reviews:codes_print": ("get", [LOGIN, 200, 403, 403, 403, 404, 403, 404, 403, 200]),
    "reviews:campaign_close": ("post", [LOGIN, 302, 403, 403, 403, 404, 403, 404, 403, 302]),
    "reviews:campaign_publish": ("post", [LOGIN, 302, 403, 403, 403, 404, 403, 404, 403, 302]),
    "reviews:campaign_export": ("post", [LOGIN, 302, 403, 403, 403, 404, 403, 404, 403, 302]),
    # The anonymous ballot: the page answers everybody (a code is asked for on it).
    "reviews:ballot": ("get", [200, 200, 200, 200, 200, 200, 200, 200, 200, 200]),
}


# ---------------------------------------------------------------------------------------
# Builders, shared with the page tests


def make_campaign(
    personas,
    units,
    *,
    covers: tuple[str, ...] = ("LS0101",),
    organiser: str = "LS",
    actor: str = "office",
    threshold: tuple[int, int] = (4, 5),
    opens_on: datetime.date | None = None,
    closes_on: datetime.date | None = None,
    closed: bool = False,
    title: str = "A2测试评议",
) -> Campaign:
    today = timezone.localdate()
    campaign = Campaign(
        unit=units[organiser],
        period=f"{today.year}H{1 if today.month <= 6 else 2}",
        title=title,
        opens_on=opens_on or today,
        closes_on=closes_on or today + datetime.timedelta(days=7),
        threshold_numerator=threshold[0],
        threshold_denominator=threshold[1],
    )
    campaign = campaign_open(
        actor=personas[actor], campaign=campaign, branches=[units[code] for code in covers]
    )
    if closed:
        campaign = campaign_close(actor=personas[actor], campaign=campaign)
    return campaign


def tally_data(subjects, **counts) -> dict:
    """POST data of the tally page: the same counts for each subject."""
    values = {
        "handed_out": 10,
        "returned": 9,
        "paper_valid": 8,
        "paper_satisfied": 5,
        "paper_basic": 2,
        "paper_unsatisfied": 1,
        "paper_opinions": "",
        **counts,
    }
    return {f"s{subject.pk}-{name}": value for subject in subjects for name, value in values.items()}


# ---------------------------------------------------------------------------------------


def target(name: str, personas, units):
    from tests.test_access_matrix import Target

    if name in ("reviews:campaigns", "reviews:campaign_create"):
        return Target()
    campaign = make_campaign(personas, units, closed=name == "reviews:campaign_publish")
    kwargs = {"pk": campaign.pk}
    if name == "reviews:tally":
        subjects = list(EvaluationSubject.objects.filter(campaign=campaign, unit=units["LS0101"]))
        done = lambda: EvaluationSubject.objects.filter(  # noqa: E731
            campaign=campaign, unit=units["LS0101"], member=None, paper_valid=8
        ).exists()
        return Target({**kwargs, "unit_pk": units["LS0101"].pk}, tally_data(subjects), done)
    if name == "reviews:codes_create":
        done = lambda: BallotCode.objects.filter(campaign=campaign).count() == 5  # noqa: E731
        return Target(kwargs, {"count": "5"}, done)
    if name == "reviews:campaign_close":
        done = lambda: Campaign.objects.filter(pk=campaign.pk, status=CampaignStatus.CLOSED).exists()  # noqa: E731
        return Target(kwargs, done=done)
    if name == "reviews:campaign_publish":
        done = lambda: Campaign.objects.filter(pk=campaign.pk, published_on__isnull=False).exists()  # noqa: E731
        return Target(kwargs, done=done)
    if name == "reviews:campaign_export":
        done = lambda: Job.objects.filter(params__export="evaluations", params__campaign=campaign.pk).exists()  # noqa: E731
        return Target(kwargs, done=done)
    if name == "reviews:ballot":
        return Target({"token": campaign.public_token})
    return Target(kwargs)
