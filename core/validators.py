from __future__ import annotations

import unicodedata

from django.utils.translation import gettext_lazy as _

# Longer "extensions" are part of the name ("会议纪要.第三次修改稿").
_MAX_EXTENSION = 10


def clean_file_name(name: str, *, max_length: int = 255) -> str:
    """An uploaded file's name made fit to show in pages and to offer again as a download name.

    Control and format characters go: a right-to-left override (U+202E) before "gpj.exe"
    makes "照片[U+202E]gpj.exe" read as "照片exe.jpg". Whitespace of any kind becomes one space,
    path separators become "_", and a name longer than `max_length` is cut before its extension.
    """
    kept = []
    for char in unicodedata.normalize("NFC", name):
        if char.isspace():
            kept.append(" ")
        elif unicodedata.category(char)[0] != "C":
            kept.append("_" if char in "/\\" else char)
    name = " ".join("".join(kept).split()).strip(". ")
    stem, dot, extension = name.rpartition(".")
    if not stem or len(extension) > _MAX_EXTENSION:
        stem, dot, extension = name, "", ""
    suffix = f"{dot}{extension}"
    stem = stem[: max_length - len(suffix)].rstrip(". ") or str(_("unnamed"))
    return f"{stem}{suffix}"
