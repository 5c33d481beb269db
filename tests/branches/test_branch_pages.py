"""The organisation tree, a branch page's links, and the public board's QR sheet."""

from __future__ import annotations

import re

from django.urls import reverse


def _row(page: str, name: str) -> str:
    return next(row for row in page.split("<tr>") if f">{name}</a>" in row)


def test_tree_indents_branches_under_their_general_branch(client_for):
    page = client_for("office").get(reverse("branches:tree")).content.decode()
    assert 'class="tree-indent tree-indent-0"' in _row(page, "中共柳山镇委员会")
    assert 'class="tree-indent tree-indent-1"' in _row(page, "柳山村党总支")
    assert 'class="tree-indent tree-indent-2"' in _row(page, "柳山村第一党支部")


def test_branch_page_links_its_records_and_public_board(client_for, units):
    unit = units["LS0101"]
    page = client_for("secretary").get(reverse("branches:unit_detail", args=[unit.pk])).content.decode()
    for link in [
        f"{reverse('commitments:list')}?unit={unit.pk}",
        f"{reverse('commitments:letters')}?unit={unit.pk}",
        f"{reverse('reports:list')}?unit={unit.pk}",
        reverse("commitments:board", args=[unit.code]),
        reverse("commitments:board_poster", args=[unit.code]),
    ]:
        assert f'href="{link}"' in page, link


def test_letter_list_of_a_branch_lists_only_that_branch(client_for, units):
    response = client_for("office").get(reverse("commitments:letters"), {"unit": units["LS0201"].pk})
    assert response.status_code == 200
    owners = {letter.unit.code[:4] for letter in response.context["letters"]}
    assert owners <= {"LS02"}
    assert (
        client_for("secretary").get(reverse("commitments:letters"), {"unit": units["LS0201"].pk}).status_code
        == 404
    )


def test_letter_links_the_public_board_and_its_qr_sheet(client_for, units):
    from commitments.models import CommitmentLetter

    letter = CommitmentLetter.objects.filter(unit=units["LS0101"]).first()
    page = client_for("secretary").get(reverse("commitments:letter", args=[letter.pk])).content.decode()
    assert reverse("commitments:board", args=["LS0101"]) in page
    assert reverse("commitments:board_poster", args=["LS0101"]) in page


def test_qr_sheet_draws_the_board_address_without_login(client, db):
    response = client.get(reverse("commitments:board_poster", args=["ls0101"]))
    page = response.content.decode()
    address = f"http://testserver{reverse('commitments:board', args=['LS0101'])}"
    assert response.status_code == 200 and "柳山村第一党支部" in page and address in page
    svg = re.search(r"<svg[^>]*>.*?</svg>", page, re.S).group(0)
    assert 'class="segno"' in svg and "<path" in svg
    import segno

    # The drawn symbol is the one for the address, cell for cell.
    assert segno.make_qr(address, error="m").svg_inline(scale=8, border=2, omitsize=True) == svg
    assert client.get(reverse("commitments:board_poster", args=["NOPE"])).status_code == 404
