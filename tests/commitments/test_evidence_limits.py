"""Evidence uploads that would exhaust the server are refused on the page, and names are cleaned."""

from __future__ import annotations

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from core.models import Attachment
from tests.commitments.conftest import jpeg_bytes


def _progress(client, commitment, files):
    return client.post(
        reverse("commitments:progress", args=[commitment.pk]),
        {
            "date": commitment.letter.period_obj.start.isoformat(),
            "text": "证明",
            "percent": 10,
            "evidence": files,
        },
        headers={"referer": f"http://testserver{reverse('commitments:detail', args=[commitment.pk])}"},
        follow=True,
    )


def test_a_pixel_bomb_is_refused_with_a_message_and_nothing_saved(client_for, units, make_commitment):
    buffer = io.BytesIO()
    Image.new("1", (12000, 12000)).save(buffer, "PNG")  # 17 KB; over 400 MB decoded as RGB
    commitment = make_commitment(units["LS0101"])
    attachments = Attachment.objects.count()
    response = _progress(
        client_for("secretary"), commitment, [SimpleUploadedFile("现场.png", buffer.getvalue())]
    )
    assert response.status_code == 200
    assert "“现场.png”超过 40 百万像素，请缩小尺寸后重新上传。" in response.content.decode()
    assert Attachment.objects.count() == attachments
    assert not commitment.progress_entries.exists()


def test_an_evidence_name_too_long_to_parse_gets_a_message(client_for, units, make_commitment):
    commitment = make_commitment(units["LS0101"])
    photo = io.BytesIO(jpeg_bytes())
    photo.name = "现场照片" * 90 + ".jpg"
    response = _progress(client_for("secretary"), commitment, [photo])
    assert response.status_code == 200
    assert "如果文件名很长，请缩短后重新上传" in response.content.decode()
    assert not commitment.progress_entries.exists()


def test_an_evidence_name_is_stored_without_direction_overrides(client_for, units, make_commitment):
    commitment = make_commitment(units["LS0101"])
    _progress(
        client_for("secretary"), commitment, [SimpleUploadedFile("照片\u202egpj.exe\x01.jpg", jpeg_bytes())]
    )
    assert Attachment.objects.order_by("-pk").first().original_name == "照片gpj.exe.jpg"
