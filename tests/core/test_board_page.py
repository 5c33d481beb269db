"""The office's board of what is owed: linked items, named members, branches it cannot remind."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from branches.models import Member
from commitments.models import Category, Commitment, CommitmentLetter
from core.models import Notification
from core.periods import Period


def _commitment(unit, member, content, days):
    today = timezone.localdate()
    letter, _ = CommitmentLetter.objects.get_or_create(
        unit=unit, member=member, period=Period.containing(today).code
    )
    return Commitment.objects.create(
        letter=letter,
        category=Category.SERVICE,
        content=content,
        deadline=today + datetime.timedelta(days=days),
    )


@pytest.fixture
def owed(units, personas):
    member = Member.objects.get(user=personas["member"])
    return {
        "member": _commitment(units["LS0101"], member, "走访困难群众", 3),
        "later": _commitment(units["LS0101"], None, "下月才到期的承诺", 20),
        "orphan": _commitment(units["LS0102"], None, "修缮村活动室", 2),
    }


def _unit_page(client, unit) -> str:
    return client.get(reverse("core:board"), {"unit": unit.pk}).content.decode()


def test_board_items_link_and_name_the_member_once(client_for, units, owed):
    page = _unit_page(client_for("office"), units["LS0101"])
    item = next(li for li in page.split("<li") if "走访困难群众" in li)
    link = reverse("commitments:detail", args=[owed["member"].pk])
    assert f'href="{link}"' in item and owed["member"].letter.member.name in item
    assert item.count("承诺事项") == 1  # the kind is said once, not as a badge and again in the title
    assert "下月才到期的承诺" not in page  # beyond the board's week


def test_board_flags_a_branch_without_secretary_before_the_click(client_for, units, owed):
    page = client_for("office").get(reverse("core:board")).content.decode()
    warning = page.split("board-no-secretary")[1].split("</div>")[0]
    assert units["LS0102"].name in warning and units["LS0101"].name not in warning
    branch = page.split(f"<strong>{units['LS0102'].name}</strong>")[1].split("</details>")[0]
    assert "disabled" in branch and "没有书记账号" in branch
    assert reverse("core:board_remind", args=[units["LS0102"].pk]) not in branch
    assert reverse("core:board_remind", args=[units["LS0101"].pk]) in page


def test_board_row_shows_the_most_overdue_items_and_links_to_the_rest(client_for, units, owed):
    page = client_for("office").get(reverse("core:board")).content.decode()
    branch = page.split(f"<strong>{units['LS0101'].name}</strong>")[1].split("</details>")[0]
    shown = branch.count('class="board-item"')
    assert 0 < shown <= 5
    unit_page = _unit_page(client_for("office"), units["LS0101"])
    if unit_page.count('class="board-item"') > shown:
        assert f"?unit={units['LS0101'].pk}" in branch  # the rest on the branch's own page


def test_remind_now_from_a_branch_page_goes_back_to_it(client_for, units, owed):
    url = reverse("core:board") + f"?unit={units['LS0101'].pk}"
    response = client_for("office").post(
        reverse("core:board_remind", args=[units["LS0101"].pk]), {"next": url}
    )
    assert response["Location"] == url
    away = client_for("office").post(
        reverse("core:board_remind", args=[units["LS0101"].pk]), {"next": "https://example.com/"}
    )
    assert away["Location"] == reverse("core:board")


def test_remind_now_sends_what_the_board_shows(client_for, units, owed):
    client_for("office").post(reverse("core:board_remind", args=[units["LS0101"].pk]))
    body = Notification.objects.filter(key__startswith=f"manual:{units['LS0101'].pk}:").first().body
    assert "走访困难群众" in body and "下月才到期的承诺" not in body
