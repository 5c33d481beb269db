"""The reporting days: the 15th and the 30th, or the month's last day when it has no 30th."""

from __future__ import annotations

import calendar
import datetime
import zoneinfo

import pytest

from reports.slots import month_slots, previous_slot, slot_for, slot_on_or_after, slots_between, window

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
UTC = datetime.UTC


@pytest.mark.parametrize("year", [2024, 2026])  # a leap year and a common one
@pytest.mark.parametrize("month", range(1, 13))
def test_every_month_has_the_15th_and_the_30th_or_its_last_day(year, month):
    last = calendar.monthrange(year, month)[1]
    expected_second = 30 if last >= 30 else last
    assert month_slots(year, month) == [
        datetime.date(year, month, 15),
        datetime.date(year, month, expected_second),
    ]


def test_february_uses_its_last_day():
    assert month_slots(2024, 2)[1] == datetime.date(2024, 2, 29)
    assert month_slots(2026, 2)[1] == datetime.date(2026, 2, 28)


@pytest.mark.parametrize("year", [2024, 2026])
@pytest.mark.parametrize("month", range(1, 13))
def test_around_each_slot_at_midnight_shanghai(year, month):
    for slot in month_slots(year, month):
        on_time = datetime.datetime.combine(slot, datetime.time(23, 59, 59), SHANGHAI)
        next_day = datetime.datetime.combine(slot + datetime.timedelta(days=1), datetime.time(0, 0), SHANGHAI)
        assert slot_for(on_time) == slot
        assert slot_for(next_day) == slot_on_or_after(slot + datetime.timedelta(days=1)) > slot


def test_a_submission_counts_for_the_next_slot():
    assert slot_for(datetime.datetime(2026, 11, 16, 9, 0, tzinfo=SHANGHAI)) == datetime.date(2026, 11, 30)
    # The 31st of a month belongs to the next month's 15th.
    assert slot_for(datetime.datetime(2026, 1, 31, 10, 0, tzinfo=SHANGHAI)) == datetime.date(2026, 2, 15)
    assert slot_for(datetime.datetime(2026, 12, 31, 10, 0, tzinfo=SHANGHAI)) == datetime.date(2027, 1, 15)
    assert slot_for(datetime.datetime(2024, 2, 29, 23, 0, tzinfo=SHANGHAI)) == datetime.date(2024, 2, 29)
    assert slot_for(datetime.datetime(2024, 3, 1, 0, 0, tzinfo=SHANGHAI)) == datetime.date(2024, 3, 15)


def test_a_time_stored_in_utc_on_the_previous_day_is_judged_in_shanghai():
    # 2026-11-15 16:30 UTC is 2026-11-16 00:30 in Shanghai: too late for the 15th.
    assert slot_for(datetime.datetime(2026, 11, 15, 16, 30, tzinfo=UTC)) == datetime.date(2026, 11, 30)
    # 2026-11-14 23:00 UTC is already the 15th in Shanghai: still the 15th.
    assert slot_for(datetime.datetime(2026, 11, 14, 23, 0, tzinfo=UTC)) == datetime.date(2026, 11, 15)
    # 2026-02-28 17:00 UTC is 1 March in Shanghai: the 15 March slot.
    assert slot_for(datetime.datetime(2026, 2, 28, 17, 0, tzinfo=UTC)) == datetime.date(2026, 3, 15)


def test_windows_and_ranges():
    assert previous_slot(datetime.date(2026, 3, 15)) == datetime.date(2026, 2, 28)
    assert window(datetime.date(2026, 3, 15)) == (datetime.date(2026, 3, 1), datetime.date(2026, 3, 15))
    assert window(datetime.date(2026, 1, 15)) == (datetime.date(2025, 12, 31), datetime.date(2026, 1, 15))
    year = list(slots_between(datetime.date(2026, 1, 1), datetime.date(2026, 12, 31)))
    assert len(year) == 24 and year[3] == datetime.date(2026, 2, 28)
