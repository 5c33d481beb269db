"""A secretary never sees another branch: pages, forms, history and the admin."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from accounts.models import OrgUnit
from branches.models import Member


@pytest.fixture
def other_member(units):
    """A member of 河东社区第一党支部, secretary2's branch, not secretary's."""
    return Member.objects.filter(unit=units["LS0201"]).order_by("pk").first()


@pytest.mark.parametrize("view", ["member_detail", "member_edit", "member_history"])
def test_secretary_gets_404_for_another_branchs_member(client_for, other_member, view):
    response = client_for("secretary").get(reverse(f"branches:{view}", args=[other_member.pk]))
    assert response.status_code == 404


def test_secretary_cannot_change_another_branchs_member_by_post(client_for, other_member):
    before = Member.objects.values().get(pk=other_member.pk)
    response = client_for("secretary").post(
        reverse("branches:member_edit", args=[other_member.pk]),
        {"unit": other_member.unit_id, "name": "篡改", "position": "member"},
    )
    assert response.status_code == 404
    assert Member.objects.values().get(pk=other_member.pk) == before


def test_forged_unit_id_in_the_member_form_is_refused(client_for, units):
    count = Member.objects.count()
    response = client_for("secretary").post(
        reverse("branches:member_create"),
        {"unit": units["LS0201"].pk, "name": "外支部党员", "position": "member"},
    )
    assert response.status_code == 200
    assert "unit" in response.context["form"].errors
    assert Member.objects.count() == count


def test_secretary_sees_only_its_branch_in_lists(client_for, units):
    response = client_for("secretary").get(reverse("branches:member_list"))
    shown = {m.unit.code for m in response.context["page"].object_list}
    assert shown == {"LS0101"}
    assert response.context["page"].paginator.count == Member.objects.filter(unit=units["LS0101"]).count()
    tree = client_for("secretary").get(reverse("branches:tree"))
    assert [u.code for u in tree.context["units"]] == ["LS0101", "LS010101"]


def test_member_sees_only_its_own_record(client_for, personas):
    response = client_for("member").get(reverse("branches:member_list"))
    assert [m.user_id for m in response.context["page"].object_list] == [personas["member"].pk]


def test_inspector_reads_but_cannot_write(client_for, units):
    client = client_for("inspector")
    assert client.get(reverse("branches:unit_detail", args=[units["LS0201"].pk])).status_code == 200
    response = client.post(
        reverse("branches:unit_edit", args=[units["LS0201"].pk]),
        {"parent": units["LS"].pk, "code": "LS0201", "name": "改名", "level": "branch"},
    )
    assert response.status_code == 403
    assert OrgUnit.objects.get(pk=units["LS0201"].pk).name == "河东社区第一党支部"


class TestAdmin:
    @pytest.fixture
    def staff_secretary(self, personas):
        user = personas["secretary"]
        user.is_staff = True
        user.save()
        user.user_permissions.add(*Permission.objects.filter(content_type__app_label="branches"))
        return user

    def test_staff_secretary_gets_404_for_another_branchs_member(
        self, staff_secretary, client_for, other_member
    ):
        client = client_for("secretary")
        for suffix in ["change", "delete", "history"]:
            url = reverse(f"admin:branches_member_{suffix}", args=[other_member.pk])
            assert client.get(url).status_code == 404, suffix
        changelist = client.get(reverse("admin:branches_member_changelist") + "?all=")
        assert changelist.status_code == 200
        codes = {m.unit.code for m in changelist.context["cl"].result_list}
        assert codes == {"LS0101"}

    def test_staff_secretary_can_open_its_own_member(self, staff_secretary, client_for, units):
        own = Member.objects.filter(unit=units["LS0101"]).first()
        response = client_for("secretary").get(reverse("admin:branches_member_change", args=[own.pk]))
        assert response.status_code == 200
        unit_choices = response.context["adminform"].form.fields["unit"].queryset
        assert set(unit_choices.values_list("code", flat=True)) == {"LS0101", "LS010101"}


def test_secretary_breadcrumb_and_dashboard_stay_inside_its_scope(client_for, units):
    detail = client_for("secretary").get(reverse("branches:unit_detail", args=[units["LS010101"].pk]))
    assert [u.code for u in detail.context["ancestors"]] == ["LS0101"]
    dashboard = client_for("member").get(reverse("dashboards:home"))
    assert list(dashboard.context["my_units"]) == []  # a member sees its record, not its branch
    assert dashboard.context["own_member"].user.username == "member"


class TestCodesAndPathsAreExact:
    """SQLite's LIKE ignores ASCII case: a subtree test must not (CI runs this on both databases)."""

    def test_a_code_typed_in_small_letters_is_kept_in_capitals(self, client_for, units):
        response = client_for("office").post(
            reverse("branches:unit_create"),
            {"parent": units["LS01"].pk, "code": "ls0109", "name": "柳山村第九党支部", "level": "branch"},
        )
        assert response.status_code == 302
        unit = OrgUnit.objects.get(name="柳山村第九党支部")
        assert unit.code == "LS0109" and unit.path == "/LS/LS01/LS0109/"

    def test_a_code_differing_only_in_case_is_refused(self, client_for, units):
        count = OrgUnit.objects.count()
        response = client_for("office").post(
            reverse("branches:unit_create"),
            {"parent": units["LS02"].pk, "code": "ls0101", "name": "冒名党支部", "level": "branch"},
        )
        assert response.status_code == 200 and "已存在" in response.content.decode()
        assert OrgUnit.objects.count() == count

    def test_the_database_refuses_a_code_in_small_letters(self, units):
        from django.db import IntegrityError, transaction

        with pytest.raises(IntegrityError), transaction.atomic():
            OrgUnit.objects.filter(pk=units["LS0202"].pk).update(code="ls0202")

    def test_a_path_differing_only_in_case_is_outside_the_subtree(self, client_for, units, personas):
        # A unit whose path differs from the secretary's branch only in case (as data
        # written before codes were kept in capitals could be): on SQLite a LIKE would
        # put it inside 柳山村第一党支部's subtree.
        stray = units["LS0202"]
        OrgUnit.objects.filter(pk=stray.pk).update(path="/ls/ls01/ls0101/x/")
        under = set(OrgUnit.objects.filter(path__under="/LS/LS01/LS0101/").values_list("code", flat=True))
        assert under == {"LS0101", "LS010101"}
        assert not OrgUnit.objects.visible_to(personas["secretary"]).filter(pk=stray.pk).exists()
        member = Member.objects.filter(unit=stray).first()
        response = client_for("secretary").get(reverse("branches:member_detail", args=[member.pk]))
        assert response.status_code == 404

    def test_the_public_board_finds_a_code_typed_in_small_letters(self, db, client):
        assert client.get(reverse("commitments:board", args=["ls"])).status_code == 200
