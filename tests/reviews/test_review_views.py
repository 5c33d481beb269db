"""Leader reviews through the pages: rounds, sheets, signing, scoping, coverage, 整理公开."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Level, OrgUnit
from branches.models import LiaisonPoint, Member
from core.models import Notification
from inspections.models import Rectification
from reviews.models import (
    Review,
    ReviewDemand,
    ReviewKind,
    ReviewRound,
    ReviewStatus,
    SelfAssessment,
    WorkReport,
)
from tests.reviews.access_reviews import in_ten_days, make_review, make_round, sheet_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def review_round(personas, units):
    return make_round(personas, units)


@pytest.fixture
def own(personas):
    return Member.objects.get(user=personas["member"])


def _create_url(review_round, **query) -> str:
    url = reverse("reviews:review_create", args=[review_round.pk])
    return url + "?" + "&".join(f"{key}={value}" for key, value in query.items())


def test_office_opens_a_round_and_a_second_one_for_the_period_is_refused(client_for, units):
    client = client_for("office")
    data = {"township": units["LS"].pk, "period": "2025H1", "ends_on": "2025-06-20"}
    assert not ReviewRound.objects.filter(township=units["LS"], period="2025H1").exists()
    response = client.post(reverse("reviews:round_create"), data)
    assert response.status_code == 302
    review_round = ReviewRound.objects.get(township=units["LS"], period="2025H1")
    assert response["Location"] == reverse("reviews:round", args=[review_round.pk])
    response = client.post(reverse("reviews:round_create"), data)
    assert response.status_code == 200
    assert "本期" in response.content.decode() or "已有" in response.content.decode()
    assert ReviewRound.objects.filter(township=units["LS"], period="2025H1").count() == 1


def test_round_create_offers_only_the_offices_own_township(client_for, units):
    response = client_for("office").get(reverse("reviews:round_create"))
    choices = list(response.context["form"].fields["township"].queryset)
    assert choices == [units["LS"]]


def test_leader_writes_and_signs_a_branch_sheet_with_demands(client_for, personas, units, review_round):
    client = client_for("leader")
    url = _create_url(review_round, kind="branch", unit=units["LS0101"].pk)
    assert client.get(url).status_code == 200
    data = sheet_data(
        **{
            "demands-0-problem": "台账不规范",
            "demands-0-demand": "一个月内规范台账",
            "demands-0-deadline": in_ten_days().isoformat(),
        }
    )
    response = client.post(url, data)
    assert response.status_code == 302
    review = Review.objects.get(round=review_round, kind=ReviewKind.BRANCH, unit=units["LS0101"])
    assert review.reviewer == personas["leader"]
    assert review.status == ReviewStatus.DRAFT
    assert review.demands.count() == 1
    assert not Rectification.objects.filter(source="reviews.review", source_id=review.pk).exists()

    response = client.post(reverse("reviews:review_sign", args=[review.pk]))
    assert response.status_code == 302
    review.refresh_from_db()
    assert review.status == ReviewStatus.SIGNED and review.signed_at
    demand = review.demands.get()
    rectification = demand.rectification
    assert rectification.unit == units["LS0101"] and rectification.member is None
    assert rectification.source == "reviews.review" and rectification.source_id == review.pk
    assert rectification.problem == "台账不规范" and rectification.deadline == in_ten_days()
    assert rectification.issued_by == personas["leader"]
    # The branch's secretary hears of it, and reads the signed sheet.
    assert Notification.objects.filter(
        key=f"review:{review.pk}:signed", recipient=personas["secretary"]
    ).exists()
    page = client_for("secretary").get(reverse("reviews:review", args=[review.pk]))
    assert page.status_code == 200
    assert "台账不规范" in page.content.decode()


def test_save_and_sign_in_one_step(client_for, units, review_round):
    client = client_for("leader")
    url = _create_url(review_round, kind="secretary", unit=units["LS0101"].pk)
    response = client.post(url, sheet_data(then="sign"))
    assert response.status_code == 302
    review = Review.objects.get(round=review_round, kind=ReviewKind.SECRETARY)
    assert review.status == ReviewStatus.SIGNED
    assert review.member.position == "secretary" and review.member.unit == units["LS0101"]


def test_secretary_review_demand_is_the_secretarys_own_rectification(personas, units, review_round):
    secretary = Member.objects.get(user=personas["secretary"])
    review = make_review(
        personas["leader"],
        review_round,
        units["LS0101"],
        kind=ReviewKind.SECRETARY,
        member=secretary,
        demands=[("学习不够", "加强学习", in_ten_days())],
        sign=True,
    )
    assert review.demands.get().rectification.member == secretary


def test_leader_cannot_review_a_branch_that_is_not_its_liaison_point(client_for, units, review_round):
    other = units["LS-JG"]
    assert not LiaisonPoint.objects.active().filter(leader__username="leader", branch=other).exists()
    url = _create_url(review_round, kind="branch", unit=other.pk)
    client = client_for("leader")
    assert client.get(url).status_code == 404
    assert client.post(url, sheet_data()).status_code == 404
    assert not Review.objects.filter(round=review_round).exists()


def test_ended_liaison_point_no_longer_reviews(client_for, units, review_round):
    LiaisonPoint.objects.filter(leader__username="leader", branch=units["LS0101"]).update(
        ended_on=timezone.localdate()
    )
    url = _create_url(review_round, kind="branch", unit=units["LS0101"].pk)
    assert client_for("leader").post(url, sheet_data()).status_code in (403, 404)
    assert not Review.objects.filter(round=review_round).exists()


def test_secretary_reviews_a_member_of_its_branch_and_sees_the_self_assessment(
    client_for, personas, units, review_round, own
):
    SelfAssessment.objects.create(
        round=review_round, member=own, example_1="带头学习理论", shortcomings="不足"
    )
    client = client_for("secretary")
    url = _create_url(review_round, kind="member", member=own.pk)
    page = client.get(url)
    assert page.status_code == 200
    body = page.content.decode()
    assert "带头学习理论" in body
    assert "立足本职工作争优秀" in body or "急难险重" in body  # the member's aspects, not the branch's
    response = client.post(url, sheet_data(then="sign"))
    assert response.status_code == 302
    review = Review.objects.get(round=review_round, member=own)
    assert review.kind == ReviewKind.MEMBER and review.unit == own.unit
    assert review.status == ReviewStatus.SIGNED
    # The member reads its own signed sheet.
    assert client_for("member").get(reverse("reviews:review", args=[review.pk])).status_code == 200


def test_secretary_cannot_review_a_member_of_another_branch(client_for, units, review_round):
    stranger = Member.objects.filter(unit__path__under=units["LS"].path).exclude(unit=units["LS0101"]).first()
    url = _create_url(review_round, kind="member", member=stranger.pk)
    client = client_for("secretary")
    assert client.get(url).status_code == 404
    assert client.post(url, sheet_data()).status_code == 404
    assert not Review.objects.filter(round=review_round).exists()


def test_member_does_not_see_its_draft_sheet(client_for, personas, units, review_round, own):
    review = make_review(
        personas["secretary"], review_round, units["LS0101"], kind=ReviewKind.MEMBER, member=own
    )
    assert client_for("member").get(reverse("reviews:review", args=[review.pk])).status_code == 404


def test_signed_sheet_is_read_only(client_for, personas, units, review_round):
    review = make_review(personas["leader"], review_round, units["LS0101"], sign=True)
    before = list(Review.objects.filter(pk=review.pk).values())
    client = client_for("leader")
    response = client.post(
        reverse("reviews:review_edit", args=[review.pk]), sheet_data(problems="改掉"), follow=True
    )
    assert "已签署" in response.content.decode()
    response = client.post(reverse("reviews:review_sign", args=[review.pk]), follow=True)
    assert "已签署" in response.content.decode()
    assert list(Review.objects.filter(pk=review.pk).values()) == before
    assert Rectification.objects.filter(source="reviews.review", source_id=review.pk).count() == 0


def test_second_sheet_for_the_same_subject_is_a_form_error(client_for, personas, units, review_round):
    make_review(personas["leader"], review_round, units["LS0101"])
    url = _create_url(review_round, kind="branch", unit=units["LS0101"].pk)
    response = client_for("leader").post(url, sheet_data(problems="第二张"))
    assert response.status_code == 200
    assert "已有" in response.content.decode()
    assert Review.objects.filter(round=review_round, kind="branch").count() == 1


def test_demand_deadline_before_today_is_refused(client_for, units, review_round):
    url = _create_url(review_round, kind="branch", unit=units["LS0101"].pk)
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    data = sheet_data(
        **{
            "demands-0-problem": "问题",
            "demands-0-demand": "要求",
            "demands-0-deadline": yesterday.isoformat(),
        }
    )
    response = client_for("leader").post(url, data)
    assert response.status_code == 200
    assert "不能早于今天" in response.content.decode()
    assert not Review.objects.filter(round=review_round).exists()
    assert not ReviewDemand.objects.filter(review__round=review_round).exists()


def test_signing_refuses_a_demand_whose_deadline_has_passed(client_for, personas, units, review_round):
    review = make_review(
        personas["leader"], review_round, units["LS0101"], demands=[("问题", "要求", in_ten_days())]
    )
    ReviewDemand.objects.filter(review=review).update(
        deadline=timezone.localdate() - datetime.timedelta(days=1)
    )
    response = client_for("leader").post(reverse("reviews:review_sign", args=[review.pk]), follow=True)
    assert "已过" in response.content.decode()
    review.refresh_from_db()
    assert review.status == ReviewStatus.DRAFT
    assert not Rectification.objects.filter(source="reviews.review", source_id=review.pk).exists()


def test_markup_is_shown_as_text(client_for, personas, units, review_round):
    review = make_review(
        personas["leader"], review_round, units["LS0101"], achievements="<script>alert(1)</script>", sign=True
    )
    body = client_for("office").get(reverse("reviews:review", args=[review.pk])).content.decode()
    assert "<script>alert(1)</script>" not in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body


def test_markup_in_a_meeting_place_is_refused(client_for, units, review_round):
    url = _create_url(review_round, kind="branch", unit=units["LS0101"].pk)
    response = client_for("leader").post(url, sheet_data(meeting_place="<b>会议室</b>"))
    assert response.status_code == 200
    assert not Review.objects.filter(round=review_round).exists()


def test_collective_review_needs_its_meeting(client_for, units, review_round):
    url = _create_url(review_round, kind="branch", unit=units["LS0101"].pk)
    client = client_for("leader")
    response = client.post(url, sheet_data(method="concentrated"))
    assert response.status_code == 200
    assert not Review.objects.filter(round=review_round).exists()
    data = sheet_data(
        method="concentrated",
        meeting_on=timezone.localdate().isoformat(),
        meeting_place="村部会议室",
        attendees="全体党员",
        public_representatives="王大妈、李大爷",
    )
    assert client.post(url, data).status_code == 302
    review = Review.objects.get(round=review_round)
    assert review.public_representatives == "王大妈、李大爷"


def test_work_reports_of_the_branch_and_of_a_member_reach_the_sheet(
    client_for, personas, units, review_round, own
):
    url = reverse("reviews:work_report", args=[review_round.pk])
    response = client_for("secretary").post(url, {"unit": units["LS0101"].pk, "text": "支部半年工作汇报"})
    assert response.status_code == 302
    response = client_for("member").post(url, {"text": "个人半年工作汇报"})
    assert response.status_code == 302
    assert WorkReport.objects.get(round=review_round, member=own).text == "个人半年工作汇报"
    assert (
        WorkReport.objects.get(round=review_round, unit=units["LS0101"], member=None).submitted_by
        == personas["secretary"]
    )
    page = client_for("leader").get(_create_url(review_round, kind="branch", unit=units["LS0101"].pk))
    assert "支部半年工作汇报" in page.content.decode()
    page = client_for("secretary").get(_create_url(review_round, kind="member", member=own.pk))
    assert "个人半年工作汇报" in page.content.decode()


def test_self_assessment_shows_the_members_commitments(client_for, personas, units, review_round, own):
    from commitments.models import Commitment
    from commitments.services import letter_get_or_create

    letter = letter_get_or_create(unit=own.unit, member=own, period=review_round.period)
    Commitment.objects.create(
        letter=letter,
        category="practical",
        content="帮助困难户修缮房屋",
        deadline=review_round.period_obj.end,
        percent=100,
    )
    page = client_for("member").get(reverse("reviews:self_assessment", args=[review_round.pk]))
    assert page.status_code == 200
    body = page.content.decode()
    assert "帮助困难户修缮房屋" in body and "100%" in body
    data = {f"example_{n}": f"第{n}条" for n in range(1, 6)} | {"shortcomings": "还需努力"}
    assert (
        client_for("member")
        .post(reverse("reviews:self_assessment", args=[review_round.pk]), data)
        .status_code
        == 302
    )
    data["shortcomings"] = "改过了"
    client_for("member").post(reverse("reviews:self_assessment", args=[review_round.pk]), data)
    assessment = SelfAssessment.objects.get(round=review_round, member=own)
    assert assessment.shortcomings == "改过了" and assessment.example_5 == "第5条"


def test_coverage_shows_who_is_missing(client_for, personas, units, review_round, own):
    make_review(personas["leader"], review_round, units["LS0101"], sign=True)
    make_review(
        personas["secretary"], review_round, units["LS0101"], kind=ReviewKind.MEMBER, member=own, sign=True
    )
    SelfAssessment.objects.create(round=review_round, member=own)
    response = client_for("office").get(reverse("reviews:round", args=[review_round.pk]))
    rows = {row.unit.code: row for row in response.context["rows"]}
    branches = OrgUnit.objects.filter(path__under=units["LS"].path, level=Level.BRANCH)
    assert set(rows) == set(branches.values_list("code", flat=True))
    row = rows["LS0101"]
    assert row.branch_review["status"] == "signed"
    assert row.secretary_review is None
    assert row.members == Member.objects.filter(unit__path__under=units["LS0101"].path).count()
    assert row.signed == 1 and row.assessed == 1
    other = rows["LS-JG"]
    assert other.branch_review is None and other.signed == 0
    body = response.content.decode()
    assert "缺" in body or "未点评" in body


def test_coverage_links_let_each_reviewer_write_its_own_sheets(client_for, units, review_round):
    leader_page = client_for("leader").get(reverse("reviews:round", args=[review_round.pk]))
    rows = {row.unit.code: row for row in leader_page.context["rows"]}
    assert rows["LS0101"].may_review_branch and not rows["LS-JG"].may_review_branch
    assert f"kind=branch&amp;unit={units['LS0101'].pk}" in leader_page.content.decode()
    secretary_page = client_for("secretary").get(reverse("reviews:round", args=[review_round.pk]))
    rows = {row.unit.code: row for row in secretary_page.context["rows"]}
    assert rows["LS0101"].may_review_members and not rows["LS0101"].may_review_branch
    office_page = client_for("office").get(reverse("reviews:round", args=[review_round.pk]))
    assert not any(row.may_review_branch or row.may_review_members for row in office_page.context["rows"])


def test_coverage_page_queries_are_bounded(
    client_for, personas, units, review_round, django_assert_max_num_queries
):
    from branches.services import unit_save

    for number in range(12):
        unit_save(
            unit=OrgUnit(
                code=f"LS9{number:02d}", name=f"测试第{number}支部", level=Level.BRANCH, parent=units["LS"]
            )
        )
    make_review(personas["leader"], review_round, units["LS0101"], sign=True)
    client = client_for("office")
    url = reverse("reviews:round", args=[review_round.pk])
    client.get(url)
    with django_assert_max_num_queries(20):
        response = client.get(url)
    assert len(response.context["rows"]) >= 14


def test_subject_list_offers_the_secretarys_members(client_for, review_round, own, units):
    page = client_for("secretary").get(_create_url(review_round, unit=units["LS0101"].pk))
    assert page.status_code == 200
    assert f"member={own.pk}" in page.content.decode()


def test_office_compiles_and_publishes_to_the_branches(client_for, personas, units, review_round):
    make_review(personas["leader"], review_round, units["LS0101"], achievements="成绩突出的支部", sign=True)
    draft = make_review(
        personas["leader"],
        review_round,
        units["LS0101"],
        kind=ReviewKind.SECRETARY,
        member=Member.objects.get(user=personas["secretary"]),
        achievements="草稿里的话",
    )
    url = reverse("reviews:round_compile", args=[review_round.pk])
    office = client_for("office")
    page = office.get(url)
    text = page.context["form"].initial["compilation"]
    assert "成绩突出的支部" in text and "草稿里的话" not in text
    assert draft.status == ReviewStatus.DRAFT
    # Before publication the branches do not read it.
    assert client_for("secretary").get(url).status_code == 403
    assert office.post(url, {"compilation": "整理后的点评情况", "action": "save"}).status_code == 302
    review_round.refresh_from_db()
    assert review_round.compilation == "整理后的点评情况" and review_round.published_on is None
    assert office.post(url, {"compilation": "整理后的点评情况", "action": "publish"}).status_code == 302
    review_round.refresh_from_db()
    assert review_round.published_on == timezone.localdate()
    assert Notification.objects.filter(
        key=f"reviewround:{review_round.pk}:published:{units['LS0101'].pk}", recipient=personas["secretary"]
    ).exists()
    page = client_for("secretary").get(url)
    assert page.status_code == 200 and "整理后的点评情况" in page.content.decode()
    assert client_for("secretary").post(url, {"compilation": "改", "action": "save"}).status_code == 403
    review_round.refresh_from_db()
    assert review_round.compilation == "整理后的点评情况"


def test_publishing_an_empty_compilation_is_refused(client_for, review_round):
    url = reverse("reviews:round_compile", args=[review_round.pk])
    response = client_for("office").post(url, {"compilation": "  ", "action": "publish"})
    assert response.status_code == 200
    review_round.refresh_from_db()
    assert review_round.published_on is None


def test_pages_render_for_each_role(client_for, personas, units, review_round, own):
    review = make_review(personas["leader"], review_round, units["LS0101"], sign=True)
    for role in ["office", "leader", "secretary", "member", "inspector"]:
        client = client_for(role)
        assert client.get(reverse("reviews:rounds")).status_code == 200
        assert client.get(reverse("reviews:round", args=[review_round.pk])).status_code == 200
    assert client_for("member").get(reverse("reviews:work_report", args=[review_round.pk])).status_code == 200
    assert client_for("secretary").get(reverse("reviews:review", args=[review.pk])).status_code == 200


def test_work_report_files_are_shown_to_the_reviewer(client_for, units, review_round):
    from django.core.files.uploadedfile import SimpleUploadedFile

    url = reverse("reviews:work_report", args=[review_round.pk])
    upload = SimpleUploadedFile("汇报材料.pdf", b"%PDF-1.4 test\n%%EOF\n", content_type="application/pdf")
    response = client_for("secretary").post(
        url, {"unit": units["LS0101"].pk, "text": "汇报", "files": [upload]}
    )
    assert response.status_code == 302
    page = client_for("leader").get(_create_url(review_round, kind="branch", unit=units["LS0101"].pk))
    files = page.context["report_files"]
    assert [f.original_name for f in files] == ["汇报材料.pdf"]
    assert client_for("leader").get(reverse("core:attachment", args=[files[0].pk])).status_code == 200
    assert client_for("secretary2").get(reverse("core:attachment", args=[files[0].pk])).status_code == 404


def test_secretary_cannot_upload_another_branchs_work_report(client_for, units, review_round):
    url = reverse("reviews:work_report", args=[review_round.pk])
    other = units["LS0101"]
    assert client_for("secretary2").post(url, {"unit": other.pk, "text": "冒名"}).status_code == 404
    assert not WorkReport.objects.filter(round=review_round).exists()


def test_editing_a_draft_changes_removes_and_adds_demands(client_for, personas, units, review_round):
    review = make_review(
        personas["leader"], review_round, units["LS0101"], demands=[("旧问题", "旧要求", in_ten_days())]
    )
    old = review.demands.get()
    data = sheet_data(
        problems="改过的问题",
        **{
            "demands-TOTAL_FORMS": "2",
            "demands-INITIAL_FORMS": "1",
            "demands-0-id": str(old.pk),
            "demands-0-review": str(review.pk),
            "demands-0-problem": "旧问题",
            "demands-0-demand": "旧要求",
            "demands-0-deadline": in_ten_days().isoformat(),
            "demands-0-DELETE": "on",
            "demands-1-problem": "新问题",
            "demands-1-demand": "新要求",
            "demands-1-deadline": in_ten_days().isoformat(),
        },
    )
    client = client_for("leader")
    assert client.get(reverse("reviews:review_edit", args=[review.pk])).status_code == 200
    response = client.post(reverse("reviews:review_edit", args=[review.pk]), data)
    assert response.status_code == 302
    review.refresh_from_db()
    assert review.problems == "改过的问题"
    assert list(review.demands.values_list("problem", flat=True)) == ["新问题"]


def test_another_leader_cannot_edit_or_sign_the_draft(client_for, personas, units, review_round):
    review = make_review(personas["leader"], review_round, units["LS0101"])
    before = list(Review.objects.filter(pk=review.pk).values())
    for role in ("leader2", "office"):
        client = client_for(role)
        assert client.post(
            reverse("reviews:review_edit", args=[review.pk]), sheet_data(problems="x")
        ).status_code in (
            403,
            404,
        )
        assert client.post(reverse("reviews:review_sign", args=[review.pk])).status_code in (403, 404)
    assert list(Review.objects.filter(pk=review.pk).values()) == before
