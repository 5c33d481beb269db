"""The admin answers through the portal's scoping, and cannot mint superusers.

The models come from `admin.site._registry`: a model registered without scoping, or without
an object in `elsewhere` below, fails here.
"""

from __future__ import annotations

import datetime

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.urls import reverse
from simple_history.admin import SimpleHistoryAdmin

from accounts.admin import SUPERUSER_FIELDS
from accounts.admin_scoping import ScopedAdminMixin, ScopedInlineMixin, ask
from accounts.models import Level, OrgUnit, Role, RoleAssignment, User
from accounts.services import refuse_self_lockout
from branches.models import LeadingGroupMember, LiaisonPoint, Member, Responsibility, ResponsibilityKind
from commitments.models import Category, Commitment, CommitmentLetter, PeriodLock, Progress
from inspections.models import (
    Circular,
    Finding,
    FindingCategory,
    Inspection,
    InspectionGroup,
    Rectification,
    RectificationNotice,
)
from reports.models import Report
from reviews.models import Campaign, ReviewRound

REGISTERED = sorted(model._meta.label for model in admin.site._registry)
# The role rows of the account form; none are sent, so none change.
NO_INLINE_ROWS = {"role_assignments-TOTAL_FORMS": "0", "role_assignments-INITIAL_FORMS": "0"}


@pytest.fixture
def elsewhere(db):
    """One object of every registered model, in 青石镇 or in no township at all."""
    township = OrgUnit.objects.create(code="QS", name="中共青石镇委员会", level=Level.COMMITTEE)
    branch = OrgUnit.objects.create(code="QS01", name="青石村党支部", level=Level.BRANCH, parent=township)
    member = Member.objects.create(unit=branch, name="孙立新")
    officer = User.objects.create(username="qs_office", full_name="青石镇办公室")
    letter = CommitmentLetter.objects.create(unit=branch, period="2026")
    commitment = Commitment.objects.create(
        letter=letter, category=Category.GOAL, content="修通村道", deadline=datetime.date(2026, 10, 1)
    )
    login = {"username": "qs_office", "ip_address": "10.9.0.1", "path_info": "/accounts/login/"}
    group = InspectionGroup.objects.create(township=township, name="青石镇督查组", leader=officer)
    day = datetime.date(2026, 10, 1)
    inspection = Inspection.objects.create(group=group, unit=branch, date=day, status="final")
    finding = Finding.objects.create(inspection=inspection, category=FindingCategory.PROBLEM, text="台账不全")
    review_round = ReviewRound.objects.create(township=township, period="2026H2", ends_on=day)
    notice = RectificationNotice.objects.create(
        township=township, year=2026, number=1, inspection=inspection, unit=branch, issued_on=day
    )
    objects = [
        township,
        member,
        officer,
        letter,
        commitment,
        RoleAssignment.objects.create(user=officer, role=Role.OFFICE, org_unit=township),
        Responsibility.objects.create(unit=township, kind=ResponsibilityKind.FIRST, person=member),
        LiaisonPoint.objects.create(leader=officer, branch=branch, started_on=datetime.date(2026, 1, 5)),
        Progress.objects.create(
            commitment=commitment, date=datetime.date(2026, 3, 1), text="开工", percent=10
        ),
        PeriodLock.objects.create(unit=branch, period="2026"),
        LeadingGroupMember.objects.create(unit=township, post="head", name="孙立新"),
        group,
        inspection,
        notice,
        Rectification.objects.create(
            unit=branch,
            source="inspections.finding",
            source_type=ContentType.objects.get_for_model(Finding),
            source_id=finding.pk,
            notice=notice,
            problem="台账不全",
            demand="补齐",
            issued_on=day,
            deadline=day,
        ),
        Circular.objects.create(township=township, group=group, month=day, title="通报", body="正文"),
        Report.objects.create(
            unit=branch,
            title="青石村信息",
            authors="孙立新",
            category="news",
            body="正文",
            status="submitted",
            submitted_at=datetime.datetime(2026, 9, 30, 9, tzinfo=datetime.UTC),
            slot=day,
        ),
        review_round,
        Campaign.objects.create(
            unit=township, period="2026H2", title="青石镇群众评议", opens_on=day, closes_on=day
        ),
        Group.objects.create(name="青石镇管理员"),
        AccessAttempt.objects.create(**login, failures_since_start=1),
        AccessLog.objects.create(**login),
        AccessFailureLog.objects.create(**login),
    ]
    return {obj._meta.label: obj for obj in objects}


def _make_staff(user: User) -> User:
    """Let a portal user into the admin with every model permission: only scoping stops it."""
    user.is_staff = True
    user.save()
    user.user_permissions.set(Permission.objects.all())
    return user


@pytest.fixture
def staff(personas):
    """柳山镇's office, as staff."""
    return _make_staff(personas["office"])


def _url(model, view: str, *args) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def _object_urls(obj) -> dict[str, str]:
    model = type(obj)
    urls = {view: _url(model, view, obj.pk) for view in ("change", "delete", "history")}
    if isinstance(admin.site.get_model_admin(model), SimpleHistoryAdmin):
        urls["history form"] = _url(model, "simple_history", obj.pk, obj.history.latest().history_id)
    if model is User:
        urls["password"] = reverse("admin:auth_user_password_change", args=[obj.pk])
    return urls


def _row(obj) -> dict:
    return type(obj)._default_manager.filter(pk=obj.pk).values().get()


def test_every_registered_admin_and_inline_is_scoped():
    for model, model_admin in admin.site._registry.items():
        assert isinstance(model_admin, ScopedAdminMixin), model
        for inline in model_admin.inlines:
            assert issubclass(inline, ScopedInlineMixin), inline


def test_every_registered_model_has_an_object_elsewhere(elsewhere):
    assert sorted(elsewhere) == REGISTERED


@pytest.mark.parametrize("label", REGISTERED)
def test_staff_gets_404_for_another_townships_object_and_changes_nothing(label, staff, elsewhere, client_for):
    obj = elsewhere[label]
    before = _row(obj)
    client = client_for("office")
    for view, url in _object_urls(obj).items():
        assert client.get(url).status_code == 404, view
        assert client.post(url, {"post": "yes", "name": "篡改"}).status_code == 404, view
    assert _row(obj) == before


@pytest.mark.parametrize("label", REGISTERED)
def test_changelists_show_only_rows_in_scope(label, staff, elsewhere, client_for):
    model = type(elsewhere[label])
    shown = client_for("office").get(_url(model, "changelist")).context["cl"].queryset
    pks = set(shown.values_list("pk", flat=True))
    assert elsewhere[label].pk not in pks
    assert pks == set(ask(model._default_manager.all(), "visible_to", staff).values_list("pk", flat=True))


@pytest.mark.parametrize("label", REGISTERED)
def test_superuser_still_sees_everything(label, elsewhere, client_for):
    client = client_for("admin")
    model = type(elsewhere[label])
    shown = client.get(_url(model, "changelist")).context["cl"].queryset
    assert shown.count() == model._default_manager.count()
    for view, url in _object_urls(elsewhere[label]).items():
        assert client.get(url).status_code == 200, view


def test_bulk_delete_refuses_rows_visible_but_not_writable(personas, client_for, units):
    _make_staff(personas["secretary"])
    group = units["LS010101"]  # the secretary reads its branch's units; the office manages them
    response = client_for("secretary").post(
        _url(OrgUnit, "changelist"),
        {"action": "delete_selected", "_selected_action": [group.pk], "post": "yes"},
    )
    assert response.status_code == 403
    assert OrgUnit.objects.filter(pk=group.pk).exists()


def test_autocomplete_offers_only_units_in_scope(staff, elsewhere, client_for):
    query = {"app_label": "accounts", "model_name": "roleassignment", "field_name": "org_unit"}
    response = client_for("office").get(reverse("admin:autocomplete"), {**query, "term": ""})
    ids = {int(result["id"]) for result in response.json()["results"]}
    assert ids == set(OrgUnit.objects.visible_to(staff).values_list("pk", flat=True))
    searched = client_for("office").get(reverse("admin:autocomplete"), {**query, "term": "青石"})
    assert searched.json()["results"] == []


def test_choices_refuse_a_forged_unit_of_another_township(staff, elsewhere, client_for):
    count = Member.objects.count()
    response = client_for("office").post(
        _url(Member, "add"),
        {"unit": elsewhere["accounts.OrgUnit"].pk, "name": "外镇党员", "position": "member"},
    )
    assert response.status_code == 200
    assert "unit" in response.context["adminform"].form.errors
    assert Member.objects.count() == count


def test_staff_cannot_create_a_unit_outside_its_township(staff, client_for):
    response = client_for("office").post(
        _url(OrgUnit, "add"), {"code": "ROGUE", "name": "自立门户", "level": "committee", "kind": ""}
    )
    assert response.status_code == 403
    assert not OrgUnit.objects.filter(code="ROGUE").exists()


def test_staff_cannot_create_a_group_it_could_not_see(staff, client_for):
    response = client_for("office").post(_url(Group, "add"), {"name": "全部权限"})
    assert response.status_code == 403
    assert not Group.objects.filter(name="全部权限").exists()


class TestRevert:
    @pytest.fixture
    def renamed(self, units):
        unit = units["LS0101"]
        original = unit.history.latest()
        unit.name = "柳山村第一党支部（改）"
        unit.save()
        data = {"parent": unit.parent_id, "code": unit.code, "name": original.name, "level": unit.level}
        return unit, _url(OrgUnit, "simple_history", unit.pk, original.history_id), data

    def test_reader_sees_an_old_version_but_cannot_revert_to_it(self, personas, client_for, renamed):
        _make_staff(personas["secretary"])
        unit, url, data = renamed
        client = client_for("secretary")
        assert client.get(url).status_code == 200
        assert client.post(url, {**data, "kind": unit.kind}).status_code == 403
        assert OrgUnit.objects.get(pk=unit.pk).name == "柳山村第一党支部（改）"

    def test_office_reverts_its_own_unit(self, staff, client_for, renamed):
        unit, url, data = renamed
        assert client_for("office").post(url, {**data, "kind": unit.kind}).status_code == 302
        assert OrgUnit.objects.get(pk=unit.pk).name == "柳山村第一党支部"


def test_a_code_changed_in_the_admin_moves_the_subtree(client_for, units):
    general = units["LS01"]
    response = client_for("admin").post(
        _url(OrgUnit, "change", general.pk),
        {
            "parent": general.parent_id,
            "code": "LSX1",
            "name": general.name,
            "level": general.level,
            "kind": "rural",
        },
    )
    assert response.status_code == 302
    assert OrgUnit.objects.get(code="LS010101").path == "/LS/LSX1/LS0101/LS010101/"


class TestAdminRights:
    def _user_form(self, user: User, **fields) -> dict:
        return {
            "username": user.username,
            "full_name": user.full_name,
            "phone": "",
            "email": "",
            "date_joined_0": "2026-01-05",
            "date_joined_1": "08:00:00",
            **NO_INLINE_ROWS,
            **fields,
        }

    def test_scoped_staff_never_sees_the_rights_fields(self, staff, personas, client_for):
        url = _url(User, "change", personas["secretary"].pk)
        form = client_for("office").get(url).context["adminform"].form
        assert not set(SUPERUSER_FIELDS) & set(form.fields)
        assert "is_active" in form.fields
        superuser_form = client_for("admin").get(url).context["adminform"].form
        assert set(SUPERUSER_FIELDS) <= set(superuser_form.fields)

    def test_a_forged_post_cannot_make_a_superuser(self, staff, personas, client_for):
        target = personas["secretary"]
        group = Group.objects.create(name="全部权限")
        response = client_for("office").post(
            _url(User, "change", target.pk),
            self._user_form(
                target,
                full_name="张志强（改）",
                is_active="on",
                is_staff="on",
                is_superuser="on",
                groups=[group.pk],
                user_permissions=list(Permission.objects.values_list("pk", flat=True)[:3]),
            ),
        )
        assert response.status_code == 302  # the rest of the form was saved
        target = User.objects.get(pk=target.pk)
        assert target.full_name == "张志强（改）"
        assert not (target.is_staff or target.is_superuser)
        assert not target.groups.exists() and not target.user_permissions.exists()

    def test_the_role_rows_offer_only_units_in_scope(self, staff, personas, client_for, elsewhere):
        target = personas["secretary"]
        count = RoleAssignment.objects.count()
        response = client_for("office").post(
            _url(User, "change", target.pk),
            {
                **self._user_form(target, is_active="on"),
                "role_assignments-TOTAL_FORMS": "1",
                "role_assignments-0-user": target.pk,
                "role_assignments-0-role": "office",
                "role_assignments-0-org_unit": elsewhere["accounts.OrgUnit"].pk,
            },
        )
        assert response.status_code == 200
        assert "org_unit" in response.context["inline_admin_formsets"][0].formset.errors[0]
        assert RoleAssignment.objects.count() == count


class TestSelfLockout:
    def test_the_rule(self, personas):
        office, member = personas["office"], personas["member"]
        with pytest.raises(ValidationError):
            refuse_self_lockout(actor=office, user=office, deactivate=True)
        with pytest.raises(ValidationError):
            refuse_self_lockout(actor=office, user=office, change_roles=True)
        refuse_self_lockout(actor=office, user=office)
        refuse_self_lockout(actor=office, user=member, deactivate=True, change_roles=True)
        refuse_self_lockout(actor=None, user=member, change_roles=True)

    def test_office_cannot_deactivate_itself_on_the_account_page(self, personas, client_for):
        office = personas["office"]
        response = client_for("office").post(
            reverse("accounts:user_edit", args=[office.pk]), {"full_name": office.full_name}
        )
        assert response.status_code == 200
        assert "不能停用自己的账号" in response.content.decode()
        assert User.objects.get(pk=office.pk).is_active

    def test_office_deactivates_another_account(self, personas, client_for):
        member = personas["member"]
        response = client_for("office").post(
            reverse("accounts:user_edit", args=[member.pk]), {"full_name": member.full_name}
        )
        assert response.status_code == 302
        assert not User.objects.get(pk=member.pk).is_active

    @pytest.fixture
    def own_role(self, personas, units):
        return RoleAssignment.objects.create(user=personas["admin"], role=Role.OFFICE, org_unit=units["LS"])

    def test_own_rights_are_read_only_in_the_admin(self, personas, client_for, own_role):
        me = personas["admin"]
        client = client_for("admin")
        url = _url(User, "change", me.pk)
        form = client.get(url).context["adminform"].form
        assert not {"is_active", *SUPERUSER_FIELDS} & set(form.fields)
        inline_rows = {
            "role_assignments-TOTAL_FORMS": "1",
            "role_assignments-INITIAL_FORMS": "1",
            "role_assignments-0-id": own_role.pk,
            "role_assignments-0-user": me.pk,
            "role_assignments-0-role": "member",
            "role_assignments-0-org_unit": own_role.org_unit_id,
            "role_assignments-0-DELETE": "on",
        }
        data = {"username": me.username, "date_joined_0": "2026-01-05", "date_joined_1": "08:00:00"}
        assert client.post(url, {**data, **inline_rows}).status_code == 302  # nothing checked: all off
        me = User.objects.get(pk=me.pk)
        assert me.is_active and me.is_staff and me.is_superuser
        assert RoleAssignment.objects.get(pk=own_role.pk).role == Role.OFFICE

    def test_nobody_deletes_their_own_account_or_roles_in_the_admin(self, personas, client_for, own_role):
        client = client_for("admin")
        for obj in [personas["admin"], own_role]:
            assert client.post(_url(type(obj), "delete", obj.pk), {"post": "yes"}).status_code == 403
            assert type(obj).objects.filter(pk=obj.pk).exists()

    def test_nobody_changes_or_adds_their_own_roles_in_the_admin(self, personas, client_for, own_role, units):
        client = client_for("admin")
        me = personas["admin"]
        count = RoleAssignment.objects.count()
        for url, data in [
            (_url(RoleAssignment, "change", own_role.pk), {"role": "member"}),
            (_url(RoleAssignment, "add"), {"role": "leader"}),
        ]:
            response = client.post(url, {**data, "user": me.pk, "org_unit": units["LS"].pk})
            assert response.status_code == 200
            assert "不能修改自己的角色" in response.content.decode()
        assert RoleAssignment.objects.count() == count
        assert RoleAssignment.objects.get(pk=own_role.pk).role == Role.OFFICE
