"""The office keeps each unit's 创先争优活动领导小组; the unit page shows it."""

from __future__ import annotations

import pytest
from django.urls import reverse

from branches.models import LeadingGroupMember


def _post_data(rows: list[dict], initial: int = 0) -> dict:
    data = {
        "seats-TOTAL_FORMS": str(len(rows)),
        "seats-INITIAL_FORMS": str(initial),
        "seats-MIN_NUM_FORMS": "0",
        "seats-MAX_NUM_FORMS": "1000",
    }
    for index, row in enumerate(rows):
        for field, value in row.items():
            data[f"seats-{index}-{field}"] = value
    return data


def _seats(unit) -> list[tuple]:
    return list(
        LeadingGroupMember.objects.filter(unit=unit)
        .order_by("order", "pk")
        .values_list("post", "name", "title", "user__username", "order")
    )


@pytest.fixture
def url(units):
    return reverse("branches:unit_leading_group", args=[units["LS0101"].pk])


def test_office_adds_edits_and_removes_seats(client_for, personas, units, url):
    unit = units["LS0101"]
    page = client_for("office").get(url)
    assert page.status_code == 200
    assert "柳山村第一党支部创先争优活动领导小组" in page.content.decode()
    rows = [
        {
            "post": "head",
            "name": "张志强",
            "title": "支部书记",
            "user": personas["secretary"].pk,
            "order": "1",
        },
        {"post": "member", "name": "周玉兰", "title": "党员", "user": "", "order": "2"},
        {"post": "", "name": "", "title": "", "user": "", "order": "0"},  # a blank row stays blank
    ]
    response = client_for("office").post(url, _post_data(rows))
    assert response.status_code == 302
    assert _seats(unit) == [
        ("head", "张志强", "支部书记", "secretary", 1),
        ("member", "周玉兰", "党员", None, 2),
    ]
    head, member = LeadingGroupMember.objects.filter(unit=unit).order_by("order")
    rows = [
        {"id": head.pk, "post": "head", "name": "张志强", "title": "党支部书记", "user": "", "order": "1"},
        {
            "id": member.pk,
            "post": "member",
            "name": "周玉兰",
            "title": "党员",
            "user": "",
            "order": "2",
            "DELETE": "on",
        },
        {"post": "deputy", "name": "李明", "title": "副书记", "user": "", "order": "3"},
    ]
    assert client_for("office").post(url, _post_data(rows, initial=2)).status_code == 302
    assert _seats(unit) == [("head", "张志强", "党支部书记", None, 1), ("deputy", "李明", "副书记", None, 3)]
    assert LeadingGroupMember.objects.get(pk=head.pk).history.count() == 2  # edited in place, with history


def test_a_name_listed_twice_is_refused_and_nothing_saved(client_for, units, url):
    unit = units["LS0101"]
    LeadingGroupMember.objects.create(unit=unit, post="head", name="张志强", order=1)
    before = _seats(unit)
    rows = [
        {"post": "member", "name": "王芳", "title": "", "user": "", "order": "2"},
        {"post": "member", "name": "王芳", "title": "委员", "user": "", "order": "3"},
    ]
    response = client_for("office").post(url, _post_data(rows))
    assert response.status_code == 200
    assert "王芳 在领导小组中重复列出" in response.content.decode()
    assert _seats(unit) == before


@pytest.mark.parametrize(
    ("role", "status"), [("leader", 403), ("inspector", 403), ("member", 404), ("secretary2", 404)]
)
def test_only_the_office_and_the_branchs_secretary_edit_the_group(client_for, units, url, role, status):
    assert client_for(role).get(url).status_code == status
    rows = [{"post": "head", "name": "某某", "title": "", "user": "", "order": "1"}]
    assert client_for(role).post(url, _post_data(rows)).status_code == status
    assert not LeadingGroupMember.objects.filter(unit=units["LS0101"]).exists()


def test_accounts_offered_are_those_the_office_sees(client_for, twohat, url):
    page = client_for("office").get(url).content.decode()
    assert "twohat" not in page  # an account holding a role outside the township is out of reach


def test_the_unit_page_shows_the_group(client_for, personas, units):
    unit = units["LS0101"]
    LeadingGroupMember.objects.create(unit=unit, post="head", name="张志强", title="支部书记", order=1)
    LeadingGroupMember.objects.create(unit=unit, post="deputy", name="李明", title="副书记", order=2)
    detail = reverse("branches:unit_detail", args=[unit.pk])
    edit = reverse("branches:unit_leading_group", args=[unit.pk])
    page = client_for("secretary").get(detail).content.decode()
    assert "创先争优活动领导小组" in page
    assert "组长：</span>张志强" in page and "支部书记" in page
    assert "副组长：</span>李明" in page
    assert edit in page  # the branch records its own group
    assert edit in client_for("office").get(detail).content.decode()
    assert edit not in client_for("leader").get(detail).content.decode()


def test_a_secretary_keeps_its_branchs_group_not_the_townships(client_for, personas, units):
    township = reverse("branches:unit_leading_group", args=[units["LS"].pk])
    before = list(LeadingGroupMember.objects.filter(unit=units["LS"]).values_list("pk", "name"))
    rows = [{"post": "head", "name": "冒名顶替", "title": "", "user": "", "order": "1"}]
    assert client_for("secretary").post(township, _post_data(rows)).status_code == 404  # not its unit
    assert list(LeadingGroupMember.objects.filter(unit=units["LS"]).values_list("pk", "name")) == before
    own = reverse("branches:unit_leading_group", args=[units["LS0101"].pk])
    assert client_for("secretary").post(own, _post_data(rows)).status_code == 302
    assert _seats(units["LS0101"]) == [("head", "冒名顶替", "", None, 1)]


def test_the_townships_group_from_the_demo(client_for, units):
    page = client_for("leader").get(reverse("branches:unit_detail", args=[units["LS"].pk])).content.decode()
    assert "副组长：</span>李建国" in page and "镇党委副书记" in page


def test_the_unit_history_lists_seat_changes(client_for, units):
    page = client_for("office").get(reverse("branches:unit_history", args=[units["LS"].pk])).content.decode()
    assert "领导小组成员 · 副组长 李建国" in page


def test_a_secretary_keeps_the_accounts_the_office_seated(client_for, personas, units, url):
    """The secretary manages no account, yet saving its group keeps a seat's linked account."""
    seat = LeadingGroupMember.objects.create(
        unit=units["LS0101"], post="head", name="张志强", user=personas["secretary"], order=1
    )
    rows = [
        {
            "id": seat.pk,
            "post": "head",
            "name": "张志强",
            "title": "支部书记",
            "user": personas["secretary"].pk,
            "order": "1",
        },
        {"post": "member", "name": "周玉兰", "title": "", "user": "", "order": "2"},
    ]
    assert client_for("secretary").post(url, _post_data(rows, initial=1)).status_code == 302
    assert _seats(units["LS0101"]) == [
        ("head", "张志强", "支部书记", "secretary", 1),
        ("member", "周玉兰", "", None, 2),
    ]
