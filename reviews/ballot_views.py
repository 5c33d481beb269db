"""The public, anonymous ballot of a 群众评议 campaign: no login, a one-time code.

Nothing identifying is kept: the votes carry the day alone, the code is marked used (on
that day) without a link to them, and the rate limit counts a keyed hash of the address
in the cache for a minute, never the address itself.
"""

from __future__ import annotations

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from accounts.client_ip import client_ip
from reviews.evaluation_forms import BallotForm
from reviews.evaluation_services import ballot_cast, normalise_ballot_code
from reviews.models import BRANCH_ITEMS, MEMBER_ITEMS, Campaign, CampaignBranch, EvaluationSubject

RATE_WINDOW = 60  # seconds: BALLOT_RATE is per minute


def over_rate(request) -> bool:
    """Count this POST against its client address; True beyond BALLOT_RATE a minute."""
    address = client_ip(request) or "unknown"
    key = "ballot-rate:" + salted_hmac("reviews.ballot-rate", address).hexdigest()
    cache.add(key, 0, timeout=RATE_WINDOW)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between the two calls
        cache.set(key, 1, timeout=RATE_WINDOW)
        count = 1
    return count > settings.BALLOT_RATE


@never_cache
@require_http_methods(["GET", "POST"])
def ballot(request, token: str):
    campaign = get_object_or_404(Campaign.objects.select_related("unit"), public_token=token)
    today = timezone.localdate()
    context = {"campaign": campaign, "branch_items": BRANCH_ITEMS, "member_items": MEMBER_ITEMS}
    if request.method == "POST" and over_rate(request):
        context["refused"] = _("Too many ballots from this address: wait a minute and try again.")
        return render(request, "reviews/ballot.html", context, status=429)
    if request.GET.get("done"):
        return render(request, "reviews/ballot_done.html", context)
    if not campaign.accepts_ballots(today):
        context["refused"] = _("This evaluation is not open for ballots.")
        return render(
            request, "reviews/ballot.html", context, status=403 if request.method == "POST" else 200
        )
    code = normalise_ballot_code(request.POST.get("code") or request.GET.get("code") or "")[:16]
    branches = list(
        CampaignBranch.objects.filter(campaign=campaign).select_related("unit").order_by("unit__path")
    )
    chosen = None
    if len(branches) == 1:
        chosen = branches[0]
    else:
        wanted = request.POST.get("unit") or request.GET.get("unit")
        chosen = next((b for b in branches if str(b.unit_id) == wanted), None)
    context.update({"code": code, "branches": branches, "chosen": chosen})
    if chosen is None:
        return render(request, "reviews/ballot_branches.html", context)
    subjects = EvaluationSubject.objects.filter(campaign=campaign, unit=chosen.unit).select_related("member")
    subjects = sorted(
        subjects, key=lambda s: (s.member_id is not None, s.member.name if s.member_id else "", s.pk)
    )
    if request.method == "POST":
        form = BallotForm(request.POST, subjects=subjects)
        if form.is_valid():
            try:
                ballot_cast(
                    campaign=campaign, code=form.cleaned_data["code"], marks=form.cleaned_data["marks"]
                )
            except ValidationError as exc:
                for message in exc.messages:
                    form.add_error(None, message)
            else:
                return redirect(reverse("reviews:ballot", args=[campaign.public_token]) + "?done=1")
        context["form"] = form
        return render(request, "reviews/ballot.html", context, status=400)
    context["form"] = BallotForm(initial={"code": code}, subjects=subjects)
    return render(request, "reviews/ballot.html", context)
