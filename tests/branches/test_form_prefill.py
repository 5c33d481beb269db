"""Forms start where the user would: its own name, its own branch, the owner first."""

from __future__ import annotations

import re

from django.urls import reverse


def _selected(page: str, name: str) -> list[str]:
    select = re.search(rf'<select name="{name}".*?</select>', page, re.S).group(0)
    return re.findall(r'<option value="([^"]*)"[^>]*selected', select)


def test_report_form_names_the_secretary_as_author(client_for):
    page = client_for("secretary").get(reverse("reports:create")).content.decode()
    assert re.search(r'<input[^>]*name="authors"[^>]*value="张志强"', page)


def test_new_member_form_preselects_the_secretarys_branch(client_for, units):
    page = client_for("secretary").get(reverse("branches:member_create")).content.decode()
    assert _selected(page, "unit") == [str(units["LS0101"].pk)]
    office_page = client_for("office").get(reverse("branches:member_create")).content.decode()
    assert _selected(office_page, "unit") == [""]  # a township office has no one branch to assume


def test_commitment_form_asks_whose_commitment_first(client_for):
    page = client_for("secretary").get(reverse("commitments:create")).content.decode()
    names = re.findall(r'<(?:select|input|textarea)[^>]*name="(\w+)"', page)
    fields = [name for name in names if name not in ("csrfmiddlewaretoken",)]
    assert fields[:2] == ["owner", "period"], fields
