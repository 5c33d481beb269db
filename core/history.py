"""Readable change history (django-simple-history records) for the audit pages."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from core.dates import short_datetime


@dataclass(frozen=True)
class Change:
    field: str
    old: Any
    new: Any


@dataclass(frozen=True)
class HistoryRow:
    record: Any
    subject: str
    action: str
    changes: list[Change]


def history_rows(records) -> list[HistoryRow]:
    """Rows of several objects' histories, newest first, each with what changed.

    `records` must come oldest first; foreign keys are shown by name, loaded once per
    related model rather than once per change.
    """
    actions = {"+": _("created"), "~": _("changed"), "-": _("deleted")}
    previous: dict[tuple, Any] = {}
    pending: list[tuple[Any, list]] = []
    wanted: dict[type, set] = {}
    for record in records:
        key = (type(record), record.id)
        raw = []
        if key in previous:
            model = record.instance_type
            for change in record.diff_against(previous[key]).changes:
                field = model._meta.get_field(change.field)
                if field.many_to_many:  # lists of links (a group's members): not a change to name
                    continue
                raw.append((field, change.old, change.new))
                if field.is_relation:
                    wanted.setdefault(field.related_model, set()).update({change.old, change.new})
        previous[key] = record
        pending.append((record, raw))
    names = {
        model: {obj.pk: str(obj) for obj in model._default_manager.filter(pk__in=pks - {None})}
        for model, pks in wanted.items()
    }
    rows = []
    for record, raw in reversed(pending):
        changes = [
            Change(str(field.verbose_name), _shown(field, old, names), _shown(field, new, names))
            for field, old, new in raw
        ]
        subject = f"{record.instance_type._meta.verbose_name} · {record.instance}"
        rows.append(HistoryRow(record, subject, actions[record.history_type], changes))
    rows.sort(key=lambda row: row.record.history_date, reverse=True)
    return rows


def _shown(field, value, names) -> Any:
    if value in (None, ""):
        return ""
    if field.is_relation:
        return names.get(field.related_model, {}).get(value, value)
    if field.choices:
        return dict(field.flatchoices).get(value, value)
    if isinstance(value, datetime.datetime):
        return short_datetime(value)
    return value
