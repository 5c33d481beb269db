"""Lists become cards on a phone: every list table carries `.table-cards` and labels its cells."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

LISTS = [
    ("office", "branches:member_list"),
    ("office", "commitments:list"),
    ("office", "commitments:letters"),
    ("office", "reports:list"),
    ("office", "accounts:user_list"),
    ("office", "core:notification_log"),
    ("office", "branches:liaison_list"),
    ("office", "branches:visit_list"),
    ("office", "branches:visit_coverage"),
    ("office", "inspections:rectifications"),
    ("office", "inspections:circulars"),
    ("office", "inspections:list"),
    ("office", "inspections:groups"),
    ("office", "reviews:creation_rounds"),
    ("secretary", "inspections:rectifications"),
]


@pytest.mark.parametrize(("role", "name"), LISTS)
def test_list_tables_stack_as_labelled_cards_on_a_phone(client_for, role, name):
    page = client_for(role).get(reverse(name)).content.decode()
    tables = re.findall(r"<table[^>]*>.*?</table>", page, flags=re.S)
    assert tables, name
    for table in tables:
        assert "table-cards" in table.split(">", 1)[0], name
        body = table.split("</thead>", 1)[-1]
        # Columns hidden on a phone (d-none) need no label; a row saying "none" spans them all.
        cells = [c for c in re.findall(r"<td[^>]*>", body) if "colspan" not in c and "d-none" not in c]
        assert cells and all("data-label" in cell for cell in cells), name
