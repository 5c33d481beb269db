"""The organisation pages as the office, leaders and secretaries use them."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Level, OrgUnit, User
from branches.models import LiaisonPoint, Member, Position, ResponsibilityKind
from branches.services import liaison_point_create


def _add_members(unit, count):
    Member.objects.bulk_create(
        Member(unit=unit, name=f"测试党员{index:05d}", position=Position.MEMBER, phone="13900000000")
        for index in range(count)
    )


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200
    return len(context)


@pytest.mark.parametrize("url_name", ["branches:member_list", "branches:tree"])
def test_list_pages_use_constant_queries(client_for, units, url_name, django_assert_max_num_queries):
    client = client_for("office")
    url = reverse(url_name)
    unit = units["LS0102"]
    _add_members(unit, 10)
    small = _queries(client, url)
    Member.objects.filter(unit=unit, name__startswith="测试党员").delete()
    _add_members(unit, 1000)
    with django_assert_max_num_queries(small):
        client.get(url)
    assert small <= 12


def test_member_search_filter_and_pagination(client_for, units):
    client = client_for("office")
    _add_members(units["LS0102"], 120)
    response = client.get(reverse("branches:member_list"), {"q": "测试党员", "page": 3})
    page = response.context["page"]
    assert page.paginator.count == 120 and page.number == 3 and len(page.object_list) == 20
    assert "q=%E6%B5%8B" in response.content.decode()  # the query survives in the page links

    secretaries = client.get(
        reverse("branches:member_list"), {"position": "secretary", "unit": units["LS01"].pk}
    )
    names = {m.unit.code for m in secretaries.context["page"].object_list}
    assert names == {"LS0101", "LS0102"}


def test_branch_detail_shows_secretary_responsible_persons_and_liaison_leaders(client_for, units):
    response = client_for("office").get(reverse("branches:unit_detail", args=[units["LS0101"].pk]))
    page = response.content.decode()
    secretary = Member.objects.get(unit=units["LS0101"], position=Position.SECRETARY)
    assert secretary.name in page
    rows = {row.kind: row for row in response.context["responsibilities"]}
    assert rows[ResponsibilityKind.FIRST].inherited_from == units["LS"]
    assert rows[ResponsibilityKind.DIRECT].person == secretary
    assert "李建国" in page  # the liaison leader
    assert "第一责任人" in page and "由中共柳山镇委员会设定" in page


def test_office_sets_a_branchs_own_responsible_person(client_for, units):
    unit = units["LS0102"]
    person = Member.objects.filter(unit=unit, position=Position.DEPUTY).first()
    client = client_for("office")
    response = client.post(reverse("branches:unit_responsibilities", args=[unit.pk]), {"direct": person.pk})
    assert response.status_code == 302
    detail = client.get(reverse("branches:unit_detail", args=[unit.pk]))
    rows = {row.kind: row for row in detail.context["responsibilities"]}
    assert rows[ResponsibilityKind.DIRECT].person == person
    assert rows[ResponsibilityKind.DIRECT].inherited_from is None


class TestLiaisonPoints:
    def test_a_leader_may_not_hold_a_third_liaison_point(self, client_for, personas, units):
        leader = personas["leader"]
        assert LiaisonPoint.objects.active().filter(leader=leader).count() == 2
        response = client_for("leader").post(
            reverse("branches:liaison_create"),
            {"leader": leader.pk, "branch": units["LS06"].pk, "started_on": "2026-03-01"},
        )
        assert response.status_code == 200
        assert "每位领导最多确定 2 个联系点" in response.content.decode()
        assert LiaisonPoint.objects.active().filter(leader=leader).count() == 2

    def test_ending_a_point_frees_a_place(self, client_for, personas, units):
        client = client_for("leader")
        point = LiaisonPoint.objects.get(leader=personas["leader"], branch=units["LS03"])
        assert client.post(reverse("branches:liaison_end", args=[point.pk])).status_code == 302
        client.post(
            reverse("branches:liaison_create"),
            {"leader": personas["leader"].pk, "branch": units["LS06"].pk, "started_on": "2026-03-01"},
        )
        codes = set(
            LiaisonPoint.objects.active()
            .filter(leader=personas["leader"])
            .values_list("branch__code", flat=True)
        )
        assert codes == {"LS0101", "LS06"}

    def test_a_leader_cannot_pick_points_for_someone_else(self, client_for, personas, units):
        response = client_for("leader").post(
            reverse("branches:liaison_create"),
            {"leader": personas["leader2"].pk, "branch": units["LS06"].pk, "started_on": "2026-03-01"},
        )
        assert "leader" in response.context["form"].errors
        assert not LiaisonPoint.objects.filter(leader=personas["leader2"]).exists()

    def test_a_secretary_may_not_add_a_liaison_point(self, client_for, personas, units):
        before = LiaisonPoint.objects.count()
        response = client_for("secretary").post(
            reverse("branches:liaison_create"),
            {"leader": personas["leader2"].pk, "branch": units["LS06"].pk, "started_on": "2026-03-01"},
        )
        assert response.status_code == 403
        assert LiaisonPoint.objects.count() == before

    def test_leaders_without_points_are_flagged_to_the_office(self, client_for):
        home = client_for("office").get(reverse("dashboards:home")).context
        (todo,) = [todo for todo, _state in home["todos"] if todo.link == reverse("branches:liaison_list")]
        assert (todo.title, todo.note) == ("1 名领导尚未确定联系点", "赵海燕")
        page = client_for("office").get(reverse("branches:liaison_list")).content.decode()
        assert "尚未确定" in page

    def test_the_limit_holds_in_the_service(self, personas, units):
        from django.core.exceptions import ValidationError

        with pytest.raises(ValidationError):
            liaison_point_create(
                leader=personas["leader"], branch=units["LS07"], started_on=datetime.date(2026, 3, 1)
            )


def test_moving_a_unit_moves_its_subtree(client_for, units):
    client = client_for("office")
    response = client.post(
        reverse("branches:unit_edit", args=[units["LS0101"].pk]),
        {
            "parent": units["LS02"].pk,
            "code": "LS0203",
            "name": "柳山村第一党支部",
            "level": Level.BRANCH,
            "kind": "rural",
        },
    )
    assert response.status_code == 302
    assert OrgUnit.objects.get(code="LS010101").path == "/LS/LS02/LS0203/LS010101/"
    # secretary2's scope is 河东社区第一党支部 only; secretary keeps its branch wherever it moved.
    tree = client_for("secretary").get(reverse("branches:tree"))
    assert [u.code for u in tree.context["units"]] == ["LS0203", "LS010101"]


def test_a_unit_cannot_move_under_its_own_group(client_for, units):
    response = client_for("office").post(
        reverse("branches:unit_edit", args=[units["LS01"].pk]),
        {
            "parent": units["LS010101"].pk,
            "code": "LS01",
            "name": "柳山村党总支",
            "level": Level.GENERAL_BRANCH,
        },
    )
    assert response.status_code == 200
    assert OrgUnit.objects.get(code="LS01").parent == units["LS"]


def test_history_shows_who_changed_what(client_for, personas, units):
    member = Member.objects.filter(unit=units["LS0101"], position=Position.MEMBER).first()
    client = client_for("secretary")
    client.post(
        reverse("branches:member_edit", args=[member.pk]),
        {"unit": member.unit_id, "name": member.name, "position": "member", "phone": "13711112222"},
    )
    history = client_for("office").get(reverse("branches:member_history", args=[member.pk]))
    newest = history.context["rows"][0]
    assert newest.record.history_user == personas["secretary"]
    assert ("联系电话", member.phone, "13711112222") in [(c.field, c.old, c.new) for c in newest.changes]
    page = history.content.decode()
    assert "张志强" in page and "13711112222" in page


def test_unit_history_includes_roles_and_liaison_points(client_for, units):
    page = (
        client_for("office").get(reverse("branches:unit_history", args=[units["LS0101"].pk])).content.decode()
    )
    assert "角色分配" in page and "联系点" in page and "组织 · 柳山村第一党支部" in page


def test_names_with_markup_or_formulas_are_refused(client_for, units):
    count = Member.objects.count()
    for name in ["<b>张三</b>", "=1+1", "@SUM(A1)"]:
        response = client_for("office").post(
            reverse("branches:member_create"),
            {"unit": units["LS0101"].pk, "name": name, "position": "member"},
        )
        assert "name" in response.context["form"].errors
    assert Member.objects.count() == count


def test_office_cannot_manage_a_superuser_or_a_wider_account(client_for, personas, units):
    county = OrgUnit.objects.create(code="XQ", name="县委", level=Level.COMMITTEE)
    wider = User.objects.create_user("county-officer")
    wider.role_assignments.create(role="office", org_unit=county)
    wider.role_assignments.create(role="leader", org_unit=units["LS"])
    client = client_for("office")
    for account in [personas["admin"], wider]:
        assert client.get(reverse("accounts:user_detail", args=[account.pk])).status_code == 404
