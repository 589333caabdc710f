"""The simulator's loopback checks, on the shared rule in ``supersim_tui.loopback`` (not the client's ``api``).

Used for the address it binds and for the status callbacks it delivers: a host is
loopback when it is ``localhost`` or an IP address in 127.0.0.0/8 or ``::1``. Names
are not matched by prefix, so ``127.evil.com`` is not loopback.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from ..loopback import is_loopback_host as _is_loopback


def is_loopback_host(host: str) -> bool:
    """The rule in ``supersim_tui.loopback``, for a host as typed (surrounding spaces allowed)."""
    return _is_loopback(host.strip())


def is_loopback_url(url: str) -> bool:
    try:
        host = urlsplit(url).hostname
    except ValueError:
        return False
    return host is not None and is_loopback_host(host)
