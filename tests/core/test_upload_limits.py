"""Photos checked against a pixel budget before decoding; uploaded file names cleaned."""

from __future__ import annotations

import io
import time

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image, ImageFile

from core.attachments import MAX_SIDE, check_upload
from core.imports import get_ledger
from core.models import Upload
from core.services import upload_preview
from core.validators import clean_file_name
from tests.core.xlsx_files import xlsx

GOOD_ROW = ["林小红", "女", "LS0101", "党员", "13900000001", "2020-07-01"]


def image_bytes(size, mode="RGB", fmt="PNG") -> bytes:
    buffer = io.BytesIO()
    Image.new(mode, size).save(buffer, fmt)
    return buffer.getvalue()


def pixel_bomb() -> bytes:
    """12000 × 12000 pixels in 17 KB: over 400 MB once decoded as RGB."""
    return image_bytes((12000, 12000), mode="1")


@pytest.fixture
def no_decoding(monkeypatch):
    def refuse(self):
        raise AssertionError("the image was decoded")

    monkeypatch.setattr(ImageFile.ImageFile, "load", refuse)


class TestPixelBudget:
    def test_a_pixel_bomb_is_refused_from_its_header(self, no_decoding):
        started = time.perf_counter()
        with pytest.raises(ValidationError) as refused:
            check_upload(SimpleUploadedFile("炸弹.png", pixel_bomb()))
        assert refused.value.messages == ["“炸弹.png”超过 40 百万像素，请缩小尺寸后重新上传。"]
        assert time.perf_counter() - started < 1

    def test_the_budget_is_a_setting(self, settings):
        settings.ATTACHMENT_MAX_PIXELS = 100 * 100
        assert check_upload(SimpleUploadedFile("a.png", image_bytes((100, 100)))).is_image
        with pytest.raises(ValidationError, match="超过 0 百万像素"):
            check_upload(SimpleUploadedFile("b.png", image_bytes((101, 100))))

    @pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP"])
    def test_a_large_photo_is_stored_at_most_max_side_pixels_long(self, fmt):
        checked = check_upload(SimpleUploadedFile("大图", image_bytes((6000, 4000), fmt=fmt)))
        assert Image.open(io.BytesIO(checked.content)).size == (MAX_SIDE, 1707)

    def test_a_large_jpeg_is_decoded_at_a_reduced_scale(self, monkeypatch):
        decoded = []
        load = ImageFile.ImageFile.load

        def spy(self):
            decoded.append(self.size)
            return load(self)

        monkeypatch.setattr(ImageFile.ImageFile, "load", spy)
        check_upload(SimpleUploadedFile("大图.jpg", image_bytes((7000, 5000), fmt="JPEG")))
        assert decoded[0] == (3500, 2500)  # half scale: 9 million pixels decoded, not 35


class TestFileNames:
    @pytest.mark.parametrize(
        ("name", "cleaned"),
        [
            ("支部名册.xlsx", "支部名册.xlsx"),
            ("照片\u202egpj.exe", "照片gpj.exe"),  # a right-to-left override: shown as 照片exe.jpg
            ("\u2066名册\u2069\u200b.xlsx", "名册.xlsx"),
            ("会议\x00纪要\x1b.docx", "会议纪要.docx"),
            ("第一行\n第二行\t.pdf", "第一行 第二行.pdf"),
            ("..\\..\\etc/passwd", "_.._etc_passwd"),
            ("\u202e", "未命名"),
            ("会议纪要.第三次修改稿定稿", "会议纪要.第三次修改稿定稿"),
        ],
    )
    def test_control_and_direction_characters_go(self, name, cleaned):
        assert clean_file_name(name) == cleaned

    def test_a_long_name_is_cut_before_its_extension(self):
        cleaned = clean_file_name("名" * 300 + ".xlsx")
        assert len(cleaned) == 255 and cleaned.endswith("名.xlsx")

    def test_a_ledger_upload_keeps_a_clean_name(self, personas):
        name = "党员\u202e名册\x07" + "长" * 300 + ".xlsx"
        upload, _report = upload_preview(
            ledger=get_ledger("members"),
            user=personas["office"],
            upload_file=SimpleUploadedFile(name, xlsx([GOOD_ROW])),
            options_data={},
        )
        upload.refresh_from_db()
        assert upload.original_name.startswith("党员名册长") and upload.original_name.endswith("长.xlsx")
        assert len(upload.original_name) <= 255

    def test_a_name_too_long_for_django_gets_a_message_on_the_page(self, client_for):
        # A part header over 1 KB (about 300 Chinese characters) is refused by Django's parser.
        url = reverse("core:import", args=["members"])
        client = client_for("office")
        file = io.BytesIO(xlsx([GOOD_ROW]))
        file.name = "名" * 330 + ".xlsx"  # as sent, before Django would shorten it
        response = client.post(url, {"file": file})
        assert response.status_code == 302 and response["Location"] == url
        page = client.get(url).content.decode()
        assert "无法读取上传的内容。如果文件名很长，请缩短后重新上传。" in page
        assert not Upload.objects.exists()

    def test_a_name_django_shortens_is_previewed_normally(self, client_for):
        response = client_for("office").post(
            reverse("core:import", args=["members"]),
            {"file": SimpleUploadedFile("n" * 600 + ".xlsx", xlsx([GOOD_ROW]))},
        )
        assert response.status_code == 200 and response.context["report"].ok
        assert response.context["upload"].original_name == "n" * 250 + ".xlsx"
