"""Rectification and circular URLs for the access matrix (tests/test_access_matrix.py).

Objects, all built by `target()` (and the helpers below, which the page tests reuse):
- a group "A2测试组" led by `inspector`, covering 柳山村第一党支部 (LS0101), and a finalised
  inspection of LS0101 by it, whose findings raise the rectifications;
- `rectification` (detail) and `rectification_reply`: a rectification addressed to the
  `member` persona's own Member record in LS0101, still open: the member sees and answers
  its own, the branch's secretary (and twohat, secretary of LS0101) answers it too, nobody
  else replies (the office and the group re-check, they do not reply; a superuser is no
  branch);
- `rectification_recheck`: a rectification of LS0101 itself, replied by `secretary`: the
  office and the issuing group's `inspector` re-check it; the branch never does (secretary,
  twohat); a superuser does, as the office would;
- circulars of 柳山镇 drafted by `inspector` in its group: a draft (`circular_edit`,
  `circular_submit`), a submitted one (`circular_decide`), an approved one
  (`circular_issue`), an issued one with every receipt unread (`circular`, `circular_word`,
  `circular_acknowledge`, by the secretaries of the branches alone). Only `leader` holds a
  seat with an account in 柳山镇's leading group (target() unlinks any other seat the demo
  may give), so `leader2` and `admin` (a superuser sits in no leading group) are refused
  the decision.
"""

from __future__ import annotations

import datetime

from django.utils import timezone

from accounts.models import OrgUnit
from branches.models import LeadingGroupMember, Member
from inspections.models import (
    Circular,
    CircularReceipt,
    CircularStatus,
    Finding,
    FindingCategory,
    Inspection,
    InspectionGroup,
    Rectification,
    RectificationStatus,
)
from inspections.services import (
    circular_decide,
    circular_issue,
    circular_save,
    circular_submit,
    group_save,
    inspection_finalise,
    inspection_save,
    open_rectification,
    rectification_reply,
)

LOGIN = 302
EXPECTED = {
    # ROLES: anonymous office leader leader2 secretary secretary2 inspector member twohat admin
    "inspections:rectifications": ("get", [LOGIN, 200, 200, 200, 200, 200, 200, 200, 200, 200]),
    "inspections:rectification": ("get", [LOGIN, 200, 200, 200, 200, 404, 200, 200, 200, 200]),
    "inspections:rectification_reply": ("post", [LOGIN, 403, 403, 403, 302, 404, 403, 302, 302, 403]),
    "inspections:rectification_recheck": ("post", [LOGIN, 302, 403, 403, 403, 404, 302, 404, 403, 302]),
    "inspections:circulars": ("get", [LOGIN, 200, 200, 200, 200, 200, 200, 200, 200, 200]),
    "inspections:circular_create": ("get", [LOGIN, 200, 403, 403, 403, 403, 200, 403, 403, 200]),
    "inspections:circular": ("get", [LOGIN, 200, 200, 200, 200, 200, 200, 404, 200, 200]),
    "inspections:circular_word": ("get", [LOGIN, 200, 200, 200, 200, 200, 200, 404, 200, 200]),
    "inspections:circular_edit": ("get", [LOGIN, 200, 403, 403, 404, 404, 200, 404, 404, 200]),
    "inspections:circular_submit": ("post", [LOGIN, 302, 403, 403, 404, 404, 302, 404, 404, 302]),
    "inspections:circular_decide": ("post", [LOGIN, 403, 302, 403, 404, 404, 403, 404, 404, 403]),
    "inspections:circular_issue": ("post", [LOGIN, 302, 403, 403, 404, 404, 302, 404, 404, 302]),
    "inspections:circular_acknowledge": ("post", [LOGIN, 403, 403, 403, 302, 302, 403, 404, 302, 403]),
}


# ---------------------------------------------------------------------------------------
# Builders, shared with the page tests


def make_group(personas, units, name: str = "A2测试组", covers: tuple[str, ...] = ("LS0101",)):
    group = InspectionGroup(township=units["LS"], name=name, leader=personas["inspector"])
    return group_save(group=group, members=[personas["inspector"]], units=[units[c] for c in covers])


def make_inspection(personas, units, group, *, unit: str = "LS0101", day: datetime.date | None = None):
    inspection = Inspection(
        group=group,
        unit=units[unit],
        date=day or timezone.localdate(),
        methods=["report", "records"],
        summary="听取汇报，抽查三会一课记录。",
    )
    inspection_save(actor=personas["inspector"], inspection=inspection)
    return inspection_finalise(actor=personas["inspector"], inspection=inspection, today=inspection.date)


def make_finding(inspection, text: str, category: str = FindingCategory.PROBLEM, **flags) -> Finding:
    flags.setdefault("needs_rectification", category in (FindingCategory.PROBLEM, FindingCategory.NEGATIVE))
    return Finding.objects.create(inspection=inspection, category=category, text=text, **flags)


def make_rectification(
    personas, inspection, text: str = "三会一课记录不全", *, member=None, deadline=None, issued_on=None
) -> Rectification:
    finding = make_finding(inspection, text)
    return open_rectification(
        unit=inspection.unit,
        member=member,
        source=finding,
        problem=text,
        demand="一周内补齐记录",
        deadline=deadline or timezone.localdate() + datetime.timedelta(days=10),
        issued_by=personas["inspector"],
        group=inspection.group,
        issued_on=issued_on,
    )


def give_seat(township: OrgUnit, user, name: str) -> LeadingGroupMember:
    seat, _ = LeadingGroupMember.objects.get_or_create(
        unit=township, user=user, defaults={"name": name, "post": "member"}
    )
    return seat


def make_circular(personas, units, group, status: str = CircularStatus.DRAFT, title="A2测试通报") -> Circular:
    circular = Circular(
        township=units["LS"], group=group, month=timezone.localdate(), title=title, body="一、基本情况\n正文"
    )
    circular = circular_save(actor=personas["inspector"], circular=circular)
    if status == CircularStatus.DRAFT:
        return circular
    circular = circular_submit(actor=personas["inspector"], circular=circular)
    if status == CircularStatus.SUBMITTED:
        return circular
    give_seat(units["LS"], personas["leader"], "李建国")
    circular = circular_decide(actor=personas["leader"], circular=circular, approve=True)
    if status == CircularStatus.APPROVED:
        return circular
    return circular_issue(actor=personas["inspector"], circular=circular)


# ---------------------------------------------------------------------------------------


def _becomes(model, pk, **values):
    """For a POST's `done`: whether the object now has these values."""

    def done() -> bool:
        return model.objects.filter(pk=pk, **values).exists()

    return done


def target(name: str, personas, units):
    from tests.test_access_matrix import Target

    group = make_group(personas, units)
    if name.startswith("inspections:rectification"):
        inspection = make_inspection(personas, units, group)
        own = Member.objects.get(user=personas["member"])
        if name == "inspections:rectifications":
            return Target()
        if name == "inspections:rectification":
            return Target({"pk": make_rectification(personas, inspection, member=own).pk})
        if name == "inspections:rectification_reply":
            rectification = make_rectification(personas, inspection, member=own)
            data = {"measures": "补齐了会议记录", "result": "已整改到位"}
            done = _becomes(Rectification, rectification.pk, status=RectificationStatus.REPLIED)
            return Target({"pk": rectification.pk}, data, done)
        if name == "inspections:rectification_recheck":
            rectification = make_rectification(personas, inspection)
            rectification_reply(
                actor=personas["secretary"], rectification=rectification, measures="补齐", result="到位"
            )
            done = _becomes(Rectification, rectification.pk, status=RectificationStatus.PASSED)
            return Target({"pk": rectification.pk}, {"decision": "pass", "comment": ""}, done)
    # Circulars: only `leader` approves (see the module's docstring).
    LeadingGroupMember.objects.filter(unit=units["LS"]).exclude(user=personas["leader"]).update(user=None)
    give_seat(units["LS"], personas["leader"], "李建国")
    if name in ("inspections:circulars", "inspections:circular_create"):
        return Target()
    if name in ("inspections:circular_edit", "inspections:circular_submit"):
        circular = make_circular(personas, units, group)
        done = _becomes(Circular, circular.pk, status=CircularStatus.SUBMITTED)
        return Target({"pk": circular.pk}, done=done if name.endswith("submit") else None)
    if name == "inspections:circular_decide":
        circular = make_circular(personas, units, group, CircularStatus.SUBMITTED)
        done = _becomes(Circular, circular.pk, status=CircularStatus.APPROVED)
        return Target({"pk": circular.pk}, {"decision": "approve", "comment": ""}, done)
    if name == "inspections:circular_issue":
        circular = make_circular(personas, units, group, CircularStatus.APPROVED)
        done = _becomes(Circular, circular.pk, status=CircularStatus.ISSUED)
        return Target({"pk": circular.pk}, done=done)
    circular = make_circular(personas, units, group, CircularStatus.ISSUED)
    if name == "inspections:circular_acknowledge":
        done = lambda: CircularReceipt.objects.filter(circular=circular, read_at__isnull=False).exists()  # noqa: E731
        return Target({"pk": circular.pk}, done=done)
    return Target({"pk": circular.pk})
