"""The one loopback rule, shared by the client's URL checks (``api.urls``) and the simulator (``simulator.net``).

Standard library only, so the simulator can use it without importing the client's ``api`` package.
"""

from __future__ import annotations

import ipaddress


def is_loopback_host(host: str) -> bool:
    """localhost, 127.0.0.0/8 or ::1, by address (``127.evil.com`` is not loopback)."""
    host = host.strip("[]").lower()
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
