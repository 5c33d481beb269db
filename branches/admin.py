from __future__ import annotations

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from accounts.admin import ScopedAdminMixin
from branches.models import LiaisonPoint, Member, OrgUnit, Responsibility


@admin.register(OrgUnit)
class OrgUnitAdmin(ScopedAdminMixin, SimpleHistoryAdmin):
    list_display = ("name", "code", "level", "kind", "path")
    list_filter = ("level", "kind")
    search_fields = ("name", "code")
    readonly_fields = ("path",)


@admin.register(Member)
class MemberAdmin(ScopedAdminMixin, SimpleHistoryAdmin):
    list_display = ("name", "unit", "position", "phone", "joined_on")
    list_filter = ("position",)
    search_fields = ("name", "phone", "unit__name")
    list_select_related = ("unit",)
    autocomplete_fields = ["unit", "user"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "unit":
            kwargs["queryset"] = OrgUnit.objects.taking_members_from(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(Responsibility)
class ResponsibilityAdmin(ScopedAdminMixin, SimpleHistoryAdmin):
    list_display = ("unit", "kind", "person")
    list_select_related = ("unit", "person")


@admin.register(LiaisonPoint)
class LiaisonPointAdmin(ScopedAdminMixin, SimpleHistoryAdmin):
    list_display = ("leader", "branch", "started_on", "ended_on")
    list_select_related = ("leader", "branch")
