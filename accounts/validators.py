from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def plain_text_validator(value: str) -> None:
    """Names go into pages, Excel ledgers and Word files: no markup, nothing a sheet runs."""
    if value.startswith(FORMULA_PREFIXES):
        raise ValidationError(
            _("Must not start with =, +, -, @ (spreadsheet software would run it as a formula)."),
            code="formula",
        )
    if "<" in value or ">" in value:
        raise ValidationError(_("Must not contain < or >."), code="markup")
