"""At county scale the organisation page and the unit selects stay small: a county office sees
its townships and drills down, and a unit is searched on the server, within the asker's scope."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import Level, OrgUnit, Role, RoleAssignment, User
from branches.forms import LISTED_UNITS
from branches.models import Member
from branches.selectors import TREE_ROWS
from tests.conftest import add_units

TOWNSHIPS, BRANCHES = 4, 40  # 165 units: more than the tree and a select list at once


@pytest.fixture
def county(db):
    county = OrgUnit.objects.create(code="QX", name="中共测试县委员会", level=Level.COMMITTEE)
    towns = add_units(county, {f"QX{t}": f"测试第{t}镇" for t in range(TOWNSHIPS)}, Level.COMMITTEE)
    for t, town in enumerate(towns):
        add_units(town, {f"{town.code}B{b:02d}": f"测试第{t}镇第{b}支部" for b in range(BRANCHES)})
    assert OrgUnit.objects.filter(path__startswith="/QX/").count() > max(TREE_ROWS, LISTED_UNITS)
    return county


def _client(code: str, role: str = Role.OFFICE) -> Client:
    user = User.objects.create_user(f"u-{code.lower()}-{role}", full_name=code)
    RoleAssignment.objects.create(user=user, role=role, org_unit=OrgUnit.objects.get(code=code))
    client = Client()
    client.force_login(user)
    return client


def _options(html: str, name: str) -> list[str]:
    select = re.search(rf'<select name="{name}".*?</select>', html, re.S).group(0)
    return re.findall(r'<option value="(\d*)"', select)


def test_the_county_office_sees_its_townships_and_drills_down(county):
    client = _client("QX")
    page = client.get(reverse("branches:tree")).content.decode()
    assert "测试第2镇" in page and "测试第2镇第7支部" not in page
    town = OrgUnit.objects.get(code="QX2")
    assert f'href="/units/?unit={town.pk}"' in page

    below = client.get(reverse("branches:tree"), {"unit": town.pk}).content.decode()
    assert "测试第2镇第7支部" in below and "测试第1镇第7支部" not in below


def test_a_township_office_may_not_drill_into_another_township(county):
    client = _client("QX1")
    other = OrgUnit.objects.get(code="QX2")
    assert client.get(reverse("branches:tree"), {"unit": other.pk}).status_code == 404
    assert client.get(reverse("branches:tree"), {"unit": "1 OR 1=1"}).status_code == 404
    # A township's own 41 units are listed whole.
    page = client.get(reverse("branches:tree")).content.decode()
    assert "测试第1镇第39支部" in page and "测试第2镇" not in page


def test_a_long_unit_select_renders_the_committees_and_the_chosen_unit_only(county):
    client = _client("QX")
    chosen = OrgUnit.objects.get(code="QX3B17")
    html = client.get(reverse("branches:member_list"), {"unit": chosen.pk}).content.decode()
    options = _options(html, "unit")
    committees = OrgUnit.objects.filter(path__startswith="/QX/", level=Level.COMMITTEE).count()
    assert len(options) == 1 + committees + 1  # the blank, the county and its townships, the chosen
    assert str(chosen.pk) in options
    assert 'data-search="/units/search/?scope=visible"' in html
    # A township office's 41 units are a plain list, no search.
    html = _client("QX1").get(reverse("branches:member_list")).content.decode()
    assert len(_options(html, "unit")) == 1 + 1 + BRANCHES and "data-search" not in html


def test_the_member_form_searches_the_units_the_office_keeps(county):
    html = _client("QX").get(reverse("branches:member_create")).content.decode()
    assert 'data-search="/units/search/?scope=kept"' in html


def test_unit_search_answers_a_page_within_the_askers_scope(county):
    url = reverse("branches:unit_search")
    county_office = _client("QX")
    found = county_office.get(url, {"scope": "visible", "q": "第2镇"}).json()
    assert len(found["results"]) == 20 and found["more"]
    assert found["results"][0]["text"] == "测试第2镇（QX2）"

    found = _client("QX1").get(url, {"scope": "visible", "q": "第2镇"}).json()
    assert found == {"results": [], "more": False}
    found = _client("QX1B05", Role.SECRETARY).get(url, {"q": "支部"}).json()
    assert [unit["text"] for unit in found["results"]] == ["测试第1镇第5支部（QX1B05）"]
    # Lower-case codes match; an unknown scope is not a question the portal answers.
    assert county_office.get(url, {"q": "qx3b1"}).json()["results"][0]["text"].endswith("（QX3B10）")
    assert county_office.get(url, {"scope": "everything"}).status_code == 404


def test_a_unit_outside_the_scope_is_refused_even_if_searched_for(county):
    """The select offers what the search finds; the field still checks its own queryset."""
    Member.objects.create(unit=OrgUnit.objects.get(code="QX2B01"), name="外镇党员")
    client = _client("QX1")
    page = client.get(reverse("branches:member_list"), {"unit": OrgUnit.objects.get(code="QX2B01").pk})
    assert "外镇党员" not in page.content.decode()


def test_the_organisation_page_costs_the_same_at_two_sizes(county, django_assert_max_num_queries):
    client = _client("QX")
    with django_assert_max_num_queries(12) as small:
        client.get(reverse("branches:tree"))
    add_units(OrgUnit.objects.get(code="QX0"), {f"QX0C{b:03d}": f"加测{b}" for b in range(200)})
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get(reverse("branches:tree"))


def test_the_liaison_form_searches_branches_only(county):
    _client("QX", Role.LEADER)  # a leader of the county, whose points the office keeps
    client = _client("QX")
    html = client.get(reverse("branches:liaison_create")).content.decode()
    assert 'data-search="/units/search/?scope=branches"' in html
    found = client.get(reverse("branches:unit_search"), {"scope": "branches", "q": "测试第2镇"}).json()
    assert found["results"] and all("支部" in unit["text"] for unit in found["results"])
