from __future__ import annotations

from django.contrib import messages
from django.http.multipartparser import MultiPartParserError
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _


class UnreadableUploadMiddleware:
    """Send an upload Django cannot parse back to its form with a message, not a bare 400.

    Django refuses a multipart part whose headers exceed 1 KB, which a file name of some
    300 Chinese characters does; nothing of the form can be read then, so the page the form
    was on is shown again. Placed after MessageMiddleware and before any view reads the form.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method == "POST" and request.content_type == "multipart/form-data":
            try:
                request.POST  # noqa: B018 - parsed here so that the error can be answered
            except MultiPartParserError:
                messages.error(
                    request,
                    _(
                        "The upload could not be read. If the file name is very long, "
                        "shorten it and upload the file again."
                    ),
                )
                back = request.headers.get("referer", "")
                if not url_has_allowed_host_and_scheme(
                    back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
                ):
                    back = request.get_full_path()
                return redirect(back)
        return self.get_response(request)
