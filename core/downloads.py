"""Files handed to the browser as downloads, named in Chinese as they are saved."""

from __future__ import annotations

from django.http import HttpResponse
from django.utils.http import content_disposition_header

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def download(content: bytes, filename: str, content_type: str = XLSX_TYPE) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response
