"""Rows of the access matrix (tests/test_access_matrix.py) for the inspection pages.

Objects: a group of 柳山镇 led by `inspector` covering 柳山村第一党支部 (LS0101), and its
inspections of LS0101 — a finalised one for the pages a branch reads, a draft for the
pages only its recorders open. `twohat` (office of 青石镇, secretary of LS0101) reads here
like a secretary; on list and create pages its own township opens them (as elsewhere in
the matrix).
"""

from __future__ import annotations

import datetime

from django.utils import timezone

LOGIN = 302

# Order: anonymous, office, leader, leader2, secretary, secretary2, inspector, member, twohat, admin.
EXPECTED = {
    "inspections:list": ("get", [LOGIN, 200, 200, 200, 200, 200, 200, 403, 200, 200]),
    "inspections:create": ("get", [LOGIN, 200, 403, 403, 403, 403, 200, 403, 200, 200]),
    "inspections:coverage": ("get", [LOGIN, 200, 200, 200, 403, 403, 200, 403, 200, 200]),
    "inspections:groups": ("get", [LOGIN, 200, 200, 200, 403, 403, 200, 403, 200, 200]),
    "inspections:group_create": ("get", [LOGIN, 200, 403, 403, 403, 403, 403, 403, 200, 200]),
    "inspections:group_edit": ("get", [LOGIN, 200, 403, 403, 404, 404, 403, 404, 404, 200]),
    # A finalised inspection: the branch reads it, only the office still edits it.
    "inspections:detail": ("get", [LOGIN, 200, 200, 200, 200, 404, 200, 404, 200, 200]),
    # A draft: the branch does not see it yet.
    "inspections:edit": ("get", [LOGIN, 200, 403, 403, 404, 404, 200, 404, 404, 200]),
    "inspections:finalise": ("post", [LOGIN, 302, 403, 403, 404, 404, 302, 404, 404, 302]),
    "inspections:finding_create": ("get", [LOGIN, 200, 403, 403, 404, 404, 200, 404, 404, 200]),
    "inspections:finding_edit": ("get", [LOGIN, 200, 403, 403, 404, 404, 200, 404, 404, 200]),
    "inspections:finding_delete": ("post", [LOGIN, 302, 403, 403, 404, 404, 302, 404, 404, 302]),
    # A finalised inspection with a finding to put right: its group or the office issues the notice.
    "inspections:notice_create": ("post", [LOGIN, 302, 403, 403, 403, 404, 302, 404, 403, 302]),
    "inspections:notice": ("get", [LOGIN, 200, 200, 200, 200, 404, 200, 404, 200, 200]),
    "inspections:notice_word": ("get", [LOGIN, 200, 200, 200, 200, 404, 200, 404, 200, 200]),
}


def target(name: str, personas, units):  # noqa: C901 - one branch per URL, read as a table
    """The Target (tests.test_access_matrix) of one of the inspection URLs, or None."""
    from inspections.models import Finding, Inspection, InspectionGroup, InspectionStatus, RectificationNotice
    from inspections.services import (
        finding_save,
        group_save,
        inspection_finalise,
        inspection_save,
        notice_issue,
    )
    from tests.test_access_matrix import Target

    if name not in EXPECTED:
        return None
    inspector = personas["inspector"]
    group = group_save(
        group=InspectionGroup(township=units["LS"], name="矩阵测试督查组", leader=inspector),
        members=[],
        units=[units["LS0101"]],
    )

    def inspection(*, final: bool, finding: bool = False, rectify: bool = True) -> Inspection:
        record = inspection_save(
            actor=inspector,
            inspection=Inspection(
                group=group,
                unit=units["LS0101"],
                date=timezone.localdate(),
                methods=["report"],
                summary="听取支部书记汇报，查阅“三会一课”记录。",
            ),
        )
        if finding:
            finding_save(
                actor=inspector,
                finding=Finding(
                    inspection=record,
                    category="problem",
                    text="组织生活会记录不全",
                    needs_rectification=rectify,
                ),
            )
        if final:
            record = inspection_finalise(actor=inspector, inspection=record)
        return record

    if name in ("inspections:list", "inspections:create", "inspections:coverage", "inspections:groups"):
        return Target()
    if name == "inspections:group_create":
        return Target()
    if name == "inspections:group_edit":
        return Target({"pk": group.pk})
    if name == "inspections:detail":
        return Target({"pk": inspection(final=True, finding=True).pk})
    if name in ("inspections:edit", "inspections:finding_create"):
        return Target({"pk": inspection(final=False).pk})
    if name == "inspections:finalise":
        draft = inspection(final=False)
        done = lambda: Inspection.objects.get(pk=draft.pk).status == InspectionStatus.FINAL  # noqa: E731
        return Target({"pk": draft.pk}, done=done)
    if name == "inspections:finding_edit":
        return Target({"pk": inspection(final=False, finding=True).findings.get().pk})
    if name == "inspections:finding_delete":
        finding = inspection(final=False, finding=True).findings.get()
        return Target({"pk": finding.pk}, done=lambda: not Finding.objects.filter(pk=finding.pk).exists())
    if name == "inspections:notice_create":
        final = inspection(final=True, finding=True)
        finding = final.findings.get()
        deadline = timezone.localdate() + datetime.timedelta(days=30)
        data = {f"demand_{finding.pk}": "十日内补齐记录", f"deadline_{finding.pk}": deadline.isoformat()}
        done = lambda: RectificationNotice.objects.filter(inspection=final).exists()  # noqa: E731
        return Target({"pk": final.pk}, data, done)
    if name in ("inspections:notice", "inspections:notice_word"):
        final = inspection(final=True, finding=True)
        deadline = timezone.localdate() + datetime.timedelta(days=30)
        notice = notice_issue(
            actor=inspector, inspection=final, items=[(final.findings.get(), "十日内补齐记录", deadline)]
        )
        return Target({"pk": notice.pk})
    return None
