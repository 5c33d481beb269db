"""Nomination and title URLs for the access matrix (tests/test_access_matrix.py).

Objects, all built by `target()` (and the builders below, which the page tests reuse):
- a creation round of 柳山镇 being assessed now (dates counted from today, a year the demo's
  rounds do not use): `nominations`, `commendations` and `commendations_word` are read by
  everyone who reads the round (a member sees only its own nomination on them);
- `nomination_create`: a member of 柳山村第一党支部 (LS0101) nominated by its branch: its
  secretary (and twohat, its secretary too), the office and a superuser nominate; a secretary
  of another branch naming it is answered 404; who keeps no branch is refused (403);
- `nomination`, `nomination_edit`, `nomination_decide`: the `member` persona's nomination by
  `secretary`: the township's readers, the branch and the member read it; secretary2's branch
  does not (404); the branch (and the office) amend it, the office alone decides;
- an approved round of four years ago whose title LS0101 holds: `titles` lists what one
  reads, `title` is read by the township and the branch; the office alone puts it under
  限期整改 (`title_rectify`) or revokes it (`title_revoke`); twohat, office of another township,
  only reads it as LS0101's secretary;
- `title_notice`: the revocation of 柳山村第二党支部's title of that round, circulated to every
  branch of the township: everyone who reads the round reads it.
"""

from __future__ import annotations

import datetime

from django.utils import timezone

from branches.models import Member, Position
from inspections.models import Rectification, Source
from reviews.creation_services import assessment_start, creation_round_open
from reviews.models import CreationRound, CreationStatus, Nomination, Title
from reviews.nomination_services import nomination_save
from reviews.title_services import title_revoke

LOGIN = 302
EXPECTED = {
    # ROLES: anonymous office leader leader2 secretary secretary2 inspector member twohat admin
    "reviews:nominations": ("get", [LOGIN, 200, 200, 200, 200, 200, 200, 200, 200, 200]),
    "reviews:nomination_create": ("post", [LOGIN, 302, 403, 403, 302, 404, 403, 403, 302, 302]),
    "reviews:nomination": ("get", [LOGIN, 200, 200, 200, 200, 404, 200, 200, 200, 200]),
    "reviews:nomination_edit": ("post", [LOGIN, 302, 403, 403, 302, 404, 403, 403, 302, 302]),
    "reviews:nomination_decide": ("post", [LOGIN, 302, 403, 403, 403, 404, 403, 403, 403, 302]),
    "reviews:commendations": ("get", [LOGIN, 200, 200, 200, 200, 200, 200, 200, 200, 200]),
    "reviews:commendations_word": ("get", [LOGIN, 200, 200, 200, 200, 200, 200, 200, 200, 200]),
    "reviews:titles": ("get", [LOGIN, 200, 200, 200, 200, 200, 200, 200, 200, 200]),
    "reviews:title": ("get", [LOGIN, 200, 200, 200, 200, 404, 200, 404, 200, 200]),
    "reviews:title_rectify": ("post", [LOGIN, 302, 403, 403, 403, 404, 403, 404, 403, 302]),
    "reviews:title_revoke": ("post", [LOGIN, 302, 403, 403, 403, 404, 403, 404, 403, 302]),
    "reviews:title_notice": ("get", [LOGIN, 200, 200, 200, 200, 200, 200, 200, 200, 200]),
}


# ---------------------------------------------------------------------------------------
# Builders, shared with the page tests

DAY = datetime.timedelta(days=1)


def assessing_round(personas, units, *, year: int | None = None) -> CreationRound:
    """A round of 柳山镇 in its unified assessment today, of a year the demo leaves free. Its
    plan was due more than half a year ago: the evidence covers the demo's closed evaluation."""
    today = timezone.localdate()
    dates = {
        "plan_due": today - 200 * DAY,
        "progress_1_due": today - 120 * DAY,
        "progress_2_due": today - 40 * DAY,
        "materials_due": today - 5 * DAY,
        "assessment_starts": today - 2 * DAY,
        "assessment_ends": today + 14 * DAY,
        "commendation_on": today + 30 * DAY,
    }
    office = personas["office"]
    creation_round = creation_round_open(
        township=units["LS"], year=year or today.year + 1, by=office, dates=dates
    )
    return assessment_start(round=creation_round, by=office)


def approved_round(personas, units, *, year: int | None = None) -> CreationRound:
    """A round approved years before the demo's, with seed 001's dates (commendation on 6月30日).

    Fixture data: its state is written as it stands, not walked through the steps (the
    creation rounds' own tests do that)."""
    year = year or timezone.localdate().year - 4
    creation_round = creation_round_open(township=units["LS"], year=year, by=personas["office"])
    CreationRound.objects.filter(pk=creation_round.pk).update(
        status=CreationStatus.APPROVED, approved_on=creation_round.commendation_on
    )
    creation_round.refresh_from_db()
    return creation_round


def confer(creation_round: CreationRound, unit) -> Title:
    return Title.objects.create(round=creation_round, unit=unit, conferred_on=creation_round.commendation_on)


FIVE = {
    "example_1": "坚持参加支部学习，完成学习笔记两万字。",
    "example_2": "带头发展产业，承诺事项全部兑现。",
    "example_3": "走访困难群众20户，帮办实事8件。",
    "example_4": "遵纪守法，按时交纳党费。",
    "example_5": "带头移风易俗，敢于抵制不良风气。",
}


def nominate(creation_round: CreationRound, member: Member, by, **texts) -> Nomination:
    return nomination_save(
        nomination=Nomination(round=creation_round, member=member), texts={**FIVE, **texts}, by=by
    )


def plain_member(units, code: str = "LS0101") -> Member:
    """A member of the branch with no account and no office in it."""
    members = Member.objects.filter(unit=units[code], user__isnull=True, position=Position.MEMBER)
    return members.order_by("pk").first()


# ---------------------------------------------------------------------------------------


def target(name: str, personas, units):
    from tests.test_access_matrix import Target

    if name == "reviews:titles":
        return Target()
    if name.startswith("reviews:title"):
        old = approved_round(personas, units)
        title = confer(old, units["LS0101"])
        if name == "reviews:title_notice":
            other = confer(old, units["LS0102"])
            title_revoke(title=other, reason="弄虚作假", by=personas["office"])
            return Target({"pk": other.pk})
        if name == "reviews:title_rectify":
            deadline = timezone.localdate() + 30 * DAY
            data = {"problem": "工作滑坡", "demand": "一个月内整改到位", "deadline": deadline.isoformat()}
            done = lambda: Rectification.objects.filter(source=Source.CREATION, source_id=title.pk).exists()  # noqa: E731
            return Target({"pk": title.pk}, data, done)
        if name == "reviews:title_revoke":
            done = lambda: Title.objects.filter(pk=title.pk, revoked_on__isnull=False).exists()  # noqa: E731
            return Target({"pk": title.pk}, {"revocation_reason": "评选中弄虚作假"}, done)
        return Target({"pk": title.pk})
    creation_round = assessing_round(personas, units)
    if name in ("reviews:nominations", "reviews:commendations", "reviews:commendations_word"):
        return Target({"pk": creation_round.pk})
    if name == "reviews:nomination_create":
        member = plain_member(units)
        data = {"member": str(member.pk), **FIVE}
        done = lambda: Nomination.objects.filter(round=creation_round, member=member).exists()  # noqa: E731
        return Target({"pk": creation_round.pk}, data, done)
    own = nominate(creation_round, Member.objects.get(user=personas["member"]), personas["secretary"])
    if name == "reviews:nomination_edit":
        done = lambda: Nomination.objects.filter(pk=own.pk, example_2="改过的事迹").exists()  # noqa: E731
        return Target({"pk": own.pk}, {**FIVE, "example_2": "改过的事迹"}, done)
    if name == "reviews:nomination_decide":
        done = lambda: Nomination.objects.filter(pk=own.pk, recommended=True).exists()  # noqa: E731
        return Target({"pk": own.pk}, {"recommended": "yes"}, done)
    return Target({"pk": own.pk})
