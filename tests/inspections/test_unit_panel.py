"""A branch's page shows its open rectifications, overdue first; passed ones leave it."""

from __future__ import annotations

from django.urls import reverse

from inspections.models import Rectification, RectificationStatus


def test_the_unit_page_lists_the_open_rectifications_overdue_first(client_for, units):
    open_ones = Rectification.objects.filter(unit=units["LS0101"]).exclude(status=RectificationStatus.PASSED)
    passed = Rectification.objects.filter(unit=units["LS0101"], status=RectificationStatus.PASSED).first()
    assert open_ones.exists() and passed is not None  # the demo's rectifications of every state
    page = (
        client_for("secretary")
        .get(reverse("branches:unit_detail", args=[units["LS0101"].pk]))
        .content.decode()
    )
    panel = page.split("unit-rectifications", 1)[1]
    assert "未完成的整改" in page
    for rectification in open_ones:
        assert reverse("inspections:rectification", args=[rectification.pk]) in panel
    assert reverse("inspections:rectification", args=[passed.pk]) not in panel
    overdue = [r for r in open_ones if r.is_overdue()]
    assert overdue and panel.index("逾期") < panel.index(
        reverse(
            "inspections:rectification", args=[open_ones.exclude(pk__in=[r.pk for r in overdue]).first().pk]
        )
    )


def test_a_unit_without_open_rectifications_shows_no_section(client_for, units):
    clear = next(
        unit
        for code, unit in sorted(units.items())
        if unit.level == "branch" and not Rectification.objects.filter(unit=unit).open().exists()
    )
    page = client_for("office").get(reverse("branches:unit_detail", args=[clear.pk])).content.decode()
    assert "unit-rectifications" not in page and "未完成的整改" not in page
