"""{{ day|long_date }}: 2026年9月7日, the date of documents and printed forms."""

from __future__ import annotations

from django import template

from core import dates

register = template.Library()


@register.filter
def long_date(day) -> str:
    return dates.long_date(day) if day else ""
