from __future__ import annotations

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from accounts.admin_scoping import ScopedAdminMixin, ScopedInlineMixin
from accounts.models import RoleAssignment, User
from accounts.services import refuse_self_lockout

# Who may use the admin and with which model permissions: the superuser's decision alone.
SUPERUSER_FIELDS = ("is_staff", "is_superuser", "groups", "user_permissions")


def _locks_out(request, user, **change) -> bool:
    try:
        refuse_self_lockout(actor=request.user, user=user, **change)
    except ValidationError:
        return True
    return False


def _rescope(*models) -> None:
    """Re-register other apps' admins through the scoping.

    Their rows belong to no township, so only the superuser sees them (`ask` denies the rest).
    """
    for model in models:
        if admin.site.is_registered(model):  # django-axes registers its own only if configured to
            model_admin = type(admin.site.get_model_admin(model))
            admin.site.unregister(model)
            admin.site.register(model, type(model_admin.__name__, (ScopedAdminMixin, model_admin), {}))


_rescope(Group, AccessAttempt, AccessLog, AccessFailureLog)


class RoleAssignmentInline(ScopedInlineMixin, admin.TabularInline):
    model = RoleAssignment
    extra = 0
    autocomplete_fields = ["org_unit"]

    # `obj` is the account on the page: one's own roles are read-only.
    def has_add_permission(self, request, obj=None):
        return super().has_add_permission(request, obj) and not self._own(request, obj)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and not self._own(request, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and not self._own(request, obj)

    def _own(self, request, obj) -> bool:
        return obj is not None and _locks_out(request, obj, change_roles=True)


@admin.register(User)
class PortalUserAdmin(ScopedAdminMixin, UserAdmin):
    fieldsets = (*UserAdmin.fieldsets, (_("Portal profile"), {"fields": ("full_name", "phone")}))
    list_display = ("username", "full_name", "phone", "is_active", "is_staff")
    search_fields = ("username", "full_name", "phone")
    inlines = [RoleAssignmentInline]

    def get_fieldsets(self, request, obj=None):
        # The form is built from these fields, so a forged POST cannot set the others.
        fieldsets = super().get_fieldsets(request, obj)
        if request.user.is_superuser:
            return fieldsets
        return [
            (name, {**options, "fields": [f for f in options["fields"] if f not in SUPERUSER_FIELDS]})
            for name, options in fieldsets
        ]

    def get_list_filter(self, request):
        return super().get_list_filter(request) if request.user.is_superuser else ("is_active",)

    def get_readonly_fields(self, request, obj=None):
        # Unticking one's own staff or superuser status locks one out as surely as
        # deactivating: someone else changes one's own rights.
        readonly = super().get_readonly_fields(request, obj)
        if obj is not None and _locks_out(request, obj, deactivate=True, change_roles=True):
            return (*readonly, "is_active", *SUPERUSER_FIELDS)
        return readonly

    def has_delete_permission(self, request, obj=None):
        allowed = super().has_delete_permission(request, obj)
        return allowed and (obj is None or not _locks_out(request, obj, deactivate=True))


class RoleAssignmentAdminForm(forms.ModelForm):
    actor: User  # set on the form class of each request by RoleAssignmentAdmin.get_form

    def clean(self):
        cleaned_data = super().clean()
        # Moving an assignment away from someone revokes it; giving it to someone assigns it.
        for user in (self.instance.user if self.instance.pk else None, cleaned_data.get("user")):
            if user is not None:
                refuse_self_lockout(actor=self.actor, user=user, change_roles=True)
        return cleaned_data


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(ScopedAdminMixin, SimpleHistoryAdmin):
    form = RoleAssignmentAdminForm
    list_display = ("user", "role", "org_unit", "created_at")
    list_filter = ("role",)
    search_fields = ("user__username", "user__full_name", "org_unit__name", "org_unit__code")
    autocomplete_fields = ["user", "org_unit"]

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)  # a new class on every call
        form.actor = request.user
        return form

    def has_delete_permission(self, request, obj=None):
        allowed = super().has_delete_permission(request, obj)
        return allowed and (obj is None or not _locks_out(request, obj.user, change_roles=True))
