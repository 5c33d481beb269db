"""Evidence files: accepted by what they contain, never by their name.

Photos are decoded and re-encoded (which also drops EXIF data such as GPS positions),
within a bounded amount of memory: their size is read from the header and checked against
a pixel budget before anything is decoded, JPEGs are decoded at a reduced scale where that
suffices, and every photo is stored at most MAX_SIDE pixels on its longer side.
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

# Enough to read a sign or a signed sheet on screen and in print.
MAX_SIDE = 2560
BAND_ROWS = 256
# What a pixel costs decoded: Pillow would take over 1 GB for a 140 KB PNG of 12000 × 12000.
# Our own check below comes first and names the limit; Pillow's refuses any other path too.
Image.MAX_IMAGE_PIXELS = settings.ATTACHMENT_MAX_PIXELS

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


def _too_many_pixels(name: str) -> ValidationError:
    return ValidationError(
        _("“%(name)s” has more than %(limit)d million pixels. Make it smaller and upload it again.")
        % {"name": name, "limit": settings.ATTACHMENT_MAX_PIXELS // 1_000_000}
    )


def _shrink(image: Image.Image, size: tuple[int, int]) -> Image.Image:
    """A new image: `image` resampled down to `size`, keeping what exif_transpose reads.

    Resampled in one go, a 40-megapixel photo would hold a full-height intermediate (60 MB)
    beside its 160 MB of decoded pixels; bands of rows keep it to a few MB. Palette and
    1-bit images are resampled by nearest neighbour, which needs no intermediate.
    """
    if image.size == size or image.mode not in {"RGB", "RGBA", "L", "LA"}:
        image.thumbnail(size)
        return image.copy()
    rows_per_row = image.height / size[1]
    shrunk = Image.new(image.mode, size)
    for top in range(0, size[1], BAND_ROWS):
        bottom = min(top + BAND_ROWS, size[1])
        box = (0, top * rows_per_row, image.width, bottom * rows_per_row)
        shrunk.paste(image.resize((size[0], bottom - top), Image.Resampling.LANCZOS, box=box), (0, top))
    shrunk.info = image.info
    return shrunk


def _reencode_image(name: str, data: bytes) -> CheckedFile:
    try:
        with Image.open(io.BytesIO(data)) as image:  # reads the header, decodes nothing yet
            if image.format not in {"JPEG", "PNG", "WEBP"}:
                raise _refuse(name)
            width, height = image.size
            if width * height > settings.ATTACHMENT_MAX_PIXELS:
                raise _too_many_pixels(name)
            scale = min(1.0, MAX_SIDE / max(width, height))
            size = (max(1, round(width * scale)), max(1, round(height * scale)))
            image.draft(None, size)  # a JPEG decodes at 1/2, 1/4 or 1/8 scale where that suffices
            picture = _shrink(image, size)
            keeps_alpha = image.format == "PNG" and picture.mode in {"RGBA", "LA", "P"}
        # The full-size pixels were released with the image: the work below is on the small copy.
        ImageOps.exif_transpose(picture, in_place=True)
        output = io.BytesIO()
        if keeps_alpha:
            picture.save(output, "PNG", optimize=True)
            return CheckedFile(output.getvalue(), "image/png", "png")
        if picture.mode != "RGB":
            picture = picture.convert("RGB")
        picture.save(output, "JPEG", quality=85, optimize=True)
        return CheckedFile(output.getvalue(), "image/jpeg", "jpg")
    except Image.DecompressionBombError:
        raise _too_many_pixels(name) from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise _refuse(name) from None
