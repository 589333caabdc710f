"""The one rule for URLs the client sends credentials to (the API base URL, the OAuth token URL).

https, or plain http only on a loopback host (the simulator); no ``user:password@``
part, which would put a secret in every message that shows the URL.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from ..loopback import is_loopback_host
from .text import printable

DEFAULT_BASE_URL = "https://supersim.twilio.com"  # the production API: the one place it is written


def redact_url(url: str) -> str:
    """``url`` with any ``user:password@`` part replaced by ``***@``, safe to print."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return "(a URL that cannot be read)"
    if "@" not in parts.netloc:
        return printable(url)
    host = parts.netloc.rpartition("@")[2]
    return printable(parts._replace(netloc=f"***@{host}").geturl())


def check_url(url: str, what: str = "base URL") -> str:
    """Accept https, or http only for a loopback host. Returns it without a trailing ``/``.

    Raises ``ValueError`` with a message that never repeats a password.
    """
    shown = redact_url(url)
    if not url.strip():
        raise ValueError(f"{what} is empty; give a URL such as {DEFAULT_BASE_URL}")
    try:
        parts = urlsplit(url)
        hostname = parts.hostname
        parts.port  # noqa: B018  # raises ValueError for a port that is not a number or out of range
    except ValueError:
        raise ValueError(f"{what} {shown!r} is not a valid URL; it must look like https://host") from None
    if parts.scheme not in ("http", "https") or not hostname:
        raise ValueError(f"{what} {shown!r} must look like https://host")
    if parts.username is not None or parts.password is not None:
        raise ValueError(
            f"{what} {shown!r} contains a user name or password; remove the 'user:password@' "
            "part (credentials come from the profile or environment, never from the URL)"
        )
    if parts.scheme == "http" and not is_loopback_host(hostname):
        raise ValueError(
            f"{what} {shown!r} uses plain http on a non-loopback host; use https "
            "(plain http is only accepted for 127.0.0.1/localhost, e.g. the simulator)"
        )
    return url.rstrip("/")


def check_base_url(url: str) -> str:
    """The API base URL checked by :func:`check_url` (https, or http on loopback; no ``user:password@``),
    without a trailing ``/``."""
    return check_url(url, "base URL")


def same_origin(url: str, base: str) -> bool:
    """True when an absolute ``url`` is on ``base``'s scheme, host and port (relative URLs are)."""
    try:
        parts, own = urlsplit(url), urlsplit(base)
        if not parts.scheme and not parts.netloc:
            return True
        default = {"http": 80, "https": 443}
        return (
            parts.scheme.lower() == own.scheme.lower()
            and (parts.hostname or "") == (own.hostname or "")
            and (parts.port or default.get(parts.scheme.lower())) == (own.port or default.get(own.scheme.lower()))
        )
    except ValueError:
        return False
