"""Joint meetings: convening with inbox invitations, minutes as Word, decisions followed up."""

from __future__ import annotations

import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from docx import Document
from docx.oxml.ns import qn

from branches.models import JointMeeting, MeetingDecision
from core.models import Channel, Notification, Webhook
from core.reminders import plan
from tests.branches.access_meetings import make_decision, make_meeting

pytestmark = pytest.mark.django_db


def _inbox(user, prefix: str) -> list[Notification]:
    """Inbox messages written for `user` (delivered at once, or at 08:00 after the quiet hours)."""
    return list(Notification.objects.filter(recipient=user, channel=Channel.INBOX, key__startswith=prefix))


def _convene_data(personas, units, **overrides) -> dict:
    held_at = timezone.localtime() + datetime.timedelta(days=7)
    data = {
        "township": str(units["LS"].pk),
        "held_at": held_at.strftime("%Y-%m-%dT%H:%M"),
        "place": "镇政府三楼会议室",
        "topic": "部署年终总结工作",
        "agenda": "一、部署年终总结\n二、听取汇报",
        "attendees": [str(personas["secretary"].pk), str(personas["leader"].pk)],
        "other_attendees": "各工作组组长",
    }
    data.update(overrides)
    return data


def test_office_convenes_a_meeting_and_attendees_find_the_invitation(client_for, personas, units):
    response = client_for("office").post(reverse("branches:meeting_create"), _convene_data(personas, units))
    meeting = JointMeeting.objects.get(topic="部署年终总结工作")
    assert response.status_code == 302 and response["Location"] == reverse(
        "branches:meeting_detail", args=[meeting.pk]
    )
    assert set(meeting.attendees.values_list("username", flat=True)) == {"secretary", "leader"}
    assert meeting.convened_by == personas["office"]
    for name in ("secretary", "leader"):
        (invitation,) = _inbox(personas[name], f"meeting:{meeting.pk}:invite")
        assert "部署年终总结工作" in invitation.title and invitation.link.endswith(f"/meetings/{meeting.pk}/")
    assert not _inbox(personas["secretary2"], f"meeting:{meeting.pk}:")
    # The invited secretary reads it; secretary2, neither invited nor concerned, does not.
    assert (
        client_for("secretary").get(reverse("branches:meeting_detail", args=[meeting.pk])).status_code == 200
    )
    assert (
        client_for("secretary2").get(reverse("branches:meeting_detail", args=[meeting.pk])).status_code == 404
    )


def test_the_invitation_goes_to_the_townships_group_bot_where_one_is_set(client_for, personas, units):
    hook = Webhook.objects.create(unit=units["LS"], platform="wecom", url="https://example.cn/hook")
    client_for("office").post(reverse("branches:meeting_create"), _convene_data(personas, units))
    meeting = JointMeeting.objects.get(topic="部署年终总结工作")
    (posted,) = Notification.objects.filter(channel=Channel.WEBHOOK, key__startswith=f"meeting:{meeting.pk}:")
    assert posted.target == f"webhook:{hook.pk}" and "部署年终总结工作" in posted.title
    # Without a bot, only the inbox (and e-mail): no group message is planned.
    hook.delete()
    make_meeting(personas, units, attendees=("secretary",))
    assert Notification.objects.filter(channel=Channel.WEBHOOK).count() == 1


def test_editing_invites_only_the_newly_added(client_for, personas, units):
    meeting = make_meeting(personas, units, attendees=("secretary",))
    data = _convene_data(personas, units, topic=meeting.topic)
    data["attendees"] = [str(personas["secretary"].pk), str(personas["secretary2"].pk)]
    assert (
        client_for("office").post(reverse("branches:meeting_edit", args=[meeting.pk]), data).status_code
        == 302
    )
    assert len(_inbox(personas["secretary"], f"meeting:{meeting.pk}:invite")) == 1
    assert len(_inbox(personas["secretary2"], f"meeting:{meeting.pk}:invite")) == 1


def test_forged_attendee_or_markup_is_refused_and_nothing_saved(client_for, personas, units, twohat):
    outsider = twohat.__class__.objects.create_user("qs_only", full_name="外镇人员")
    before = JointMeeting.objects.count()
    forged = _convene_data(personas, units, attendees=[str(outsider.pk)])
    response = client_for("office").post(reverse("branches:meeting_create"), forged)
    assert response.status_code == 200 and "attendees" in response.context["form"].errors
    markup = _convene_data(personas, units, topic="<script>alert(1)</script>")
    response = client_for("office").post(reverse("branches:meeting_create"), markup)
    assert response.status_code == 200 and response.context["form"].errors["topic"]
    formula = _convene_data(personas, units, place="=HYPERLINK(1)")
    assert client_for("office").post(reverse("branches:meeting_create"), formula).status_code == 200
    assert JointMeeting.objects.count() == before


def test_minutes_print_as_an_official_word_file(client_for, personas, units):
    meeting = make_meeting(personas, units, attendees=("secretary", "leader"))
    make_decision(personas, meeting, units["LS0101"], text="公开承诺书上墙公示")
    response = client_for("office").post(
        reverse("branches:meeting_minutes", args=[meeting.pk]),
        {"minutes": "会议听取了各支部汇报。\r\n会议要求按期完成。"},
    )
    assert response.status_code == 302
    response = client_for("secretary").get(reverse("branches:meeting_word", args=[meeting.pk]))
    assert response.status_code == 200
    document = Document(io.BytesIO(response.content))
    texts = [p.text for p in document.paragraphs]
    assert texts[0] == "研究下阶段工作会议纪要"
    title_run = document.paragraphs[0].runs[0]
    assert title_run.bold and title_run.font.size.pt == 22
    assert title_run._element.rPr.rFonts.get(qn("w:eastAsia")) == "宋体"
    body = "\n".join(texts)
    assert "地点：镇会议室" in body and "张志强" in body and "李建国" in body
    assert "会议听取了各支部汇报。\n会议要求按期完成。" in body
    assert "公开承诺书上墙公示" in body and "柳山村第一党支部" in body
    assert document.sections[0].page_width.mm == pytest.approx(210, abs=0.5)


def test_decision_needs_a_responsible_and_a_deadline_not_before_the_meeting(client_for, personas, units):
    meeting = make_meeting(personas, units, days_ago=3)
    url = reverse("branches:decision_create", args=[meeting.pk])
    client = client_for("office")
    future = (timezone.localdate() + datetime.timedelta(days=5)).isoformat()
    cases = [
        ({"text": "无人负责", "unit": "", "person": "", "deadline": future}, "Name the unit or the person"),
        ({"text": "没有时限", "unit": str(units["LS0101"].pk), "person": "", "deadline": ""}, "deadline"),
        (
            {"text": "早于会议", "unit": str(units["LS0101"].pk), "person": "", "deadline": "2020-01-01"},
            "before the meeting",
        ),
        ({"text": "<b>标记</b>", "unit": str(units["LS0101"].pk), "person": "", "deadline": future}, ""),
    ]
    with_english = {"HTTP_ACCEPT_LANGUAGE": "en"}
    for data, _words in cases:
        response = client.post(url, data, follow=True, **with_english)
        assert response.status_code == 200
        assert [m.level_tag for m in response.context["messages"]] == ["error"], data
    assert not MeetingDecision.objects.filter(meeting=meeting).exists()


def test_decision_for_a_unit_of_another_township_is_refused(client_for, personas, units, twohat):
    meeting = make_meeting(personas, units)
    qs01 = units["LS"].__class__.objects.get(code="QS01")
    data = {"text": "外镇", "unit": str(qs01.pk), "person": "", "deadline": timezone.localdate().isoformat()}
    client_for("office").post(reverse("branches:decision_create", args=[meeting.pk]), data)
    assert not MeetingDecision.objects.filter(meeting=meeting).exists()


def test_overdue_decision_is_reminded_to_the_branch_and_a_done_one_is_not(personas, units):
    meeting = make_meeting(personas, units, days_ago=30)
    late = make_decision(personas, meeting, units["LS0101"], due_in=-3, text="逾期事项")
    done = make_decision(personas, meeting, units["LS0101"], due_in=-3, text="已办事项")
    done.done_on, done.done_note = timezone.localdate(), "已办"
    done.save()
    planned = plan(timezone.now())
    secretary = personas["secretary"].pk
    late_rows = [n for n in planned if n.key == f"meeting-decision:{late.pk}" and n.channel == Channel.INBOX]
    assert {n.recipient_id for n in late_rows} >= {secretary, personas["office"].pk}
    assert all(n.stage.startswith("overdue") for n in late_rows)
    assert not [n for n in planned if n.key == f"meeting-decision:{done.pk}"]


def test_decision_for_a_person_is_reminded_to_that_person(personas, units):
    meeting = make_meeting(personas, units)
    decision = make_decision(personas, meeting, person=personas["leader2"], due_in=1)
    planned = plan(timezone.now())
    assert personas["leader2"].pk in {
        n.recipient_id for n in planned if n.key == f"meeting-decision:{decision.pk}"
    }
    assert _inbox(personas["leader2"], f"meeting-decision:{decision.pk}:assigned")


def test_open_decisions_show_on_the_branch_page(client_for, personas, units):
    meeting = make_meeting(personas, units)
    make_decision(personas, meeting, units["LS0101"], text="建立党员积分台账")
    page = (
        client_for("secretary")
        .get(reverse("branches:unit_detail", args=[units["LS0101"].pk]))
        .content.decode()
    )
    assert "unit-meeting-decisions" in page and "建立党员积分台账" in page
    other = (
        client_for("office").get(reverse("branches:unit_detail", args=[units["LS0201"].pk])).content.decode()
    )
    assert "建立党员积分台账" not in other


def test_secretary_reports_its_decision_done(client_for, personas, units):
    meeting = make_meeting(personas, units)
    decision = make_decision(personas, meeting, units["LS0101"])
    url = reverse("branches:decision_done", args=[decision.pk])
    response = client_for("secretary").post(url, {"note": ""}, follow=True)
    assert MeetingDecision.objects.get(pk=decision.pk).done_on is None
    response = client_for("secretary").post(url, {"note": "台账已建立"})
    assert response.status_code == 302
    decision.refresh_from_db()
    assert decision.done_on == timezone.localdate() and decision.done_note == "台账已建立"
    page = (
        client_for("secretary")
        .get(reverse("branches:unit_detail", args=[units["LS0101"].pk]))
        .content.decode()
    )
    assert "台账已建立" not in page and "完善活动台账" not in page


def test_secretary2_cannot_report_another_branchs_decision(client_for, personas, units):
    meeting = make_meeting(personas, units, attendees=("secretary", "secretary2"))
    decision = make_decision(personas, meeting, units["LS0101"])
    response = client_for("secretary2").post(
        reverse("branches:decision_done", args=[decision.pk]), {"note": "冒充"}
    )
    assert response.status_code == 404
    assert MeetingDecision.objects.get(pk=decision.pk).done_on is None


def test_demo_has_an_overdue_decision_for_the_first_branch(units):
    late = MeetingDecision.objects.open().filter(unit=units["LS0101"], deadline__lt=timezone.localdate())
    assert late.exists()
    assert JointMeeting.objects.filter(township=units["LS"]).exclude(minutes="").count() >= 2


def test_meeting_list_queries_do_not_grow(client_for, personas, units, django_assert_max_num_queries):
    for number in range(5):
        make_decision(personas, make_meeting(personas, units, topic=f"会议{number}"), units["LS0101"])
    client = client_for("office")
    client.get(reverse("branches:meeting_list"))  # the session is written once
    with django_assert_max_num_queries(15):
        assert client.get(reverse("branches:meeting_list")).status_code == 200
