"""群众评议 pages: campaigns, a branch's paper tallies, one-time codes, closing, publishing, export."""

from __future__ import annotations

from collections import defaultdict

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from segno import make_qr

from accounts.models import OrgUnit
from accounts.scoping import get_for_user, require
from core.jobs import job_create, job_enqueue
from core.models import Attachment
from reviews.evaluation_forms import CampaignForm, CodesForm, TallyForm, TallySheetForm, organising_units
from reviews.evaluation_services import (
    ballot_codes_create,
    campaign_close,
    campaign_open,
    campaign_publish,
    satisfaction_label,
    tally_save,
)
from reviews.models import (
    BRANCH_ITEMS,
    MEMBER_ITEMS,
    BallotCode,
    Campaign,
    CampaignStatus,
    EvaluationSubject,
    Vote,
)

QUESTIONS = ["writable_by", "closable_by", "publishable_by"]


def _in_order(subjects) -> list[EvaluationSubject]:
    """Branch by branch, the branch itself first, then its members by name."""
    return sorted(
        subjects, key=lambda s: (s.unit.path, s.member_id is not None, s.member.name if s.member_id else "")
    )


MAX_PRINTED_CODES = 500


def qr_svg(address: str, scale: int = 8):
    # segno writes the whole SVG itself from the encoded address: no user text in it.
    return mark_safe(make_qr(address, error="m").svg_inline(scale=scale, border=2, omitsize=True))  # noqa: S308


def ballot_address(request, campaign: Campaign, code: str | None = None) -> str:
    address = request.build_absolute_uri(reverse("reviews:ballot", args=[campaign.public_token]))
    return f"{address}?code={code}" if code else address


@login_required
def campaign_list(request):
    campaigns = Campaign.objects.visible_to(request.user).select_related("unit")
    context = {"campaigns": campaigns, "may_open": organising_units(request.user).exists()}
    return render(request, "reviews/campaign_list.html", context)


@login_required
def campaign_create(request):
    require(organising_units(request.user))
    form = CampaignForm(request.POST or None, actor=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            campaign = campaign_open(
                actor=request.user, campaign=form.instance, branches=form.cleaned_data["branches"]
            )
        except ValidationError as exc:
            for message in exc.messages:
                form.add_error(None, message)
        else:
            messages.success(request, _("The evaluation is open."))
            return redirect("reviews:campaign", pk=campaign.pk)
    return render(request, "reviews/campaign_form.html", {"form": form})


def _results_shown(user, campaign: Campaign) -> bool:
    """Results: once closed, to who runs it or reads its organiser; once published, to the branches."""
    if campaign.status != CampaignStatus.CLOSED:
        return False
    if campaign.published_on or campaign.may["writable_by"]:
        return True
    return OrgUnit.objects.visible_to(user).filter(pk=campaign.unit_id).exists()


@login_required
def campaign_detail(request, pk: int):
    user = request.user
    campaign = get_for_user(Campaign, user, pk, ask=QUESTIONS)
    subjects = _in_order(
        EvaluationSubject.objects.visible_to(user).filter(campaign=campaign).select_related("unit", "member")
    )
    shown = _results_shown(user, campaign)
    opinions: dict[int, list[str]] = defaultdict(list)
    if shown:
        for subject in subjects:
            opinions[subject.pk] += [
                line.strip() for line in subject.paper_opinions.splitlines() if line.strip()
            ]
        votes = Vote.objects.filter(subject__in=subjects).exclude(opinion="").order_by("pk")
        for subject_id, opinion in votes.values_list("subject_id", "opinion"):
            opinions[subject_id].append(opinion)
    tallied = set(
        EvaluationSubject.objects.tallied_by(user).filter(campaign=campaign).values_list("unit_id", flat=True)
    )
    groups: dict[int, dict] = {}
    for subject in subjects:
        group = groups.setdefault(
            subject.unit_id, {"unit": subject.unit, "rows": [], "tally": subject.unit_id in tallied}
        )
        group["rows"].append((subject, satisfaction_label(subject), opinions.get(subject.pk, [])))
    writable = campaign.may["writable_by"]
    context = {
        "campaign": campaign,
        "may": campaign.may,
        "groups": list(groups.values()),
        "shown": shown,
        "branch_items": BRANCH_ITEMS,
        "member_items": MEMBER_ITEMS,
        "open": campaign.status == CampaignStatus.OPEN,
    }
    if writable:
        codes = BallotCode.objects.filter(campaign=campaign)
        address = ballot_address(request, campaign)
        context.update(
            {
                "address": address,
                "qr": qr_svg(address, scale=5),
                "codes_total": codes.count(),
                "codes_used": codes.filter(used_on__isnull=False).count(),
                "codes_form": CodesForm(),
            }
        )
    return render(request, "reviews/campaign_detail.html", context)


@login_required
def tally(request, pk: int, unit_pk: int):
    """A branch's paper tallies: its secretary's (or the organiser's) entry, one form per subject."""
    user = request.user
    campaign = get_for_user(Campaign, user, pk)
    visible = EvaluationSubject.objects.visible_to(user).filter(campaign=campaign, unit_id=unit_pk)
    subjects = _in_order(
        EvaluationSubject.objects.tallied_by(user)
        .filter(campaign=campaign, unit_id=unit_pk)
        .select_related("unit", "member")
    )
    if not subjects:
        if visible.exists():
            raise PermissionDenied
        raise Http404
    data = request.POST if request.method == "POST" else None
    forms = [TallyForm(data, instance=subject, prefix=f"s{subject.pk}") for subject in subjects]
    sheet = TallySheetForm(data, request.FILES if data is not None else None)
    if data is not None:
        if all([form.is_valid() for form in forms]) and sheet.is_valid():
            try:
                tally_save(
                    actor=user,
                    campaign=campaign,
                    subjects=[form.instance for form in forms],
                    files=sheet.cleaned_data["files"],
                )
            except ValidationError as exc:
                for message in exc.messages:
                    messages.error(request, message)
            else:
                messages.success(request, _("The tallies are saved."))
                return redirect("reviews:campaign", pk=campaign.pk)
        else:
            messages.error(request, _("The tallies were not saved: correct the fields marked below."))
    branch = next((s for s in subjects if s.member_id is None), None)
    files = Attachment.objects.for_objects([branch]).order_by("pk") if branch else []
    context = {
        "campaign": campaign,
        "unit": subjects[0].unit,
        "forms": forms,
        "sheet": sheet,
        "files": files,
    }
    return render(request, "reviews/tally.html", context)


@login_required
@require_POST
def codes_create(request, pk: int):
    campaign = get_for_user(Campaign, request.user, pk, need="writable_by")
    form = CodesForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, message)
        return redirect("reviews:campaign", pk=campaign.pk)
    try:
        made = ballot_codes_create(campaign=campaign, count=form.cleaned_data["count"])
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect("reviews:campaign", pk=campaign.pk)
    messages.success(request, _("%(count)d one-time codes made: print them.") % {"count": len(made)})
    return redirect("reviews:codes_print", pk=campaign.pk)


@login_required
def codes_print(request, pk: int):
    """An A4 sheet of the unused codes, each with the QR code of its ballot, to cut and hand out."""
    campaign = get_for_user(Campaign, request.user, pk, need="writable_by")
    codes = BallotCode.objects.filter(campaign=campaign, used_on__isnull=True).order_by("pk")[
        :MAX_PRINTED_CODES
    ]
    cards = [(code.code, qr_svg(ballot_address(request, campaign, code.code), scale=3)) for code in codes]
    context = {"campaign": campaign, "cards": cards, "address": ballot_address(request, campaign)}
    return render(request, "reviews/codes_print.html", context)


@login_required
@require_POST
def campaign_close_view(request, pk: int):
    campaign = get_for_user(Campaign, request.user, pk, need="closable_by")
    if campaign.status == CampaignStatus.CLOSED:
        messages.info(request, _("This evaluation is already closed."))
    else:
        campaign_close(actor=request.user, campaign=campaign)
        messages.success(request, _("The evaluation is closed and its results are fixed."))
    return redirect("reviews:campaign", pk=campaign.pk)


@login_required
@require_POST
def campaign_publish_view(request, pk: int):
    campaign = get_for_user(Campaign, request.user, pk, need="publishable_by")
    campaign_publish(actor=request.user, campaign=campaign)
    messages.success(request, _("The results are published to the branches."))
    return redirect("reviews:campaign", pk=campaign.pk)


@login_required
@require_POST
def campaign_export(request, pk: int):
    """附件六 群众评议情况统计表 as an export job (built by reviews.exports)."""
    campaign = get_for_user(Campaign, request.user, pk, need="writable_by")
    params = {
        "export": "evaluations",
        "period": campaign.period,
        "unit": campaign.unit.code,
        "campaign": campaign.pk,
    }
    job = job_create(
        owner=request.user,
        kind="export",
        title=f"群众评议情况统计表（{campaign.title}）",
        params=params,
    )
    job_enqueue(job)
    return redirect("core:job_detail", pk=job.pk)
