"""Titles and nominations on pages of the apps below reviews, which may not import it
(ADR 0005): `{% load creation_titles %}` in their templates.

- `{% standing_titles unit %}`: the standing titles of a unit and the units below it, for
  anyone (the public board: a title is public); `{% standing_titles unit user %}` through the
  user's scope (the unit page).
- `{% own_nominations user %}`: the user's own nominations for 优秀共产党员 (its home page).
- `{{ title|wording }}`, `{{ unit|honour }}`: 2025年度基层党组织建设先进党支部, 基层党组织建设先进党支部.
"""

from __future__ import annotations

from django import template

from reviews import nomination_selectors

register = template.Library()


@register.inclusion_tag("reviews/titles/_standing.html")
def standing_titles(unit, user=None) -> dict:
    return {"unit": unit, "titles": nomination_selectors.standing_titles(unit, user)}


@register.inclusion_tag("reviews/nominations/_own.html")
def own_nominations(user) -> dict:
    return {"nominations": nomination_selectors.own_nominations(user)}


register.filter("wording", nomination_selectors.title_wording)
register.filter("honour", nomination_selectors.honour)
