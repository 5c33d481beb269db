"""The rules of the inspections app as its services and queryset questions keep them."""

from __future__ import annotations

import datetime
import threading
import time

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone

from accounts.models import Role, RoleAssignment, User
from branches.models import LeadingGroupMember, Member
from core.models import Notification
from inspections.models import (
    Circular,
    CircularReceipt,
    CircularStatus,
    FindingCategory,
    Inspection,
    Rectification,
    RectificationNotice,
    RectificationStatus,
)
from inspections.services import (
    circular_acknowledge,
    circular_decide,
    circular_issue,
    circular_save,
    circular_submit,
    notice_issue,
    open_rectification,
    rectification_recheck,
    rectification_reply,
)
from tests.postgres import waiting_on_a_lock

DAY = datetime.timedelta(days=1)


def _issue(inspection, today, *, deadline=None, actor=None):
    items = [(f, "一周内补齐记录", deadline or today + 30 * DAY) for f in inspection.findings.all()]
    return notice_issue(actor=actor or inspection.created_by, inspection=inspection, items=items, today=today)


# --- who writes what -----------------------------------------------------------------


def test_an_inspector_writes_only_for_the_branches_its_groups_cover(make_inspection, make_group, personas):
    covered = make_inspection("LS0101", final=False)
    other_group = make_group("石桥组", covers=("LS06",), leader="insp_b")
    elsewhere = make_inspection("LS06", group=other_group, final=False, actor=personas["office"])
    inspector = personas["insp_a"]
    writable = set(Inspection.objects.writable_by(inspector).values_list("pk", flat=True))
    assert covered.pk in writable and elsewhere.pk not in writable
    # It still reads the whole township.
    assert Inspection.objects.visible_to(inspector).filter(pk=elsewhere.pk).exists()


def test_a_revoked_inspector_role_closes_its_groups(make_inspection, personas):
    inspection = make_inspection("LS0101", final=False)
    RoleAssignment.objects.filter(user=personas["insp_a"], role=Role.INSPECTOR).delete()
    assert not Inspection.objects.writable_by(personas["insp_a"]).filter(pk=inspection.pk).exists()


def test_a_finalised_inspection_is_kept_by_the_office_alone(make_inspection, personas):
    inspection = make_inspection("LS0101", final=True)
    assert not Inspection.objects.writable_by(personas["insp_a"]).filter(pk=inspection.pk).exists()
    assert Inspection.objects.writable_by(personas["office"]).filter(pk=inspection.pk).exists()


def test_a_branch_reads_only_its_own_finalised_inspections(make_inspection, personas):
    draft = make_inspection("LS0101", final=False)
    final = make_inspection("LS0101", final=True)
    mine = Inspection.objects.visible_to(personas["secretary"]).filter(pk__in=[draft.pk, final.pk])
    assert set(mine) == {final}
    assert (
        not Inspection.objects.visible_to(personas["secretary2"]).filter(pk__in=[draft.pk, final.pk]).exists()
    )
    assert not Inspection.objects.visible_to(personas["member"]).exists()
    assert not Inspection.objects.visible_to(personas["secretary"]).exclude(status="final").exists()


def test_a_group_takes_only_inspectors_of_its_township(make_group, personas):
    with pytest.raises(ValidationError, match="督查"):
        make_group("混合组", members=["secretary"])


# --- notices and rectifications ----------------------------------------------------------


def test_a_notice_opens_the_rectifications_numbered_per_township_and_year(make_inspection, today, personas):
    before = RectificationNotice.objects.filter(year=today.year).count()
    first = _issue(make_inspection("LS0101"), today)
    second = _issue(make_inspection("LS0102"), today)
    assert (first.number, second.number) == (before + 1, before + 2)
    assert first.label == f"柳督改〔{today.year}〕{before + 1}号"
    rectification = first.rectifications.get()
    assert rectification.status == RectificationStatus.OPEN
    assert rectification.source_object.inspection_id == first.inspection_id
    assert rectification.get_source_display() == "督查发现问题"
    # The branch's secretary is told, once.
    told = Notification.objects.filter(key=f"notice:{first.pk}", recipient=personas["secretary"])
    assert told.count() == 1 and "柳督改" in told.get().title


def test_a_notice_needs_a_finalised_inspection_a_future_deadline_and_is_issued_once(make_inspection, today):
    draft = make_inspection("LS0101", final=False)
    with pytest.raises(ValidationError):
        _issue(draft, today)
    final = make_inspection("LS0101")
    with pytest.raises(ValidationError):
        _issue(final, today, deadline=today - DAY)
    assert not RectificationNotice.objects.filter(inspection__in=[draft, final]).exists()
    assert not Rectification.objects.filter(notice__inspection__in=[draft, final]).exists()
    _issue(final, today)
    with pytest.raises(ValidationError):
        _issue(final, today)
    assert RectificationNotice.objects.filter(inspection=final).count() == 1


def test_reply_send_back_reply_again_and_pass_keeps_every_version(make_inspection, today, personas):
    notice = _issue(make_inspection("LS0101"), today)
    rectification = notice.rectifications.get()
    secretary, inspector = personas["secretary"], personas["insp_a"]
    assert Rectification.objects.answerable_by(secretary).filter(pk=rectification.pk).exists()
    rectification_reply(actor=secretary, rectification=rectification, measures="补记会议", result="已补齐")
    # The branch that replied never re-checks its own reply.
    assert not Rectification.objects.recheckable_by(secretary).exists()
    assert Rectification.objects.recheckable_by(inspector).filter(pk=rectification.pk).exists()
    assert Rectification.objects.recheckable_by(personas["office"]).filter(pk=rectification.pk).exists()
    rectification_recheck(
        actor=inspector,
        rectification=rectification,
        passed=False,
        comment="缺签到表",
        new_deadline=today + 7 * DAY,
    )
    rectification.refresh_from_db()
    assert rectification.status == RectificationStatus.RETURNED and rectification.deadline == today + 7 * DAY
    rectification_reply(
        actor=secretary, rectification=rectification, measures="补签到表", result="已补齐签到"
    )
    rectification_recheck(actor=inspector, rectification=rectification, passed=True, comment="整改到位")
    rectification.refresh_from_db()
    assert rectification.status == RectificationStatus.PASSED
    assert (rectification.checked_by, rectification.checked_on) == (inspector, today)
    assert list(rectification.replies.values_list("version", "measures")) == [
        (1, "补记会议"),
        (2, "补签到表"),
    ]
    assert [c.passed for c in rectification.checks.all()] == [False, True]
    # Passed: nobody replies or re-checks any more.
    assert not Rectification.objects.answerable_by(secretary).filter(pk=rectification.pk).exists()
    with pytest.raises(ValidationError):
        rectification_reply(actor=secretary, rectification=rectification, measures="x", result="y")


def test_a_sent_back_reply_needs_a_comment_and_a_new_deadline_not_in_the_past(
    make_inspection, today, personas
):
    rectification = _issue(make_inspection("LS0101"), today).rectifications.get()
    rectification_reply(actor=personas["secretary"], rectification=rectification, measures="a", result="b")
    for comment, deadline in [("", None), ("再改", today - DAY)]:
        with pytest.raises(ValidationError):
            rectification_recheck(
                actor=personas["insp_a"],
                rectification=rectification,
                passed=False,
                comment=comment,
                new_deadline=deadline,
            )
    assert Rectification.objects.get(pk=rectification.pk).status == RectificationStatus.REPLIED
    assert not rectification.checks.exists()


def test_the_issuing_group_or_the_office_rechecks_not_another_group(
    make_inspection, make_group, today, personas
):
    rectification = _issue(make_inspection("LS0101"), today).rectifications.get()
    rectification_reply(actor=personas["secretary"], rectification=rectification, measures="a", result="b")
    make_group("第三组", covers=("LS0101",), leader="insp_b")
    assert not Rectification.objects.recheckable_by(personas["insp_b"]).exists()
    assert not Rectification.objects.recheckable_by(personas["leader"]).exists()


def test_a_member_answers_the_rectification_addressed_to_itself(make_inspection, today, personas, units):
    inspection = make_inspection("LS0101")
    member = Member.objects.get(user=personas["member"])
    rectification = open_rectification(
        unit=units["LS0101"],
        member=member,
        source=inspection.findings.get(),
        problem="未按时参加组织生活",
        demand="补课并写出说明",
        deadline=today + 10 * DAY,
        issued_by=personas["office"],
    )
    assert list(Rectification.objects.visible_to(personas["member"])) == [rectification]
    assert Rectification.objects.answerable_by(personas["member"]).filter(pk=rectification.pk).exists()
    assert rectification.subject == f"柳山村第一党支部 {member.name}"
    rectification_reply(
        actor=personas["member"], rectification=rectification, measures="已补课", result="写出说明"
    )
    rectification_recheck(
        actor=personas["office"], rectification=rectification, passed=False, comment="说明太简略"
    )
    # The decision reaches the member itself, and its branch's secretary.
    told = Notification.objects.filter(key__startswith=f"rectification:{rectification.pk}:check:")
    assert set(told.values_list("recipient__username", flat=True)) == {"member", "secretary"}
    assert "说明太简略" in told.get(recipient=personas["member"]).body


def test_open_rectification_refuses_a_deadline_before_its_issue_and_an_unknown_source(
    make_inspection, today, personas, units
):
    finding = make_inspection("LS0101").findings.get()
    common = {"unit": units["LS0101"], "problem": "p", "demand": "d", "issued_by": personas["office"]}
    with pytest.raises(ValidationError):
        open_rectification(source=finding, deadline=today - DAY, **common)
    with pytest.raises(ValueError):
        open_rectification(source=units["LS0101"], deadline=today, **common)
    assert not Rectification.objects.filter(problem="p").exists()


def test_overdue_is_an_open_rectification_past_the_end_of_its_deadline_day(make_inspection, today, personas):
    rectification = _issue(
        make_inspection("LS0101"), today - 10 * DAY, deadline=today - DAY
    ).rectifications.get()
    assert rectification.is_overdue(today) and not rectification.is_overdue(today - DAY)
    assert list(
        Rectification.objects.overdue(today).filter(unit__code="LS0101", pk__gte=rectification.pk)
    ) == [rectification]
    rectification_reply(actor=personas["secretary"], rectification=rectification, measures="a", result="b")
    assert Rectification.objects.overdue(today).filter(pk=rectification.pk).exists()  # not accepted yet
    rectification_recheck(actor=personas["insp_a"], rectification=rectification, passed=True)
    assert not Rectification.objects.overdue(today).filter(pk=rectification.pk).exists()


# --- circulars -------------------------------------------------------------------------------


@pytest.fixture
def seat(units):
    def make(user, name):
        return LeadingGroupMember.objects.get_or_create(
            unit=units["LS"], name=name, defaults={"user": user, "post": "member"}
        )[0]

    return make


def test_a_circular_is_approved_by_the_leading_group_never_its_drafter_then_issued(
    make_group, seat, units, personas, today
):
    inspector, leader = personas["insp_a"], personas["leader"]
    group = make_group(covers=("LS",))
    seat(leader, "李建国")
    seat(inspector, "陈德明")  # even a seat does not let the drafter approve its own circular
    circular = circular_save(
        actor=inspector,
        circular=Circular(
            township=units["LS"], group=group, month=today, title="十一月督查通报", body="正文"
        ),
    )
    assert circular.month.day == 1
    assert not Circular.objects.approvable_by(leader).filter(pk=circular.pk).exists()  # not submitted yet
    circular_submit(actor=inspector, circular=circular)
    assert not Circular.objects.approvable_by(inspector).filter(pk=circular.pk).exists()
    assert not Circular.objects.approvable_by(personas["insp_b"]).filter(pk=circular.pk).exists()  # no seat
    with pytest.raises(ValidationError):
        circular_decide(actor=inspector, circular=circular, approve=True)
    with pytest.raises(ValidationError):
        circular_issue(actor=inspector, circular=circular)  # not approved
    assert Circular.objects.approvable_by(leader).filter(pk=circular.pk).exists()
    circular_decide(actor=leader, circular=circular, approve=True)
    before = Circular.objects.filter(township=units["LS"], year=today.year).count()
    circular = circular_issue(actor=inspector, circular=Circular.objects.get(pk=circular.pk))
    assert (
        circular.status == CircularStatus.ISSUED and circular.label == f"柳督通〔{today.year}〕{before + 1}号"
    )
    branches = CircularReceipt.objects.filter(circular=circular)
    assert branches.filter(unit=units["LS0101"]).exists() and branches.filter(unit=units["LS09"]).exists()
    assert not branches.filter(unit=units["LS01"]).exists()  # a general branch is no reader
    # Every branch's secretary is told, and reads it.
    assert Notification.objects.filter(
        key__startswith=f"circular:{circular.pk}:issued", recipient=personas["secretary2"]
    ).exists()
    assert Circular.objects.visible_to(personas["secretary"]).filter(pk=circular.pk).exists()
    assert Circular.objects.acknowledgeable_by(personas["secretary"]).filter(pk=circular.pk).exists()
    assert circular_acknowledge(actor=personas["secretary"], circular=circular) == 1
    assert not Circular.objects.acknowledgeable_by(personas["secretary"]).filter(pk=circular.pk).exists()
    assert branches.get(unit=units["LS0101"]).read_by == personas["secretary"]


def test_a_returned_circular_goes_back_to_its_drafter_with_the_comment(
    make_group, seat, units, personas, today
):
    group = make_group(covers=("LS",))
    seat(personas["leader"], "李建国")
    circular = circular_save(
        actor=personas["insp_a"],
        circular=Circular(township=units["LS"], group=group, month=today, title="通报", body="正文"),
    )
    circular_submit(actor=personas["insp_a"], circular=circular)
    with pytest.raises(ValidationError):
        circular_decide(actor=personas["leader"], circular=circular, approve=False, comment=" ")
    circular_decide(actor=personas["leader"], circular=circular, approve=False, comment="补充问题部分")
    circular.refresh_from_db()
    assert circular.status == CircularStatus.RETURNED and circular.return_comment == "补充问题部分"
    assert Circular.objects.writable_by(personas["insp_a"]).filter(pk=circular.pk).exists()
    # A secretary never sees an unissued circular.
    assert not Circular.objects.visible_to(personas["secretary"]).filter(pk=circular.pk).exists()


# --- numbers under concurrency ------------------------------------------------------------------


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="needs a database with real concurrent sessions"
)
@pytest.mark.django_db(transaction=True)
def test_two_notices_issued_at_once_take_two_numbers():
    from django.core.management import call_command

    from accounts.models import OrgUnit
    from inspections.models import Finding, InspectionGroup
    from inspections.services import finding_save, group_save, inspection_finalise, inspection_save

    call_command("seed_demo", force=True, verbosity=0)
    today = timezone.localdate()
    inspector = User.objects.get(username="inspector")
    group = group_save(
        group=InspectionGroup(township=OrgUnit.objects.get(code="LS"), name="并发组", leader=inspector),
        members=[],
        units=[OrgUnit.objects.get(code="LS")],
    )
    inspections = []
    for code in ("LS06", "LS07"):
        inspection = inspection_save(
            actor=inspector,
            inspection=Inspection(
                group=group, unit=OrgUnit.objects.get(code=code), date=today, summary="总结"
            ),
        )
        finding_save(
            actor=inspector,
            finding=Finding(
                inspection=inspection, category=FindingCategory.PROBLEM, text="问题", needs_rectification=True
            ),
        )
        inspections.append(inspection_finalise(actor=inspector, inspection=inspection))
    before = RectificationNotice.objects.filter(year=today.year).count()
    inserted = threading.Event()
    errors: list[Exception] = []

    def first() -> None:
        try:
            with transaction.atomic():
                _issue(inspections[0], today, actor=inspector)
                inserted.set()
                # Commit only once the second one waits on the same number.
                give_up = time.monotonic() + 30
                while not waiting_on_a_lock() and time.monotonic() < give_up:
                    time.sleep(0.05)
        except Exception as exc:
            errors.append(exc)
        finally:
            inserted.set()
            connection.close()

    def second() -> None:
        inserted.wait(30)
        try:
            _issue(inspections[1], today, actor=inspector)
        except Exception as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == []
    numbers = sorted(
        RectificationNotice.objects.filter(inspection__in=inspections).values_list("number", flat=True)
    )
    assert numbers == [before + 1, before + 2]
