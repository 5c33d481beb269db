"""Liaison-visit URLs for the access matrix (tests/test_access_matrix.py).

Objects, built by `target()` (and `make_visit`, which the page tests reuse):
- a visit of `leader` to 柳山村第一党支部 (LS0101), its liaison branch, not confirmed yet,
  with one open follow-up: the township's readers and the branch's secretary (and twohat,
  its secretary too) read it; secretary2's branch and a plain member do not (404);
- `visit_create`: `leader` records a visit to LS0101; anybody else, the office included, has
  no liaison point there (404);
- `visit_confirm`: only the branch's secretary (and a superuser) confirms; readers 403;
- `visit_follow_up_done`: the visit's leader or the branch's secretary;
- `visit_setting`: the office of a township (twohat's 青石镇 too: its own township).
"""

from __future__ import annotations

import datetime

from django.utils import timezone

from branches.models import LiaisonVisit, VisitFollowUp, VisitKind
from branches.visit_services import visit_record

LOGIN = 302
EXPECTED = {
    # ROLES: anonymous office leader leader2 secretary secretary2 inspector member twohat admin
    "branches:visit_list": ("get", [LOGIN, 200, 200, 200, 200, 200, 200, 200, 200, 200]),
    "branches:visit_coverage": ("get", [LOGIN, 200, 200, 200, 200, 200, 200, 200, 200, 200]),
    "branches:visit_setting": ("get", [LOGIN, 200, 403, 403, 403, 403, 403, 403, 200, 200]),
    "branches:visit_create": ("post", [LOGIN, 404, 302, 404, 404, 404, 404, 404, 404, 404]),
    "branches:visit_detail": ("get", [LOGIN, 200, 200, 200, 200, 404, 200, 404, 200, 200]),
    "branches:visit_confirm": ("post", [LOGIN, 403, 403, 403, 302, 404, 403, 404, 302, 302]),
    "branches:visit_follow_up_done": ("post", [LOGIN, 403, 302, 403, 302, 404, 403, 404, 302, 302]),
}


def make_visit(personas, units, *, code="LS0101", days_ago=1, follow_up_in=5, **fields) -> LiaisonVisit:
    today = timezone.localdate()
    values = {"kind": VisitKind.RESEARCH, "findings": "台账基本规范", **fields}
    visit = LiaisonVisit(branch=units[code], visited_on=today - datetime.timedelta(days=days_ago), **values)
    follow_ups = []
    if follow_up_in is not None:
        follow_ups = [
            VisitFollowUp(text="补齐学习记录", deadline=today + datetime.timedelta(days=follow_up_in))
        ]
    return visit_record(actor=personas["leader"], visit=visit, follow_ups=follow_ups)


def visit_data(**overrides) -> dict:
    """A valid POST of the visit form with two empty follow-up rows."""
    data = {
        "visited_on": timezone.localdate().isoformat(),
        "kind": VisitKind.GUIDANCE,
        "met": "支部委员",
        "findings": "承诺台账需要细化",
        "solved": "",
        "follow_ups-TOTAL_FORMS": "2",
        "follow_ups-INITIAL_FORMS": "0",
        "follow_ups-MIN_NUM_FORMS": "0",
        "follow_ups-MAX_NUM_FORMS": "10",
        "follow_ups-0-text": "",
        "follow_ups-0-deadline": "",
        "follow_ups-1-text": "",
        "follow_ups-1-deadline": "",
    }
    data.update(overrides)
    return data


def target(name: str, personas, units):
    from tests.test_access_matrix import Target

    if name in ("branches:visit_list", "branches:visit_coverage", "branches:visit_setting"):
        return Target()
    if name == "branches:visit_create":
        branch = units["LS0101"]
        before = LiaisonVisit.objects.filter(branch=branch).count()
        done = lambda: LiaisonVisit.objects.filter(branch=branch).count() == before + 1  # noqa: E731
        return Target({"branch": branch.pk}, data=visit_data(), done=done)
    visit = make_visit(personas, units)
    if name == "branches:visit_confirm":
        done = lambda: LiaisonVisit.objects.get(pk=visit.pk).confirmed_at is not None  # noqa: E731
        return Target({"pk": visit.pk}, data={"confirm": "1", "remark": "属实"}, done=done)
    if name == "branches:visit_follow_up_done":
        follow_up = visit.follow_ups.get()
        done = lambda: VisitFollowUp.objects.get(pk=follow_up.pk).done_on is not None  # noqa: E731
        return Target({"pk": visit.pk, "follow_up": follow_up.pk}, done=done)
    return Target({"pk": visit.pk})
