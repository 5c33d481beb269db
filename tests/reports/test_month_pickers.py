"""The grid and the circular choose their months with two month pickers; old links still work."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse


def _picker(page: str, name: str) -> str:
    return re.search(rf'<input type="month" name="{name}"[^>]*>', page).group(0)


@pytest.mark.parametrize("url_name", ["reports:grid", "reports:circular"])
def test_month_pickers_choose_the_range(client_for, url_name):
    response = client_for("office").get(reverse(url_name), {"start": "2026-01", "end": "2026-03"})
    page = response.content.decode()
    assert response.context["label"] == "2026年1月至2026年3月"
    assert 'value="2026-01"' in _picker(page, "start") and 'value="2026-03"' in _picker(page, "end")
    assert 'name="months"' not in page


@pytest.mark.parametrize("url_name", ["reports:grid", "reports:circular"])
def test_old_months_parameter_still_accepted(client_for, url_name):
    response = client_for("office").get(reverse(url_name), {"months": "2026-02:2026-04"})
    assert response.context["label"] == "2026年2月至2026年4月"
    assert 'value="2026-04"' in _picker(response.content.decode(), "end")


def test_one_picker_alone_means_that_month(client_for):
    response = client_for("office").get(reverse("reports:grid"), {"start": "2026-05"})
    assert response.context["label"] == "2026年5月"


def test_grid_keeps_the_branch_column_in_place(client_for):
    page = client_for("office").get(reverse("reports:grid")).content.decode()
    assert re.search(r'<table class="[^"]*\bsticky-first\b', page)
