"""The creation round's rules, asked of its services: the steps' order, whole scores from 0 to
10 on every criterion, exact weighted totals, the approval by a leader who scored nothing."""

from __future__ import annotations

import datetime
from decimal import Decimal
from fractions import Fraction

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from branches.models import Member
from core.models import Notification
from reviews.creation_selectors import weighted_totals
from reviews.creation_services import (
    assessment_save,
    assessment_start,
    conclusion_save,
    creation_filing_save,
    creation_round_edit,
    creation_round_open,
    round_approve,
    round_return,
    round_submit,
    self_assessment_save,
    summary_save,
)
from reviews.models import (
    CRITERIA,
    CreationAssessment,
    CreationBranch,
    CreationFiling,
    CreationRound,
    CreationStatus,
    Nomination,
    Title,
    default_weights,
)
from tests.reviews.access_creation import assessed_round, entry_of, free_year, make_round, scores

pytestmark = pytest.mark.django_db


def _messages(exc) -> str:
    return " ".join(exc.value.messages)


# ---------------------------------------------------------------------------------------
# Weighted totals


def test_weighted_total_is_exact():
    # leadership (3 criteria) 7, 8, 9 → 80; responsibility all 10 → 100; role 5, 6 → 55;
    # development all 0 → 0; five goods 10, 9, 8, 7, 6 → 80.
    marks = {code: 0 for code in CRITERIA}
    marks.update(leadership_execution=7, leadership_innovation=8, leadership_cohesion=9)
    marks.update({code: 10 for code in CRITERIA if code.startswith("responsibility")})
    marks.update(role_bastion=5, role_vanguard=6)
    marks.update(good_leadership=10, good_members=9, good_mechanisms=8, good_results=7, good_reputation=6)
    totals = weighted_totals({code: {"score": n, "note": ""} for code, n in marks.items()}, default_weights())
    assert [group.score for group in totals.groups] == [80, 100, 55, 0, 80]
    # 20 × 80 + 25 × 100 + 25 × 55 + 10 × 0 + 20 × 80, ÷ 100
    assert totals.total == Fraction(1600 + 2500 + 1375 + 0 + 1600, 100)
    assert totals.total_shown == Decimal("70.75")


def test_totals_keep_thirds_exact_and_round_only_when_shown():
    marks = scores(0, leadership_execution=1)  # leadership: 1 of 30 → 10/3
    totals = weighted_totals(marks, default_weights())
    assert totals.of("leadership").score == Fraction(10, 3)
    assert totals.total == Fraction(2, 3)  # 20 × 10/3 ÷ 100
    assert totals.total_shown == Decimal("0.67") and totals.of("leadership").score_shown == Decimal("3.33")
    assert weighted_totals({}, default_weights()) is None


# ---------------------------------------------------------------------------------------
# Opening and dates


def test_dates_given_replace_the_seed_dates(personas, units):
    year = free_year(units)
    creation_round = make_round(personas, units, dates={"commendation_on": datetime.date(year, 6, 20)})
    assert creation_round.commendation_on == datetime.date(year, 6, 20)
    assert creation_round.plan_due == datetime.date(year - 1, 8, 25)


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"dates": {"assessment_starts": datetime.date(2001, 4, 1)}}, "该日期早于上一环节的日期。"),
        ({"weights": {**default_weights(), "role": 30}}, "权重须为整数，合计为100。"),
        ({"weights": {**default_weights(), "role": 25.0}}, "权重须为整数，合计为100。"),
        ({"weights": {"leadership": 100}}, "每项创建目标都需设定权重。"),
    ],
)
def test_bad_dates_or_weights_open_nothing(personas, units, options, message):
    with pytest.raises(ValidationError) as exc:
        make_round(personas, units, year=2001, **options)
    assert message in _messages(exc)
    assert not CreationRound.objects.filter(year=2001).exists()


def test_a_branch_is_no_township(personas, units):
    with pytest.raises(ValidationError):
        creation_round_open(township=units["LS0101"], year=2001, by=personas["office"])


def test_dates_and_weights_are_fixed_once_summarised(personas, units):
    creation_round = assessed_round(personas, units, CreationStatus.SUMMARISED)
    with pytest.raises(ValidationError):
        creation_round_edit(round=creation_round, by=personas["office"], dates={}, weights=default_weights())


# ---------------------------------------------------------------------------------------
# Filings


def _at(day: datetime.date):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(23, 30)))


def test_a_filing_keeps_its_first_time_and_is_late_after_its_due_date(personas, units):
    creation_round = make_round(personas, units)
    entry = entry_of(creation_round, "LS0101")
    due = creation_round.progress_1_due
    filing = creation_filing_save(
        entry=entry, kind="progress_1", text="进展", by=personas["secretary"], now=_at(due)
    )
    assert not filing.late  # 23:30 of the due day is still on time
    amended = creation_filing_save(
        entry=entry,
        kind="progress_1",
        text="补充",
        by=personas["secretary"],
        now=_at(due + datetime.timedelta(days=3)),
    )
    assert amended.pk == filing.pk and amended.filed_at == filing.filed_at and not amended.late
    late = creation_filing_save(
        entry=entry,
        kind="materials",
        text="材料",
        by=personas["secretary"],
        now=_at(creation_round.materials_due) + datetime.timedelta(hours=1),
    )
    assert late.late


def test_an_empty_first_filing_and_filings_after_assessment_are_refused(personas, units):
    creation_round = assessed_round(personas, units)
    entry = entry_of(creation_round, "LS0101")
    with pytest.raises(ValidationError) as exc:
        creation_filing_save(entry=entry, kind="plan", text="  ", by=personas["secretary"])
    assert "请填写正文或附上至少一个文件。" in _messages(exc)
    creation_filing_save(entry=entry, kind="plan", text="方案", by=personas["secretary"])  # while assessing
    summary_save(round=creation_round, summary="总结", by=personas["office"])
    with pytest.raises(ValidationError) as exc:
        creation_filing_save(entry=entry, kind="plan", text="再改", by=personas["secretary"])
    assert "本轮创建已不再接收报送材料。" in _messages(exc)
    assert CreationFiling.objects.get(entry=entry, kind="plan").text == "方案"


# ---------------------------------------------------------------------------------------
# 自检自查 and 统一考核


def test_self_check_closes_after_the_materials_date(personas, units):
    creation_round = make_round(personas, units)
    entry = entry_of(creation_round, "LS0101")
    last_day = creation_round.materials_due
    self_assessment_save(entry=entry, scores=scores(6), by=personas["secretary"], today=last_day)
    with pytest.raises(ValidationError) as exc:
        self_assessment_save(
            entry=entry,
            scores=scores(9),
            by=personas["secretary"],
            today=last_day + datetime.timedelta(days=1),
        )
    assert "自检自查已随创建工作材料于" in _messages(exc)
    assert CreationBranch.objects.get(pk=entry.pk).self_scores["good_results"]["score"] == 6


@pytest.mark.parametrize("bad", [11, -1, 7.5, "8", True, None])
def test_scores_are_whole_numbers_from_0_to_10(personas, units, bad):
    creation_round = make_round(personas, units)
    entry = entry_of(creation_round, "LS0101")
    marks = scores(8)
    marks["role_bastion"]["score"] = bad
    with pytest.raises(ValidationError) as exc:
        self_assessment_save(entry=entry, scores=marks, by=personas["secretary"])
    assert "基层党组织战斗堡垒作用充分发挥" in _messages(exc)
    assert CreationBranch.objects.get(pk=entry.pk).self_scores == {}


def test_every_criterion_is_scored_and_notes_are_plain_text(personas, units):
    creation_round = make_round(personas, units)
    entry = entry_of(creation_round, "LS0101")
    marks = scores(8)
    del marks["good_reputation"]
    with pytest.raises(ValidationError) as exc:
        self_assessment_save(entry=entry, scores=marks, by=personas["secretary"])
    assert "群众反映好" in _messages(exc)
    with pytest.raises(ValidationError):
        self_assessment_save(
            entry=entry, scores={**scores(8), "made_up": {"score": 1}}, by=personas["secretary"]
        )
    with pytest.raises(ValidationError):
        self_assessment_save(entry=entry, scores=scores(8, note="@cmd"), by=personas["secretary"])


def test_the_office_scores_only_once_the_assessment_started(personas, units):
    office = personas["office"]
    creation_round = make_round(personas, units)
    entry = entry_of(creation_round, "LS0101")
    with pytest.raises(ValidationError):
        assessment_save(entry=entry, scores=scores(8), by=office)
    with pytest.raises(ValidationError):
        conclusion_save(entry=entry, conclusion="recommended", note="", by=office)
    assessment_start(round=creation_round, by=office)
    with pytest.raises(ValidationError) as exc:
        conclusion_save(entry=entry, conclusion="recommended", note="", by=office)
    assert "请先对该党组织评分，再作评价结论。" in _messages(exc)
    assessment_save(entry=entry, scores=scores(8), by=office)
    assessment_save(entry=entry, scores=scores(9), by=personas["admin"])
    assessment = CreationAssessment.objects.get(entry=entry)
    assert assessment.assessed_by == personas["admin"] and assessment.scores["good_results"]["score"] == 9
    with pytest.raises(ValidationError):
        conclusion_save(entry=entry, conclusion="", note="", by=office)
    with pytest.raises(ValidationError):
        conclusion_save(entry=entry, conclusion="recommended", note="<b>好</b>", by=office)
    conclusion_save(entry=entry, conclusion="not_recommended", note="整改后再报", by=office)
    assert CreationBranch.objects.get(pk=entry.pk).conclusion == "not_recommended"
    with pytest.raises(ValidationError):
        assessment_start(round=creation_round, by=office)  # already started


# ---------------------------------------------------------------------------------------
# Summary, submission, decision


def test_the_summary_waits_for_every_branch(personas, units):
    office = personas["office"]
    creation_round = assessed_round(personas, units)
    entry = entry_of(creation_round, "LS05")
    CreationBranch.objects.filter(pk=entry.pk).update(conclusion="")
    with pytest.raises(ValidationError) as exc:
        summary_save(round=creation_round, summary="总结", by=office)
    assert "柳山农业发展有限公司党支部" in _messages(exc)
    with pytest.raises(ValidationError):
        round_submit(round=creation_round, by=office)  # not summarised
    conclusion_save(entry=entry, conclusion="not_recommended", note="", by=office)
    with pytest.raises(ValidationError):
        summary_save(round=creation_round, summary=" ", by=office)
    assert summary_save(round=creation_round, summary="总结", by=office).status == CreationStatus.SUMMARISED


def test_approval_confers_titles_commends_nominations_and_tells_the_branches(personas, units):
    creation_round = assessed_round(personas, units, CreationStatus.SUBMITTED)
    own = Member.objects.get(user=personas["member"])
    other = Member.objects.filter(unit=units["LS03"]).first()
    commended = Nomination.objects.create(round=creation_round, member=own, recommended=True)
    passed_over = Nomination.objects.create(round=creation_round, member=other, recommended=False)
    round_approve(round=creation_round, by=personas["leader"], today=datetime.date(2031, 6, 1))
    creation_round.refresh_from_db()
    assert creation_round.status == CreationStatus.APPROVED
    assert creation_round.approved_by == personas["leader"] and creation_round.approved_on == datetime.date(
        2031, 6, 1
    )
    titles = Title.objects.filter(round=creation_round)
    assert set(titles.values_list("unit__code", flat=True)) == {"LS0101", "LS03"}
    assert {t.conferred_on for t in titles} == {creation_round.commendation_on}
    assert Nomination.objects.get(pk=commended.pk).commended_on == creation_round.commendation_on
    assert Nomination.objects.get(pk=passed_over.pk).commended_on is None
    told = Notification.objects.filter(key=f"creation:{creation_round.pk}:approved:{units['LS0101'].pk}")
    assert told.filter(recipient=personas["secretary"], channel="inbox").exists()
    assert "先进" in told.first().body
    with pytest.raises(ValidationError):
        round_approve(round=creation_round, by=personas["leader2"])  # decided already


def test_who_ever_scored_may_not_decide(personas, units):
    creation_round = assessed_round(personas, units)
    entry = entry_of(creation_round, "LS0101")
    assessment_save(entry=entry, scores=scores(8), by=personas["leader2"])  # leader2 scored once …
    assessment_save(entry=entry, scores=scores(9), by=personas["office"])  # … then the office again
    summary_save(round=creation_round, summary="总结", by=personas["office"])
    round_submit(round=creation_round, by=personas["office"])
    assert not CreationRound.objects.approvable_by(personas["leader2"]).filter(pk=creation_round.pk).exists()
    for who in ("leader2", "office"):
        with pytest.raises(ValidationError):
            round_approve(round=creation_round, by=personas[who])
    assert CreationRound.objects.get(pk=creation_round.pk).status == CreationStatus.SUBMITTED
    assert not Title.objects.filter(round=creation_round).exists()


def test_a_returned_round_keeps_the_comment_and_goes_back_to_the_office(personas, units):
    creation_round = assessed_round(personas, units, CreationStatus.SUBMITTED)
    with pytest.raises(ValidationError) as exc:
        round_return(round=creation_round, by=personas["leader"], comment=" ")
    assert "请说明退回的理由。" in _messages(exc)
    round_return(round=creation_round, by=personas["leader"], comment="LS05 材料不全，请核实")
    creation_round.refresh_from_db()
    assert creation_round.status == CreationStatus.SUMMARISED
    assert creation_round.return_comment == "LS05 材料不全，请核实"
    entry = entry_of(creation_round, "LS05")
    assessment_save(entry=entry, scores=scores(5), by=personas["office"])  # corrected while summarised
    assert round_submit(round=creation_round, by=personas["office"]).status == CreationStatus.SUBMITTED
    with pytest.raises(ValidationError):
        round_return(round=creation_round, by=personas["leader"], comment="=HYPERLINK()")
