"""Leader-review URLs for the access matrix (tests/test_access_matrix.py).

Objects, all built by `target()` (and the builders below, which the page tests reuse):
- a review round of 柳山镇 for the next half-year, opened by `office` (the demo's round of
  this half-year already holds sheets);
- `review`, `review_word`: the `member` persona's own sheet, written and signed by
  `secretary` (its branch's secretary): the township's readers, the branch and the member
  read it; secretary2's branch does not;
- `review_edit`, `review_sign`: a complete draft of 柳山村第一党支部 (LS0101) by `leader`, its
  liaison leader: only the leader writes or signs it; the office (and a superuser) sees the
  draft but may not touch it (403), nobody else sees a draft (404);
- `review_create`: `leader` writes the sheet of LS0101; a secretary naming a branch it does
  not liaise with is answered 404; who writes no sheet in the round at all is refused (403);
- `work_report`: the branch report of LS0101: its secretary (and twohat, its secretary too),
  the office and a superuser keep it; readers of the branch are refused (403);
- `self_assessment`: one's own as a Party member of the township (the demo gives `leader`,
  `secretary`, `secretary2` and `member` a party record with their account); an account
  without one (the office, a superuser) has nothing to assess (403);
- `round_compile`: publishing, by the township's office (or a superuser) alone, before
  anything is published the compilation is the office's;
- `round_compile_word`: a published compilation, read by all who read the round.
"""

from __future__ import annotations

import datetime

from django.utils import timezone

from branches.models import Member
from core.periods import Period
from reviews.models import (
    Review,
    ReviewDemand,
    ReviewKind,
    ReviewRound,
    ReviewStatus,
    SelfAssessment,
    WorkReport,
)
from reviews.services import review_save, review_sign, round_compilation_save, round_open

LOGIN = 302
EXPECTED = {
    # ROLES: anonymous office leader leader2 secretary secretary2 inspector member twohat admin
    "reviews:rounds": ("get", [LOGIN, 200, 200, 200, 200, 200, 200, 200, 200, 200]),
    "reviews:round_create": ("get", [LOGIN, 200, 403, 403, 403, 403, 403, 403, 200, 200]),
    "reviews:round": ("get", [LOGIN, 200, 200, 200, 200, 200, 200, 200, 200, 200]),
    "reviews:review_create": ("post", [LOGIN, 403, 302, 403, 404, 404, 403, 403, 404, 403]),
    "reviews:work_report": ("post", [LOGIN, 302, 403, 403, 302, 404, 403, 404, 302, 302]),
    "reviews:self_assessment": ("post", [LOGIN, 403, 302, 403, 302, 302, 403, 302, 403, 403]),
    "reviews:round_compile": ("post", [LOGIN, 302, 403, 403, 403, 403, 403, 403, 403, 302]),
    "reviews:round_compile_word": ("get", [LOGIN, 200, 200, 200, 200, 200, 200, 200, 200, 200]),
    "reviews:branch_word": ("get", [LOGIN, 200, 200, 200, 200, 404, 200, 404, 200, 200]),
    "reviews:review": ("get", [LOGIN, 200, 200, 200, 200, 404, 200, 200, 200, 200]),
    "reviews:review_edit": ("post", [LOGIN, 403, 302, 404, 404, 404, 404, 404, 404, 403]),
    "reviews:review_sign": ("post", [LOGIN, 403, 302, 404, 404, 404, 404, 404, 404, 403]),
    "reviews:review_word": ("get", [LOGIN, 200, 200, 200, 200, 404, 200, 200, 200, 200]),
}


# ---------------------------------------------------------------------------------------
# Builders, shared with the page tests


def next_period() -> Period:
    """The half-year after this one: the demo's round of this half-year is already under way."""
    current = Period.containing(timezone.localdate())
    return Period(current.year, 2) if current.half == 1 else Period(current.year + 1, 1)


def make_round(personas, units, period: str | None = None) -> ReviewRound:
    """A round of 柳山镇 with nothing in it yet (of the next half-year, unless `period` says)."""
    period = period or next_period().code
    existing = ReviewRound.objects.filter(township=units["LS"], period=period).first()
    if existing:
        return existing
    ends_on = Period.parse(period).end
    return round_open(actor=personas["office"], township=units["LS"], period=period, ends_on=ends_on)


SHEET = {
    "method": "on_site",
    "aspect_1": "围绕中心工作开展活动",
    "aspect_2": "承诺事项按期兑现",
    "aspect_3": "为群众办实事三件",
    "aspect_4": "三会一课坚持较好",
    "achievements": "活动扎实，成效明显",
    "problems": "台账不够规范",
    "direction": "进一步规范台账",
}


def make_review(
    reviewer, review_round, unit, *, kind=ReviewKind.BRANCH, member=None, demands=(), sign=False, **fields
) -> Review:
    values = {**SHEET, "reviewed_on": timezone.localdate(), **fields}
    review = Review(round=review_round, kind=kind, unit=unit, member=member, **values)
    rows = [ReviewDemand(problem=p, demand=d, deadline=day) for p, d, day in demands]
    review = review_save(actor=reviewer, review=review, demands=rows)
    if sign:
        review = review_sign(actor=reviewer, review=review)
    return review


def sheet_data(**overrides) -> dict:
    """A valid POST of the sheet form with one empty demand row."""
    data = {
        **SHEET,
        "reviewed_on": timezone.localdate().isoformat(),
        "meeting_on": "",
        "meeting_place": "",
        "attendees": "",
        "public_representatives": "",
        "demands-TOTAL_FORMS": "1",
        "demands-INITIAL_FORMS": "0",
        "demands-MIN_NUM_FORMS": "0",
        "demands-MAX_NUM_FORMS": "20",
        "demands-0-problem": "",
        "demands-0-demand": "",
        "demands-0-deadline": "",
    }
    data.update(overrides)
    return data


def in_ten_days() -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=10)


# ---------------------------------------------------------------------------------------


def target(name: str, personas, units):
    from tests.test_access_matrix import Target

    review_round = make_round(personas, units)
    branch = units["LS0101"]
    own = Member.objects.get(user=personas["member"])
    if name in ("reviews:rounds", "reviews:round_create"):
        return Target()
    if name == "reviews:round":
        return Target({"pk": review_round.pk})
    if name == "reviews:review_create":
        data = sheet_data(kind="branch", unit=str(branch.pk))
        done = lambda: Review.objects.filter(round=review_round, kind="branch", unit=branch).exists()  # noqa: E731
        return Target({"pk": review_round.pk}, data, done)
    if name == "reviews:work_report":
        data = {"unit": str(branch.pk), "text": "上半年工作汇报"}
        done = lambda: WorkReport.objects.filter(round=review_round, unit=branch, member=None).exists()  # noqa: E731
        return Target({"pk": review_round.pk}, data, done)
    if name == "reviews:self_assessment":
        data = {"example_1": "带头学习", "example_2": "", "example_3": "", "example_4": "", "example_5": ""}
        data["shortcomings"] = "学习不够深入"
        done = lambda: SelfAssessment.objects.filter(round=review_round, shortcomings="学习不够深入").exists()  # noqa: E731
        return Target({"pk": review_round.pk}, data, done)
    if name == "reviews:round_compile":
        data = {"compilation": "点评情况汇总", "action": "publish"}
        done = lambda: ReviewRound.objects.filter(pk=review_round.pk, published_on__isnull=False).exists()  # noqa: E731
        return Target({"pk": review_round.pk}, data, done)
    if name == "reviews:round_compile_word":
        round_compilation_save(
            actor=personas["office"], review_round=review_round, compilation="点评情况", publish=True
        )
        return Target({"pk": review_round.pk})
    if name == "reviews:branch_word":
        return Target({"pk": review_round.pk, "unit_pk": branch.pk})
    if name in ("reviews:review", "reviews:review_word"):
        review = make_review(
            personas["secretary"], review_round, branch, kind=ReviewKind.MEMBER, member=own, sign=True
        )
        return Target({"pk": review.pk})
    draft = make_review(personas["leader"], review_round, branch)
    if name == "reviews:review_edit":
        done = lambda: Review.objects.filter(pk=draft.pk, problems="改过的问题").exists()  # noqa: E731
        return Target({"pk": draft.pk}, sheet_data(problems="改过的问题"), done)
    done = lambda: Review.objects.filter(pk=draft.pk, status=ReviewStatus.SIGNED).exists()  # noqa: E731
    return Target({"pk": draft.pk}, done=done)
