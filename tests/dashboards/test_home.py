"""Each role's home page: what to do next across the apps, most urgent first, each a link;
the office's and leaders' overview, a secretary's scorecard, a member's own commitments."""

from __future__ import annotations

import datetime

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import Level, OrgUnit
from commitments.models import Commitment
from core.periods import Period
from core.todos import Todo, todos_for
from inspections.models import Circular, CircularStatus, InspectionGroup
from reports.models import Report, ReportStatus
from reviews.models import ReviewRound
from tests.dashboards.conftest import _commitment


def _home(user):
    client = Client()
    client.force_login(user)
    response = client.get(reverse("dashboards:home"))
    assert response.status_code == 200
    return response


def _titles(response) -> list[str]:
    return [todo.title for todo, _state in response.context["todos"] + response.context["todos_later"]]


def _due(town, code: str, content: str, days: int) -> Commitment:
    """A commitment of this half-year due `days` from today (before it where negative)."""
    today = timezone.localdate()
    commitment = _commitment(town.branches[code], Period.containing(today), content=content)
    Commitment.objects.filter(pk=commitment.pk).update(deadline=today + datetime.timedelta(days=days))
    return commitment


def test_a_secretary_sees_its_overdue_commitment_first_and_it_goes_once_done(hand):
    overdue = _due(hand, "HC01", "逾期的承诺", -3)
    _due(hand, "HC01", "本周的承诺", 2)
    response = _home(hand.secretary)
    states = {todo.title: state for todo, state in response.context["todos"]}
    titles = list(states)
    first = next(i for i, title in enumerate(titles) if "逾期的承诺" in title)
    second = next(i for i, title in enumerate(titles) if "本周的承诺" in title)
    assert first < second
    assert (states[titles[first]], states[titles[second]]) == ("overdue", "soon")
    assert f'href="{reverse("commitments:detail", args=[overdue.pk])}"' in response.content.decode()
    Commitment.objects.filter(pk=overdue.pk).update(percent=100)
    assert not any("逾期的承诺" in title for title in _titles(_home(hand.secretary)))


def test_a_secretary_never_sees_another_branchs_items(hand, personas):
    _due(hand, "HC02", "第二支部的承诺", 1)
    assert not any("第二支部的承诺" in title for title in _titles(_home(hand.secretary)))
    assert not any("第二支部的承诺" in title for title in _titles(_home(personas["secretary2"])))


def test_a_returned_report_asks_its_branch_to_resend_it(hand):
    report = Report.objects.create(
        unit=hand.branches["HC01"],
        title="退回的信息",
        authors="张三",
        category="news",
        body="正文",
        status=ReportStatus.RETURNED,
        submitted_at=timezone.now(),
        slot=timezone.localdate(),
    )
    titles = _titles(_home(hand.secretary))
    assert any("退回的信息" in title for title in titles)
    assert not any("退回的信息" in title for title in _titles(_home(hand.office)))
    assert reverse("reports:detail", args=[report.pk]) in _home(hand.secretary).content.decode()


def test_the_office_is_told_how_many_reports_wait_for_it(hand):
    before = [title for title in _titles(_home(hand.office)) if "篇信息待审核" in title]
    Report.objects.create(
        unit=hand.branches["HC02"],
        title="待审信息",
        authors="李四",
        category="news",
        body="正文",
        status=ReportStatus.SUBMITTED,
        submitted_at=timezone.now(),
        slot=timezone.localdate(),
    )
    after = [title for title in _titles(_home(hand.office)) if "篇信息待审核" in title]
    assert before == ["18 篇信息待审核（采用或退回）"]  # the fixture's, submitted and never reviewed
    assert after == ["19 篇信息待审核（采用或退回）"]


def test_a_leader_in_the_leading_group_is_asked_to_approve_a_circular(personas, units):
    group = InspectionGroup.objects.filter(township=units["LS"]).first()
    circular = Circular.objects.create(
        township=units["LS"],
        group=group,
        month=timezone.localdate().replace(day=1),
        title="待审批的通报",
        body="正文",
        status=CircularStatus.SUBMITTED,
        drafted_by=personas["inspector"],
        submitted_at=timezone.now(),
    )
    link = reverse("inspections:circular", args=[circular.pk])
    assert any(todo.link == link for todo, _state in _home(personas["leader"]).context["todos"])
    for role in ("secretary", "member", "inspector"):
        assert all(todo.link != link for todo, _state in _home(personas[role]).context["todos"])


def test_a_member_sees_its_own_commitments_and_completion(personas):
    response = _home(personas["member"])
    own = response.context["own"]
    assert all(commitment.letter.member.user_id == personas["member"].pk for commitment in own.commitments)
    assert 'id="my-commitments"' in response.content.decode()
    assert "overview" not in response.context  # a member has no overview


def test_the_office_lands_on_the_overview_and_a_secretary_on_its_scorecard_link(personas, units):
    office = _home(personas["office"])
    assert office.context["overview"].unit == units["LS"]
    assert 'id="overview"' in office.content.decode()
    secretary = _home(personas["secretary"])
    assert "overview" not in secretary.context
    assert reverse("dashboards:scorecard", args=[units["LS0101"].pk]) in secretary.content.decode()


def test_items_are_ordered_overdue_today_this_week_waiting_then_later(monkeypatch):
    from core import todos

    today = datetime.date(2026, 11, 20)
    items = [
        Todo("later", "/a", "k", today + datetime.timedelta(days=20)),
        Todo("waiting", "/b", "k"),
        Todo("soon", "/c", "k", today + datetime.timedelta(days=3)),
        Todo("today", "/d", "k", today),
        Todo("overdue", "/e", "k", today - datetime.timedelta(days=1)),
        Todo("a reply owed", "/f", "k", key="rectification:1"),
        Todo(
            "a reply owed, by its deadline",
            "/f",
            "k",
            today + datetime.timedelta(days=2),
            key="rectification:1",
        ),
    ]
    monkeypatch.setattr(todos, "_SOURCES", {"test": lambda user, day: items})
    assert [(todo.title, state) for todo, state in todos_for(None, today)] == [
        ("overdue", "overdue"),
        ("today", "today"),
        ("a reply owed, by its deadline", "soon"),  # named by two sources: kept once, with its date
        ("soon", "soon"),
        ("waiting", "waiting"),
        ("later", "later"),
    ]


def test_a_secretarys_home_costs_the_same_however_many_townships_hold_review_rounds(
    hand, django_assert_max_num_queries
):
    with CaptureQueriesContext(connection) as before:
        _home(hand.secretary)
    period = Period.containing(timezone.localdate())
    for n in range(8):
        town = OrgUnit.objects.create(code=f"RT{n}", name=f"别镇{n}", level=Level.COMMITTEE)
        OrgUnit.objects.create(code=f"RT{n}01", name=f"别镇{n}支部", level=Level.BRANCH, parent=town)
        ReviewRound.objects.create(township=town, period=period.code, ends_on=period.end)
    with django_assert_max_num_queries(len(before.captured_queries)):
        _home(hand.secretary)
