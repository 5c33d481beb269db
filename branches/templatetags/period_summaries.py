"""`{% published_summaries unit %}`: the published period summaries of a unit and the units
below it, for anyone (the public board: a published summary is public)."""

from __future__ import annotations

from django import template

from branches.meeting_selectors import published_summaries as published

register = template.Library()

SHOWN = 10


@register.inclusion_tag("branches/summaries/_board.html")
def published_summaries(unit) -> dict:
    return {"summaries": published(unit)[:SHOWN]}
