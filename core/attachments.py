"""Evidence files: accepted by what they contain, never by their name.

Photos are decoded and re-encoded (which also drops EXIF data such as GPS positions);
PDF and Office Open XML documents are recognised by their signatures and structure.
Macro-enabled and legacy binary Office files are refused.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

OOXML_KINDS = {
    "word/": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx"),
    "xl/": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
    "ppt/": ("application/vnd.openxmlformats-officedocument.presentationml.presentation", "pptx"),
}


@dataclass(frozen=True)
class CheckedFile:
    content: bytes
    mime_type: str
    extension: str

    @property
    def is_image(self) -> bool:
        return self.mime_type.startswith("image/")


def check_upload(upload) -> CheckedFile:
    """Read an uploaded file and return what may be stored, or raise ValidationError."""
    limit = settings.ATTACHMENT_MAX_BYTES
    if upload.size > limit:
        raise ValidationError(
            _("“%(name)s” is larger than %(limit)s.") % {"name": upload.name, "limit": filesizeformat(limit)}
        )
    data = upload.read()
    if data.startswith(b"%PDF-"):
        return CheckedFile(data, "application/pdf", "pdf")
    if data.startswith(b"PK\x03\x04"):
        return _check_ooxml(upload.name, data)
    return _reencode_image(upload.name, data)


def _refuse(name: str) -> ValidationError:
    return ValidationError(
        _("“%(name)s” is not a photo (JPEG, PNG, WebP), a PDF or a Word, Excel or PowerPoint file.")
        % {"name": name}
    )


def _check_ooxml(name: str, data: bytes) -> CheckedFile:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = archive.namelist()
    except zipfile.BadZipFile:
        raise _refuse(name) from None
    if "[Content_Types].xml" not in names:
        raise _refuse(name)
    if any(entry.lower().endswith("vbaproject.bin") for entry in names):
        raise ValidationError(_("“%(name)s” contains macros, which are not accepted.") % {"name": name})
    for prefix, (mime_type, extension) in OOXML_KINDS.items():
        if any(entry.startswith(prefix) for entry in names):
            return CheckedFile(data, mime_type, extension)
    raise _refuse(name)


def _reencode_image(name: str, data: bytes) -> CheckedFile:
    try:
        with Image.open(io.BytesIO(data)) as image:
            if image.format not in {"JPEG", "PNG", "WEBP"}:
                raise _refuse(name)
            image.load()
            picture = ImageOps.exif_transpose(image)
            keeps_alpha = image.format == "PNG" and picture.mode in {"RGBA", "LA", "P"}
            output = io.BytesIO()
            if keeps_alpha:
                picture.save(output, "PNG", optimize=True)
                return CheckedFile(output.getvalue(), "image/png", "png")
            picture.convert("RGB").save(output, "JPEG", quality=85, optimize=True)
            return CheckedFile(output.getvalue(), "image/jpeg", "jpg")
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError, SyntaxError, ValueError):
        raise _refuse(name) from None
