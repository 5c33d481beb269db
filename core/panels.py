"""Sections other apps add to a unit's page.

The unit page belongs to the branches app, which imports no domain app above it; an app
that has something to show there (the open rectifications of a branch) registers a
function `panel(request, unit) -> str` that renders its section, or "" when it has none
for this user and unit.
"""

from __future__ import annotations

from collections.abc import Callable

_UNIT_PANELS: list[Callable] = []


def register_unit_panel(panel: Callable) -> None:
    if panel not in _UNIT_PANELS:
        _UNIT_PANELS.append(panel)


def unit_panels(request, unit) -> list[str]:
    return [html for panel in _UNIT_PANELS if (html := panel(request, unit))]
