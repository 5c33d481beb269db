from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from segno import make_qr

from accounts.models import OrgUnit, normalise_code
from accounts.scoping import get_for_user, require
from commitments.forms import (
    CommitmentFilterForm,
    CommitmentForm,
    IncompleteForm,
    LedgerExportForm,
    LetterPublishForm,
    PeriodLockForm,
    ProgressForm,
    filing_members,
    filing_units,
)
from commitments.ledger import ledger_filename, ledger_queryset
from commitments.letters import letter_docx
from commitments.models import AMENDMENT, Commitment, CommitmentLetter, PeriodLock, Status
from commitments.services import (
    commitment_mark_incomplete,
    commitment_save,
    letter_publish,
    period_lock,
    period_locked,
    progress_add,
)
from core.downloads import DOCX_TYPE, download
from core.imports import get_ledger
from core.jobs import job_create, job_enqueue, job_run
from core.models import Attachment
from core.periods import Period

PER_PAGE = 50


@login_required
def commitment_list(request):
    form = CommitmentFilterForm(request.GET, actor=request.user)
    commitments = form.apply(
        Commitment.objects.visible_to(request.user)
        .select_related("letter__unit", "letter__member")
        .in_list_order()
    )
    page = Paginator(commitments, PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "form": form,
        "page": page,
        "can_file": _can_file(request.user),
        "can_import": get_ledger("commitments").may_import(request.user),
    }
    return render(request, "commitments/list.html", context)


def _can_file(user) -> bool:
    return filing_units(user).exists() or filing_members(user).exists()


@login_required
def commitment_create(request):
    if not _can_file(request.user):
        raise PermissionDenied
    return _commitment_form(request, Commitment())


@login_required
def commitment_edit(request, pk: int):
    return _commitment_form(request, get_for_user(Commitment, request.user, pk, need="writable_by"))


def _commitment_form(request, commitment: Commitment):
    form = CommitmentForm(request.POST or None, instance=commitment, actor=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            saved = commitment_save(
                actor=request.user, commitment=form.instance, owner=form.cleaned_data.get("owner_tuple")
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Commitment saved."))
            return redirect("commitments:detail", pk=saved.pk)
    title = _("Edit commitment") if commitment.pk else _("File a commitment")
    return render(request, "branches/form.html", {"form": form, "title": title})


@login_required
def commitment_detail(request, pk: int):
    commitment = get_for_user(Commitment, request.user, pk, ask=["writable_by", "closable_by"])
    entries = list(commitment.progress_entries.select_related("recorded_by"))
    attachments: dict[int, list[Attachment]] = {}
    for attachment in Attachment.objects.for_objects(entries):
        attachments.setdefault(attachment.object_id, []).append(attachment)
    can_write = commitment.may["writable_by"]
    context = {
        "commitment": commitment,
        "letter": commitment.letter,
        "entries": [(entry, attachments.get(entry.pk, [])) for entry in entries],
        "can_write": can_write,
        "progress_form": ProgressForm() if can_write else None,
        "incomplete_form": IncompleteForm() if commitment.may["closable_by"] else None,
        "locked": period_locked(unit=commitment.letter.unit, period=commitment.letter.period),
    }
    return render(request, "commitments/detail.html", context)


@login_required
@require_POST
def progress_create(request, pk: int):
    commitment = get_for_user(Commitment, request.user, pk, need="writable_by")
    form = ProgressForm(request.POST, request.FILES)
    if form.is_valid():
        data = form.cleaned_data
        try:
            progress_add(
                actor=request.user,
                commitment=commitment,
                date=data["date"],
                text=data["text"],
                percent=data["percent"],
                files=data["evidence"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Progress recorded."))
            return redirect("commitments:detail", pk=commitment.pk)
    for error in form.errors.values():
        for message in error:
            messages.error(request, message)
    return redirect("commitments:detail", pk=commitment.pk)


@login_required
@require_POST
def commitment_incomplete(request, pk: int):
    commitment = get_for_user(Commitment, request.user, pk, need="closable_by")
    form = IncompleteForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(_("Give the reason."))
        commitment_mark_incomplete(
            actor=request.user, commitment=commitment, reason=form.cleaned_data["reason"]
        )
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    else:
        messages.success(request, _("Marked as not completed."))
    return redirect("commitments:detail", pk=commitment.pk)


@login_required
def letter_list(request):
    period = request.GET.get("period") or Period.containing(timezone.localdate()).code
    try:
        Period.parse(period)
    except ValidationError:
        raise Http404 from None
    letters = (
        CommitmentLetter.objects.visible_to(request.user)
        .filter(period=period)
        .select_related("unit", "member")
        .order_by("unit__path", "member__name")
    )
    unit = None
    if request.GET.get("unit"):  # a branch page's link: that branch and the groups below it
        unit = get_for_user(OrgUnit, request.user, request.GET["unit"])
        letters = letters.filter(unit__path__under=unit.path)
    context = {"letters": letters, "period": Period.parse(period), "unit": unit}
    return render(request, "commitments/letter_list.html", context)


@login_required
def letter_detail(request, pk: int):
    letter = get_for_user(CommitmentLetter, request.user, pk, ask=["writable_by"])
    form = LetterPublishForm(request.POST or None, instance=letter) if letter.may["writable_by"] else None
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        if form.is_valid():
            data = form.cleaned_data
            try:
                letter_publish(
                    letter=letter,
                    signed_on=data["signed_on"],
                    published_on=data["published_on"],
                    channels=data["channels"],
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("Letter saved."))
                return redirect("commitments:letter", pk=letter.pk)
    commitments = _letter_items(request.user, letter)
    context = {"letter": letter, "commitments": commitments, "form": form}
    return render(request, "commitments/letter.html", context)


def _letter_items(user, letter):
    return Commitment.objects.visible_to(user).filter(letter=letter).order_by("category", "deadline")


@login_required
def letter_word(request, pk: int):
    letter = get_for_user(CommitmentLetter, request.user, pk)
    commitments = _letter_items(request.user, letter)
    filename = f"{letter.owner_name}公开承诺书（{letter.period_obj.label}）.docx"
    return download(letter_docx(letter, commitments), filename, DOCX_TYPE)


@login_required
def ledger_export(request):
    form = LedgerExportForm(request.POST or None, actor=request.user)
    if request.method == "POST" and form.is_valid():
        unit, period = form.cleaned_data["unit"], Period.parse(form.cleaned_data["period"])
        job = job_create(
            owner=request.user,
            kind="export",
            title=ledger_filename(unit, period),
            params={"export": "commitments", "unit": unit.code, "period": period.code},
        )
        if ledger_queryset(request.user, unit, period).count() <= settings.INLINE_EXPORT_ROWS:
            job_run(job.pk)  # small enough to build while the user waits
        else:
            job_enqueue(job)
        return redirect("core:job_detail", pk=job.pk)
    return render(
        request,
        "branches/form.html",
        {"form": form, "title": _("Export the commitment ledger"), "submit_label": _("Export")},
    )


@login_required
def period_locks(request):
    require(OrgUnit.objects.writable_by(request.user))
    form = PeriodLockForm(request.POST or None, actor=request.user)
    if request.method == "POST" and form.is_valid():
        period_lock(actor=request.user, unit=form.cleaned_data["unit"], period=form.cleaned_data["period"])
        messages.success(request, _("Filing closed: later changes are kept as amendments."))
        return redirect("commitments:locks")
    locks = (
        PeriodLock.objects.visible_to(request.user).select_related("unit", "locked_by").order_by("-locked_at")
    )
    history = Commitment.history.filter(
        history_change_reason=AMENDMENT,
        letter__in=CommitmentLetter.objects.visible_to(request.user),
    ).select_related("history_user", "letter__unit", "letter__member")[:200]
    context = {"form": form, "locks": locks, "amendments": history}
    return render(request, "commitments/locks.html", context)


def public_board(request, code: str):
    """公示栏: published commitments of a township or a branch, for anyone, names only."""
    unit = get_object_or_404(OrgUnit, code=normalise_code(code))
    commitments = (
        Commitment.objects.published()
        .filter(letter__unit__path__under=unit.path)
        .select_related("letter__unit", "letter__member")
        .in_list_order()
        .only(
            "category",
            "content",
            "measures",
            "deadline",
            "percent",
            "completed_on",
            "incomplete_reason",
            "letter__period",
            "letter__unit__name",
            "letter__member__name",
        )
    )
    period = request.GET.get("period") or Period.containing(timezone.localdate()).code
    commitments = commitments.filter(letter__period=period)
    page = Paginator(commitments, PER_PAGE).get_page(request.GET.get("page"))
    context = {"unit": unit, "page": page, "period": _safe_period(period), "statuses": Status}
    return render(request, "commitments/board.html", context)


def public_board_poster(request, code: str):
    """A printable sheet for the 公开栏: the public board's address and its QR code.

    The board is public, so is its address; the QR code is drawn here (SVG, no image
    service) because township intranets reach no outside site.
    """
    unit = get_object_or_404(OrgUnit, code=normalise_code(code))
    address = request.build_absolute_uri(reverse("commitments:board", args=[unit.code]))
    svg = make_qr(address, error="m").svg_inline(scale=8, border=2, omitsize=True)
    # segno writes the whole SVG itself from the encoded address: no user text in it.
    context = {"unit": unit, "address": address, "qr_svg": mark_safe(svg)}  # noqa: S308
    return render(request, "commitments/board_poster.html", context)


def _safe_period(code: str) -> Period | None:
    try:
        return Period.parse(code)
    except ValidationError:
        return None
