"""Host names: the name in a ``Host`` value, and whether a name is this machine (loopback)."""

from __future__ import annotations

import ipaddress
import re

_HOST = re.compile(r"(?:\[([0-9A-Fa-f:.]+)\]|([^\[\]:]*))(?::([0-9]{1,5}))?")


def host_name(host: str) -> str | None:
    """The name in a ``Host`` value without its port (IPv6 without brackets), lower case; None if malformed."""
    match = _HOST.fullmatch(host.strip())
    if match is None:
        return None
    name = (match.group(1) or match.group(2) or "").lower().rstrip(".")
    return name or None


def is_loopback(name: str) -> bool:
    """``localhost``, a ``*.localhost`` name, or a loopback address (127.0.0.0/8, ::1, ::ffff:127.x)."""
    if name == "localhost" or name.endswith(".localhost"):
        return True
    try:
        address = ipaddress.ip_address(name)
    except ValueError:
        return False
    mapped = getattr(address, "ipv4_mapped", None)
    return bool(address.is_loopback or (mapped is not None and mapped.is_loopback))
