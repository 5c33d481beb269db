"""督查通报: drafted from the month's inspections, approved by the leading group, read by the branches."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from branches.models import LeadingGroupMember
from inspections.drafting import circular_draft
from inspections.models import Circular, CircularReceipt, CircularStatus, FindingCategory
from inspections.services import receiving_branches, rectification_recheck, rectification_reply
from tests.inspections.access_rectifications import (
    give_seat,
    make_circular,
    make_finding,
    make_group,
    make_inspection,
    make_rectification,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def group(personas, units):
    return make_group(personas, units, covers=("LS",))


# A month long past, which the demo's own inspections leave alone.
MONTH = datetime.date(2025, 3, 1)


@pytest.fixture
def month_of_work(personas, units, group):
    """A month with one finalised inspection of LS0101, a finding of every kind, a rectification
    opened and one passed."""
    day = MONTH.replace(day=10)
    inspection = make_inspection(personas, units, group, day=day)
    texts = {
        FindingCategory.ARRANGEMENT: "制定了月度活动计划",
        FindingCategory.PROGRESS: "完成党员承诺公示",
        FindingCategory.EXPERIENCE: "党员积分制管理效果好",
        FindingCategory.PROBLEM: "三会一课记录不全",
        FindingCategory.NEGATIVE: "个别党员长期不参加组织生活",
    }
    for category, text in texts.items():
        make_finding(
            inspection,
            text,
            category,
            promote=category == FindingCategory.EXPERIENCE,
            needs_rectification=False,
        )
    make_rectification(personas, inspection, "台账未及时更新", issued_on=day)
    done = make_rectification(personas, inspection, "制度未上墙", issued_on=day)
    rectification_reply(actor=personas["secretary"], rectification=done, measures="已上墙", result="完成")
    rectification_recheck(actor=personas["inspector"], rectification=done, passed=True, today=day)
    return inspection


def _state(circular):
    return (
        Circular.objects.filter(pk=circular.pk)
        .values_list("status", "number", "decided_by", "issued_at", "return_comment")
        .get(),
        CircularReceipt.objects.filter(circular=circular).count(),
        CircularReceipt.objects.filter(circular=circular, read_at__isnull=False).count(),
    )


def test_the_draft_is_written_from_the_months_finalised_inspections(units, month_of_work):
    month = MONTH
    title, body = circular_draft(units["LS"], month)
    assert title == f"柳山镇{month.year}年{month.month}月创先争优督查通报"
    for heading in [
        "一、基本情况",
        "二、工作安排和落实情况",
        "三、进展情况和阶段性成果",
        "四、成功经验和工作方法",
        "五、困难、矛盾和问题",
        "六、消极敷衍或严重失误的反面事例",
        "七、值得推广的经验做法",
        "八、整改情况",
    ]:
        assert heading in body, heading
    inspected, not_inspected = body.split("已督查的党支部：")[1].split("未督查的党支部：")
    assert "柳山村第一党支部" in inspected.splitlines()[0]
    assert units["LS0201"].name in not_inspected.splitlines()[0]
    assert "柳山村第一党支部：党员积分制管理效果好" in body.split("七、")[1]
    assert "台账未及时更新" in body.split("八、")[1] and "制度未上墙" in body.split("（二）")[1]


def test_the_draft_takes_a_bounded_number_of_queries(units, month_of_work, django_assert_max_num_queries):
    with django_assert_max_num_queries(6):
        circular_draft(units["LS"], MONTH)


def test_the_create_page_prefills_the_month(client_for, units, group, month_of_work):
    month = MONTH
    page = client_for("inspector").get(reverse("inspections:circular_create"), {"month": f"{month:%Y-%m}"})
    text = page.content.decode()
    assert page.status_code == 200
    assert "五、困难、矛盾和问题" in text and "三会一课记录不全" in text and "未督查的党支部" in text
    assert f"柳山镇{month.year}年{month.month}月创先争优督查通报" in text


def test_a_drafter_saves_edits_and_submits(client_for, personas, group):
    client = client_for("inspector")
    month = timezone.localdate()
    response = client.post(
        reverse("inspections:circular_create"),
        {
            "group": group.pk,
            "month_text": f"{month:%Y-%m}",
            "title": "十一月督查通报",
            "body": "一、基本情况\n良好",
        },
    )
    circular = Circular.objects.get(title="十一月督查通报")
    assert response.status_code == 302 and circular.drafted_by == personas["inspector"]
    assert circular.township.code == "LS" and circular.month == month.replace(day=1)
    response = client.post(
        reverse("inspections:circular_edit", args=[circular.pk]),
        {"title": "十一月督查通报（修改）", "body": "新正文"},
    )
    assert response.status_code == 302
    circular.refresh_from_db()
    assert circular.title == "十一月督查通报（修改）" and circular.month == month.replace(day=1)
    assert client.post(reverse("inspections:circular_submit", args=[circular.pk])).status_code == 302
    circular.refresh_from_db()
    assert circular.status == CircularStatus.SUBMITTED
    assert client.get(reverse("inspections:circular_edit", args=[circular.pk])).status_code == 403


def test_the_drafter_cannot_approve_its_own_circular(client_for, personas, units, group):
    give_seat(units["LS"], personas["inspector"], "陈德明")  # even with a seat
    circular = make_circular(personas, units, group, CircularStatus.SUBMITTED)
    before = _state(circular)
    response = client_for("inspector").post(
        reverse("inspections:circular_decide", args=[circular.pk]), {"decision": "approve"}
    )
    assert response.status_code == 403
    assert _state(circular) == before


def test_a_leader_without_a_seat_cannot_decide(client_for, personas, units, group):
    LeadingGroupMember.objects.filter(unit=units["LS"], user=personas["leader2"]).update(user=None)
    circular = make_circular(personas, units, group, CircularStatus.SUBMITTED)
    before = _state(circular)
    url = reverse("inspections:circular_decide", args=[circular.pk])
    assert client_for("leader2").post(url, {"decision": "approve"}).status_code == 403
    assert _state(circular) == before


def test_a_seat_returns_with_a_comment_then_approves(client_for, personas, units, group):
    give_seat(units["LS"], personas["leader"], "李建国")
    circular = make_circular(personas, units, group, CircularStatus.SUBMITTED)
    leader = client_for("leader")
    url = reverse("inspections:circular_decide", args=[circular.pk])
    assert "审核通过" in leader.get(reverse("inspections:circular", args=[circular.pk])).content.decode()
    leader.post(url, {"decision": "return"})  # a return needs its reason
    assert Circular.objects.get(pk=circular.pk).status == CircularStatus.SUBMITTED
    assert leader.post(url, {"decision": "return", "comment": "补充整改情况"}).status_code == 302
    page = client_for("inspector").get(reverse("inspections:circular", args=[circular.pk])).content.decode()
    assert "补充整改情况" in page and "已退回" in page
    inspector = client_for("inspector")
    inspector.post(reverse("inspections:circular_submit", args=[circular.pk]))
    assert leader.post(url, {"decision": "approve"}).status_code == 302
    circular.refresh_from_db()
    assert circular.status == CircularStatus.APPROVED and circular.decided_by == personas["leader"]


def test_issuing_an_unapproved_circular_is_refused(client_for, personas, units, group):
    circular = make_circular(personas, units, group, CircularStatus.SUBMITTED)
    before = _state(circular)
    response = client_for("office").post(reverse("inspections:circular_issue", args=[circular.pk]))
    assert response.status_code == 403
    assert _state(circular) == before


def test_issue_numbers_it_and_every_branch_gets_a_receipt(client_for, personas, units, group):
    circular = make_circular(personas, units, group, CircularStatus.APPROVED)
    response = client_for("inspector").post(reverse("inspections:circular_issue", args=[circular.pk]))
    assert response.status_code == 302
    circular.refresh_from_db()
    assert circular.status == CircularStatus.ISSUED
    assert circular.label == f"柳督通〔{circular.year}〕{circular.number}号"
    branches = set(receiving_branches(units["LS"]).values_list("pk", flat=True))
    assert set(circular.receipts.values_list("unit_id", flat=True)) == branches
    page = client_for("office").get(reverse("inspections:circular", args=[circular.pk])).content.decode()
    assert circular.label in page and f'id="unread-count">{len(branches)} 个未阅<' in page


def test_secretary_acknowledges_and_the_office_sees_who_has_not(client_for, personas, units, group):
    circular = make_circular(personas, units, group, CircularStatus.ISSUED)
    secretary = client_for("secretary")
    url = reverse("inspections:circular", args=[circular.pk])
    page = secretary.get(url).content.decode()
    assert "已阅" in page and reverse("inspections:circular_acknowledge", args=[circular.pk]) in page
    assert "签收情况" not in page  # the receipts are the office's and the group's business
    assert secretary.post(reverse("inspections:circular_acknowledge", args=[circular.pk])).status_code == 302
    receipt = CircularReceipt.objects.get(circular=circular, unit=units["LS0101"])
    assert receipt.read_by == personas["secretary"] and receipt.read_at is not None
    page = secretary.get(url).content.decode()
    assert reverse("inspections:circular_acknowledge", args=[circular.pk]) not in page
    # Read once: a second 已阅 is refused.
    assert secretary.post(reverse("inspections:circular_acknowledge", args=[circular.pk])).status_code == 403

    office = client_for("office").get(url).content.decode()
    unread = CircularReceipt.objects.filter(circular=circular, read_at__isnull=True).count()
    assert f'id="unread-count">{unread} 个未阅<' in office
    rows = office.split("<tbody>")[1]
    first_branch_row = rows.split(units["LS0101"].name)[0].rsplit("<tr", 1)[1]
    assert "unread" not in first_branch_row and "张志强" in rows
    second_row = rows.split(units["LS0201"].name)[0].rsplit("<tr", 1)[1]
    assert "unread" in second_row and "table-warning" in second_row


def test_the_list_shows_a_secretary_what_to_read(client_for, personas, units, group):
    circular = make_circular(personas, units, group, CircularStatus.ISSUED, title="本月督查通报")
    make_circular(personas, units, group, title="尚未印发的草稿")
    page = client_for("secretary").get(reverse("inspections:circulars")).content.decode()
    assert "本月督查通报" in page and "未阅" in page and "尚未印发的草稿" not in page
    office = client_for("office").get(reverse("inspections:circulars")).content.decode()
    assert "尚未印发的草稿" in office and circular.label in office and "table-cards" in office


def test_the_list_stays_within_bounded_queries(
    client_for, personas, units, group, django_assert_max_num_queries
):
    for number in range(5):
        make_circular(personas, units, group, CircularStatus.ISSUED, title=f"通报{number}")
    client = client_for("office")
    with django_assert_max_num_queries(15):
        assert client.get(reverse("inspections:circulars")).status_code == 200


def test_the_create_page_is_for_drafters_only(client_for, group):
    assert client_for("secretary").get(reverse("inspections:circular_create")).status_code == 403
    assert client_for("leader").get(reverse("inspections:circular_create")).status_code == 403
    page = client_for("inspector").get(reverse("inspections:circular_create")).content.decode()
    month = timezone.localdate()
    assert f"柳山镇{month.year}年{month.month}月创先争优督查通报" in page


def test_a_draft_month_before_any_inspection_says_none(units):
    month = datetime.date(2001, 1, 1)
    _title, body = circular_draft(units["LS"], month)
    assert "本月无。" in body and "已督查的党支部：无" in body
