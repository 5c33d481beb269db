"""A secretary never sees another branch: pages, forms, history and the admin."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from branches.models import Member, OrgUnit


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
    dashboard = client_for("member").get(reverse("branches:dashboard"))
    assert list(dashboard.context["my_units"]) == []  # a member sees its record, not its branch
    assert dashboard.context["own_member"].user.username == "member"
