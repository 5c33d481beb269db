"""Every UI string has its Simplified Chinese translation."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import polib
import pytest
from django.core.management import call_command

CATALOGUE = Path(__file__).resolve().parents[1] / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"


def _messages(path: Path) -> dict[str, polib.POEntry]:
    return {entry.msgid: entry for entry in polib.pofile(str(path)) if not entry.obsolete}


def _placeholders(text: str) -> list[str]:
    return sorted(re.findall(r"%\(\w+\)[sd]|%[sd]", text))


def test_catalogue_is_complete_and_settled():
    entries = _messages(CATALOGUE).values()
    untranslated = [e.msgid for e in entries if not e.translated()]
    fuzzy = [e.msgid for e in entries if "fuzzy" in e.flags]
    assert untranslated == [] and fuzzy == []
    # A translation that names other placeholders breaks at run time (KeyError).
    mismatched = [
        e.msgid
        for e in entries
        if _placeholders(e.msgid) != _placeholders(e.msgstr or e.msgstr_plural.get(0, ""))
        and not e.msgid_plural
    ]
    assert mismatched == []


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="needs gettext (CI installs it)")
def test_catalogue_holds_every_string_of_the_code(tmp_path):
    saved = tmp_path / "django.po"
    shutil.copy(CATALOGUE, saved)
    try:
        call_command(
            "makemessages",
            locale=["zh_Hans"],
            ignore_patterns=[".venv", "node_modules", "tests"],
            no_obsolete=True,
            verbosity=0,
        )
        fresh = set(_messages(CATALOGUE))
    finally:
        shutil.copy(saved, CATALOGUE)
    missing = fresh - set(_messages(saved))
    assert missing == set(), "run `make messages` and translate the new strings"
