"""The inspections section of a unit's page: its open rectifications, overdue ones first."""

from __future__ import annotations

from django.db.models import Case, IntegerField, Value, When
from django.template.loader import render_to_string
from django.utils import timezone

from core.panels import register_unit_panel
from inspections.models import Rectification

SHOWN = 10


def open_rectifications_panel(request, unit) -> str:
    today = timezone.localdate()
    rectifications = (
        Rectification.objects.visible_to(request.user)
        .filter(unit__path__under=unit.path)
        .open()
        .select_related("unit", "member")
    )
    shown = list(
        rectifications.annotate(
            late=Case(When(deadline__lt=today, then=Value(0)), default=Value(1), output_field=IntegerField())
        ).order_by("late", "deadline", "pk")[:SHOWN]
    )
    if not shown:
        return ""
    context = {
        "unit": unit,
        "rectifications": shown,
        "open_count": rectifications.count() if len(shown) == SHOWN else len(shown),
        "today": today,
    }
    return render_to_string("inspections/_unit_panel.html", context, request=request)


register_unit_panel(open_rectifications_panel)
