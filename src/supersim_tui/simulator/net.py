"""The simulator's one loopback rule (the simulator does not import the client's ``api`` package).

Used for the address it binds and for the status callbacks it delivers: a host is
loopback when it is ``localhost`` or an IP address in 127.0.0.0/8 or ``::1``. Names
are not matched by prefix, so ``127.evil.com`` is not loopback.
"""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit


def is_loopback_host(host: str) -> bool:
    host = host.strip().strip("[]").lower()
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def is_loopback_url(url: str) -> bool:
    try:
        host = urlsplit(url).hostname
    except ValueError:
        return False
    return host is not None and is_loopback_host(host)
