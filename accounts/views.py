from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import SetPasswordForm
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch, Q
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.forms import PreferencesForm, RoleAssignmentForm, UserCreateForm, UserEditForm
from accounts.models import OrgUnit, RoleAssignment, User
from accounts.scoping import get_for_user, require
from accounts.services import (
    password_set,
    preferences_save,
    role_assign,
    role_revoke,
    user_create,
    user_update,
)


def _require_account_manager(user) -> None:
    """Account pages are the office's: it assigns the roles on the units it manages."""
    require(OrgUnit.objects.writable_by(user))


@login_required
def user_list(request):
    _require_account_manager(request.user)
    users = User.objects.visible_to(request.user).prefetch_related(
        Prefetch(
            "role_assignments",
            queryset=RoleAssignment.objects.select_related("org_unit").order_by("role"),
        )
    )
    query = request.GET.get("q", "").strip()
    if query:
        users = users.filter(Q(username__icontains=query) | Q(full_name__icontains=query))
    page = Paginator(users, 50).get_page(request.GET.get("page"))
    return render(request, "accounts/user_list.html", {"page": page, "query": query})


@login_required
def user_create_view(request):
    _require_account_manager(request.user)
    form = UserCreateForm(request.POST or None, actor=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        user = user_create(
            username=data["username"],
            password=data["password"],
            role=data["role"],
            org_unit=data["org_unit"],
            full_name=data["full_name"],
            phone=data["phone"],
            email=data["email"],
        )
        messages.success(request, _("Account %(name)s created.") % {"name": user.account_label})
        return redirect("accounts:user_detail", pk=user.pk)
    return render(request, "accounts/user_form.html", {"form": form, "title": _("New account")})


@login_required
def user_detail(request, pk: int):
    _require_account_manager(request.user)
    account = get_for_user(User, request.user, pk)
    role_form = RoleAssignmentForm(request.POST or None, actor=request.user)
    if request.method == "POST" and role_form.is_valid():
        try:
            role_assign(actor=request.user, user=account, **role_form.cleaned_data)
        except ValidationError as exc:
            role_form.add_error(None, exc)
        else:
            messages.success(request, _("Role added."))
            return redirect("accounts:user_detail", pk=account.pk)
    assignments = account.role_assignments.select_related("org_unit").order_by("role")
    return render(
        request,
        "accounts/user_detail.html",
        {"account": account, "assignments": assignments, "role_form": role_form},
    )


@login_required
def user_edit(request, pk: int):
    _require_account_manager(request.user)
    account = get_for_user(User, request.user, pk, need="writable_by")
    form = UserEditForm(request.POST or None, instance=account)
    if request.method == "POST" and form.is_valid():
        try:
            user_update(actor=request.user, user=form.instance)
        except ValidationError as exc:
            form.add_error("is_active", exc)
        else:
            messages.success(request, _("Account updated."))
            return redirect("accounts:user_detail", pk=account.pk)
    return render(request, "accounts/user_form.html", {"form": form, "title": account.account_label})


@login_required
def user_set_password(request, pk: int):
    _require_account_manager(request.user)
    account = get_for_user(User, request.user, pk, need="writable_by")
    form = SetPasswordForm(account, request.POST or None)
    if request.method == "POST" and form.is_valid():
        password_set(user=account, password=form.cleaned_data["new_password1"])
        messages.success(request, _("New password set for %(name)s.") % {"name": account.account_label})
        return redirect("accounts:user_detail", pk=account.pk)
    title = _("Set a new password for %(name)s") % {"name": account.account_label}
    return render(request, "accounts/user_form.html", {"form": form, "title": title})


@login_required
@require_POST
def role_delete(request, pk: int):
    _require_account_manager(request.user)
    assignment = get_for_user(RoleAssignment, request.user, pk, need="writable_by")
    try:
        role_revoke(actor=request.user, assignment=assignment)
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    else:
        messages.success(request, _("Role removed."))
    return redirect("accounts:user_detail", pk=assignment.user_id)


@login_required
def preferences(request):
    form = PreferencesForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        preferences_save(user=request.user, **form.cleaned_data)
        messages.success(request, _("Preferences saved."))
        return redirect("accounts:preferences")
    return render(request, "accounts/user_form.html", {"form": form, "title": _("E-mail preferences")})
