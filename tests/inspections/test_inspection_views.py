"""Inspection records, findings and rectification notices through their pages."""

from __future__ import annotations

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role, RoleAssignment, User
from inspections.models import (
    Finding,
    Inspection,
    InspectionGroup,
    InspectionStatus,
    Rectification,
    RectificationNotice,
)
from inspections.services import finding_save, group_save, inspection_finalise, inspection_save, notice_issue


def new_group(units, leader, codes=("LS0101",), name="A1测试组") -> InspectionGroup:
    group = InspectionGroup(township=units["LS"], name=name, leader=leader)
    return group_save(group=group, members=[leader], units=[units[code] for code in codes])


def new_inspection(group, unit, *, final=False, summary="听取汇报，查阅台账。", date=None, **fields):
    inspection = Inspection(
        group=group,
        unit=unit,
        date=date or timezone.localdate(),
        summary=summary,
        methods=["report"],
        **fields,
    )
    inspection = inspection_save(actor=group.leader, inspection=inspection)
    if final:
        inspection = inspection_finalise(actor=group.leader, inspection=inspection)
    return inspection


def new_finding(inspection, *, rectify=True, text="“三会一课”记录不全"):
    finding = Finding(inspection=inspection, category="problem", text=text, needs_rectification=rectify)
    return finding_save(actor=None, finding=finding)


@pytest.fixture
def group(units, personas):
    return new_group(units, personas["inspector"])


@pytest.fixture
def narrow_inspector(units):
    """An inspector of 柳山镇 whose only group covers 柳山村第一党支部."""
    user = User.objects.create_user("a1insp", full_name="韩督查")
    RoleAssignment.objects.create(user=user, role=Role.INSPECTOR, org_unit=units["LS"])
    new_group(units, user, name="A1窄组")
    return user


def _form_data(group, unit, **extra):
    data = {
        "group": group.pk,
        "unit": unit.pk,
        "date": timezone.localdate().isoformat(),
        "kind": "regular",
        "methods": ["report", "ledgers"],
        "other_participants": "王村长",
        "summary": "支部工作扎实。",
    }
    data.update(extra)
    return data


# Groups -----------------------------------------------------------------------------


def test_office_creates_a_group_and_an_inspector_may_not(client_for, personas, units):
    data = {
        "name": "A1第二组",
        "leader": personas["inspector"].pk,
        "members": [personas["inspector"].pk],
        "units": [units["LS0101"].pk, units["LS0201"].pk],
        "active": "on",
    }
    assert client_for("inspector").get(reverse("inspections:group_create")).status_code == 403
    assert client_for("inspector").post(reverse("inspections:group_create"), data).status_code == 403
    assert not InspectionGroup.objects.filter(name="A1第二组").exists()
    page = client_for("office").get(reverse("inspections:group_create"))
    assert page.status_code == 200 and "督查组" in page.content.decode()
    response = client_for("office").post(reverse("inspections:group_create"), data)
    assert response.status_code == 302
    group = InspectionGroup.objects.get(name="A1第二组")
    assert group.township == units["LS"] and set(group.units.all()) == {units["LS0101"], units["LS0201"]}
    listing = client_for("leader").get(reverse("inspections:groups")).content.decode()
    assert "A1第二组" in listing and reverse("inspections:group_edit", args=[group.pk]) not in listing
    assert client_for("inspector").get(reverse("inspections:group_edit", args=[group.pk])).status_code == 403
    assert client_for("secretary").get(reverse("inspections:groups")).status_code == 403


def test_a_group_leader_without_the_inspector_role_is_refused(client_for, personas, units):
    data = {
        "name": "A1错组",
        "leader": personas["secretary"].pk,
        "units": [units["LS0101"].pk],
        "active": "on",
    }
    response = client_for("office").post(reverse("inspections:group_create"), data)
    assert response.status_code == 200 and "选择一个有效的选项" in response.content.decode()
    assert not InspectionGroup.objects.filter(name="A1错组").exists()


# Inspections -------------------------------------------------------------------------


def test_inspector_records_an_inspection_of_a_covered_branch(client_for, group, personas, units):
    data = _form_data(group, units["LS0101"], participants=[personas["inspector"].pk])
    response = client_for("inspector").post(reverse("inspections:create"), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    inspection = Inspection.objects.get(group=group)
    assert inspection.status == InspectionStatus.DRAFT and inspection.methods == ["report", "ledgers"]
    assert list(inspection.participants.all()) == [personas["inspector"]]
    page = client_for("inspector").get(reverse("inspections:detail", args=[inspection.pk])).content.decode()
    assert "听汇报" in page and "查阅台账" in page and "王村长" in page and "支部工作扎实" in page


def test_inspector_cannot_record_for_a_branch_its_group_does_not_cover(client_for, narrow_inspector, units):
    client = client_for(None)
    client.force_login(narrow_inspector)
    group = InspectionGroup.objects.get(name="A1窄组")
    before = Inspection.objects.count()
    response = client.post(reverse("inspections:create"), _form_data(group, units["LS0201"]))
    assert response.status_code == 200
    assert "选择一个有效的选项" in response.content.decode()
    assert Inspection.objects.count() == before


def test_office_records_for_any_branch_of_its_township(client_for, group, units):
    # The office records for any branch of its township, with any of its groups.
    response = client_for("office").post(reverse("inspections:create"), _form_data(group, units["LS0201"]))
    assert response.status_code == 302
    assert Inspection.objects.filter(group=group, unit=units["LS0201"]).exists()


def test_a_planned_inspection_becomes_a_draft_when_recorded(client_for, group, units):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    data = {"group": group.pk, "unit": units["LS0101"].pk, "date": tomorrow.isoformat(), "plan": "1"}
    response = client_for("inspector").post(reverse("inspections:create"), data)
    assert response.status_code == 302
    inspection = Inspection.objects.get(group=group)
    assert inspection.status == InspectionStatus.PLANNED
    response = client_for("inspector").post(
        reverse("inspections:edit", args=[inspection.pk]), _form_data(group, units["LS0101"])
    )
    assert response.status_code == 302
    inspection.refresh_from_db()
    assert inspection.status == InspectionStatus.DRAFT and inspection.summary == "支部工作扎实。"


def test_finalised_inspection_is_read_only_for_the_inspector_but_the_office_edits_it(
    client_for, group, units, personas
):
    inspection = new_inspection(group, units["LS0101"], final=True)
    edit = reverse("inspections:edit", args=[inspection.pk])
    assert client_for("inspector").get(edit).status_code == 403
    assert client_for("inspector").post(edit, _form_data(group, units["LS0101"])).status_code == 403
    inspection.refresh_from_db()
    assert inspection.summary == "听取汇报，查阅台账。"
    page = client_for("inspector").get(reverse("inspections:detail", args=[inspection.pk])).content.decode()
    assert edit not in page and "修改记录" not in page
    response = client_for("office").post(
        edit,
        _form_data(
            group, units["LS0101"], summary="补充：整改到位。", participants=[personas["inspector"].pk]
        ),
    )
    assert response.status_code == 302
    inspection.refresh_from_db()
    assert inspection.status == InspectionStatus.FINAL and inspection.summary == "补充：整改到位。"
    assert inspection.history.count() >= 3
    page = client_for("office").get(reverse("inspections:detail", args=[inspection.pk])).content.decode()
    assert "修改记录" in page and "补充：整改到位。" in page


def test_finalise_without_a_summary_is_refused_with_a_message(client_for, group, units):
    inspection = new_inspection(group, units["LS0101"], summary="")
    response = client_for("inspector").post(
        reverse("inspections:finalise", args=[inspection.pk]), follow=True
    )
    assert "督查总结" in response.content.decode()
    inspection.refresh_from_db()
    assert inspection.status == InspectionStatus.DRAFT


# Findings ----------------------------------------------------------------------------


def test_a_finding_without_category_or_text_is_refused(client_for, group, units):
    inspection = new_inspection(group, units["LS0101"])
    url = reverse("inspections:finding_create", args=[inspection.pk])
    response = client_for("inspector").post(url, {"category": "", "text": ""})
    page = response.content.decode()
    assert response.status_code == 200 and "请选择发现问题的类别" in page and "请填写督查发现的内容" in page
    assert not Finding.objects.filter(inspection=inspection).exists()
    response = client_for("inspector").post(
        url, {"category": "experience", "text": "“党员积分制”经验值得推广", "promote": "on"}
    )
    assert response.status_code == 302
    page = client_for("inspector").get(reverse("inspections:detail", args=[inspection.pk])).content.decode()
    assert "成功经验和工作方法" in page and "党员积分制" in page and "推广" in page


def test_finding_delete_goes_through_the_service(client_for, group, units):
    finding = new_finding(new_inspection(group, units["LS0101"]))
    assert (
        client_for("leader").post(reverse("inspections:finding_delete", args=[finding.pk])).status_code == 403
    )
    assert Finding.objects.filter(pk=finding.pk).exists()
    response = client_for("inspector").post(reverse("inspections:finding_delete", args=[finding.pk]))
    assert response.status_code == 302 and not Finding.objects.filter(pk=finding.pk).exists()


# Notices -----------------------------------------------------------------------------


def test_notice_with_a_past_deadline_is_refused_and_nothing_saved(client_for, group, units):
    inspection = new_inspection(group, units["LS0101"], final=True)
    finding = new_finding(inspection)
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    data = {f"demand_{finding.pk}": "补齐记录", f"deadline_{finding.pk}": yesterday.isoformat()}
    response = client_for("inspector").post(reverse("inspections:notice_create", args=[inspection.pk]), data)
    assert response.status_code == 200
    assert "整改时限不能早于下达之日" in response.content.decode() or "不能早于" in response.content.decode()
    assert not RectificationNotice.objects.filter(inspection=inspection).exists()
    assert not Rectification.objects.filter(unit=units["LS0101"], problem=finding.text).exists()


def test_inspector_issues_the_notice_and_the_page_shows_its_number(client_for, group, units):
    inspection = new_inspection(group, units["LS0101"], final=True)
    finding = new_finding(inspection)
    new_finding(inspection, rectify=False, text="按时召开支委会")
    page = client_for("inspector").get(reverse("inspections:detail", args=[inspection.pk])).content.decode()
    assert reverse("inspections:notice_create", args=[inspection.pk]) in page
    form = client_for("inspector").get(reverse("inspections:notice_create", args=[inspection.pk]))
    default = (timezone.localdate() + datetime.timedelta(days=30)).isoformat()
    assert default in form.content.decode() and "按时召开支委会" not in form.content.decode()
    deadline = timezone.localdate() + datetime.timedelta(days=20)
    data = {f"demand_{finding.pk}": "一个月内补齐会议记录", f"deadline_{finding.pk}": deadline.isoformat()}
    response = client_for("inspector").post(reverse("inspections:notice_create", args=[inspection.pk]), data)
    notice = RectificationNotice.objects.get(inspection=inspection)
    assert response.status_code == 302 and response["Location"] == reverse(
        "inspections:notice", args=[notice.pk]
    )
    year = timezone.localdate().year
    assert notice.label.startswith(f"柳督改〔{year}〕") and notice.label.endswith("号")
    rectification = Rectification.objects.get(notice=notice)
    page = client_for("secretary").get(reverse("inspections:notice", args=[notice.pk])).content.decode()
    assert "整改通知书" in page and notice.label in page and "回" in page and "执" in page
    assert "一个月内补齐会议记录" in page and units["LS0101"].name in page
    assert reverse("inspections:rectification", args=[rectification.pk]) in page
    assert client_for("secretary2").get(reverse("inspections:notice", args=[notice.pk])).status_code == 404
    # One notice per inspection: the button is gone, the form leads to the notice.
    again = client_for("inspector").get(reverse("inspections:notice_create", args=[inspection.pk]))
    assert again.status_code == 302


def test_notice_number_follows_the_last_one(group, units, personas):
    first = new_inspection(group, units["LS0101"], final=True)
    second = new_inspection(group, units["LS0101"], final=True)
    deadline = timezone.localdate() + datetime.timedelta(days=5)
    a = notice_issue(
        actor=personas["inspector"], inspection=first, items=[(new_finding(first), "改", deadline)]
    )
    b = notice_issue(
        actor=personas["inspector"], inspection=second, items=[(new_finding(second), "改", deadline)]
    )
    assert b.number == a.number + 1


# Who sees what -----------------------------------------------------------------------


def test_secretary_sees_only_finalised_inspections_of_its_own_branch(client_for, group, units):
    final = new_inspection(group, units["LS0101"], final=True)
    draft = new_inspection(group, units["LS0101"])
    response = client_for("secretary").get(reverse("inspections:list"))
    shown = {inspection.pk for inspection in response.context["page"]}
    assert final.pk in shown and draft.pk not in shown
    assert all(
        inspection.unit.path.startswith(units["LS0101"].path) for inspection in response.context["page"]
    )
    assert client_for("secretary").get(reverse("inspections:detail", args=[draft.pk])).status_code == 404
    assert client_for("secretary").get(reverse("inspections:detail", args=[final.pk])).status_code == 200
    assert client_for("secretary2").get(reverse("inspections:detail", args=[final.pk])).status_code == 404
    assert client_for("member").get(reverse("inspections:detail", args=[final.pk])).status_code == 404


def test_inspection_list_filters_and_cards(client_for, group, units):
    final = new_inspection(group, units["LS0101"], final=True)
    draft = new_inspection(group, units["LS0101"])
    response = client_for("office").get(reverse("inspections:list"), {"status": "final", "group": group.pk})
    shown = [inspection.pk for inspection in response.context["page"]]
    assert final.pk in shown and draft.pk not in shown
    assert "督查记录" in response.content.decode()


@pytest.mark.parametrize("name", ["inspections:list", "inspections:groups"])
def test_lists_stack_as_labelled_cards_on_a_phone(client_for, group, units, name):
    new_inspection(group, units["LS0101"], final=True)
    page = client_for("office").get(reverse(name)).content.decode()
    tables = re.findall(r"<table[^>]*>.*?</table>", page, flags=re.S)
    assert tables
    for table in tables:
        assert "table-cards" in table.split(">", 1)[0]
        cells = [c for c in re.findall(r"<td[^>]*>", table.split("</thead>", 1)[-1]) if "colspan" not in c]
        assert cells and all("data-label" in cell for cell in cells)


def test_pages_are_in_chinese(client_for, group, units):
    inspection = new_inspection(group, units["LS0101"], final=True)
    finding = new_finding(inspection)
    other = new_inspection(group, units["LS0101"], final=True)
    deadline = timezone.localdate() + datetime.timedelta(days=3)
    notice = notice_issue(actor=None, inspection=other, items=[(new_finding(other), "整改", deadline)])
    for url in [
        reverse("inspections:group_create"),
        reverse("inspections:edit", args=[inspection.pk]),
        reverse("inspections:finding_create", args=[inspection.pk]),
        reverse("inspections:finding_edit", args=[finding.pk]),
        reverse("inspections:notice", args=[notice.pk]),
        reverse("inspections:list"),
        reverse("inspections:groups"),
        reverse("inspections:coverage"),
        reverse("inspections:create"),
        reverse("inspections:detail", args=[inspection.pk]),
        reverse("inspections:notice_create", args=[inspection.pk]),
        reverse("inspections:group_edit", args=[group.pk]),
    ]:
        page = client_for("office").get(url).content.decode()
        main = re.sub(
            r"<[^>]+>", " ", page.split("<main", 1)[1].split(">", 1)[1]
        )  # the text shown, not the markup
        # Login names are data, shown beside people's names where accounts are chosen.
        logins = " ".join(User.objects.values_list("username", flat=True))
        words = {word for word in re.findall(r"[A-Za-z]{3,}", main) if word not in logins} - {"Word"}
        assert not words, (url, words)


def test_list_queries_do_not_grow_with_inspections(client_for, group, units, django_assert_max_num_queries):
    new_inspection(group, units["LS0101"])
    client = client_for("office")
    with CaptureQueriesContext(connection) as small:
        client.get(reverse("inspections:list"))
    for _ in range(15):
        new_inspection(group, units["LS0101"], final=True)
    with django_assert_max_num_queries(len(small)):
        client.get(reverse("inspections:list"))
