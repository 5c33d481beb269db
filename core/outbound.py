"""Outbound HTTP to addresses that people type in: the group-bot webhooks of core.reminders.

The portal posts from inside the deployment's network. An address pointing at the portal's
own database, Redis, a cloud metadata service or any intranet host would let whoever types
it reach them (server-side request forgery). So only https:// to public addresses passes,
checked when the address is saved and again each time it is used (DNS answers change), and
the connection goes to the very address that passed the check: a name that resolves
elsewhere a moment later (DNS rebinding) cannot swap it.
"""

from __future__ import annotations

import http.client
import ipaddress
import socket
import ssl
from typing import NamedTuple
from urllib.parse import urlsplit

from django.conf import settings
from django.utils.translation import gettext as _

MAX_ANSWER_BYTES = 64 * 1024


class Refused(ValueError):
    """The address may not be called; the message says why, for the person who typed it."""


class Rejected(OSError):
    """The other end answered with an error: an HTTP status or a platform's error code."""

    def __init__(self, detail: str, code: int | str):
        super().__init__(detail)
        self.code = code


class Target(NamedTuple):
    scheme: str
    host: str
    port: int
    path: str  # with the query string
    address: str  # the checked address to connect to


def is_public(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    """On the public internet: not loopback, private, link-local, multicast, reserved or unspecified."""
    if address.version == 6:
        # ::ffff:127.0.0.1 and 6to4's 2002:7f00:1:: lead to the IPv4 address inside them.
        embedded = address.ipv4_mapped or address.sixtofour
        if embedded is not None:
            return is_public(embedded)
        if address.is_site_local:
            return False
    return address.is_global and not address.is_multicast and not address.is_reserved


def check_url(url: str) -> Target:
    """Where `url` leads, with the checked address to connect to; Refused when it may not be called."""
    parts = urlsplit(url)
    allow_private = settings.WEBHOOK_ALLOW_PRIVATE_TARGETS
    if parts.scheme != "https" and not (allow_private and parts.scheme == "http"):
        raise Refused(_("Only https:// addresses are allowed."))
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        port = None
    if not parts.hostname or port is None:
        raise Refused(_("This address is incomplete or malformed."))
    try:
        found = socket.getaddrinfo(parts.hostname, port, type=socket.SOCK_STREAM)
        addresses = [ipaddress.ip_address(info[4][0]) for info in found]
    except (OSError, UnicodeError, ValueError):
        raise Refused(_("The host name of this address cannot be found.")) from None
    # Every answer must be public: a name answering one public and one private address
    # could be connected to the private one by a retry.
    if not addresses or not (allow_private or all(is_public(address) for address in addresses)):
        raise Refused(_("This address leads into a private or local network; use the bot's public address."))
    path = f"{parts.path or '/'}?{parts.query}" if parts.query else parts.path or "/"
    return Target(parts.scheme, parts.hostname, port, path, str(addresses[0]))


def post_json(url: str, body: bytes, *, timeout: float) -> bytes:
    """POST a JSON `body` to `url` after check_url; returns the answer's body.

    Raises Refused, Rejected on an HTTP error status, or OSError when the other end cannot be
    reached or does not speak HTTP. Redirects are not followed: they could lead anywhere.
    """
    target = check_url(url)
    kind = http.client.HTTPSConnection if target.scheme == "https" else http.client.HTTPConnection
    connection = kind(target.host, target.port, timeout=timeout)
    # Connect to the checked address, not to whatever the name resolves to by now; TLS still
    # checks the certificate against the host name, and the Host header names it.
    connection._create_connection = lambda _host_port, *args: socket.create_connection(
        (target.address, target.port), *args
    )
    try:
        connection.request("POST", target.path, body=body, headers={"Content-Type": "application/json"})
        response = connection.getresponse()
        answer = response.read(MAX_ANSWER_BYTES)
    except http.client.HTTPException as exc:
        raise OSError(f"not an HTTP answer: {exc!r}") from exc
    finally:
        connection.close()
    if not 200 <= response.status < 300:
        raise Rejected(f"HTTP {response.status}", response.status)
    return answer


def failure_reason(exc: Exception) -> str:
    """A short reason for a person; the technical detail belongs in the log."""
    if isinstance(exc, Refused):
        return str(exc)
    if isinstance(exc, Rejected):
        return _("It answered with error code %(code)s.") % {"code": exc.code}
    if isinstance(exc, TimeoutError):
        return _("It did not answer in time.")
    if isinstance(exc, ssl.SSLError):
        return _("A secure connection could not be set up (certificate check failed).")
    if isinstance(exc, ValueError):
        return _("Its answer could not be understood.")
    return _("It could not be reached.")
