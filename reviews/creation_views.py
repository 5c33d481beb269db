"""创建基层党组织建设先进单位 (seed 001): rounds and their branches × filings grid, a branch's
filings and 自检自查, the office's 统一考核 with the evidence beside it, 综合评价, the ranking,
the summary, the leading group's decision, and the results as Word and Excel files."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.scoping import get_for_user, require
from core.downloads import DOCX_TYPE, download
from core.forms import show_refusal
from core.jobs import job_create, job_enqueue
from core.models import Attachment
from reviews.creation_forms import (
    ConclusionForm,
    DecisionForm,
    FilingForm,
    RoundDatesForm,
    RoundOpenForm,
    ScoresForm,
    SummaryForm,
    round_townships,
)
from reviews.creation_selectors import (
    EVIDENCE_OF_GOAL,
    branch_evidence,
    evidence_window,
    ranked,
    round_entries,
    round_rows,
    weighted_totals,
)
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
from reviews.documents import creation_results_docx, creation_round_title, creation_summary_draft
from reviews.models import (
    CREATION_GOALS,
    DATE_ORDER,
    SCORE_MAX,
    CreationAssessment,
    CreationBranch,
    CreationFiling,
    CreationRound,
    CreationStatus,
    FilingKind,
)

ROUND_QUESTIONS = ["writable_by", "overseen_by", "approvable_by"]


def _act(request, action, success: str, to: str, pk: int):
    try:
        action()
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, success)
    return redirect(to, pk=pk)


# ---------------------------------------------------------------------------------------
# Rounds


@login_required
def round_list(request):
    rounds = CreationRound.objects.readable_by(request.user).select_related("township")
    context = {"rounds": rounds, "can_open": round_townships(request.user).exists()}
    return render(request, "reviews/creation/round_list.html", context)


@login_required
def round_create(request):
    townships = round_townships(request.user)
    require(townships)
    form = RoundOpenForm(request.POST or None, townships=townships, today=timezone.localdate())
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            creation_round = creation_round_open(
                township=data["township"],
                year=data["year"],
                by=request.user,
                dates=data["dates"],
                weights=data["weights"],
            )
        except ValidationError as exc:
            show_refusal(form, exc)
        else:
            messages.success(request, _("Creation round opened: every branch of the township takes part."))
            return redirect("reviews:creation_round", pk=creation_round.pk)
    return render(request, "reviews/creation/round_form.html", {"form": form})


@login_required
def round_edit(request, pk: int):
    creation_round = get_for_user(CreationRound, request.user, pk, need="writable_by")
    initial = {name: getattr(creation_round, name) for name in DATE_ORDER}
    initial.update({f"weight_{goal}": creation_round.weights.get(goal) for goal, _l, _i in CREATION_GOALS})
    form = RoundDatesForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            creation_round_edit(
                round=creation_round,
                by=request.user,
                dates=form.cleaned_data["dates"],
                weights=form.cleaned_data["weights"],
            )
        except ValidationError as exc:
            show_refusal(form, exc)
        else:
            messages.success(request, _("Dates and weights saved."))
            return redirect("reviews:creation_round", pk=creation_round.pk)
    return render(request, "reviews/creation/round_form.html", {"form": form, "round": creation_round})


@login_required
def round_detail(request, pk: int):
    """The round's dates and steps, and its branches × filings: who filed on time, late, or not."""
    user = request.user
    creation_round = get_for_user(CreationRound, user, pk, need="readable_by", ask=ROUND_QUESTIONS)
    rows = round_rows(creation_round, round_entries(creation_round, user))
    may = creation_round.may
    context = {
        "round": creation_round,
        "rows": rows,
        "kinds": list(FilingKind),
        "dates": [
            (CreationRound._meta.get_field(name).verbose_name, getattr(creation_round, name))
            for name in DATE_ORDER
        ],
        "weights": [(label, creation_round.weights[goal]) for goal, label, _items in CREATION_GOALS],
        "may": may,
        "complete": all(row.totals and row.entry.conclusion for row in rows),
        "decide_form": DecisionForm() if may["approvable_by"] else None,
    }
    return render(request, "reviews/creation/round_detail.html", context)


@login_required
@require_POST
def assessment_start_view(request, pk: int):
    creation_round = get_for_user(CreationRound, request.user, pk, need="writable_by")
    return _act(
        request,
        lambda: assessment_start(round=creation_round, by=request.user),
        _("The unified assessment has started: the self-checks are closed."),
        "reviews:creation_round",
        creation_round.pk,
    )


@login_required
def ranking(request, pk: int):
    """The branches by their weighted total, each goal's contribution shown."""
    creation_round = get_for_user(CreationRound, request.user, pk, need="overseen_by")
    rows = ranked(round_rows(creation_round, round_entries(creation_round, request.user)))
    weights = [(label, creation_round.weights[goal]) for goal, label, _items in CREATION_GOALS]
    context = {"round": creation_round, "rows": rows, "weights": weights, "score_max": SCORE_MAX}
    return render(request, "reviews/creation/ranking.html", context)


@login_required
def summary(request, pk: int):
    """形成工作总结, once every branch is scored and concluded; drafted from the results."""
    creation_round = get_for_user(CreationRound, request.user, pk, need="writable_by")
    rows = round_rows(creation_round, round_entries(creation_round, request.user))
    initial = creation_round.summary or creation_summary_draft(creation_round, rows)
    form = SummaryForm(request.POST or None, initial={"summary": initial})
    if request.method == "POST" and form.is_valid():
        try:
            summary_save(round=creation_round, summary=form.cleaned_data["summary"], by=request.user)
        except ValidationError as exc:
            show_refusal(form, exc)
        else:
            messages.success(request, _("Summary saved: the results are under verification."))
            return redirect("reviews:creation_round", pk=creation_round.pk)
    return render(request, "reviews/creation/summary.html", {"round": creation_round, "form": form})


@login_required
@require_POST
def submit_view(request, pk: int):
    creation_round = get_for_user(CreationRound, request.user, pk, need="writable_by")
    return _act(
        request,
        lambda: round_submit(round=creation_round, by=request.user),
        _("Submitted to the township's leading group for approval."),
        "reviews:creation_round",
        creation_round.pk,
    )


@login_required
@require_POST
def decide_view(request, pk: int):
    creation_round = get_for_user(CreationRound, request.user, pk, need="approvable_by")
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose approve or return."))
        return redirect("reviews:creation_round", pk=creation_round.pk)
    if form.cleaned_data["decision"] == "approve":
        action, success = (
            lambda: round_approve(round=creation_round, by=request.user),
            _("Approved: the titles are conferred and the branches told."),
        )
    else:
        action, success = (
            lambda: round_return(round=creation_round, by=request.user, comment=form.cleaned_data["comment"]),
            _("Returned to the office with your comment."),
        )
    return _act(request, action, success, "reviews:creation_round", creation_round.pk)


@login_required
@require_POST
def export(request, pk: int):
    """The results with their evidence as an .xlsx, built by a job (reviews.exports)."""
    creation_round = get_for_user(CreationRound, request.user, pk, need="overseen_by")
    params = {"export": "creation", "year": creation_round.year, "unit": creation_round.township.code}
    title = f"{creation_round_title(creation_round)}考核汇总表"
    job = job_create(owner=request.user, kind="export", title=title, params=params)
    job_enqueue(job)
    return redirect("core:job_detail", pk=job.pk)


@login_required
def word(request, pk: int):
    creation_round = get_for_user(CreationRound, request.user, pk, need="overseen_by")
    rows = ranked(round_rows(creation_round, round_entries(creation_round, request.user)))
    name = f"{creation_round_title(creation_round)}考核结果.docx"
    return download(creation_results_docx(creation_round, rows), name, DOCX_TYPE)


# ---------------------------------------------------------------------------------------
# A branch in the round


def _entry(request, pk: int, **questions) -> CreationBranch:
    entry = get_for_user(CreationBranch, request.user, pk, **questions)
    entry.round = CreationRound.objects.select_related("township").get(pk=entry.round_id)
    return entry


@login_required
def branch_detail(request, pk: int):
    """A branch's filings and self-check; its unified scores to who oversees the round, and to
    the branch once the round is approved."""
    entry = _entry(request, pk, ask=["writable_by", "assessable_by"])
    creation_round = entry.round
    (row,) = round_rows(creation_round, [entry])
    filings = {
        filing.kind: filing
        for filing in CreationFiling.objects.filter(entry=entry).select_related("filed_by")
    }
    files: dict[int, list] = {}
    for attachment in Attachment.objects.for_objects(filings.values()).order_by("pk"):
        files.setdefault(attachment.object_id, []).append(attachment)
    overseen = CreationRound.objects.overseen_by(request.user).filter(pk=creation_round.pk).exists()
    context = {
        "entry": entry,
        "round": creation_round,
        "row": row,
        "filings": [
            (cell, filings.get(cell.kind), files.get(getattr(filings.get(cell.kind), "pk", None), []))
            for cell in row.cells
        ],
        "may": entry.may,
        "results_shown": overseen or creation_round.status == CreationStatus.APPROVED,
    }
    return render(request, "reviews/creation/branch_detail.html", context)


@login_required
def filing(request, pk: int, kind: str):
    """The branch's plan, progress report or materials: filed once, amended while the round files."""
    if kind not in FilingKind.values:
        raise Http404
    entry = _entry(request, pk, need="writable_by")
    existing = CreationFiling.objects.filter(entry=entry, kind=kind).first()
    form = FilingForm(
        request.POST or None, request.FILES or None, initial={"text": existing.text if existing else ""}
    )
    if request.method == "POST" and form.is_valid():
        try:
            creation_filing_save(
                entry=entry,
                kind=kind,
                text=form.cleaned_data["text"],
                files=form.cleaned_data["files"],
                by=request.user,
            )
        except ValidationError as exc:
            show_refusal(form, exc)
        else:
            messages.success(request, _("Filed with the office."))
            return redirect("reviews:creation_branch", pk=entry.pk)
    context = {
        "entry": entry,
        "round": entry.round,
        "kind": FilingKind(kind),
        "due": entry.round.due_of(kind),
        "filing": existing,
        "files": list(Attachment.objects.for_objects([existing]).order_by("pk")) if existing else [],
        "form": form,
    }
    return render(request, "reviews/creation/filing_form.html", context)


@login_required
def self_assessment(request, pk: int):
    """自检自查 against every criterion, while the round files and until the materials are due."""
    entry = _entry(request, pk, need="writable_by")
    closed = entry.round.self_assessment_closed(timezone.localdate())
    form = ScoresForm(
        request.POST if request.method == "POST" and not closed else None, scores=entry.self_scores
    )
    if request.method == "POST":
        if closed:
            messages.error(request, closed)
            return redirect("reviews:creation_branch", pk=entry.pk)
        if form.is_valid():
            try:
                self_assessment_save(entry=entry, scores=form.scores, by=request.user)
            except ValidationError as exc:
                show_refusal(form, exc)
            else:
                messages.success(request, _("Self-check saved."))
                return redirect("reviews:creation_branch", pk=entry.pk)
    context = {
        "entry": entry,
        "round": entry.round,
        "form": form,
        "closed": closed,
        "totals": weighted_totals(entry.self_scores, entry.round.weights),
        "score_max": SCORE_MAX,
    }
    return render(request, "reviews/creation/self_assessment.html", context)


@login_required
def assess(request, pk: int):
    """统一考核: the assessor scores every criterion, with the branch's self-check and the
    evidence the portal holds beside each goal; then concludes (综合评价)."""
    entry = _entry(request, pk, need="assessable_by")
    creation_round = entry.round
    assessment = CreationAssessment.objects.filter(entry=entry).select_related("assessed_by").first()
    form = ScoresForm(request.POST or None, scores=assessment.scores if assessment else {})
    if request.method == "POST" and form.is_valid():
        try:
            assessment_save(entry=entry, scores=form.scores, by=request.user)
        except ValidationError as exc:
            show_refusal(form, exc)
        else:
            messages.success(request, _("Scores saved."))
            return redirect("reviews:creation_assess", pk=entry.pk)
    evidence = branch_evidence(creation_round, [entry.unit_id])[entry.unit_id]
    totals = weighted_totals(assessment.scores, creation_round.weights) if assessment else None
    own = weighted_totals(entry.self_scores, creation_round.weights)
    groups = form.groups()
    for group in groups:
        group["evidence"] = EVIDENCE_OF_GOAL[group["goal"]]
        group["weight"] = creation_round.weights[group["goal"]]
        group["unified"] = totals.of(group["goal"]) if totals else None
        group["own"] = own.of(group["goal"]) if own else None
        for criterion in group["criteria"]:
            criterion["self"] = entry.self_scores.get(criterion["code"])
    start, end = evidence_window(creation_round)
    context = {
        "entry": entry,
        "round": creation_round,
        "form": form,
        "groups": groups,
        "evidence": evidence,
        "window": (start, end),
        "assessment": assessment,
        "totals": totals,
        "own": own,
        "score_max": SCORE_MAX,
        "conclusion_form": ConclusionForm(
            initial={"conclusion": entry.conclusion or None, "note": entry.conclusion_note}
        ),
    }
    return render(request, "reviews/creation/assess.html", context)


@login_required
@require_POST
def conclusion(request, pk: int):
    entry = _entry(request, pk, need="assessable_by")
    form = ConclusionForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, message)
        return redirect("reviews:creation_assess", pk=entry.pk)
    return _act(
        request,
        lambda: conclusion_save(
            entry=entry,
            conclusion=form.cleaned_data["conclusion"],
            note=form.cleaned_data["note"],
            by=request.user,
        ),
        _("Conclusion saved."),
        "reviews:creation_assess",
        entry.pk,
    )
