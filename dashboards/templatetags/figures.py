"""How the dashboards print a figure: a rate as a percentage with one decimal, a missing one as —."""

from __future__ import annotations

from django import template

register = template.Library()

NONE = "—"


@register.filter
def rate(value: float | None) -> str:
    """A fraction (0.857) as 85.7%."""
    return NONE if value is None else f"{value * 100:.1f}%"


@register.filter
def figure(value, is_percent: bool = False) -> str:
    """A chart's value as its table prints it: 85.7% for a percentage, 12 for a count."""
    if value is None:
        return NONE
    return f"{value:.1f}%" if is_percent else f"{value:g}"
