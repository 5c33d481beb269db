"""What a user should do next, gathered from every app for its home page.

Each app declares what it asks of a user in a `todos` module of its own and registers it here
(`register_todos`), as apps declare their deadlines to the reminder engine; the home page asks
`todos_for(user)` and never reaches into an app. A source answers with the items of that user
only, each a link to where the work is done, and bounds its own queries: a few per source,
whatever the size of the county.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.utils import timezone

SOON = datetime.timedelta(days=7)  # "due soon", as the office's board counts it


@dataclass(frozen=True, slots=True)
class Todo:
    title: str
    link: str
    kind: str  # what sort of work: 承诺事项, 信息报送, 整改 … (shown as a badge)
    due: datetime.date | None = None  # None: waiting on the user, no date set
    note: str = ""  # the unit or member it concerns, a count, a state
    # What it is, where two sources may name the same work (a rectification owed is a
    # deadline and a reply to write): the reminder engine's key of its deadline.
    key: str = ""

    @property
    def identity(self) -> str | tuple[str, str]:
        return self.key or (self.link, self.title)

    def state(self, today: datetime.date) -> str:
        """overdue, today, soon (within a week), later, or waiting (no date)."""
        if self.due is None:
            return "waiting"
        if self.due < today:
            return "overdue"
        if self.due == today:
            return "today"
        return "soon" if self.due - today <= SOON else "later"


# source(user, today) → the user's items.
TodoSource = Callable[..., Iterable[Todo]]
_SOURCES: dict[str, TodoSource] = {}
# Order of urgency: overdue first, then what is due today and this week, then what waits on
# the user with no date, then later deadlines.
_RANK = {"overdue": 0, "today": 1, "soon": 2, "waiting": 3, "later": 4}


def register_todos(name: str, source: TodoSource) -> None:
    _SOURCES[name] = source


def todos_for(user, today: datetime.date | None = None) -> list[tuple[Todo, str]]:
    """(item, its state) for `user`, most urgent first; an item two sources name (the same
    key) is listed once, with its date."""
    today = today or timezone.localdate()
    seen: dict = {}
    for source in _SOURCES.values():
        for todo in source(user, today):
            kept = seen.get(todo.identity)
            if kept is None or (todo.due is not None and (kept.due is None or todo.due < kept.due)):
                seen[todo.identity] = todo
    items = [(todo, todo.state(today)) for todo in seen.values()]
    far = datetime.date.max
    return sorted(items, key=lambda item: (_RANK[item[1]], item[0].due or far, item[0].title))
