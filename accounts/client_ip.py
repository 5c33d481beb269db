"""The client address that django-axes counts failed logins against (AXES_CLIENT_IP_CALLABLE)."""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str | None:
    """REMOTE_ADDR, or behind PROXY_COUNT proxies the address the outermost one was reached from.

    Each proxy appends the address it received the request from to X-Forwarded-For, so the
    client is the PROXY_COUNT-th entry from the right; entries further left were written by
    the client itself and could name anybody.
    """
    remote = request.META.get("REMOTE_ADDR")
    if not settings.PROXY_COUNT:
        return remote
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
    if len(forwarded) < settings.PROXY_COUNT:
        return remote  # it did not come through every proxy
    try:
        return str(ipaddress.ip_address(forwarded[-settings.PROXY_COUNT].strip()))
    except ValueError:
        return remote
