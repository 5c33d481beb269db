"""What the reminder scan and the office's board cost: what is due, not what history holds."""

from __future__ import annotations

import datetime
import zoneinfo
from unittest import mock

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import OrgUnit
from commitments.models import Category, Commitment, CommitmentLetter, PeriodLock
from core import reminders
from core.models import Channel, Notification, ReminderPolicy, Webhook
from core.reminders import open_deadlines, plan

SH = zoneinfo.ZoneInfo("Asia/Shanghai")
NOW = datetime.datetime(2026, 11, 27, 9, 0, tzinfo=SH)


def _commit(unit, period: str, deadline: datetime.date, content: str = "扫描测试承诺") -> Commitment:
    letter, _ = CommitmentLetter.objects.get_or_create(unit=unit, member=None, period=period)
    return Commitment.objects.create(
        letter=letter, category=Category.SERVICE, content=content, deadline=deadline
    )


def _keys(day: datetime.date, *codes: str) -> set[str]:
    return {d.key for d in open_deadlines(day, OrgUnit.objects.filter(code__in=codes))}


def _commitment_sql(queries) -> str:
    (sql,) = [q["sql"] for q in queries if 'FROM "commitments_commitment"' in q["sql"]]
    return sql


def test_overdue_commitments_are_chased_back_to_the_start_of_the_last_half_year(units):
    inside = _commit(units["LS0101"], "2026H1", datetime.date(2026, 1, 1))
    older = _commit(units["LS0101"], "2025H2", datetime.date(2025, 12, 31))
    assert _keys(datetime.date(2026, 11, 27), "LS0101") >= {f"commitment:{inside.pk}"}
    assert f"commitment:{older.pk}" not in _keys(datetime.date(2026, 11, 27), "LS0101")
    # In the first half of 2026 the last half-year is 2025H2: still chased then.
    assert f"commitment:{older.pk}" in _keys(datetime.date(2026, 6, 30), "LS0101")


def test_closed_periods_cost_one_condition_however_many_locks(units, personas):
    locked = _commit(units["LS0101"], "2026H2", datetime.date(2026, 12, 1))
    other_period = _commit(units["LS0101"], "2026H1", datetime.date(2026, 6, 30))
    other_subtree = _commit(units["LS0201"], "2026H2", datetime.date(2026, 12, 1))
    PeriodLock.objects.create(unit=units["LS01"], period="2026H2", locked_by=personas["office"])
    with CaptureQueriesContext(connection) as one_lock:
        keys = {d.key for d in open_deadlines(NOW.date())}
    assert f"commitment:{locked.pk}" not in keys
    assert {f"commitment:{other_period.pk}", f"commitment:{other_subtree.pk}"} <= keys
    for year in range(2000, 2030):
        PeriodLock.objects.create(unit=units["LS"], period=f"{year}H1" if year != 2026 else "2010")
    with CaptureQueriesContext(connection) as many_locks:
        assert {d.key for d in open_deadlines(NOW.date())} == keys
    assert len(many_locks) == len(one_lock)
    assert _commitment_sql(many_locks) == _commitment_sql(one_lock)
    assert _commitment_sql(one_lock).count("commitments_periodlock") == 1


def test_scan_queries_carry_no_default_ordering(units, personas):
    _commit(units["LS0101"], "2026H2", datetime.date(2026, 11, 30))
    PeriodLock.objects.create(unit=units["LS"], period="2025H2", locked_by=personas["office"])
    with CaptureQueriesContext(connection) as queries:
        assert plan(NOW)
    ordered = [q["sql"] for q in queries if "ORDER BY" in q["sql"]]
    assert ordered == []


def test_policies_and_group_bots_are_resolved_once_per_unit_nearest_first(units):
    ReminderPolicy.objects.create(unit=units["LS"], days_before=7)
    ReminderPolicy.objects.create(unit=units["LS0101"], days_before=2)
    township = Webhook.objects.create(unit=units["LS"], platform="wecom", url="https://example.cn/a")
    branch = Webhook.objects.create(unit=units["LS0101"], platform="wecom", url="https://example.cn/b")
    in_five_days = NOW.date() + datetime.timedelta(days=5)
    near = [_commit(units["LS0101"], "2026H2", in_five_days, f"第一支部{i}") for i in range(3)]
    far = [_commit(units["LS0102"], "2026H2", in_five_days, f"第二支部{i}") for i in range(3)]
    late = _commit(units["LS0101"], "2026H2", NOW.date() - datetime.timedelta(days=1), "第一支部逾期")
    deadlines = open_deadlines(NOW.date())
    with mock.patch.object(reminders, "_nearest", wraps=reminders._nearest) as nearest:
        planned = plan(NOW)
    unit_count = len({d.unit_id for d in deadlines})
    assert len(deadlines) > unit_count and nearest.call_count == 2 * unit_count  # policy and bot
    keys = {(n.key, n.stage, n.channel, n.target) for n in planned}
    # LS0101's own policy says two days: nothing yet; LS0102 follows the township's seven days.
    assert not any(key[0] == f"commitment:{c.pk}" for c in near for key in keys)
    for c in far:
        assert (f"commitment:{c.pk}", "before", Channel.WEBHOOK, f"webhook:{township.pk}") in keys
    assert (f"commitment:{late.pk}", "overdue", Channel.WEBHOOK, f"webhook:{branch.pk}") in keys


class TestBoard:
    def test_board_asks_for_the_coming_week_only_not_the_scan(self, client_for, units):
        today = timezone.localdate()
        soon = _commit(units["LS0101"], "2026H2", today + datetime.timedelta(days=3), "一周内到期")
        later = _commit(units["LS0101"], "2026H2", today + datetime.timedelta(days=20), "二十天后到期")
        client = client_for("office")
        with (
            mock.patch.object(reminders, "plan", side_effect=AssertionError("the board ran the scan")),
            CaptureQueriesContext(connection) as queries,
        ):
            board = client.get(reverse("core:board"))
            branch = client.get(reverse("core:board"), {"unit": units["LS0101"].pk})
        shown = {d.key for d in branch.context["page"]}
        assert f"commitment:{soon.pk}" in shown and f"commitment:{later.pk}" not in shown
        assert any(row.pk == units["LS0101"].pk and row.items for row in board.context["rows"])
        # The horizon is in the queries (the board's count, its rows' items, the branch's
        # page), not a filter over a month of deadlines fetched.
        commitment_sql = [q["sql"] for q in queries if 'FROM "commitments_commitment"' in q["sql"]]
        assert len(commitment_sql) == 3
        for sql in commitment_sql:
            assert str(today + datetime.timedelta(days=7)) in sql
            assert str(today + reminders.REMIND_AHEAD) not in sql

    def test_board_shows_what_was_just_filed_at_once(self, client_for, units):
        today = timezone.localdate()
        soon = _commit(units["LS0101"], "2026H2", today + datetime.timedelta(days=3), "刚完成的承诺")
        client = client_for("office")
        url = reverse("core:board") + f"?unit={units['LS0101'].pk}"
        before = client.get(reverse("core:board")).context["rows"]
        assert "刚完成的承诺" in client.get(url).content.decode()
        Commitment.objects.filter(pk=soon.pk).update(percent=100)
        assert "刚完成的承诺" not in client.get(url).content.decode()
        after = client.get(reverse("core:board")).context["rows"]
        branch = units["LS0101"].pk
        counted = {row.pk: row.items for row in before}[branch]
        assert {row.pk: row.items for row in after}.get(branch, 0) == counted - 1

    def test_board_queries_do_not_grow_with_branches_and_marks_the_reminded(
        self, client_for, units, django_assert_max_num_queries
    ):
        today = timezone.localdate()
        for code in ("LS0101", "LS0102", "LS0201", "LS0202", "LS03"):
            _commit(units[code], "2026H2", today + datetime.timedelta(days=2), f"{code}的承诺")
        client = client_for("office")
        client.post(reverse("core:board_remind", args=[units["LS0101"].pk]))
        # Session, user, roles, 4 navigation answers, the marks and the secretary accounts
        # (to flag branches nobody can be reminded in): none per branch. One query per
        # deadline source to count (twelve of them at most, some asking only while a filing
        # day is within the board's window), then one per source that counts in the
        # database (commitments, rectifications) for the items of the page's rows.
        with django_assert_max_num_queries(32):
            response = client.get(reverse("core:board"))
        assert response.context["reminded"] == {units["LS0101"].pk}
        assert Notification.objects.filter(key=f"manual:{units['LS0101'].pk}:{today}").exists()


@pytest.mark.parametrize("path", ["/LS/LS01/LS0101/", "/LS/LS01/", "/LS/", "/QT/"])
def test_nearest_setting_walks_up_the_path(path):
    settings = {"/LS/": "township", "/LS/LS01/": "general branch"}
    expected = {"/LS/LS01/LS0101/": "general branch", "/LS/LS01/": "general branch", "/LS/": "township"}
    assert reminders._nearest(settings, path) == expected.get(path)
