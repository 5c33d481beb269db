from __future__ import annotations

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from accounts.admin_scoping import ScopedAdminMixin
from commitments.models import Commitment, CommitmentLetter, PeriodLock, Progress


@admin.register(CommitmentLetter)
class CommitmentLetterAdmin(ScopedAdminMixin, SimpleHistoryAdmin):
    list_display = ("unit", "member", "period", "signed_on", "published_on")
    ordering = ("unit__path", "member__name", "period")  # no default ordering: it costs every query
    list_filter = ("period",)
    list_select_related = ("unit", "member")
    raw_id_fields = ("unit", "member")
    choice_questions = {"unit": "kept_by"}


@admin.register(Commitment)
class CommitmentAdmin(ScopedAdminMixin, SimpleHistoryAdmin):
    list_display = ("content", "letter", "category", "deadline", "percent")
    ordering = ("letter__unit__path", "letter__member__name", "category", "deadline", "pk")
    list_filter = ("category", "letter__period")
    search_fields = ("content",)
    list_select_related = ("letter__unit", "letter__member")
    raw_id_fields = ("letter", "responsible")


@admin.register(Progress)
class ProgressAdmin(ScopedAdminMixin, SimpleHistoryAdmin):
    list_display = ("commitment", "date", "percent")
    raw_id_fields = ("commitment",)


@admin.register(PeriodLock)
class PeriodLockAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ("unit", "period", "locked_at", "locked_by")
