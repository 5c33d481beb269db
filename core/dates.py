"""Dates as the portal writes them outside templates: documents, spreadsheets, messages."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.utils import dateformat, timezone
from django.utils.formats import get_format


def long_date(day: datetime.date) -> str:
    """2026年9月7日: the long Chinese date of documents, without zero padding."""
    return f"{day.year}年{day.month}月{day.day}日"


def short_date(day: datetime.date) -> str:
    """2026-11-23: dates in tables, forms and spreadsheet cells (DATE_FORMAT of config/formats)."""
    return dateformat.format(day, get_format("DATE_FORMAT", lang=settings.LANGUAGE_CODE))


def short_datetime(moment: datetime.datetime) -> str:
    """11月23日 09:30 in the portal's time zone (DATETIME_FORMAT of config/formats)."""
    moment = timezone.localtime(moment)
    return dateformat.format(moment, get_format("DATETIME_FORMAT", lang=settings.LANGUAGE_CODE))


def month_day(day: datetime.date) -> str:
    """11月23日: a day within a known year, as in column headings (MONTH_DAY_FORMAT)."""
    return dateformat.format(day, get_format("MONTH_DAY_FORMAT", lang=settings.LANGUAGE_CODE))
