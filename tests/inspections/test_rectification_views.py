"""整改: the ledger and one rectification's page, through the whole loop."""

from __future__ import annotations

import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from branches.models import Member
from core.models import Attachment
from inspections.models import Rectification, RectificationCheck, RectificationReply, RectificationStatus
from inspections.services import rectification_recheck, rectification_reply
from tests.inspections.access_rectifications import (
    make_finding,
    make_group,
    make_inspection,
    make_rectification,
)

pytestmark = pytest.mark.django_db


def tiny_png(name: str = "整改照片.png"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), (200, 30, 30)).save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


@pytest.fixture
def inspection(personas, units):
    return make_inspection(personas, units, make_group(personas, units))


@pytest.fixture
def rectification(personas, inspection):
    return make_rectification(personas, inspection, "党员活动室制度未上墙")


def _state(rectification):
    return (
        Rectification.objects.filter(pk=rectification.pk).values_list("status", "deadline").get(),
        RectificationReply.objects.filter(rectification=rectification).count(),
        RectificationCheck.objects.filter(rectification=rectification).count(),
    )


def test_the_whole_loop_through_the_pages(client_for, rectification):
    secretary, inspector = client_for("secretary"), client_for("inspector")
    detail = reverse("inspections:rectification", args=[rectification.pk])
    page = secretary.get(detail).content.decode()
    assert "党员活动室制度未上墙" in page and "待整改" in page and "发送回复" in page
    assert "记录复验" not in inspector.get(detail).content.decode()  # nothing to re-check yet

    response = secretary.post(
        reverse("inspections:rectification_reply", args=[rectification.pk]),
        {"measures": "制度已制作上墙", "result": "已整改", "files": [tiny_png()]},
    )
    assert response.status_code == 302
    first = RectificationReply.objects.get(rectification=rectification)
    assert Attachment.objects.for_objects([first]).count() == 1

    new_deadline = timezone.localdate() + datetime.timedelta(days=20)
    response = inspector.post(
        reverse("inspections:rectification_recheck", args=[rectification.pk]),
        {"decision": "return", "comment": "照片不清楚，请补拍", "new_deadline": new_deadline.isoformat()},
    )
    assert response.status_code == 302
    rectification.refresh_from_db()
    assert rectification.status == RectificationStatus.RETURNED and rectification.deadline == new_deadline

    page = secretary.get(detail).content.decode()
    assert "退回重改" in page and "照片不清楚，请补拍" in page and "再次回复" in page
    response = secretary.post(
        reverse("inspections:rectification_reply", args=[rectification.pk]),
        {"measures": "重新拍照并补充制度", "result": "全部到位"},
    )
    assert response.status_code == 302
    assert list(rectification.replies.values_list("version", flat=True)) == [1, 2]

    response = inspector.post(
        reverse("inspections:rectification_recheck", args=[rectification.pk]), {"decision": "pass"}
    )
    assert response.status_code == 302
    rectification.refresh_from_db()
    assert rectification.status == RectificationStatus.PASSED

    page = secretary.get(detail).content.decode()
    for text in [
        "制度已制作上墙",
        "重新拍照并补充制度",
        "照片不清楚，请补拍",
        "复验通过",
        "退回重改",
        "陈德明",
    ]:
        assert text in page, text
    assert "版本 1" in page and "版本 2" in page
    assert reverse("core:attachment", args=[Attachment.objects.for_objects([first]).get().pk]) in page
    assert "发送回复" not in page  # nothing left to answer


def test_a_passed_rectification_takes_no_reply(client_for, personas, rectification):
    rectification_reply(actor=personas["secretary"], rectification=rectification, measures="x", result="y")
    rectification_recheck(actor=personas["inspector"], rectification=rectification, passed=True)
    before = _state(rectification)
    response = client_for("secretary").post(
        reverse("inspections:rectification_reply", args=[rectification.pk]),
        {"measures": "再改", "result": "好"},
    )
    assert response.status_code == 403
    assert _state(rectification) == before


def test_the_branch_does_not_recheck_its_own_reply(client_for, personas, rectification):
    rectification_reply(actor=personas["secretary"], rectification=rectification, measures="x", result="y")
    before = _state(rectification)
    url = reverse("inspections:rectification_recheck", args=[rectification.pk])
    assert client_for("secretary").post(url, {"decision": "pass"}).status_code == 403
    assert _state(rectification) == before
    assert (
        "记录复验"
        not in client_for("secretary")
        .get(reverse("inspections:rectification", args=[rectification.pk]))
        .content.decode()
    )


def test_another_branch_gets_not_found(client_for, rectification):
    client = client_for("secretary2")
    before = _state(rectification)
    assert client.get(reverse("inspections:rectification", args=[rectification.pk])).status_code == 404
    response = client.post(
        reverse("inspections:rectification_reply", args=[rectification.pk]), {"measures": "a", "result": "b"}
    )
    assert response.status_code == 404
    assert _state(rectification) == before


def test_sending_back_needs_a_comment(client_for, personas, rectification):
    rectification_reply(actor=personas["secretary"], rectification=rectification, measures="x", result="y")
    before = _state(rectification)
    response = client_for("inspector").post(
        reverse("inspections:rectification_recheck", args=[rectification.pk]), {"decision": "return"}
    )
    assert response.status_code == 200
    assert "请说明还需整改的内容" in response.content.decode() or "说明" in response.content.decode()
    assert _state(rectification) == before


def test_a_new_deadline_in_the_past_is_refused_with_a_message(client_for, personas, rectification):
    rectification_reply(actor=personas["secretary"], rectification=rectification, measures="x", result="y")
    before = _state(rectification)
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    response = client_for("inspector").post(
        reverse("inspections:rectification_recheck", args=[rectification.pk]),
        {"decision": "return", "comment": "再改", "new_deadline": yesterday.isoformat()},
    )
    assert response.status_code == 200
    assert "alert-danger" in response.content.decode() or "alert-error" in response.content.decode()
    assert _state(rectification) == before


def test_the_member_answers_its_own_rectification(client_for, personas, inspection):
    own = Member.objects.get(user=personas["member"])
    mine = make_rectification(personas, inspection, "未按时交纳党费", member=own)
    branch = make_rectification(personas, inspection, "支部台账不全")
    client = client_for("member")
    ledger = client.get(reverse("inspections:rectifications")).content.decode()
    assert "未按时交纳党费" in ledger and "支部台账不全" not in ledger
    page = client.get(reverse("inspections:rectification", args=[mine.pk])).content.decode()
    assert own.name in page and "发送回复" in page
    assert client.get(reverse("inspections:rectification", args=[branch.pk])).status_code == 404
    response = client.post(
        reverse("inspections:rectification_reply", args=[mine.pk]), {"measures": "已补交", "result": "完成"}
    )
    assert response.status_code == 302
    assert RectificationReply.objects.get(rectification=mine).replied_by == personas["member"]


def test_overdue_badge_counts_and_filter(client_for, personas, inspection):
    late = make_rectification(personas, inspection, "宣传栏长期未更新")
    Rectification.objects.filter(pk=late.pk).update(
        issued_on=timezone.localdate() - datetime.timedelta(days=30),
        deadline=timezone.localdate() - datetime.timedelta(days=1),
    )
    make_rectification(personas, inspection, "学习笔记不全")
    client = client_for("office")
    page = client.get(reverse("inspections:rectifications")).content.decode()
    assert "逾期" in page
    overdue = client.get(reverse("inspections:rectifications"), {"state": "overdue"}).content.decode()
    assert "宣传栏长期未更新" in overdue and "学习笔记不全" not in overdue
    overdue_count = Rectification.objects.visible_to(personas["office"]).overdue().count()
    assert overdue_count >= 1 and f'id="overdue-count">{overdue_count}<' in page
    detail = client.get(reverse("inspections:rectification", args=[late.pk])).content.decode()
    assert "逾期" in detail


def test_the_ledger_filters_and_stays_within_bounded_queries(
    client_for, personas, units, inspection, django_assert_max_num_queries
):
    for number in range(12):
        make_rectification(personas, inspection, f"问题{number}号")
    client = client_for("office")
    url = reverse("inspections:rectifications")
    with django_assert_max_num_queries(15):
        response = client.get(url)
    assert response.status_code == 200
    page = response.content.decode()
    assert "问题11号" in page and 'data-label="' in page and "table-cards" in page
    assert "问题3号" in client.get(url, {"q": "问题3号"}).content.decode()
    assert "问题3号" not in client.get(url, {"unit": units["LS0201"].pk}).content.decode()
    this_half = f"{timezone.localdate().year}H{1 if timezone.localdate().month <= 6 else 2}"
    assert "问题3号" in client.get(url, {"period": this_half}).content.decode()
    assert "问题3号" not in client.get(url, {"state": "passed"}).content.decode()


def test_the_source_inspection_is_linked_for_those_who_may_open_it(client_for, personas, inspection):
    own = Member.objects.get(user=personas["member"])
    rectification = make_rectification(personas, inspection, "未参加组织生活", member=own)
    link = reverse("inspections:detail", args=[inspection.pk])
    url = reverse("inspections:rectification", args=[rectification.pk])
    assert link in client_for("secretary").get(url).content.decode()
    assert link not in client_for("member").get(url).content.decode()


def test_the_export_runs_as_a_job(client_for, units):
    from core.models import Job

    response = client_for("office").post(
        reverse("inspections:rectifications") + f"?unit={units['LS0101'].pk}&period=2026H2"
    )
    job = Job.objects.get(owner__username="office", kind="export")
    assert response.status_code == 302 and response["Location"] == reverse("core:job_detail", args=[job.pk])
    assert job.params == {"export": "rectifications", "period": "2026H2", "unit": "LS0101"}


def test_the_notice_is_linked_for_the_branch_and_named_for_the_member(client_for, personas, inspection):
    from inspections.services import notice_issue

    own = Member.objects.get(user=personas["member"])
    finding = make_finding(inspection, "党费收缴台账不全")
    deadline = timezone.localdate() + datetime.timedelta(days=7)
    notice = notice_issue(
        actor=personas["inspector"], inspection=inspection, items=[(finding, "补齐台账", deadline)]
    )
    rectification = Rectification.objects.get(notice=notice)
    Rectification.objects.filter(pk=rectification.pk).update(member=own)
    url = reverse("inspections:rectification", args=[rectification.pk])
    link = reverse("inspections:notice", args=[notice.pk])
    page = client_for("secretary").get(url).content.decode()
    assert link in page and notice.label in page
    page = client_for("member").get(url).content.decode()
    assert link not in page and notice.label in page


def test_a_county_sized_export_goes_to_the_worker(
    client_for, settings, eager_tasks, django_capture_on_commit_callbacks
):
    from core.models import Job, JobStatus

    settings.INLINE_EXPORT_ROWS = 0
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        client_for("office").post(reverse("inspections:rectifications") + "?period=2026H2")
    assert len(callbacks) == 1  # enqueued once the request's transaction committed, not run inline
    job = Job.objects.get(owner__username="office", kind="export")
    assert job.status == JobStatus.DONE and job.result_name.endswith(".xlsx")
