"""What the reviews app asks of a user on its home page (core.todos): review sheets to finish
and sign, the branch's work report and a member's self-assessment before an open round's end,
and the paper tallies an open evaluation waits for. Missing sheets and a campaign's close are
deadlines, listed from the reminder engine."""

from __future__ import annotations

import datetime
from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.models import Level, OrgUnit
from branches.models import Member
from core.todos import Todo, register_todos
from reviews.models import EvaluationSubject, Review, ReviewRound, SelfAssessment, WorkReport

LIMIT = 10


def review_todos(user, today: datetime.date):
    kind = _("Leader review")
    drafts = Review.objects.writable_by(user).select_related("round", "unit", "member").order_by("pk")
    for review in drafts[:LIMIT]:
        yield Todo(
            _("Finish and sign the review sheet of %(subject)s") % {"subject": review.member or review.unit},
            reverse("reviews:review_edit", args=[review.pk]),
            kind,
            review.round.ends_on,
            review.unit.name,
        )
    rounds = list(ReviewRound.objects.visible_to(user).filter(ends_on__gte=today).select_related("township"))
    if not rounds:
        return
    branches = list(OrgUnit.objects.of_secretary(user).filter(level=Level.BRANCH).order_by("path"))
    reported = set(
        WorkReport.objects.filter(round__in=rounds, member__isnull=True).values_list("round_id", "unit_id")
    )
    for review_round in rounds:
        report = reverse("reviews:work_report", args=[review_round.pk])
        for branch in branches:
            if (
                branch.path.startswith(review_round.township.path)
                and (review_round.pk, branch.pk) not in reported
            ):
                yield Todo(
                    _("Upload the branch's work report for the review of %(period)s")
                    % {"period": review_round.period_obj.wording},
                    f"{report}?{urlencode({'unit': branch.pk})}",
                    kind,
                    review_round.ends_on,
                    branch.name,
                )
    assessed = set(SelfAssessment.objects.filter(round__in=rounds).values_list("round_id", "member_id"))
    for member in Member.objects.filter(user=user).select_related("unit"):
        for review_round in rounds:
            if member.unit.path.startswith(review_round.township.path) and (
                (review_round.pk, member.pk) not in assessed
            ):
                yield Todo(
                    _("Write your self-assessment for %(period)s")
                    % {"period": review_round.period_obj.wording},
                    reverse("reviews:self_assessment", args=[review_round.pk]),
                    kind,
                    review_round.ends_on,
                    member.name,
                )


def tally_todos(user, today: datetime.date):
    """Open campaigns whose paper tally the user's branch has not entered yet."""
    waiting = (
        EvaluationSubject.objects.tallied_by(user)
        .filter(member__isnull=True, tallied_at__isnull=True, unit__in=OrgUnit.objects.of_secretary(user))
        .select_related("campaign", "unit")
        .order_by("campaign__closes_on", "pk")[:LIMIT]
    )
    for subject in waiting:
        yield Todo(
            _("Enter the paper tally of “%(title)s”") % {"title": subject.campaign.title[:30]},
            reverse("reviews:tally", args=[subject.campaign_id, subject.unit_id]),
            _("Mass evaluation"),
            subject.campaign.closes_on,
            subject.unit.name,
        )


register_todos("reviews", review_todos)
register_todos("evaluation-tallies", tally_todos)
