"""A secretary never reaches another branch's commitments, however it asks."""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from commitments.ledger import write_ledger
from commitments.models import Commitment, Progress
from core.models import Attachment
from core.periods import Period
from tests.commitments.conftest import jpeg_bytes


@pytest.fixture
def evidence(other_branch_commitment, client_for):
    client_for("secretary2").post(
        reverse("commitments:progress", args=[other_branch_commitment.pk]),
        {
            "date": other_branch_commitment.letter.period_obj.start.isoformat(),
            "text": "已走访",
            "percent": 50,
            "evidence": [SimpleUploadedFile("走访.jpg", jpeg_bytes())],
        },
    )
    return Attachment.objects.order_by("-pk").first()


@pytest.mark.parametrize("view", ["detail", "edit"])
def test_secretary_gets_404_for_another_branchs_commitment(client_for, other_branch_commitment, view):
    url = reverse(f"commitments:{view}", args=[other_branch_commitment.pk])
    assert client_for("secretary").get(url).status_code == 404


def test_secretary_cannot_record_progress_on_another_branch(client_for, other_branch_commitment):
    response = client_for("secretary").post(
        reverse("commitments:progress", args=[other_branch_commitment.pk]),
        {"date": "2026-07-10", "text": "伪造", "percent": 100},
    )
    assert response.status_code == 404
    assert not Progress.objects.filter(commitment=other_branch_commitment).exists()
    assert Commitment.objects.get(pk=other_branch_commitment.pk).percent == 0


def test_evidence_download_follows_its_commitment(client_for, evidence):
    url = reverse("core:attachment", args=[evidence.pk])
    assert client_for("secretary").get(url).status_code == 404
    assert client_for(None).get(url).status_code == 302
    response = client_for("secretary2").get(url)
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize("view", ["letter", "letter_word"])
def test_secretary_gets_404_for_another_branchs_letter(client_for, other_branch_commitment, view):
    url = reverse(f"commitments:{view}", args=[other_branch_commitment.letter_id])
    assert client_for("secretary").get(url).status_code == 404


def test_another_branchs_rows_never_appear_in_an_export(
    personas, units, other_branch_commitment, make_commitment
):
    make_commitment(units["LS0101"], content="柳山村第一党支部：修路")
    period = Period.parse(other_branch_commitment.letter.period)
    # Asked for the whole township, the secretary still gets its own branch only.
    content = write_ledger(personas["secretary"], units["LS"], period)
    workbook = openpyxl.load_workbook(io.BytesIO(content))
    texts = {str(cell.value) for sheet in workbook.worksheets for row in sheet.iter_rows() for cell in row}
    assert "柳山村第一党支部：修路" in texts
    assert not any("河东社区" in text for text in texts)


def test_export_form_offers_only_units_in_scope(client_for, units):
    response = client_for("secretary").post(
        reverse("commitments:export"), {"unit": units["LS0201"].pk, "period": "2026H2"}
    )
    assert response.status_code == 200
    assert "unit" in response.context["form"].errors


def test_list_shows_only_own_branch(client_for, units, other_branch_commitment, make_commitment):
    mine = make_commitment(units["LS0101"], content="本支部承诺")
    response = client_for("secretary").get(reverse("commitments:list"))
    shown = {c.pk for c in response.context["page"].object_list}
    assert mine.pk in shown and other_branch_commitment.pk not in shown


def test_member_sees_its_own_commitments_only(client_for, personas, units, make_commitment, own_member):
    from branches.models import Member

    member = Member.objects.get(user=personas["member"])
    own = make_commitment(member.unit, member=member, content="我的具体打算")
    branch = make_commitment(units["LS0101"], content="支部承诺")
    client = client_for("member")
    assert client.get(reverse("commitments:detail", args=[own.pk])).status_code == 200
    assert client.get(reverse("commitments:detail", args=[branch.pk])).status_code == 404
