from __future__ import annotations

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from accounts.admin_scoping import ScopedAdminMixin
from accounts.models import OrgUnit
from branches.models import LeadingGroupMember, LiaisonPoint, Member, Responsibility
from branches.services import unit_save


@admin.register(OrgUnit)
class OrgUnitAdmin(ScopedAdminMixin, SimpleHistoryAdmin):
    list_display = ("name", "code", "level", "kind", "path")
    list_filter = ("level", "kind")
    search_fields = ("name", "code")
    readonly_fields = ("path",)

    def save_model(self, request, obj, form, change):
        # As on the pages: a changed code or parent moves the whole subtree's paths, or
        # the units below would keep a stale path and fall out of (or into) scopes.
        obj._history_user = request.user
        unit_save(unit=obj)


@admin.register(Member)
class MemberAdmin(ScopedAdminMixin, SimpleHistoryAdmin):
    list_display = ("name", "unit", "position", "phone", "joined_on")
    ordering = ("unit__path", "name", "pk")  # the model has no default ordering: it costs every query
    list_filter = ("position",)
    search_fields = ("name", "phone", "unit__name")
    list_select_related = ("unit",)
    autocomplete_fields = ["unit", "user"]
    choice_questions = {"unit": "kept_by"}


@admin.register(Responsibility)
class ResponsibilityAdmin(ScopedAdminMixin, SimpleHistoryAdmin):
    list_display = ("unit", "kind", "person")
    list_select_related = ("unit", "person")


@admin.register(LiaisonPoint)
class LiaisonPointAdmin(ScopedAdminMixin, SimpleHistoryAdmin):
    list_display = ("leader", "branch", "started_on", "ended_on")
    ordering = ("leader__username", "branch__path")
    list_select_related = ("leader", "branch")


@admin.register(LeadingGroupMember)
class LeadingGroupMemberAdmin(ScopedAdminMixin, SimpleHistoryAdmin):
    list_display = ("unit", "post", "name", "title", "user", "order")
    ordering = ("unit__path", "order", "pk")
    list_filter = ("post",)
    search_fields = ("name", "title", "unit__name")
    list_select_related = ("unit", "user")
