from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.models import OrgUnit, RoleAssignment
from accounts.scoping import get_for_user, require
from branches.forms import (
    LiaisonPointForm,
    MemberFilterForm,
    MemberForm,
    OrgUnitForm,
    ResponsibilityForm,
    leading_group_formset,
    seats_to_keep,
)
from branches.models import LeadingGroupMember, LiaisonPoint, Member, Responsibility
from branches.selectors import (
    SEARCH_PAGE,
    UNIT_SCOPES,
    leaders_in_scope,
    liaison_leaders,
    points_of_other_leaders,
    tree_page,
    unit_members,
    unit_responsibilities,
    unit_search,
    unit_secretary,
    unit_tree,
    with_current_points,
)
from branches.services import (
    leading_group_set,
    liaison_point_create,
    liaison_point_end,
    member_save,
    responsibility_set,
    unit_save,
)
from core.history import history_rows
from core.panels import unit_panels

MEMBERS_PER_PAGE = 50
LEADERS_PER_PAGE = 50


@login_required
def tree(request):
    """The organisation, from the user's top or from `?unit=` down; a county folds to two levels."""
    root = None
    if "unit" in request.GET:
        if not request.GET["unit"].isdigit():
            raise Http404
        root = get_for_user(OrgUnit, request.user, request.GET["unit"])
    units, folded = tree_page(request.user, root)
    context = {
        "units": units,
        "root": root,
        "folded": folded,
        "can_edit": OrgUnit.objects.writable_by(request.user).exists(),
    }
    return render(request, "branches/tree.html", context)


@login_required
def unit_search_view(request):
    """A page of units matching `q` in the named scope, for the searchable unit selects."""
    scope = request.GET.get("scope", "visible")
    if scope not in UNIT_SCOPES:
        raise Http404
    units = unit_search(request.user, scope, request.GET.get("q", "").strip()[:50])
    results = [{"value": unit.pk, "text": f"{unit.name}（{unit.code}）"} for unit in units[:SEARCH_PAGE]]
    return JsonResponse({"results": results, "more": len(units) > SEARCH_PAGE})


@login_required
def unit_detail(request, pk: int):
    unit = get_for_user(OrgUnit, request.user, pk, ask=["writable_by", "kept_by"])
    context = {
        "unit": unit,
        "ancestors": OrgUnit.objects.visible_to(request.user)
        .filter(path__in=unit.ancestor_paths())
        .exclude(pk=unit.pk),
        "children": unit_tree(request.user).filter(parent=unit),
        "members": unit_members(unit, request.user),
        "secretary": unit_secretary(unit),
        "responsibilities": unit_responsibilities(unit),
        "liaison_points": unit.liaison_points.active().select_related("leader").order_by("leader__username"),
        "leading_group": unit.leading_group.order_by("order", "pk"),
        "can_edit": unit.may["writable_by"],
        "can_keep_group": unit.may["kept_by"],
        "panels": unit_panels(request, unit),
    }
    return render(request, "branches/unit_detail.html", context)


def _unit_form(request, unit: OrgUnit | None):
    form = OrgUnitForm(request.POST or None, instance=unit, actor=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            saved = unit_save(unit=form.instance)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Unit %(name)s saved.") % {"name": saved.name})
            return redirect("branches:unit_detail", pk=saved.pk)
    title = unit.name if unit else _("New unit")
    return render(request, "branches/form.html", {"form": form, "title": title})


@login_required
def unit_create(request):
    require(OrgUnit.objects.writable_by(request.user))
    return _unit_form(request, None)


@login_required
def unit_edit(request, pk: int):
    return _unit_form(request, get_for_user(OrgUnit, request.user, pk, need="writable_by"))


@login_required
def unit_responsibilities_edit(request, pk: int):
    unit = get_for_user(OrgUnit, request.user, pk, need="writable_by")
    current = {r.kind: r.person for r in Responsibility.objects.filter(unit=unit).select_related("person")}
    form = ResponsibilityForm(request.POST or None, actor=request.user, current=current)
    if request.method == "POST" and form.is_valid():
        for kind, person in form.cleaned_data.items():
            responsibility_set(unit=unit, kind=kind, person=person)
        messages.success(request, _("Responsible persons saved."))
        return redirect("branches:unit_detail", pk=unit.pk)
    title = _("Responsible persons of %(unit)s") % {"unit": unit.name}
    return render(request, "branches/form.html", {"form": form, "title": title})


@login_required
def unit_leading_group(request, pk: int):
    """The seats of a unit's 创先争优活动领导小组: the office keeps them, and a branch's secretary
    those of its own branch."""
    unit = get_for_user(OrgUnit, request.user, pk, need="kept_by")
    formset = leading_group_formset(request.POST or None, unit=unit, actor=request.user)
    if request.method == "POST" and formset.is_valid():
        try:
            leading_group_set(unit=unit, seats=seats_to_keep(formset))
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("Leading group saved."))
            return redirect("branches:unit_detail", pk=unit.pk)
    context = {"unit": unit, "formset": formset}
    return render(request, "branches/leading_group.html", context)


@login_required
def unit_history(request, pk: int):
    unit = get_for_user(OrgUnit, request.user, pk, need="writable_by")
    histories = [
        OrgUnit.history.filter(id=unit.pk).select_related("history_user", "parent"),
        Responsibility.history.filter(unit_id=unit.pk).select_related("history_user", "person"),
        LiaisonPoint.history.filter(branch_id=unit.pk).select_related("history_user", "leader"),
        LeadingGroupMember.history.filter(unit_id=unit.pk).select_related("history_user", "user"),
        RoleAssignment.history.filter(org_unit_id=unit.pk).select_related("history_user", "user"),
    ]
    records = sorted(
        (record for history in histories for record in history),
        key=lambda record: (record.history_date, record.history_id),
    )
    context = {"object": unit, "rows": history_rows(records)}
    return render(request, "branches/history.html", context)


@login_required
def member_list(request):
    form = MemberFilterForm(request.GET, actor=request.user)
    members = form.apply(
        Member.objects.visible_to(request.user).select_related("unit").order_by("unit__path", "name", "pk")
    )
    page = Paginator(members, MEMBERS_PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "query": query.urlencode(),
        "can_add": OrgUnit.objects.kept_by(request.user).exists(),
    }
    return render(request, "branches/member_list.html", context)


@login_required
def member_detail(request, pk: int):
    member = get_for_user(Member, request.user, pk, ask=["writable_by"])
    context = {"member": member, "can_edit": member.may["writable_by"]}
    return render(request, "branches/member_detail.html", context)


def _member_form(request, member: Member | None):
    initial = {}
    if member is None:
        own = list(OrgUnit.objects.of_secretary(request.user).branches()[:2])
        if len(own) == 1:
            initial["unit"] = own[0].pk  # a secretary adds members to its own branch
    form = MemberForm(request.POST or None, instance=member, actor=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        saved = member_save(member=form.instance)
        messages.success(request, _("Member %(name)s saved.") % {"name": saved.name})
        return redirect("branches:member_detail", pk=saved.pk)
    title = member.name if member else _("New party member")
    return render(request, "branches/form.html", {"form": form, "title": title})


@login_required
def member_create(request):
    require(OrgUnit.objects.kept_by(request.user))
    return _member_form(request, None)


@login_required
def member_edit(request, pk: int):
    return _member_form(request, get_for_user(Member, request.user, pk, need="writable_by"))


@login_required
def member_history(request, pk: int):
    member = get_for_user(Member, request.user, pk, need="writable_by")
    records = Member.history.filter(id=member.pk).select_related("history_user", "unit", "user")
    context = {"object": member, "rows": history_rows(records.order_by("history_date", "history_id"))}
    return render(request, "branches/history.html", context)


@login_required
def liaison_list(request):
    """The office's leaders with their liaison branches, a page at a time, each point once;
    a leader's own points."""
    user = request.user
    require(liaison_leaders(user))
    page = None
    manages = OrgUnit.objects.writable_by(user).exists()
    if manages:
        page = Paginator(leaders_in_scope(user), LEADERS_PER_PAGE).get_page(request.GET.get("page"))
        page.object_list = with_current_points(list(page.object_list), user)
    context = {
        "page": page,
        "points": points_of_other_leaders(user)[:LEADERS_PER_PAGE],
        # Answered above: the navigation's lazy flags need not ask again.
        "nav_liaison": True,
        "nav_office": manages,
    }
    return render(request, "branches/liaison_list.html", context)


@login_required
def liaison_create(request):
    """A liaison point: a leader picks its own, the office assigns one to a leader of its units."""
    user = request.user
    require(liaison_leaders(user))
    form = LiaisonPointForm(request.POST or None, actor=user)
    if request.method == "POST" and form.is_valid():
        try:
            liaison_point_create(**form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Liaison point added."))
            return redirect("branches:liaison_list")
    context = {"form": form, "title": _("Add a liaison point"), "submit_label": _("Add")}
    return render(request, "branches/form.html", context)


@login_required
@require_POST
def liaison_end(request, pk: int):
    point = get_for_user(LiaisonPoint, request.user, pk, need="writable_by")
    liaison_point_end(point=point)
    messages.success(request, _("Liaison point ended."))
    return redirect("branches:liaison_list")
