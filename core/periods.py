"""Work periods: a year (`2026`) or a half-year (`2026H1`, `2026H2`).

Commitments are made every half-year (seed 002 §二(一)) and the ledgers reach the office
by mid-January and mid-July: the 15th of the month after the period closes.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

_PATTERN = re.compile(r"^(\d{4})(H[12])?$")
FILING_DAY = 15


@dataclass(frozen=True, order=True)
class Period:
    year: int
    half: int | None = None  # 1, 2, or None for the whole year

    @classmethod
    def parse(cls, code: str) -> Period:
        match = _PATTERN.match((code or "").strip().upper())
        if not match or not 2000 <= int(match.group(1)) <= 2100:
            raise ValidationError(
                _("“%(code)s” is not a period; write 2026, 2026H1 or 2026H2.") % {"code": code},
                code="period",
            )
        half = int(match.group(2)[1]) if match.group(2) else None
        return cls(int(match.group(1)), half)

    @classmethod
    def containing(cls, day: datetime.date) -> Period:
        return cls(day.year, 1 if day.month <= 6 else 2)

    @property
    def code(self) -> str:
        return f"{self.year}H{self.half}" if self.half else str(self.year)

    @property
    def start(self) -> datetime.date:
        return datetime.date(self.year, 7 if self.half == 2 else 1, 1)

    @property
    def end(self) -> datetime.date:
        return datetime.date(self.year, 6, 30) if self.half == 1 else datetime.date(self.year, 12, 31)

    @property
    def filing_deadline(self) -> datetime.date:
        """The day the period's ledgers are due at the office: 7月15日 or next 1月15日."""
        after = self.end + datetime.timedelta(days=1)
        return after.replace(day=FILING_DAY)

    @property
    def label(self) -> str:
        if self.half == 1:
            return _("first half of %(year)d") % {"year": self.year}
        if self.half == 2:
            return _("second half of %(year)d") % {"year": self.year}
        return _("year %(year)d") % {"year": self.year}

    @property
    def wording(self) -> str:
        """2026年上半年, 2026年下半年, 2026年全年: as ledger titles word the period."""
        return f"{self.year}年" + {1: "上半年", 2: "下半年", None: "全年"}[self.half]

    def __contains__(self, day: datetime.date) -> bool:
        return self.start <= day <= self.end

    def __str__(self) -> str:
        return self.code


def period_choices(today: datetime.date, *, years_back: int = 2) -> list[tuple[str, str]]:
    """Periods to pick from, newest first: the coming half-year down to `years_back` ago."""
    choices = []
    for year in range(today.year + 1, today.year - years_back - 1, -1):
        for period in (Period(year, 2), Period(year, 1), Period(year)):
            if period.start <= datetime.date(today.year, 12, 31):
                choices.append((period.code, period.label))
    return choices


def validate_period(code: str) -> None:
    Period.parse(code)
