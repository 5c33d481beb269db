from __future__ import annotations

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from accounts.admin_scoping import ScopedAdminMixin
from inspections.models import Circular, Inspection, InspectionGroup, Rectification, RectificationNotice


@admin.register(InspectionGroup)
class InspectionGroupAdmin(ScopedAdminMixin, SimpleHistoryAdmin):
    list_display = ("name", "township", "leader", "active")
    list_select_related = ("township", "leader")
    raw_id_fields = ("township", "leader")
    filter_horizontal = ("members", "units")


@admin.register(Inspection)
class InspectionAdmin(ScopedAdminMixin, SimpleHistoryAdmin):
    list_display = ("unit", "date", "group", "kind", "status")
    list_filter = ("status", "kind")
    list_select_related = ("unit", "group")
    raw_id_fields = ("group", "unit", "participants")
    ordering = ("-date", "-pk")


@admin.register(Rectification)
class RectificationAdmin(ScopedAdminMixin, SimpleHistoryAdmin):
    list_display = ("problem", "unit", "member", "source", "deadline", "status")
    list_filter = ("status", "source")
    list_select_related = ("unit", "member")
    raw_id_fields = ("unit", "member", "group", "notice", "issued_by", "checked_by")
    readonly_fields = ("source", "source_type", "source_id")
    ordering = ("-issued_on", "-pk")


@admin.register(RectificationNotice)
class RectificationNoticeAdmin(ScopedAdminMixin, SimpleHistoryAdmin):
    list_display = ("label", "unit", "issued_on")
    list_select_related = ("township", "unit")
    raw_id_fields = ("township", "inspection", "unit", "issued_by")


@admin.register(Circular)
class CircularAdmin(ScopedAdminMixin, SimpleHistoryAdmin):
    list_display = ("title", "township", "month", "status", "number")
    list_filter = ("status",)
    list_select_related = ("township",)
    raw_id_fields = ("township", "group", "drafted_by", "decided_by", "issued_by")
