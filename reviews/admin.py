from __future__ import annotations

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from accounts.admin_scoping import ScopedAdminMixin
from reviews.models import Campaign, ReviewRound

# Review sheets are not here: a draft is its reviewer's alone and a signed one is read-only.


@admin.register(ReviewRound)
class ReviewRoundAdmin(ScopedAdminMixin, SimpleHistoryAdmin):
    list_display = ("township", "period", "ends_on", "published_on")
    list_select_related = ("township",)
    raw_id_fields = ("township", "opened_by")


@admin.register(Campaign)
class CampaignAdmin(ScopedAdminMixin, SimpleHistoryAdmin):
    list_display = ("title", "unit", "period", "opens_on", "closes_on", "status")
    list_filter = ("status",)
    list_select_related = ("unit",)
    raw_id_fields = ("unit", "opened_by")
