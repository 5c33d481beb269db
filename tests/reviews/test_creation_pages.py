"""The creation round's pages: opening a round, the branches × filings grid, a branch's filings
and self-check, the office's assessment with the evidence, the ranking, summary and decision."""

from __future__ import annotations

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from core.models import Notification
from reviews.creation_services import (
    assessment_save,
    assessment_start,
    creation_filing_save,
    self_assessment_save,
)
from reviews.models import (
    CRITERIA,
    CreationAssessment,
    CreationBranch,
    CreationFiling,
    CreationRound,
    CreationStatus,
    Title,
    creation_dates,
)
from tests.reviews.access_creation import (
    assessed_round,
    entry_of,
    free_year,
    make_round,
    scores,
    scores_data,
)

pytestmark = pytest.mark.django_db


def _page(response) -> str:
    assert response.status_code == 200
    return response.content.decode()


def _open_data(year: int, **overrides) -> dict:
    data = {"township": "", "year": str(year)}
    data.update({f"weight_{g}": str(w) for g, w in {"leadership": 20, "responsibility": 25}.items()})
    data.update({"weight_role": "25", "weight_development": "10", "weight_five_goods": "20"})
    data.update(overrides)
    return data


def test_office_opens_a_round_with_the_seed_dates_for_every_branch(client_for, units):
    year = free_year(units)
    data = _open_data(year, township=str(units["LS"].pk))
    response = client_for("office").post(reverse("reviews:creation_round_create"), data)
    creation_round = CreationRound.objects.get(township=units["LS"], year=year)
    assert response.status_code == 302
    assert response["Location"] == reverse("reviews:creation_round", args=[creation_round.pk])
    for name, day in creation_dates(year).items():
        assert getattr(creation_round, name) == day
    assert creation_round.plan_due == datetime.date(year - 1, 8, 25)
    codes = set(creation_round.branches.values_list("unit__code", flat=True))
    assert codes == {
        "LS-JG", "LS01", "LS0101", "LS0102", "LS02", "LS0201", "LS0202",
        "LS03", "LS04", "LS05", "LS06", "LS07", "LS08", "LS09",
    }  # fmt: skip
    assert "LS010101" not in codes  # a 党小组 files nothing of its own


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"weight_leadership": "30"}, "权重须为整数，合计为100。"),
        ({"weight_leadership": "20.5"}, "输入整数"),
        ({"materials_due": "2000-01-01"}, "该日期早于上一环节的日期。"),
    ],
)
def test_bad_round_input_is_explained_and_changes_nothing(client_for, units, overrides, message):
    year = free_year(units)
    data = _open_data(year, township=str(units["LS"].pk), **overrides)
    page = _page(client_for("office").post(reverse("reviews:creation_round_create"), data))
    assert message in page
    assert not CreationRound.objects.filter(year=year).exists()


def test_a_second_round_of_the_same_year_is_refused(client_for, personas, units):
    creation_round = make_round(personas, units)
    data = _open_data(creation_round.year, township=str(units["LS"].pk))
    page = _page(client_for("office").post(reverse("reviews:creation_round_create"), data))
    assert "该镇本年度已有创建活动。" in page
    assert CreationRound.objects.filter(year=creation_round.year).count() == 1


def test_office_changes_dates_and_weights(client_for, personas, units):
    creation_round = make_round(personas, units)
    url = reverse("reviews:creation_round_edit", args=[creation_round.pk])
    data = {name: day.isoformat() for name, day in creation_dates(creation_round.year).items()}
    data["commendation_on"] = datetime.date(creation_round.year, 6, 28).isoformat()
    for goal, weight in {"leadership": 20, "responsibility": 20, "role": 30, "development": 10}.items():
        data[f"weight_{goal}"] = str(weight)
    data["weight_five_goods"] = "25"  # 105
    assert "权重须为整数，合计为100。" in _page(client_for("office").post(url, data))
    assert CreationRound.objects.get(pk=creation_round.pk).weights["role"] == 25
    data["weight_five_goods"] = "20"
    assert client_for("office").post(url, data).status_code == 302
    creation_round.refresh_from_db()
    assert creation_round.weights["role"] == 30
    assert creation_round.commendation_on == datetime.date(creation_round.year, 6, 28)


def test_grid_shows_on_time_late_missing_and_not_yet_due(client_for, personas, units):
    creation_round = make_round(personas, units)
    first, second = entry_of(creation_round, "LS0101"), entry_of(creation_round, "LS0102")
    plan_due = creation_round.plan_due
    at = lambda day: timezone.make_aware(datetime.datetime.combine(day, datetime.time(10)))  # noqa: E731
    creation_filing_save(entry=first, kind="plan", text="方案", by=personas["secretary"], now=at(plan_due))
    later = plan_due + datetime.timedelta(days=1)
    creation_filing_save(entry=second, kind="plan", text="方案", by=personas["office"], now=at(later))
    page = _page(client_for("office").get(reverse("reviews:creation_round", args=[creation_round.pk])))
    grid = re.search(r'<table[^>]*id="creation-grid".*?</table>', page, flags=re.S).group(0)

    def states(code: str) -> list[str]:
        row = re.search(rf'<tr data-unit="{code}">.*?</tr>', grid, flags=re.S).group(0)
        return re.findall(r'data-state="(\w+)"', row)

    today = timezone.localdate()
    due = [creation_round.plan_due, creation_round.progress_1_due, creation_round.progress_2_due]
    expected_rest = [
        "missing" if today > day else "not_due" for day in [*due[1:], creation_round.materials_due]
    ]
    assert states("LS0101") == ["on_time", *expected_rest]
    assert states("LS0102") == ["late", *expected_rest]
    assert states("LS03")[0] == ("missing" if today > plan_due else "not_due")
    assert "迟报" in grid


def test_secretary_files_and_amends_its_plan_with_a_checked_file(client_for, personas, units):
    creation_round = make_round(personas, units)
    entry = entry_of(creation_round, "LS0101")
    url = reverse("reviews:creation_filing", args=[entry.pk, "plan"])
    client = client_for("secretary")
    disguised = _upload("方案.png", b"<html><script>alert(1)</script></html>")
    page = _page(client.post(url, {"text": "方案", "files": disguised}))
    assert "方案.png" in page and not CreationFiling.objects.filter(entry=entry).exists()
    pdf = _upload("创建方案.pdf", b"%PDF-1.4 a plan")
    assert client.post(url, {"text": "<b>创建</b>方案", "files": pdf}).status_code == 302
    filing = CreationFiling.objects.get(entry=entry, kind="plan")
    filed_at = filing.filed_at
    assert client.post(url, {"text": "修改后的方案"}).status_code == 302
    filing.refresh_from_db()
    assert filing.text == "修改后的方案" and filing.filed_at == filed_at
    page = _page(client.get(reverse("reviews:creation_branch", args=[entry.pk])))
    assert "创建方案.pdf" in page
    assert "&lt;b&gt;" not in page or "<b>创建" not in page


def _upload(name: str, content: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content)


def test_a_forged_kind_or_branch_is_not_found(client_for, personas, units):
    creation_round = make_round(personas, units)
    entry = entry_of(creation_round, "LS0101")
    client = client_for("secretary")
    assert (
        client.post(reverse("reviews:creation_filing", args=[entry.pk, "bogus"]), {"text": "x"}).status_code
        == 404
    )
    other = entry_of(creation_round, "LS0201")
    assert (
        client.post(reverse("reviews:creation_filing", args=[other.pk, "plan"]), {"text": "x"}).status_code
        == 404
    )
    assert not CreationFiling.objects.filter(entry__round=creation_round).exists()


def test_self_check_is_saved_then_closed_once_the_office_starts(client_for, personas, units):
    creation_round = make_round(personas, units)
    entry = entry_of(creation_round, "LS0101")
    url = reverse("reviews:creation_self_assessment", args=[entry.pk])
    client = client_for("secretary")
    response = client.post(url, scores_data(7, note="三会一课记录齐全"))
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.self_scores["leadership_execution"] == {"score": 7, "note": "三会一课记录齐全"}
    assessment_start(round=creation_round, by=personas["office"])
    response = client.post(url, scores_data(10))
    assert response.status_code == 302
    assert CreationBranch.objects.get(pk=entry.pk).self_scores["leadership_execution"]["score"] == 7
    page = _page(client.get(response["Location"]))
    assert "统一考核已开始，自检自查已结束。" in page


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("score_leadership_execution", "11", "确保该值小于或等于10"),
        ("score_leadership_execution", "-1", "确保该值大于或等于0"),
        ("score_leadership_execution", "7.5", "输入整数"),
        ("score_leadership_execution", "", "这个字段是必填项"),
        ("note_leadership_execution", "=SUM(A1)", "表格软件会将其当作公式执行"),
        ("note_leadership_execution", "<script>x</script>", "不能包含 &lt; 或 &gt;"),
    ],
)
def test_bad_scores_are_explained_and_change_nothing(client_for, personas, units, field, value, message):
    creation_round = make_round(personas, units)
    entry = entry_of(creation_round, "LS0101")
    url = reverse("reviews:creation_self_assessment", args=[entry.pk])
    page = _page(client_for("secretary").post(url, scores_data(**{field: value})))
    assert message in page
    assert CreationBranch.objects.get(pk=entry.pk).self_scores == {}


def test_office_assesses_with_the_self_check_and_evidence_beside_it(client_for, personas, units):
    creation_round = make_round(personas, units)
    entry = entry_of(creation_round, "LS0101")
    self_assessment_save(entry=entry, scores=scores(9, note="自评说明"), by=personas["secretary"])
    url = reverse("reviews:creation_assess", args=[entry.pk])
    assert client_for("office").get(url).status_code == 403  # not before the assessment starts
    assessment_start(round=creation_round, by=personas["office"])
    page = _page(client_for("office").get(url))
    for kind in ("commitments", "reports", "rectifications", "inspections", "evaluations", "reviews"):
        assert f'data-evidence="{kind}"' in page
    assert "自评说明" in page and reverse("commitments:list") in page and reverse("reports:grid") in page
    response = client_for("office").post(url, scores_data(8))
    assert response.status_code == 302
    assessment = CreationAssessment.objects.get(entry=entry)
    assert assessment.assessed_by == personas["office"] and assessment.scores["good_results"]["score"] == 8
    page = _page(client_for("office").get(url))
    assert 'id="unified-total">80.00<' in page and 'id="self-total">90.00<' in page
    row = re.search(r'<tr data-goal="leadership">.*?</tr>', page, flags=re.S).group(0)
    assert "20 × 80.00 ÷ 100 = </span>16.00" in row  # how the total is made
    response = client_for("office").post(
        reverse("reviews:creation_conclusion", args=[entry.pk]),
        {"conclusion": "recommended", "note": "成效显著"},
    )
    assert response.status_code == 302
    assert CreationBranch.objects.get(pk=entry.pk).conclusion == "recommended"


def test_the_ranking_orders_by_total_and_shares_ties(client_for, personas, units):
    creation_round = make_round(personas, units)
    assessment_start(round=creation_round, by=personas["office"])
    for code, score in [("LS03", 9), ("LS0101", 9), ("LS04", 7)]:
        assessment_save(entry=entry_of(creation_round, code), scores=scores(score), by=personas["office"])
    page = _page(client_for("leader").get(reverse("reviews:creation_ranking", args=[creation_round.pk])))
    ranks = re.findall(r'<tr data-unit="([\w-]+)">\s*<td data-label="排名">([\d—]+)</td>', page)
    assert ranks[:3] == [("LS0101", "1"), ("LS03", "1"), ("LS04", "3")]
    assert ranks[3][1] == "—"


def test_round_page_marks_branches_titled_in_an_earlier_round(client_for, personas, units):
    earlier = make_round(personas, units, 2001)
    Title.objects.create(round=earlier, unit=units["LS03"], conferred_on=earlier.commendation_on)
    creation_round = make_round(personas, units)
    page = _page(client_for("office").get(reverse("reviews:creation_round", args=[creation_round.pk])))
    row = re.search(r'<tr data-unit="LS03">.*?</tr>', page, flags=re.S).group(0)
    assert f"已获{earlier.year}年度称号，本轮需重新申报" in row
    assert "重新申报" not in re.search(r'<tr data-unit="LS04">.*?</tr>', page, flags=re.S).group(0)


def test_summary_submission_and_approval_through_the_pages(client_for, personas, units):
    creation_round = assessed_round(personas, units)
    office = client_for("office")
    page = _page(office.get(reverse("reviews:creation_summary", args=[creation_round.pk])))
    assert "拟命名2个" in page  # the first draft, written from the results
    office.post(reverse("reviews:creation_summary", args=[creation_round.pk]), {"summary": "工作总结正文"})
    office.post(reverse("reviews:creation_submit", args=[creation_round.pk]))
    assert CreationRound.objects.get(pk=creation_round.pk).status == CreationStatus.SUBMITTED
    decide = reverse("reviews:creation_decide", args=[creation_round.pk])
    assert office.post(decide, {"decision": "approve"}).status_code == 403  # it scored
    leader = client_for("leader")
    response = leader.post(decide, {"decision": "return", "comment": ""})
    assert CreationRound.objects.get(pk=creation_round.pk).status == CreationStatus.SUBMITTED
    assert "请说明退回的理由。" in _page(leader.get(response["Location"]))
    leader.post(decide, {"decision": "approve"})
    creation_round.refresh_from_db()
    assert (
        creation_round.status == CreationStatus.APPROVED and creation_round.approved_by == personas["leader"]
    )
    assert set(Title.objects.filter(round=creation_round).values_list("unit__code", flat=True)) == {
        "LS0101",
        "LS03",
    }
    assert Notification.objects.filter(key__startswith=f"creation:{creation_round.pk}:approved:").exists()


def test_members_read_nothing_of_the_round(client_for, personas, units):
    creation_round = make_round(personas, units)
    assert (
        client_for("member").get(reverse("reviews:creation_round", args=[creation_round.pk])).status_code
        == 403
    )
    page = _page(client_for("member").get(reverse("reviews:creation_rounds")))
    assert reverse("reviews:creation_round", args=[creation_round.pk]) not in page


def test_a_secretary_sees_only_its_own_branch_in_the_grid(client_for, personas, units):
    creation_round = make_round(personas, units)
    page = _page(client_for("secretary").get(reverse("reviews:creation_round", args=[creation_round.pk])))
    assert re.findall(r'<tr data-unit="([\w-]+)"', page) == ["LS0101"]
    assert reverse("reviews:creation_ranking", args=[creation_round.pk]) not in page


@pytest.mark.parametrize(
    "name", ["reviews:creation_rounds", "reviews:creation_round", "reviews:creation_ranking"]
)
def test_lists_become_labelled_cards_on_a_phone(client_for, personas, units, name):
    creation_round = make_round(personas, units)
    url = reverse(name) if name == "reviews:creation_rounds" else reverse(name, args=[creation_round.pk])
    page = _page(client_for("office").get(url))
    for table in re.findall(r"<table[^>]*>.*?</table>", page, flags=re.S):
        assert "table-cards" in table.split(">", 1)[0]
        body = table.split("</thead>", 1)[-1]
        cells = [c for c in re.findall(r"<td[^>]*>", body) if "colspan" not in c and "d-none" not in c]
        assert cells and all("data-label" in cell for cell in cells)


def test_every_criterion_has_a_field(client_for, personas, units):
    creation_round = make_round(personas, units)
    entry = entry_of(creation_round, "LS0101")
    page = _page(client_for("secretary").get(reverse("reviews:creation_self_assessment", args=[entry.pk])))
    for code in CRITERIA:
        assert f'name="score_{code}"' in page and f'name="note_{code}"' in page


def test_the_round_ranking_and_assessment_pages_do_not_query_per_branch(
    client_for, personas, units, django_assert_max_num_queries
):
    creation_round = assessed_round(personas, units)  # 14 branches, every one scored and concluded
    client = client_for("office")
    for name, limit in [("reviews:creation_round", 14), ("reviews:creation_ranking", 14)]:
        with django_assert_max_num_queries(limit):
            assert client.get(reverse(name, args=[creation_round.pk])).status_code == 200
    # Session, user, roles, navigation, the branch and its round, its scores, the evidence.
    with django_assert_max_num_queries(23):
        client.get(reverse("reviews:creation_assess", args=[entry_of(creation_round, "LS0101").pk]))
