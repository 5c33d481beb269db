"""优秀共产党员 nominations: who nominates whom, the nominee's evidence read from the records,
the flag below the evaluation's pass mark, the office's decision and the commendation list."""

from __future__ import annotations

import datetime
import io
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from docx import Document

from branches.models import Member
from commitments.models import Commitment
from commitments.services import commitment_save
from core.periods import Period
from reviews.evaluation_services import campaign_close, tally_save
from reviews.models import CreationRound, EvaluationSubject, Nomination, Review, ReviewStatus
from reviews.nomination_services import nomination_decide
from tests.reviews.access_evaluations import make_campaign
from tests.reviews.access_nominations import FIVE, assessing_round, nominate, plain_member

DAY = datetime.timedelta(days=1)


@pytest.fixture
def creation_round(personas, units) -> CreationRound:
    return assessing_round(personas, units)


def _card(page: str, nomination: Nomination) -> str:
    """The nominee's card on the nominations page."""
    start = page.index(f'id="nomination-{nomination.pk}"')
    end = page.find('class="card mb-3 nominee"', start)
    return page[start : end if end > 0 else len(page)]


def _nominations_page(client, creation_round) -> str:
    response = client.get(reverse("reviews:nominations", args=[creation_round.pk]))
    assert response.status_code == 200
    return response.content.decode()


# Who nominates whom ------------------------------------------------------------------------


def test_secretary_nominates_a_member_of_its_branch_against_the_five_examples(
    client_for, personas, units, creation_round
):
    member = plain_member(units)
    url = reverse("reviews:nomination_create", args=[creation_round.pk])
    client = client_for("secretary")
    chooser = client.get(url).content.decode()
    assert member.name in chooser and f"?member={member.pk}" in chooser
    assert "河东社区" not in chooser  # only its own branch's members
    form = client.get(url, {"member": member.pk}).content.decode()
    assert "带头学习提高" in form and "带头弘扬正气" in form
    response = client.post(url, {"member": member.pk, **FIVE})
    nomination = Nomination.objects.get(round=creation_round, member=member)
    assert response.status_code == 302 and response["Location"] == reverse(
        "reviews:nomination", args=[nomination.pk]
    )
    assert nomination.nominated_by == personas["secretary"]
    assert nomination.example_3 == FIVE["example_3"] and nomination.recommended is None


def test_another_branchs_secretary_can_neither_nominate_nor_see_the_member(
    client_for, personas, units, creation_round
):
    member = plain_member(units)  # of 柳山村第一党支部 (LS0101)
    client = client_for("secretary2")
    url = reverse("reviews:nomination_create", args=[creation_round.pk])
    assert client.get(url, {"member": member.pk}).status_code == 404
    assert client.post(url, {"member": member.pk, **FIVE}).status_code == 404
    assert not Nomination.objects.filter(member=member).exists()
    nomination = nominate(creation_round, member, personas["secretary"])
    assert client.get(reverse("reviews:nomination", args=[nomination.pk])).status_code == 404
    assert client.post(reverse("reviews:nomination_edit", args=[nomination.pk]), FIVE).status_code == 404
    assert member.name not in _nominations_page(client, creation_round)


def test_a_second_nomination_of_the_same_member_opens_the_first(client_for, personas, units, creation_round):
    member = plain_member(units)
    first = nominate(creation_round, member, personas["secretary"])
    response = client_for("office").post(
        reverse("reviews:nomination_create", args=[creation_round.pk]), {"member": member.pk, **FIVE}
    )
    assert response["Location"] == reverse("reviews:nomination", args=[first.pk])
    assert Nomination.objects.filter(member=member).count() == 1


@pytest.mark.parametrize(
    ("field", "text", "message"),
    [
        ("example_1", '=HYPERLINK("http://x")', "公式"),
        ("example_2", "<script>alert(1)</script>", "&lt; 或 &gt;"),
    ],
)
def test_markup_or_a_formula_in_an_account_is_refused_and_nothing_saved(
    client_for, units, creation_round, field, text, message
):
    member = plain_member(units)
    response = client_for("secretary").post(
        reverse("reviews:nomination_create", args=[creation_round.pk]),
        {"member": member.pk, **FIVE, field: text},
    )
    assert response.status_code == 200 and message in response.content.decode()
    assert not Nomination.objects.filter(member=member).exists()


def test_an_empty_account_is_refused(client_for, units, creation_round):
    member = plain_member(units)
    empty = dict.fromkeys(FIVE, "  ")
    response = client_for("secretary").post(
        reverse("reviews:nomination_create", args=[creation_round.pk]), {"member": member.pk, **empty}
    )
    assert response.status_code == 200 and "请至少对照“五带头”中的一项" in response.content.decode()
    assert not Nomination.objects.filter(member=member).exists()


def test_no_nomination_once_the_assessment_has_ended(client_for, units, creation_round):
    today = timezone.localdate()
    CreationRound.objects.filter(pk=creation_round.pk).update(
        assessment_starts=today - 3 * DAY, assessment_ends=today - DAY
    )
    member = plain_member(units)
    response = client_for("secretary").post(
        reverse("reviews:nomination_create", args=[creation_round.pk]), {"member": member.pk, **FIVE}
    )
    assert response.status_code == 200
    assert "推荐已截止：本轮检查验收已于" in response.content.decode()
    assert not Nomination.objects.filter(member=member).exists()
    page = _nominations_page(client_for("secretary"), creation_round)
    assert reverse("reviews:nomination_create", args=[creation_round.pk]) not in page


def test_the_branch_amends_its_nomination(client_for, personas, units, creation_round):
    nomination = nominate(creation_round, plain_member(units), personas["secretary"])
    response = client_for("secretary").post(
        reverse("reviews:nomination_edit", args=[nomination.pk]), {**FIVE, "example_4": "模范遵守村规民约。"}
    )
    assert response.status_code == 302
    nomination.refresh_from_db()
    assert nomination.example_4 == "模范遵守村规民约。" and nomination.nominated_by == personas["secretary"]


# What a member sees ---------------------------------------------------------------------------


def test_a_member_reads_its_own_nomination_and_nobody_elses(client_for, personas, units, creation_round):
    own = nominate(creation_round, Member.objects.get(user=personas["member"]), personas["secretary"])
    other = nominate(creation_round, plain_member(units), personas["secretary"])
    client = client_for("member")
    assert client.get(reverse("reviews:nomination", args=[own.pk])).status_code == 200
    assert client.get(reverse("reviews:nomination", args=[other.pk])).status_code == 404
    page = _nominations_page(client, creation_round)
    assert f'id="nomination-{own.pk}"' in page and f'id="nomination-{other.pk}"' not in page
    home = client.get(reverse("dashboards:home")).content.decode()
    assert reverse("reviews:nomination", args=[own.pk]) in home
    assert f"{creation_round.year}年度优秀共产党员推荐" in home
    assert (
        reverse("reviews:nomination", args=[own.pk])
        not in client_for("secretary2").get(reverse("dashboards:home")).content.decode()
    )


# Evidence ---------------------------------------------------------------------------------------


def test_the_nominees_commitments_follow_their_records(client_for, personas, units, creation_round):
    member = plain_member(units)
    nomination = nominate(creation_round, member, personas["secretary"])
    period = Period.containing(timezone.localdate())
    commitment = commitment_save(
        actor=personas["secretary"],
        commitment=Commitment(category="service", content="为五保户修缮房屋两间", deadline=period.end),
        owner=(member.unit, member, period.code),
    )
    card = _card(_nominations_page(client_for("office"), creation_round), nomination)
    assert "为五保户修缮房屋两间" in card and ">0/1<" in card and "0%" in card
    Commitment.objects.filter(pk=commitment.pk).update(percent=100, completed_on=timezone.localdate())
    card = _card(_nominations_page(client_for("office"), creation_round), nomination)
    assert ">1/1<" in card and "100%" in card and "已完成" in card


def test_the_nominees_signed_review_sheets_are_linked(client_for, personas, units, creation_round):
    own = Member.objects.get(user=personas["member"])
    nomination = nominate(creation_round, own, personas["secretary"])
    period = Period.containing(timezone.localdate()).code
    sheet = Review.objects.get(member=own, status=ReviewStatus.SIGNED, round__period=period)  # the demo's
    card = _card(_nominations_page(client_for("leader"), creation_round), nomination)
    assert reverse("reviews:review", args=[sheet.pk]) in card and "张志强" in card


def _evaluate(personas, units, member, satisfied: int, valid: int, title: str):
    """A closed evaluation of this half-year in which `member` got `satisfied` of `valid`."""
    campaign = make_campaign(personas, units, covers=(member.unit.code,), title=title)
    subject = EvaluationSubject.objects.get(campaign=campaign, member=member)
    subject.handed_out = subject.returned = subject.paper_valid = valid
    subject.paper_satisfied, subject.paper_basic, subject.paper_unsatisfied = satisfied, 0, valid - satisfied
    tally_save(actor=personas["office"], campaign=campaign, subjects=[subject])
    return campaign_close(actor=personas["office"], campaign=campaign)


def _result(card: str, title: str) -> tuple[str, str]:
    """(satisfaction, badge colour) of the campaign's line in the nominee's evidence."""
    match = re.search(rf"{title}：([\d.]+%)\s*<span class=\"badge text-bg-(\w+)\">", card)
    return match.groups()


@pytest.mark.parametrize(("satisfied", "flagged"), [(800, False), (799, True)])
def test_a_nominee_below_the_pass_mark_is_flagged_and_not_at_it(
    client_for, personas, units, creation_round, satisfied, flagged
):
    member = plain_member(units, "LS0102")  # the demo's evaluation of last half-year passed it
    nomination = nominate(creation_round, member, personas["office"])
    _evaluate(personas, units, member, satisfied, 1000, title="年终测评")
    card = _card(_nominations_page(client_for("office"), creation_round), nomination)
    flag = card.split('class="row g-3 small evidence"')[0]
    assert ("群众评议未达到合格线" in flag) is flagged
    assert ("“年终测评”：满意度79.9%，合格线80%。" in flag) is flagged
    assert _result(card, "年终测评") == (f"{satisfied / 10:.1f}%", "danger" if flagged else "success")
    detail = client_for("office").get(reverse("reviews:nomination", args=[nomination.pk])).content.decode()
    assert ("群众评议未达到合格线" in detail) is flagged
    assert Nomination.objects.filter(pk=nomination.pk).exists()  # flagged, not dropped


def test_a_changed_evaluation_result_changes_the_page(client_for, personas, units, creation_round):
    member = plain_member(units, "LS0102")
    nomination = nominate(creation_round, member, personas["office"])
    campaign = _evaluate(personas, units, member, 9, 10, title="年终测评")
    card = _card(_nominations_page(client_for("office"), creation_round), nomination)
    assert "群众评议未达到合格线" not in card and _result(card, "年终测评") == ("90.0%", "success")
    EvaluationSubject.objects.filter(campaign=campaign, member=member).update(
        satisfied=5, basic=0, passed=False
    )
    card = _card(_nominations_page(client_for("office"), creation_round), nomination)
    assert "群众评议未达到合格线" in card and _result(card, "年终测评") == ("50.0%", "danger")


def test_the_nominations_page_costs_the_same_queries_for_two_nominees_or_ten(
    client_for, personas, units, creation_round, django_assert_max_num_queries
):
    members = list(Member.objects.filter(unit__path__startswith=units["LS0101"].path, user__isnull=True)[:10])
    for member in members[:2]:
        nominate(creation_round, member, personas["secretary"])
    client = client_for("office")
    url = reverse("reviews:nominations", args=[creation_round.pk])
    client.get(url)  # the session and the user loaded once
    with CaptureQueriesContext(connection) as two:
        client.get(url)
    for member in members[2:]:
        nominate(creation_round, member, personas["secretary"])
    with django_assert_max_num_queries(20), CaptureQueriesContext(connection) as ten:
        page = client.get(url).content.decode()
    assert page.count('class="card mb-3 nominee"') == 10
    assert len(ten) == len(two)


# The office's decision and the commendation list -----------------------------------------------


def test_the_office_decides_and_the_commendation_list_holds_the_recommended(
    client_for, personas, units, creation_round
):
    yes = nominate(creation_round, Member.objects.get(user=personas["member"]), personas["secretary"])
    no = nominate(creation_round, plain_member(units), personas["secretary"])
    client = client_for("office")
    for nomination, choice in [(yes, "yes"), (no, "no")]:
        response = client.post(
            reverse("reviews:nomination_decide", args=[nomination.pk]), {"recommended": choice}
        )
        assert response["Location"] == reverse("reviews:nominations", args=[creation_round.pk])
    yes.refresh_from_db()
    no.refresh_from_db()
    assert (yes.recommended, no.recommended) == (True, False)
    page = client.get(reverse("reviews:commendations", args=[creation_round.pk])).content.decode()
    assert f"柳山镇{creation_round.year}年度优秀共产党员拟表彰名单" in page
    table = page[page.index("<table") :]
    assert yes.member.name in table and no.member.name not in table
    refused = client_for("secretary").post(
        reverse("reviews:nomination_decide", args=[no.pk]), {"recommended": "yes"}
    )
    assert refused.status_code == 403
    no.refresh_from_db()
    assert no.recommended is False


def test_no_decision_once_the_round_is_submitted(personas, units, creation_round):
    from django.core.exceptions import ValidationError

    nomination = nominate(creation_round, plain_member(units), personas["secretary"])
    CreationRound.objects.filter(pk=creation_round.pk).update(status="submitted")
    assert not Nomination.objects.decidable_by(personas["office"]).filter(pk=nomination.pk).exists()
    with pytest.raises(ValidationError):
        nomination_decide(nomination=nomination, recommended=True, by=personas["office"])
    nomination.refresh_from_db()
    assert nomination.recommended is None


def test_the_commendation_list_as_a_word_file(client_for, personas, units, creation_round):
    commended = nominate(creation_round, Member.objects.get(user=personas["member"]), personas["secretary"])
    other = nominate(creation_round, plain_member(units), personas["secretary"])
    nomination_decide(nomination=commended, recommended=True, by=personas["office"])
    nomination_decide(nomination=other, recommended=False, by=personas["office"])
    url = reverse("reviews:commendations_word", args=[creation_round.pk])
    proposed = Document(io.BytesIO(client_for("office").get(url).content))
    assert proposed.paragraphs[0].text == f"柳山镇{creation_round.year}年度优秀共产党员拟表彰名单"
    day = creation_round.commendation_on
    Nomination.objects.filter(pk=commended.pk).update(commended_on=day)  # as the round's approval does
    response = client_for("leader").get(url)
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.wordprocessingml"
    )
    document = Document(io.BytesIO(response.content))
    assert document.paragraphs[0].text == f"柳山镇{creation_round.year}年度优秀共产党员表彰名单"
    rows = [[cell.text for cell in row.cells] for row in document.tables[0].rows]
    assert rows[0] == ["序号", "姓名", "性别", "所在党组织", "职务"]
    assert rows[1:] == [["1", "周玉兰", "女", "柳山村第一党支部", "党员"]]
    text = "\n".join(p.text for p in document.paragraphs)
    assert "中共柳山镇委员会" in text and f"{day.year}年{day.month}月{day.day}日" in text
    assert re.search(r"w:eastAsia=\"仿宋\"", document.tables[0]._element.xml)
