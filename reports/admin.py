from __future__ import annotations

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from accounts.admin_scoping import ScopedAdminMixin
from reports.models import Report


@admin.register(Report)
class ReportAdmin(ScopedAdminMixin, SimpleHistoryAdmin):
    list_display = ("title", "unit", "slot", "status", "submitted_at")
    ordering = ("-slot", "unit__path", "pk")
    list_filter = ("status", "category")
    search_fields = ("title",)
    list_select_related = ("unit",)
    raw_id_fields = ("unit", "author", "reviewed_by")
    choice_questions = {"unit": "kept_by"}
