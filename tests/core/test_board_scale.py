"""The office's board stays bounded at county scale: it opens at the office's level, pages
its rows, and asks the same number of queries however many branches owe something."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import Level, OrgUnit, Role, RoleAssignment, User
from branches.services import unit_save
from commitments.models import Category, Commitment, CommitmentLetter
from core import reminders
from core.models import Channel, Notification
from core.periods import Period
from core.reminder_views import BOARD_ITEMS, BOARD_ROWS
from core.reminders import plan, record, scan

NOW = datetime.datetime(2026, 11, 27, 9, 0, tzinfo=datetime.timezone(datetime.timedelta(hours=8)))


def _owing_branches(parent: OrgUnit, prefix: str, count: int, *, items: int = 1) -> list[OrgUnit]:
    """`count` branches under `parent`, each with a secretary and `items` commitments due soon."""
    today = timezone.localdate()
    period = Period.containing(today).code
    branches = []
    for i in range(count):
        unit = unit_save(
            unit=OrgUnit(
                code=f"{prefix}{i:02d}", name=f"{prefix}测试支部{i}", level=Level.BRANCH, parent=parent
            )
        )
        user = User.objects.create_user(f"{prefix.lower()}-sec-{i}")
        RoleAssignment.objects.create(user=user, role=Role.SECRETARY, org_unit=unit)
        letter = CommitmentLetter.objects.create(unit=unit, period=period)
        Commitment.objects.bulk_create(
            Commitment(
                letter=letter,
                category=Category.SERVICE,
                content=f"{unit.name}的承诺{n}",
                deadline=today + datetime.timedelta(days=n % 5 - 2),
            )
            for n in range(items)
        )
        branches.append(unit)
    return branches


def _board_queries(client, **params) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("core:board"), params).status_code == 200
    return len(queries)


def test_board_queries_are_the_same_for_3_and_40_more_branches(client_for, units):
    client = client_for("office")
    _owing_branches(units["LS"], "QA", 3)
    few = _board_queries(client)
    _owing_branches(units["LS"], "QB", 37, items=3)
    assert _board_queries(client) == few
    assert _board_queries(client, page=2) == few


def test_board_pages_its_rows_and_shows_a_few_items_per_branch(client_for, units):
    _owing_branches(units["LS"], "QC", 2 * BOARD_ROWS, items=BOARD_ITEMS + 3)
    client = client_for("office")
    response = client.get(reverse("core:board"))
    page = response.content.decode()
    assert len(response.context["rows"]) == BOARD_ROWS
    assert response.context["page"].paginator.num_pages >= 2
    assert page.count('class="board-item"') <= BOARD_ROWS * BOARD_ITEMS
    assert page.count(" board-branch ") + page.count('"board-branch ') <= BOARD_ROWS
    assert page.count('name="next"') <= BOARD_ROWS  # one remind form per row at most
    assert len(response.content) < 150 * 1024
    last = client.get(reverse("core:board"), {"page": response.context["page"].paginator.num_pages})
    assert last.status_code == 200 and last.context["rows"]
    # A branch's own page lists all it owes.
    branch = OrgUnit.objects.get(code="QC00")
    own = client.get(reverse("core:board"), {"unit": branch.pk})
    row = next(row for row in response.context["rows"] if row.pk == branch.pk)
    assert own.context["count"] == row.items >= BOARD_ITEMS + 3
    assert len(list(own.context["page"])) == row.items  # one page of them


@pytest.fixture
def county(db):
    """A county committee over two townships of branches, and its office."""
    county = unit_save(unit=OrgUnit(code="XC", name="测试县委", level=Level.COMMITTEE))
    towns = [
        unit_save(unit=OrgUnit(code=f"XC{t}", name=f"测试乡镇{t}", level=Level.COMMITTEE, parent=county))
        for t in (1, 2)
    ]
    _owing_branches(towns[0], "XC1B", 3, items=2)
    _owing_branches(towns[1], "XC2B", 2)
    office = User.objects.create_user("county-office")
    RoleAssignment.objects.create(user=office, role=Role.OFFICE, org_unit=county)
    return {"county": county, "towns": towns, "office": office}


def test_county_board_opens_at_its_level_a_row_per_township(client, county):
    client.force_login(county["office"])
    response = client.get(reverse("core:board"))
    rows = response.context["rows"]
    assert [(row.name, row.group, row.units) for row in rows] == [
        ("测试乡镇1", True, 3),
        ("测试乡镇2", True, 2),
    ]
    # Each township's count is what its branches' own pages list (their commitments and more).
    for row, town in zip(rows, county["towns"], strict=True):
        own = [
            client.get(reverse("core:board"), {"unit": unit.pk}).context["count"]
            for unit in OrgUnit.objects.filter(parent=town)
        ]
        assert row.items == sum(own) >= {"测试乡镇1": 6, "测试乡镇2": 2}[row.name]
    page = response.content.decode()
    assert reverse("core:board_remind", args=[OrgUnit.objects.get(code="XC1B00").pk]) not in page
    assert f"?scope={county['towns'][0].pk}" in page
    # A township's own board: a row per branch, with its items and remind button.
    town = client.get(reverse("core:board"), {"scope": county["towns"][0].pk})
    assert [row.name for row in town.context["rows"]] == [f"XC1B测试支部{i}" for i in range(3)]
    assert reverse("core:board_remind", args=[OrgUnit.objects.get(code="XC1B00").pk]) in town.content.decode()


def test_board_scope_and_unit_outside_the_office_are_not_found(client_for, county):
    client = client_for("office")  # 柳山镇's office
    assert client.get(reverse("core:board"), {"scope": county["towns"][0].pk}).status_code == 404
    branch = OrgUnit.objects.get(code="XC1B00")
    assert client.get(reverse("core:board"), {"unit": branch.pk}).status_code == 404
    assert client.get(reverse("core:board"), {"unit": "x"}).status_code == 404


def test_large_batches_are_copied_with_their_ids_and_a_second_scan_adds_nothing(monkeypatch, units):
    _owing_branches(units["LS"], "QD", 3, items=4)
    monkeypatch.setattr(reminders, "COPY_FROM", 1)  # every batch through COPY
    monkeypatch.setattr(reminders, "RECORD_BATCH", 7)
    before = Notification.objects.count()
    sent = scan(NOW)
    assert sent and all(n.pk for n in sent)
    assert Notification.objects.count() == before + len({n.pk for n in sent if n.created_at == NOW})
    stored = Notification.objects.in_bulk([n.pk for n in sent])
    for n in sent:
        row = stored[n.pk]
        assert (row.key, row.stage, row.channel, row.target, row.title) == (
            n.key,
            n.stage,
            n.channel,
            n.target,
            n.title,
        )
    assert all(stored[n.pk].status == "sent" for n in sent if n.channel == Channel.INBOX)
    assert scan(NOW) == []


def test_a_row_already_there_is_skipped_and_the_rest_written(monkeypatch, units):
    _owing_branches(units["LS"], "QE", 2, items=3)
    monkeypatch.setattr(reminders, "COPY_FROM", 1)
    planned = plan(NOW)
    first = planned[0]
    Notification.objects.create(
        key=first.key,
        stage=first.stage,
        channel=first.channel,
        target=first.target,
        title="先到",
        scheduled_for=NOW,
    )
    assert record(planned) is False
    assert all(n.pk is None for n in planned)
    written = Notification.objects.filter(
        key__in={n.key for n in planned}, stage__in={n.stage for n in planned}
    )
    assert written.count() == len(planned)


def test_board_counts_what_the_sources_list_under_locks_of_the_unit_or_above(units, personas):
    """The count checks locks once per unit and period, not per letter: the same rule as
    the scan's (a lock on the unit or above it closes the period), the same tallies."""
    from commitments.deadlines import commitment_counts
    from commitments.models import PeriodLock
    from core.reminders import Owed, open_deadlines

    today = NOW.date()
    until = today + datetime.timedelta(days=7)

    def commit(code: str, period: str, deadline: datetime.date) -> str:
        letter, _ = CommitmentLetter.objects.get_or_create(unit=units[code], member=None, period=period)
        item = Commitment.objects.create(
            letter=letter, category=Category.SERVICE, content="计数", deadline=deadline
        )
        return f"commitment:{item.pk}"

    made = {
        (code, period): {commit(code, period, day) for day in days}
        for code in ("LS0101", "LS0102", "LS0201")
        for period, days in (
            ("2026H2", [today + datetime.timedelta(days=d) for d in (-40, -3, 0, 2, 7)]),
            ("2026H1", [datetime.date(2026, 6, 30)]),
        )
    }
    later = commit("LS0101", "2026H2", today + datetime.timedelta(days=8))  # after the week
    PeriodLock.objects.create(unit=units["LS01"], period="2026H2", locked_by=personas["office"])  # above
    PeriodLock.objects.create(unit=units["LS0201"], period="2026H1", locked_by=personas["office"])  # itself
    PeriodLock.objects.create(unit=units["LS"], period="2025H2", locked_by=personas["office"])  # older

    def listed(scope, prefix: str = "") -> dict[int, list[int]]:
        tallies: dict[int, list[int]] = {}
        for deadline in open_deadlines(today, scope, until=until):
            if deadline.key.startswith(prefix):
                tally = tallies.setdefault(deadline.unit_id, [0, 0])
                tally[0] += 1
                tally[1] += deadline.due < today
        return tallies

    def counted(scope) -> dict[int, list[int]]:
        tallies: dict[int, list[int]] = {}
        for unit_id, due, number in commitment_counts(today, scope, until):
            tally = tallies.setdefault(unit_id, [0, 0])
            tally[0] += number
            tally[1] += number if due < today else 0
        return tallies

    everything = OrgUnit.objects.all()
    keys = {d.key for d in open_deadlines(today, everything, until=until)}
    # Closed: LS0101's and LS0102's half-year (a lock above), LS0201's first half (its own).
    open_ones = made["LS0101", "2026H1"] | made["LS0102", "2026H1"] | made["LS0201", "2026H2"]
    assert keys & set().union(*made.values(), {later}) == open_ones
    assert counted(everything) == listed(everything, "commitment:")
    township = OrgUnit.objects.filter(path__startswith=units["LS02"].path)
    assert counted(township) == listed(township, "commitment:")
    assert counted(township)[units["LS0201"].pk][0] >= 5
    with CaptureQueriesContext(connection) as queries:
        owed = Owed(today, everything, until=until)
    assert {pk: [t.items, t.overdue] for pk, t in owed.by_unit.items()} == listed(everything)
    counting = [q["sql"] for q in queries if 'FROM "commitments_commitment"' in q["sql"]]
    assert counting and not any("commitments_periodlock" in sql for sql in counting)
