"""Each menu shows only what the user's roles can open."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

INSPECTION_STAFF = {
    "inspections:rectifications",
    "inspections:list",
    "inspections:circulars",
    "inspections:coverage",
    "inspections:groups",
}
BRANCH_INSPECTION = {"inspections:rectifications", "inspections:list", "inspections:circulars"}
MENU = {
    "office": {
        "branches:tree",
        "branches:member_list",
        "commitments:list",
        "reports:list",
        "core:board",
        "accounts:user_list",
        "branches:liaison_list",
        *INSPECTION_STAFF,
    },
    "secretary": {
        "branches:tree",
        "branches:member_list",
        "commitments:list",
        "reports:list",
        *BRANCH_INSPECTION,
    },
    "leader": {
        "branches:tree",
        "branches:member_list",
        "commitments:list",
        "reports:list",
        "branches:liaison_list",
        *INSPECTION_STAFF,
    },
    "inspector": {
        "branches:tree",
        "branches:member_list",
        "commitments:list",
        "reports:list",
        *INSPECTION_STAFF,
    },
    # A member answers the rectifications addressed to itself.
    "member": {"branches:member_list", "commitments:list", "inspections:rectifications"},
}
ALL = set().union(*MENU.values())


def _menu(page: str) -> str:
    return page.split('<ul class="navbar-nav me-auto">')[1].split('<ul class="navbar-nav">')[0]


@pytest.mark.parametrize("role", sorted(MENU))
def test_menu_lists_what_the_role_can_open(client_for, role):
    client = client_for(role)
    menu = _menu(client.get(reverse("dashboards:home")).content.decode())
    shown = {name for name in ALL if f'href="{reverse(name)}"' in menu}
    assert shown == MENU[role]
    for name in shown:
        assert client.get(reverse(name)).status_code == 200


def test_member_is_not_offered_the_ledger_export(client_for):
    page = client_for("member").get(reverse("commitments:list")).content.decode()
    assert reverse("commitments:export") not in page
    assert (
        reverse("commitments:export")
        in client_for("secretary").get(reverse("commitments:list")).content.decode()
    )


def test_searchable_selects_come_from_the_portals_own_static_files(client_for):
    from django.contrib.staticfiles import finders

    page = client_for("secretary").get(reverse("commitments:create")).content.decode()
    scripts = re.findall(r'<script src="([^"]+)"', page)
    assert "/static/vendor/tom-select/js/tom-select.complete.min.js" in scripts
    assert "/static/js/searchable.js" in scripts
    assert all(src.startswith("/static/") for src in scripts)  # no CDN, no inline code
    assert "<script>" not in page
    assert finders.find("vendor/tom-select/js/tom-select.complete.min.js")
    assert finders.find("vendor/tom-select/css/tom-select.bootstrap5.min.css")
