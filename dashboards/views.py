from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from accounts.models import Level, OrgUnit
from accounts.scoping import get_for_user, require
from branches.models import LiaisonPoint, Member
from branches.selectors import liaison_leaders
from core.imports import ledgers
from core.jobs import job_create, job_enqueue
from core.periods import Period, period_choices
from core.todos import todos_for
from dashboards.charts import drill_link, overview_charts, scorecard_charts
from dashboards.exports import overview_title
from dashboards.selectors import Overview, attention_score, overview, own_commitments, scorecard


class OverviewForm(forms.Form):
    """The overview's unit (drilled into from a row) and period, from the address."""

    unit = forms.IntegerField(required=False, widget=forms.HiddenInput)
    period = forms.ChoiceField(label=_("Period"), required=False)

    def __init__(self, *args, today, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["period"].choices = period_choices(today)

    def chosen_period(self, today) -> Period:
        code = self.cleaned_data.get("period") if self.is_valid() else None
        return Period.parse(code) if code else Period.containing(today)


def _overview_context(request, unit: OrgUnit, form: OverviewForm) -> dict:
    today = timezone.localdate()
    ov: Overview = overview(unit, form.chosen_period(today), today)
    ancestors = (
        OrgUnit.objects.visible_to(request.user).filter(path__in=unit.ancestor_paths()).exclude(pk=unit.pk)
    )
    return {
        "overview": ov,
        "charts": overview_charts(ov),
        "rows": [(row, drill_link(row.unit, ov.period), attention_score(row)) for row in ov.rows],
        "attention": [(row, drill_link(row.unit, ov.period), attention_score(row)) for row in ov.attention],
        "overview_form": form,
        "ancestors": ancestors,
        "title": overview_title(unit, ov.period),
    }


def _default_unit(user) -> OrgUnit | None:
    return OrgUnit.objects.overseen_by(user).order_by("path").first()


@login_required
def home(request):
    """What to do next, across every app, most urgent first; then the office's and leaders'
    overview, a secretary's scorecards, a leader's liaison branches, a member's commitments."""
    user = request.user
    today = timezone.localdate()
    items = todos_for(user, today)
    context = {
        "todos": [(todo, state) for todo, state in items if state != "later"],
        "todos_later": [(todo, state) for todo, state in items if state == "later"],
        "today": today,
        "is_office": OrgUnit.objects.writable_by(user).exists(),
        "my_units": OrgUnit.objects.visible_to(user).filter(
            pk__in=[unit_id for _role, _path, unit_id in user.assignments]
        ),
        "my_branches": OrgUnit.objects.of_secretary(user).filter(
            level__in=[Level.BRANCH, Level.GENERAL_BRANCH]
        ),
        "my_points": LiaisonPoint.objects.active()
        .filter(leader=user)
        .select_related("branch")
        .order_by("branch__path"),
        "is_leader": liaison_leaders(user).filter(pk=user.pk).exists(),
        "own_member": Member.objects.visible_to(user).filter(user=user).select_related("unit").first(),
    }
    if context["own_member"]:
        context["own"] = own_commitments(user, today)
    if context["is_office"]:
        context["imports"] = [ledger for ledger in ledgers() if ledger.may_import(user)]
    unit = _default_unit(user)
    if unit is not None:
        context.update(_overview_context(request, unit, OverviewForm(request.GET, today=today)))
    return render(request, "dashboards/home.html", context)


@login_required
def overview_page(request):
    """The overview of any unit in the user's scope (?unit=), for a period (?period=)."""
    today = timezone.localdate()
    form = OverviewForm(request.GET, today=today)
    raw = form.data.get("unit")
    if raw:
        unit = get_for_user(OrgUnit, request.user, raw)
    else:
        require(OrgUnit.objects.visible_to(request.user))
        unit = (
            _default_unit(request.user) or OrgUnit.objects.visible_to(request.user).order_by("path").first()
        )
    return render(request, "dashboards/overview.html", _overview_context(request, unit, form))


@login_required
def scorecard_page(request, pk: int):
    unit = get_for_user(OrgUnit, request.user, pk)
    if unit.level not in (Level.BRANCH, Level.GENERAL_BRANCH):
        return redirect(f"{reverse('dashboards:overview')}?unit={unit.pk}")
    card = scorecard(unit, timezone.localdate())
    return render(request, "dashboards/scorecard.html", {"card": card, "charts": scorecard_charts(card)})


@require_POST
@login_required
def overview_export(request):
    """The overview's figures as an .xlsx, built by a job (dashboards.exports)."""
    today = timezone.localdate()
    form = OverviewForm(request.POST, today=today)
    unit = get_for_user(OrgUnit, request.user, form.data.get("unit"))
    period = form.chosen_period(today)
    params = {"export": "overview", "unit": unit.code, "period": period.code}
    job = job_create(owner=request.user, kind="export", title=overview_title(unit, period), params=params)
    job_enqueue(job)
    return redirect("core:job_detail", pk=job.pk)
