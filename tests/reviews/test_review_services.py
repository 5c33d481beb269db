"""The rules of the leader-review services, apart from the pages."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from branches.models import Member
from inspections.models import Rectification
from reviews.models import Review, ReviewDemand, ReviewKind, ReviewStatus, WorkReport
from reviews.services import review_save, review_sign, round_compilation_save, work_report_save
from tests.reviews.access_reviews import in_ten_days, make_review, make_round

pytestmark = pytest.mark.django_db


@pytest.fixture
def review_round(personas, units):
    return make_round(personas, units)


def test_signing_opens_one_rectification_per_demand_and_links_it(personas, units, review_round):
    review = make_review(
        personas["leader"],
        review_round,
        units["LS0101"],
        demands=[("问题一", "要求一", in_ten_days()), ("问题二", "要求二", in_ten_days())],
    )
    review_sign(actor=personas["leader"], review=review)
    demands = list(ReviewDemand.objects.filter(review=review).order_by("pk"))
    assert all(demand.rectification_id for demand in demands)
    rectifications = Rectification.objects.filter(source="reviews.review", source_id=review.pk)
    assert sorted(rectifications.values_list("problem", flat=True)) == ["问题一", "问题二"]


def test_a_member_sheet_opens_the_members_own_rectification(personas, units, review_round):
    own = Member.objects.get(user=personas["member"])
    review = make_review(
        personas["secretary"],
        review_round,
        units["LS0101"],
        kind=ReviewKind.MEMBER,
        member=own,
        demands=[("学习不够", "加强学习", in_ten_days())],
        sign=True,
    )
    assert review.demands.get().rectification.member == own


def test_a_signed_sheet_cannot_be_saved_or_signed_again(personas, units, review_round):
    review = make_review(personas["leader"], review_round, units["LS0101"], sign=True)
    review.problems = "改"
    with pytest.raises(ValidationError):
        review_save(actor=personas["leader"], review=review)
    with pytest.raises(ValidationError):
        review_sign(actor=personas["leader"], review=review)
    assert Review.objects.get(pk=review.pk).problems != "改"


def test_sign_needs_a_date_a_method_and_something_said(personas, units, review_round):
    review = make_review(personas["leader"], review_round, units["LS0101"], method="")
    with pytest.raises(ValidationError):
        review_sign(actor=personas["leader"], review=review)
    Review.objects.filter(pk=review.pk).update(method="on_site", achievements="", problems="", direction="")
    with pytest.raises(ValidationError):
        review_sign(actor=personas["leader"], review=review)
    assert Review.objects.get(pk=review.pk).status == ReviewStatus.DRAFT


def test_a_sheet_cannot_be_signed_before_its_day(personas, units, review_round):
    review = make_review(
        personas["leader"],
        review_round,
        units["LS0101"],
        reviewed_on=timezone.localdate() + datetime.timedelta(days=2),
    )
    with pytest.raises(ValidationError):
        review_sign(actor=personas["leader"], review=review)


def test_a_demand_in_the_past_is_refused(personas, units, review_round):
    with pytest.raises(ValidationError):
        make_review(
            personas["leader"],
            review_round,
            units["LS0101"],
            demands=[("问题", "要求", timezone.localdate() - datetime.timedelta(days=1))],
        )


def test_the_member_must_belong_to_the_branch(personas, units, review_round):
    stranger = Member.objects.exclude(unit=units["LS0101"]).first()
    with pytest.raises(ValidationError):
        make_review(
            personas["secretary"], review_round, units["LS0101"], kind=ReviewKind.MEMBER, member=stranger
        )


def test_work_report_is_rewritten_not_duplicated(personas, units, review_round):
    for text in ("第一稿", "第二稿"):
        work_report_save(
            actor=personas["secretary"], review_round=review_round, unit=units["LS0101"], text=text
        )
    assert WorkReport.objects.get(round=review_round, unit=units["LS0101"], member=None).text == "第二稿"


def test_publishing_again_records_the_new_date(personas, review_round):
    day = timezone.localdate()
    round_compilation_save(
        actor=personas["office"], review_round=review_round, compilation="一", publish=True, today=day
    )
    later = day + datetime.timedelta(days=3)
    saved = round_compilation_save(
        actor=personas["office"], review_round=review_round, compilation="二", publish=True, today=later
    )
    assert saved.published_on == later and saved.compilation == "二"
