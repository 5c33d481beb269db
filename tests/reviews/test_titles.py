"""Titles after conferral: shown on the unit page and the public board, put under 限期整改 (a
rectification from the creation round), revoked with a reason kept for good and circulated."""

from __future__ import annotations

import datetime
import re

import pytest
from django.contrib import admin
from django.urls import reverse
from django.utils import timezone

from core.models import Notification
from inspections.models import Rectification, Source
from reviews.models import Title
from reviews.title_services import title_rectify, title_revoke
from tests.reviews.access_nominations import approved_round, confer

DAY = datetime.timedelta(days=1)
HONOUR = "基层党组织建设先进党支部"


@pytest.fixture
def title(personas, units) -> Title:
    """柳山村第二党支部 (LS0102), titled by the round of four years ago."""
    return confer(approved_round(personas, units), units["LS0102"])


def _text(response) -> str:
    assert response.status_code == 200
    return response.content.decode()


def test_the_title_and_its_year_are_on_the_unit_page_and_the_public_board(client, client_for, units, title):
    wording = f"{title.round.year}年度{HONOUR}"
    assert wording in _text(
        client_for("office").get(reverse("branches:unit_detail", args=[units["LS0102"].pk]))
    )
    assert wording in _text(client.get(reverse("commitments:board", args=["LS0102"])))  # anonymous
    township_board = _text(client.get(reverse("commitments:board", args=["LS"])))
    assert f"柳山村第二党支部：{wording}" in township_board
    assert wording not in _text(client.get(reverse("commitments:board", args=["LS0101"])))


def test_a_general_branch_is_titled_as_one(client, personas, units):
    creation_round = approved_round(personas, units)
    confer(creation_round, units["LS01"])
    page = _text(client.get(reverse("commitments:board", args=["LS01"])))
    assert f"{creation_round.year}年度基层党组织建设先进党总支" in page


def test_the_unit_page_shows_titles_only_within_the_readers_scope(client_for, units, title):
    # secretary2 reads its own branch only, and the township's page not at all
    page = _text(client_for("secretary2").get(reverse("branches:unit_detail", args=[units["LS0201"].pk])))
    assert HONOUR not in page
    assert (
        client_for("secretary2").get(reverse("branches:unit_detail", args=[units["LS0102"].pk])).status_code
        == 404
    )


def test_the_office_revokes_with_a_reason_kept_for_good_and_circulated(
    client, client_for, personas, units, title
):
    response = client_for("office").post(
        reverse("reviews:title_revoke", args=[title.pk]), {"revocation_reason": "评选中材料弄虚作假"}
    )
    assert response["Location"] == reverse("reviews:title_notice", args=[title.pk])
    title.refresh_from_db()
    assert title.revoked_on == timezone.localdate()
    assert title.revoked_by == personas["office"] and title.revocation_reason == "评选中材料弄虚作假"
    titles = _text(client_for("office").get(reverse("reviews:titles")))
    assert "柳山村第二党支部" in titles and "评选中材料弄虚作假" in titles and "已撤销" in titles
    wording = f"{title.round.year}年度{HONOUR}"
    assert wording not in _text(client.get(reverse("commitments:board", args=["LS0102"])))
    assert wording not in _text(client.get(reverse("commitments:board", args=["LS"])))
    assert wording not in _text(
        client_for("office").get(reverse("branches:unit_detail", args=[units["LS0102"].pk]))
    )
    # The notice, read by every branch of the township (secretary2's too), told to their secretaries.
    notice = _text(client_for("secretary2").get(reverse("reviews:title_notice", args=[title.pk])))
    assert f"关于撤销柳山村第二党支部“{HONOUR}”荣誉称号的通报" in notice
    assert "评选中材料弄虚作假" in notice and "中共柳山镇委员会" in notice
    told = set(
        Notification.objects.filter(
            key__startswith=f"title:{title.pk}:revoked:", channel="inbox"
        ).values_list("recipient__username", flat=True)
    )
    assert {"secretary", "secretary2"} <= told
    # Kept for good: no second revocation, no 限期整改, no way to delete it.
    again = client_for("office").post(
        reverse("reviews:title_revoke", args=[title.pk]), {"revocation_reason": "x"}
    )
    assert again["Location"] == reverse("reviews:title", args=[title.pk])
    title.refresh_from_db()
    assert title.revocation_reason == "评选中材料弄虚作假"
    assert Title not in admin.site._registry
    assert not [name for name in _title_url_names() if "delete" in name]


def _title_url_names():
    from reviews.urls import urlpatterns

    return [p.name for p in urlpatterns if p.name and p.name.startswith("title")]


@pytest.mark.parametrize(
    ("reason", "message"),
    [
        ("", "撤销荣誉称号必须写明理由"),
        ("   ", "撤销荣誉称号必须写明理由"),
        ("<b>弄虚作假</b>", "&lt; 或 &gt;"),
        ("=1+1", "公式"),
    ],
)
def test_a_revocation_without_a_plain_reason_is_refused_and_nothing_changes(
    client_for, title, reason, message
):
    response = client_for("office").post(
        reverse("reviews:title_revoke", args=[title.pk]), {"revocation_reason": reason}
    )
    assert message in _text(response)
    title.refresh_from_db()
    assert title.revoked_on is None and title.revocation_reason == ""
    assert not Notification.objects.filter(key__startswith=f"title:{title.pk}:").exists()


def test_rectification_within_a_time_limit_opens_a_rectification_of_the_creation_round(
    client_for, personas, units, title
):
    title = confer(title.round, units["LS0101"])  # a branch with a secretary's account to tell
    deadline = timezone.localdate() + 30 * DAY
    response = client_for("office").post(
        reverse("reviews:title_rectify", args=[title.pk]),
        {
            "problem": "创建工作明显滑坡，三会一课不正常",
            "demand": "一个月内恢复三会一课并书面报告",
            "deadline": deadline,
        },
    )
    assert response["Location"] == reverse("reviews:title", args=[title.pk])
    rectification = Rectification.objects.get(source=Source.CREATION, source_id=title.pk)
    assert rectification.unit == units["LS0101"] and rectification.deadline == deadline
    assert rectification.issued_by == personas["office"]
    ledger = _text(
        client_for("office").get(reverse("inspections:rectifications"), {"source": Source.CREATION})
    )
    assert "创建工作明显滑坡" in ledger
    detail = _text(client_for("office").get(reverse("inspections:rectification", args=[rectification.pk])))
    assert "创建活动" in detail
    page = _text(client_for("office").get(reverse("reviews:title", args=[title.pk])))
    assert "限期整改中" in page and reverse("inspections:rectification", args=[rectification.pk]) in page
    told = Notification.objects.filter(
        key=f"title:{title.pk}:rectification:{rectification.pk}", channel="inbox"
    )
    assert [(n.recipient.username, n.title[:6]) for n in told] == [("secretary", "【限期整改】")]
    title.refresh_from_db()
    assert title.revoked_on is None  # still titled while it puts things right


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"deadline": "PAST"}, "整改时限不能早于今天"),
        ({"problem": "<img src=x>"}, "&lt; 或 &gt;"),
        ({"demand": ""}, "请写明整改要求"),
    ],
)
def test_bad_rectification_input_is_refused_and_nothing_opened(client_for, title, data, message):
    values = {
        "problem": "工作滑坡",
        "demand": "限期整改",
        "deadline": timezone.localdate() + 10 * DAY,
        **data,
    }
    if values["deadline"] == "PAST":
        values["deadline"] = timezone.localdate() - DAY
    response = client_for("office").post(reverse("reviews:title_rectify", args=[title.pk]), values)
    assert message in _text(response)
    assert not Rectification.objects.filter(source=Source.CREATION, source_id=title.pk).exists()


def test_a_revoked_title_is_not_put_under_rectification(personas, title):
    from django.core.exceptions import ValidationError

    title_revoke(title=title, reason="弄虚作假", by=personas["office"])
    with pytest.raises(ValidationError):
        title_rectify(
            title=title, problem="p", demand="d", deadline=timezone.localdate() + DAY, by=personas["office"]
        )
    assert not Rectification.objects.filter(source=Source.CREATION, source_id=title.pk).exists()


def test_the_titles_page_holds_each_readers_own(client_for, personas, units, title):
    own = confer(title.round, units["LS0101"])
    title_rectify(
        title=own,
        problem="台账不全",
        demand="补齐台账",
        deadline=timezone.localdate() + DAY,
        by=personas["office"],
    )
    office = _text(client_for("office").get(reverse("reviews:titles")))
    assert "柳山村第一党支部" in office and "柳山村第二党支部" in office and "台账不全" in office
    secretary = _text(client_for("secretary").get(reverse("reviews:titles")))
    assert "柳山村第一党支部" in secretary and "柳山村第二党支部" not in secretary
    assert "柳山村第一党支部" not in _text(client_for("secretary2").get(reverse("reviews:titles")))
    assert "柳山村第" not in _text(client_for("member").get(reverse("reviews:titles")))
    for role in ("leader", "inspector"):
        assert "柳山村第二党支部" in _text(client_for(role).get(reverse("reviews:titles")))


@pytest.mark.parametrize("name", ["reviews:titles", "reviews:commendations"])
def test_the_lists_stack_as_labelled_cards_on_a_phone(client_for, personas, units, title, name):
    from tests.reviews.access_nominations import assessing_round

    args = [assessing_round(personas, units).pk] if name == "reviews:commendations" else []
    page = _text(client_for("office").get(reverse(name, args=args)))
    table = page[page.index("<table") : page.index("</table>")]
    assert "table-cards" in table.split(">", 1)[0]
    cells = [c for c in re.findall(r"<td[^>]*>", table.split("</thead>", 1)[1]) if "colspan" not in c]
    assert all("data-label" in cell for cell in cells)
