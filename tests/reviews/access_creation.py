"""Creation-round URLs for the access matrix (tests/test_access_matrix.py).

Objects, all built by `target()` (and the builders below, which the page tests reuse):
- a creation round of 柳山镇 whose materials are still ahead (of a year after the demo's
  rounds), opened by `office`: every 党支部 and 党总支 of the township is in it;
- `creation_round`: read by the township's readers and by each branch in it (its secretary;
  secretary2's 河东社区第一党支部 is in it too); a member as such is refused (403);
- `creation_round_edit`, `creation_assessment_start`, `creation_summary`, `creation_submit`:
  the township's office (or a superuser); twohat's office of 青石镇 opens nothing here;
- `creation_ranking`, `creation_word`, `creation_export`: every branch's results, for the
  township's office, leaders and inspectors only;
- `creation_decide`: a submitted round, all of whose branches `office` scored: the leaders
  with a seat in the leading group (leader, leader2) decide; `office` scored and may not;
  a superuser holds no seat;
- `creation_branch`, `creation_filing`, `creation_self_assessment`: 柳山村第一党支部 (LS0101):
  its secretary (and twohat, its secretary too) and the office file and self-assess; the
  township's other readers read; secretary2 and the member are outside (404);
- `creation_assess`, `creation_conclusion`: LS0101 while the office assesses.
"""

from __future__ import annotations

import datetime

from django.utils import timezone

from core.models import Job
from reviews.creation_services import (
    assessment_save,
    assessment_start,
    conclusion_save,
    creation_round_open,
    round_submit,
    summary_save,
)
from reviews.models import (
    CRITERIA,
    DATE_ORDER,
    CreationAssessment,
    CreationBranch,
    CreationConclusion,
    CreationFiling,
    CreationRound,
    CreationStatus,
)

LOGIN = 302
STAFF_ONLY = [LOGIN, 200, 200, 200, 403, 403, 200, 403, 403, 200]
OFFICE_POST = [LOGIN, 302, 403, 403, 403, 403, 403, 403, 403, 302]
BRANCH_KEEPERS = [LOGIN, 302, 403, 403, 302, 404, 403, 404, 302, 302]
ASSESSORS = [LOGIN, 302, 403, 403, 403, 404, 403, 404, 403, 302]
EXPECTED = {
    # ROLES: anonymous office leader leader2 secretary secretary2 inspector member twohat admin
    "reviews:creation_rounds": ("get", [LOGIN, 200, 200, 200, 200, 200, 200, 200, 200, 200]),
    "reviews:creation_round_create": ("get", [LOGIN, 200, 403, 403, 403, 403, 403, 403, 200, 200]),
    "reviews:creation_round": ("get", [LOGIN, 200, 200, 200, 200, 200, 200, 403, 200, 200]),
    "reviews:creation_round_edit": ("post", OFFICE_POST),
    "reviews:creation_assessment_start": ("post", OFFICE_POST),
    "reviews:creation_ranking": ("get", STAFF_ONLY),
    "reviews:creation_summary": ("post", OFFICE_POST),
    "reviews:creation_submit": ("post", OFFICE_POST),
    "reviews:creation_decide": ("post", [LOGIN, 403, 302, 302, 403, 403, 403, 403, 403, 403]),
    "reviews:creation_export": ("post", [LOGIN, 302, 302, 302, 403, 403, 302, 403, 403, 302]),
    "reviews:creation_word": ("get", STAFF_ONLY),
    "reviews:creation_branch": ("get", [LOGIN, 200, 200, 200, 200, 404, 200, 404, 200, 200]),
    "reviews:creation_filing": ("post", BRANCH_KEEPERS),
    "reviews:creation_self_assessment": ("post", BRANCH_KEEPERS),
    "reviews:creation_assess": ("post", ASSESSORS),
    "reviews:creation_conclusion": ("post", ASSESSORS),
}


# ---------------------------------------------------------------------------------------
# Builders, shared with the page tests


def open_year(today: datetime.date | None = None) -> int:
    """The year of a round still taking its materials and self-checks: due on 5 May."""
    today = today or timezone.localdate()
    return today.year if today <= datetime.date(today.year, 5, 5) else today.year + 1


def free_year(units) -> int:
    """A year with no round of 柳山镇 yet (the demo has rounds), its materials still ahead."""
    years = CreationRound.objects.filter(township=units["LS"]).values_list("year", flat=True)
    return max([open_year(), *[year + 1 for year in years]])


def make_round(personas, units, year: int | None = None, **options) -> CreationRound:
    """A round of 柳山镇 opened by `office`: of a year without one, unless `year` says."""
    return creation_round_open(
        township=units["LS"], year=year or free_year(units), by=personas["office"], **options
    )


def dates_around(today: datetime.date) -> dict:
    """Dates that put `today` just before the materials are due, its evidence begun 200 days ago."""
    days = {"plan_due": -200, "progress_1_due": -120, "progress_2_due": -40, "materials_due": 5}
    days.update({"assessment_starts": 10, "assessment_ends": 20, "commendation_on": 30})
    return {name: today + datetime.timedelta(days=n) for name, n in days.items()}


def entry_of(creation_round: CreationRound, code: str) -> CreationBranch:
    return CreationBranch.objects.select_related("round", "unit").get(round=creation_round, unit__code=code)


def scores(score: int = 8, note: str = "", **overrides) -> dict:
    """Every criterion scored `score` (or as `overrides` say, by code)."""
    return {code: {"score": overrides.get(code, score), "note": note} for code in CRITERIA}


def scores_data(score: int = 8, note: str = "有记录可查", **overrides) -> dict:
    """The POST of a scores form: every criterion `score`, or as `overrides` say by field name."""
    data = {}
    for code in CRITERIA:
        data[f"score_{code}"] = str(score)
        data[f"note_{code}"] = note
    data.update(overrides)
    return data


def assessed_round(personas, units, status: str = CreationStatus.ASSESSING, year=None) -> CreationRound:
    """A round that `office` has scored and concluded entirely (LS0101 and LS03 recommended),
    then summarised and submitted if `status` says so."""
    office = personas["office"]
    creation_round = make_round(personas, units, year)
    assessment_start(round=creation_round, by=office)
    for entry in creation_round.branches.select_related("unit"):
        good = entry.unit.code in ("LS0101", "LS03")
        assessment_save(entry=entry, scores=scores(9 if good else 6), by=office)
        conclusion = CreationConclusion.RECOMMENDED if good else CreationConclusion.NOT_RECOMMENDED
        conclusion_save(entry=entry, conclusion=conclusion, note="", by=office)
    if status == CreationStatus.ASSESSING:
        return CreationRound.objects.get(pk=creation_round.pk)
    creation_round = summary_save(
        round=creation_round, summary="经检查验收，拟命名两个先进党支部。", by=office
    )
    if status == CreationStatus.SUBMITTED:
        creation_round = round_submit(round=creation_round, by=office)
    return creation_round


def _becomes(model, pk, **values):
    def done() -> bool:
        return model.objects.filter(pk=pk, **values).exists()

    return done


# ---------------------------------------------------------------------------------------


def target(name: str, personas, units):  # noqa: C901 - one branch per URL, read as a table
    from tests.test_access_matrix import Target

    if name in ("reviews:creation_rounds", "reviews:creation_round_create"):
        return Target()
    if name == "reviews:creation_summary":
        creation_round = assessed_round(personas, units)
        done = _becomes(CreationRound, creation_round.pk, status=CreationStatus.SUMMARISED)
        return Target({"pk": creation_round.pk}, {"summary": "工作总结"}, done)
    if name == "reviews:creation_submit":
        creation_round = assessed_round(personas, units, CreationStatus.SUMMARISED)
        return Target(
            {"pk": creation_round.pk}, done=_becomes(CreationRound, creation_round.pk, status="submitted")
        )
    if name == "reviews:creation_decide":
        creation_round = assessed_round(personas, units, CreationStatus.SUBMITTED)
        done = _becomes(CreationRound, creation_round.pk, status=CreationStatus.APPROVED)
        return Target({"pk": creation_round.pk}, {"decision": "approve", "comment": ""}, done)
    if name in ("reviews:creation_assess", "reviews:creation_conclusion"):
        creation_round = make_round(personas, units)
        assessment_start(round=creation_round, by=personas["office"])
        entry = entry_of(creation_round, "LS0101")
        if name == "reviews:creation_assess":
            done = lambda: CreationAssessment.objects.filter(entry=entry).exists()  # noqa: E731
            return Target({"pk": entry.pk}, scores_data(), done)
        assessment_save(entry=entry, scores=scores(), by=personas["office"])
        done = _becomes(CreationBranch, entry.pk, conclusion=CreationConclusion.RECOMMENDED)
        return Target({"pk": entry.pk}, {"conclusion": "recommended", "note": "成效显著"}, done)
    creation_round = make_round(personas, units)
    entry = entry_of(creation_round, "LS0101")
    if name == "reviews:creation_round_edit":
        data = {name: getattr(creation_round, name).isoformat() for name in DATE_ORDER}
        weights = {"leadership": 30, "responsibility": 15, "role": 25, "development": 10, "five_goods": 20}
        data.update({f"weight_{goal}": str(weight) for goal, weight in weights.items()})
        done = lambda: CreationRound.objects.get(pk=creation_round.pk).weights == weights  # noqa: E731
        return Target({"pk": creation_round.pk}, data, done)
    if name == "reviews:creation_assessment_start":
        done = _becomes(CreationRound, creation_round.pk, status=CreationStatus.ASSESSING)
        return Target({"pk": creation_round.pk}, done=done)
    if name == "reviews:creation_export":
        done = lambda: Job.objects.filter(kind="export", params__export="creation").exists()  # noqa: E731
        return Target({"pk": creation_round.pk}, done=done)
    if name in ("reviews:creation_round", "reviews:creation_ranking", "reviews:creation_word"):
        return Target({"pk": creation_round.pk})
    if name == "reviews:creation_filing":
        done = lambda: CreationFiling.objects.filter(entry=entry, kind="plan", text="创建方案").exists()  # noqa: E731
        return Target({"pk": entry.pk, "kind": "plan"}, {"text": "创建方案"}, done)
    if name == "reviews:creation_self_assessment":
        done = lambda: bool(CreationBranch.objects.get(pk=entry.pk).self_scores)  # noqa: E731
        return Target({"pk": entry.pk}, scores_data(), done)
    return Target({"pk": entry.pk})
