"""领导点评: rounds and their coverage, the review sheets (附件四/五), work reports,
self-assessments and the office's compilation (整理公开)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.models import Level, OrgUnit
from accounts.scoping import MANAGE_ROLES, get_for_user, require, subtree_q
from branches.models import Member
from core.downloads import DOCX_TYPE, download
from core.models import Attachment
from reviews.documents import branch_docx, compilation_docx, compilation_draft, review_docx
from reviews.models import (
    Review,
    ReviewKind,
    ReviewRound,
    ReviewStatus,
    SelfAssessment,
    WorkReport,
)
from reviews.review_forms import (
    CompilationForm,
    DemandFormSet,
    ReviewForm,
    RoundForm,
    SelfAssessmentForm,
    WorkReportForm,
)
from reviews.review_selectors import (
    branch_secretary,
    coverage,
    liaison_branches,
    may_review_in,
    member_commitments,
    reviewable_members,
    signed_sheets,
)
from reviews.services import (
    review_save,
    review_sign,
    round_compilation_save,
    round_open,
    self_assessment_save,
    work_report_save,
)

ROUND_QUESTIONS = ["writable_by"]
REVIEW_QUESTIONS = ["writable_by", "signable_by"]


def _townships(user):
    return OrgUnit.objects.filter(subtree_q(user, "path", MANAGE_ROLES), level=Level.COMMITTEE).order_by(
        "path"
    )


def _messages_of(request, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


def _own_member(user, review_round: ReviewRound):
    if not user.is_authenticated:
        return None
    return (
        Member.objects.filter(user=user, unit__path__under=review_round.township.path)
        .select_related("unit")
        .first()
    )


# ---------------------------------------------------------------------------------------
# Rounds


@login_required
def round_list(request):
    rounds = ReviewRound.objects.visible_to(request.user).select_related("township")
    context = {"rounds": rounds, "can_open": _townships(request.user).exists()}
    return render(request, "reviews/round_list.html", context)


@login_required
def round_create(request):
    townships = _townships(request.user)
    require(townships)
    form = RoundForm(request.POST or None, townships=townships)
    if request.method == "POST" and form.is_valid():
        try:
            review_round = round_open(
                actor=request.user,
                township=form.cleaned_data["township"],
                period=form.cleaned_data["period"],
                ends_on=form.cleaned_data["ends_on"],
            )
        except ValidationError as exc:
            for message in exc.messages:
                form.add_error(None, message)
        else:
            messages.success(request, _("Review round opened."))
            return redirect("reviews:round", pk=review_round.pk)
    return render(request, "reviews/round_form.html", {"form": form})


@login_required
def round_detail(request, pk: int):
    """The round's coverage: who has been reviewed, who has not, and what the user may do."""
    review_round = get_for_user(ReviewRound, request.user, pk, ask=ROUND_QUESTIONS)
    user = request.user
    rows = coverage(review_round, user)
    member = _own_member(user, review_round)
    own_reviews = []
    if member:
        own_reviews = list(
            Review.objects.visible_to(user).filter(round=review_round, member=member).select_related("unit")
        )
    context = {
        "round": review_round,
        "rows": rows,
        "totals": {
            "branches": len(rows),
            "branch_signed": sum(
                1 for r in rows if r.branch_review and r.branch_review["status"] == "signed"
            ),
            "secretary_signed": sum(
                1 for r in rows if r.secretary_review and r.secretary_review["status"] == "signed"
            ),
            "members": sum(r.members for r in rows),
            "signed": sum(r.signed for r in rows),
            "assessed": sum(r.assessed for r in rows),
        },
        "can_manage": review_round.may["writable_by"],
        "member": member,
        "own_reviews": own_reviews,
        "report_branches": [r.unit for r in rows if r.may_review_members],
        "can_review": any(r.may_review_branch or r.may_review_members for r in rows),
    }
    return render(request, "reviews/round_detail.html", context)


# ---------------------------------------------------------------------------------------
# Sheets


def _subject(request, review_round: ReviewRound) -> Review | None:
    """The sheet to create from ?kind=&unit= or ?member=: 404 outside what the user reviews."""
    user = request.user

    def param(name: str) -> str:
        return request.GET.get(name) or request.POST.get(name) or ""

    kind = param("kind")
    try:
        if kind in (ReviewKind.BRANCH, ReviewKind.SECRETARY):
            unit = liaison_branches(user, review_round).get(pk=int(param("unit")))
            member = None
            if kind == ReviewKind.SECRETARY:
                member = branch_secretary(unit)
                if member is None:
                    raise ValidationError(_("This branch has no secretary on its roster yet."))
            return Review(round=review_round, kind=kind, unit=unit, member=member, reviewer=user)
        if kind == ReviewKind.MEMBER:
            member = reviewable_members(user, review_round).get(pk=int(param("member")))
            return Review(round=review_round, kind=kind, unit=member.unit, member=member, reviewer=user)
    except (OrgUnit.DoesNotExist, Member.DoesNotExist, ValueError):
        raise Http404 from None
    return None


@login_required
def review_create(request, pk: int):
    review_round = get_for_user(ReviewRound, request.user, pk)
    require(may_review_in(request.user, review_round))
    try:
        review = _subject(request, review_round)
    except ValidationError as exc:
        _messages_of(request, exc)
        return redirect("reviews:round", pk=review_round.pk)
    if review is None:
        return _subject_list(request, review_round)
    return _sheet_form(request, review)


def _subject_list(request, review_round: ReviewRound):
    """Whom the user may review in the round, each with its sheet if it has one."""
    user = request.user
    existing = {
        (kind, unit, member): (pk, status)
        for pk, kind, unit, member, status in Review.objects.filter(round=review_round)
        .order_by()
        .values_list("pk", "kind", "unit_id", "member_id", "status")
    }
    branches = list(liaison_branches(user, review_round))
    subjects = []
    for unit in branches:
        subjects.append((ReviewKind.BRANCH, unit, None, existing.get((ReviewKind.BRANCH, unit.pk, None))))
        secretary = branch_secretary(unit)
        if secretary:
            subjects.append(
                (
                    ReviewKind.SECRETARY,
                    unit,
                    secretary,
                    existing.get((ReviewKind.SECRETARY, unit.pk, secretary.pk)),
                )
            )
    unit_filter = request.GET.get("unit", "")
    members = reviewable_members(user, review_round)
    if unit_filter.isdigit():
        members = members.filter(unit__path__under=OrgUnit.objects.filter(pk=unit_filter).values("path")[:1])
    for member in members:
        subjects.append(
            (
                ReviewKind.MEMBER,
                member.unit,
                member,
                existing.get((ReviewKind.MEMBER, member.unit_id, member.pk)),
            )
        )
    return render(request, "reviews/review_subjects.html", {"round": review_round, "subjects": subjects})


def _sheet_context(review: Review) -> dict:
    """What the reviewer sees beside the form: the subject's work report and self-assessment,
    and a member's commitments of the period with their completion."""
    report = WorkReport.objects.filter(round=review.round, unit=review.unit, member=review.member).first()
    files = list(Attachment.objects.for_objects([report]).order_by("pk")) if report else []
    assessment = None
    commitments = []
    if review.member_id:
        assessment = SelfAssessment.objects.filter(round=review.round, member=review.member).first()
        commitments = list(member_commitments(review.member, review.round.period))
    return {"report": report, "report_files": files, "assessment": assessment, "commitments": commitments}


def _sheet_form(request, review: Review):
    form = ReviewForm(request.POST or None, instance=review, kind=review.kind)
    formset = DemandFormSet(request.POST or None, instance=review, prefix="demands")
    if request.method == "POST":
        if form.is_valid() and formset.is_valid():
            demands = formset.save(commit=False)
            new = review.pk is None
            try:
                saved = review_save(
                    actor=request.user, review=form.instance, demands=demands, deleted=formset.deleted_objects
                )
            except ValidationError as exc:
                if new:
                    review.pk = None  # its insert was rolled back
                for message in exc.messages:
                    form.add_error(None, message)
            else:
                if request.POST.get("then") == "sign":
                    return _sign(request, saved)
                messages.success(request, _("Draft saved."))
                return redirect("reviews:review", pk=saved.pk)
        messages.error(request, _("The sheet was not saved: correct the fields marked below."))
    context = {"review": review, "form": form, "formset": formset, **_sheet_context(review)}
    return render(request, "reviews/review_form.html", context)


@login_required
def review_detail(request, pk: int):
    review = get_for_user(Review, request.user, pk, ask=REVIEW_QUESTIONS)
    may = review.may
    context = {
        "review": review,
        "demands": list(review.demands.select_related("rectification").order_by("pk")),
        "can_edit": may["writable_by"],
        "can_sign": may["signable_by"],
        **_sheet_context(review),
    }
    return render(request, "reviews/review_detail.html", context)


@login_required
def review_edit(request, pk: int):
    review = get_for_user(Review, request.user, pk, ask=REVIEW_QUESTIONS)
    if review.status == ReviewStatus.SIGNED:
        messages.error(request, _("This review sheet is signed: it can no longer be changed."))
        return redirect("reviews:review", pk=review.pk)
    if not review.may["writable_by"]:
        raise PermissionDenied
    return _sheet_form(request, review)


def _sign(request, review: Review):
    try:
        review_sign(actor=request.user, review=review)
    except ValidationError as exc:
        _messages_of(request, exc)
    else:
        messages.success(request, _("Review sheet signed: the subject can read it now."))
    return redirect("reviews:review", pk=review.pk)


@login_required
@require_POST
def review_sign_view(request, pk: int):
    review = get_for_user(Review, request.user, pk, ask=REVIEW_QUESTIONS)
    if review.status == ReviewStatus.SIGNED:
        messages.error(request, _("This review sheet is already signed."))
        return redirect("reviews:review", pk=review.pk)
    if not review.may["signable_by"]:
        raise PermissionDenied
    return _sign(request, review)


@login_required
def review_word(request, pk: int):
    review = get_for_user(Review, request.user, pk)
    review = Review.objects.select_related("round__township", "unit", "member", "reviewer").get(pk=review.pk)
    return download(review_docx(review), f"{review.subject}点评登记表.docx", DOCX_TYPE)


@login_required
def branch_word(request, pk: int, unit_pk: int):
    """One Word file for a branch: its sheet, its secretary's, and every signed member sheet."""
    review_round = get_for_user(ReviewRound, request.user, pk)
    unit = get_for_user(OrgUnit, request.user, unit_pk)
    reviews = signed_sheets(request.user, review_round, unit)
    return download(branch_docx(review_round, unit, reviews), f"{unit.name}点评登记表.docx", DOCX_TYPE)


# ---------------------------------------------------------------------------------------
# Work reports and self-assessments


def _report_subject(request, review_round: ReviewRound):
    """(unit, member) of the report: ?unit= for a branch's (its secretary or the office),
    else the user's own as a member of the township, else the first branch it keeps."""
    user = request.user
    raw = request.POST.get("unit") or request.GET.get("unit")
    if raw:
        try:
            unit = get_for_user(OrgUnit, user, int(raw))
        except ValueError:
            raise Http404 from None
        if unit.level != Level.BRANCH or not unit.path.startswith(review_round.township.path):
            raise Http404
        if not OrgUnit.objects.kept_by(user).filter(pk=unit.pk).exists():
            raise PermissionDenied
        return unit, None
    member = _own_member(user, review_round)
    if member:
        return member.unit, member
    kept = (
        OrgUnit.objects.kept_by(user)
        .filter(path__under=review_round.township.path, level=Level.BRANCH)
        .order_by("path")
    )
    require(kept)
    return kept.first(), None


@login_required
def work_report(request, pk: int):
    review_round = get_for_user(ReviewRound, request.user, pk)
    unit, member = _report_subject(request, review_round)
    report = WorkReport.objects.filter(round=review_round, unit=unit, member=member).first()
    form = WorkReportForm(
        request.POST or None, request.FILES or None, initial={"text": report.text if report else ""}
    )
    if request.method == "POST" and form.is_valid():
        try:
            work_report_save(
                actor=request.user,
                review_round=review_round,
                unit=unit,
                member=member,
                text=form.cleaned_data["text"],
                files=form.cleaned_data["files"],
            )
        except ValidationError as exc:
            for message in exc.messages:
                form.add_error(None, message)
        else:
            messages.success(request, _("Work report saved: the reviewer will see it on the sheet."))
            return redirect("reviews:round", pk=review_round.pk)
    files = list(Attachment.objects.for_objects([report]).order_by("pk")) if report else []
    context = {
        "round": review_round,
        "unit": unit,
        "member": member,
        "report": report,
        "files": files,
        "form": form,
    }
    return render(request, "reviews/work_report.html", context)


@login_required
def self_assessment(request, pk: int):
    review_round = get_for_user(ReviewRound, request.user, pk)
    member = _own_member(request.user, review_round)
    if member is None:
        raise PermissionDenied
    assessment = SelfAssessment.objects.filter(round=review_round, member=member).first()
    form = SelfAssessmentForm(
        request.POST or None, instance=assessment or SelfAssessment(round=review_round, member=member)
    )
    if request.method == "POST" and form.is_valid():
        texts = {name: form.cleaned_data[name] for name in form.fields}
        try:
            self_assessment_save(actor=request.user, review_round=review_round, member=member, texts=texts)
        except ValidationError as exc:
            for message in exc.messages:
                form.add_error(None, message)
        else:
            messages.success(request, _("Self-assessment saved."))
            return redirect("reviews:round", pk=review_round.pk)
    context = {
        "round": review_round,
        "member": member,
        "form": form,
        "commitments": list(member_commitments(member, review_round.period)),
    }
    return render(request, "reviews/self_assessment.html", context)


# ---------------------------------------------------------------------------------------
# 整理公开


def _signed_reviews(review_round: ReviewRound, user):
    return list(
        Review.objects.visible_to(user)
        .filter(round=review_round, status=ReviewStatus.SIGNED)
        .select_related("unit", "member", "reviewer")
        .order_by("unit__path", "kind", "member__name", "pk")
    )


def _compilation_reader(request, pk: int) -> ReviewRound:
    """The office always; everybody else who reads the round once the compilation is published."""
    review_round = get_for_user(ReviewRound, request.user, pk, ask=ROUND_QUESTIONS)
    if not review_round.may["writable_by"] and review_round.published_on is None:
        raise PermissionDenied
    return review_round


@login_required
def round_compile(request, pk: int):
    review_round = _compilation_reader(request, pk)
    manage = review_round.may["writable_by"]
    form = None
    if manage:
        initial = review_round.compilation or compilation_draft(
            review_round, _signed_reviews(review_round, request.user)
        )
        form = CompilationForm(request.POST or None, initial={"compilation": initial})
        if request.method == "POST" and form.is_valid():
            publish = request.POST.get("action") == "publish"
            try:
                round_compilation_save(
                    actor=request.user,
                    review_round=review_round,
                    compilation=form.cleaned_data["compilation"],
                    publish=publish,
                )
            except ValidationError as exc:
                for message in exc.messages:
                    form.add_error(None, message)
            else:
                messages.success(
                    request,
                    _("Compilation published to the branches.") if publish else _("Compilation saved."),
                )
                return redirect("reviews:round_compile", pk=review_round.pk)
    elif request.method == "POST":
        raise PermissionDenied
    return render(request, "reviews/compilation.html", {"round": review_round, "form": form})


@login_required
def round_compile_word(request, pk: int):
    review_round = _compilation_reader(request, pk)
    text = review_round.compilation
    if not text and review_round.may["writable_by"]:
        text = compilation_draft(review_round, _signed_reviews(review_round, request.user))
    return download(compilation_docx(review_round, text), f"{review_round}领导点评情况.docx", DOCX_TYPE)
