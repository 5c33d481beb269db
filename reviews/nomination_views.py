"""优秀共产党员 nominations (with each nominee's evidence, the office's decision and the
commendation list) and the titles after conferral (限期整改, revocation and its notice)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.scoping import get_for_user, require
from branches.models import Member
from core.downloads import DOCX_TYPE, download
from reviews.models import CreationRound, Nomination, Title
from reviews.nomination_documents import commendation_docx, commendation_heading
from reviews.nomination_forms import DecisionForm, NominationForm, TitleRectifyForm, TitleRevokeForm
from reviews.nomination_selectors import (
    member_evidence,
    nominable_members,
    round_nominations,
    takes_nominations,
    visible_titles,
    with_rectifications,
)
from reviews.nomination_services import nomination_decide, nomination_save
from reviews.title_services import title_rectify, title_revoke

NOMINATION_QUESTIONS = ["writable_by", "decidable_by"]
# A member reads the nominations of the round (its own), not the round's own pages.
ROUND_QUESTIONS = ["readable_by"]

# ---------------------------------------------------------------------------------------
# Nominations


@login_required
def nominations(request, pk: int):
    """The round's nominees the user reads (a member: itself), each beside its own evidence."""
    user = request.user
    creation_round = get_for_user(CreationRound, user, pk, ask=ROUND_QUESTIONS)
    rows = list(round_nominations(creation_round, user))
    evidence = member_evidence(creation_round, [n.member for n in rows], user)
    in_round = Nomination.objects.filter(round=creation_round)
    writable = set(in_round.writable_by(user).values_list("pk", flat=True))
    decidable = set(in_round.decidable_by(user).values_list("pk", flat=True))
    context = {
        "round": creation_round,
        "rows": [
            {
                "nomination": n,
                "evidence": evidence[n.member_id],
                "writable": n.pk in writable,
                "decidable": n.pk in decidable,
            }
            for n in rows
        ],
        "may_nominate": takes_nominations(creation_round)
        and nominable_members(user, creation_round).exists(),
        "recommended": sum(1 for n in rows if n.recommended),
    }
    return render(request, "reviews/nominations/list.html", context)


@login_required
def nomination_create(request, pk: int):
    """?member=: the nomination form beside the member's evidence (404 outside the branches the
    user keeps); without it, the members to choose from."""
    user = request.user
    creation_round = get_for_user(CreationRound, user, pk)
    members = nominable_members(user, creation_round)
    require(members)
    raw = request.GET.get("member") or request.POST.get("member")
    if not raw:
        nominated = Nomination.objects.filter(round=creation_round, member__in=members)
        nominated = set(nominated.values_list("member_id", flat=True))
        context = {"round": creation_round, "members": members, "nominated": nominated}
        return render(request, "reviews/nominations/choose.html", context)
    try:
        member = members.get(pk=int(raw))
    except (Member.DoesNotExist, ValueError):
        raise Http404 from None
    existing = Nomination.objects.filter(round=creation_round, member=member).first()
    if existing:
        messages.info(request, _("%(name)s is already nominated in this round.") % {"name": member.name})
        return redirect("reviews:nomination", pk=existing.pk)
    return _nomination_form(request, Nomination(round=creation_round, member=member))


@login_required
def nomination_edit(request, pk: int):
    nomination = get_for_user(Nomination, request.user, pk, need="writable_by")
    return _nomination_form(request, nomination)


def _evidence(nomination: Nomination, user):
    return member_evidence(nomination.round, [nomination.member], user)[nomination.member_id]


def _nomination_form(request, nomination: Nomination):
    form = NominationForm(request.POST or None, instance=nomination)
    if request.method == "POST" and form.is_valid():
        try:
            saved = nomination_save(
                nomination=nomination,
                texts={name: form.cleaned_data[name] for name in form.fields},
                by=request.user,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Nomination saved."))
            return redirect("reviews:nomination", pk=saved.pk)
    creation_round = nomination.round
    context = {
        "round": creation_round,
        "nomination": nomination,
        "form": form,
        "evidence": _evidence(nomination, request.user),
    }
    return render(request, "reviews/nominations/form.html", context)


@login_required
def nomination_detail(request, pk: int):
    nomination = get_for_user(Nomination, request.user, pk, ask=NOMINATION_QUESTIONS)
    context = {
        "round": nomination.round,
        "nomination": nomination,
        "evidence": _evidence(nomination, request.user),
        "may": nomination.may,
    }
    return render(request, "reviews/nominations/detail.html", context)


@login_required
@require_POST
def nomination_decide_view(request, pk: int):
    nomination = get_for_user(Nomination, request.user, pk, need="decidable_by")
    form = DecisionForm(request.POST)
    if form.is_valid():
        try:
            nomination_decide(
                nomination=nomination, recommended=form.cleaned_data["recommended"], by=request.user
            )
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("Decision on %(name)s recorded.") % {"name": nomination.member.name})
    else:
        messages.error(request, _("Choose whether to recommend the nominee."))
    return redirect("reviews:nominations", pk=nomination.round_id)


def _commendations(request, pk: int):
    creation_round = get_for_user(CreationRound, request.user, pk, ask=ROUND_QUESTIONS)
    rows = list(round_nominations(creation_round, request.user).filter(recommended=True))
    commended_on = next((n.commended_on for n in rows if n.commended_on), None)
    return creation_round, rows, commended_on


@login_required
def commendations(request, pk: int):
    """The commendation list: the recommended nominees, dated once the round's approval commends them."""
    creation_round, rows, commended_on = _commendations(request, pk)
    context = {
        "round": creation_round,
        "rows": rows,
        "commended_on": commended_on,
        "dated": commended_on or timezone.localdate(),
        "heading": commendation_heading(creation_round, commended_on),
    }
    return render(request, "reviews/nominations/commendations.html", context)


@login_required
def commendations_word(request, pk: int):
    creation_round, rows, commended_on = _commendations(request, pk)
    document = commendation_docx(creation_round, rows, commended_on)
    return download(document, f"{commendation_heading(creation_round, commended_on)}.docx", DOCX_TYPE)


# ---------------------------------------------------------------------------------------
# Titles


@login_required
def title_list(request):
    titles = with_rectifications(visible_titles(request.user), request.user)
    return render(request, "reviews/titles/list.html", {"titles": titles})


@login_required
def title_detail(request, pk: int):
    title = get_for_user(Title, request.user, pk, ask=["writable_by"])
    (title,) = with_rectifications([title], request.user)
    return render(request, "reviews/titles/detail.html", {"title": title, "may": title.may})


def _title_action(request, pk: int, form_class, act, template: str):
    """限期整改 and revocation: the office's forms on a standing title."""
    title = get_for_user(Title, request.user, pk, need="writable_by")
    if title.revoked_on:
        messages.error(request, _("This title has been revoked: it is kept as it is."))
        return redirect("reviews:title", pk=title.pk)
    form = form_class(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            response = act(title, form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            return response
    return render(request, template, {"title": title, "form": form})


@login_required
def title_rectify_view(request, pk: int):
    def act(title, data):
        title_rectify(title=title, by=request.user, **data)
        messages.success(request, _("Rectification opened: the branch has been told."))
        return redirect("reviews:title", pk=title.pk)

    return _title_action(request, pk, TitleRectifyForm, act, "reviews/titles/rectify.html")


@login_required
def title_revoke_view(request, pk: int):
    def act(title, data):
        title_revoke(title=title, reason=data["revocation_reason"], by=request.user)
        messages.success(request, _("Title revoked: the notice has been circulated to the branches."))
        return redirect("reviews:title_notice", pk=title.pk)

    return _title_action(request, pk, TitleRevokeForm, act, "reviews/titles/revoke.html")


@login_required
def title_notice(request, pk: int):
    """通报: the printable notice of a revocation, read by every branch of the township."""
    titles = Title.objects.circulated_to(request.user).select_related("round__township", "unit", "revoked_by")
    return render(request, "reviews/titles/notice.html", {"title": get_object_or_404(titles, pk=pk)})
