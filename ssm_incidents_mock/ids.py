"""Random identifiers, cheaper than ``uuid.uuid4()`` (which costs a system call and a UUID object).

They are unique, not secret: a private generator seeded once from the OS, so test tools that
re-seed the ``random`` module for every test do not make identifiers repeat.
"""

from __future__ import annotations

import random

_RANDOM = random.Random()


def random_hex(digits: int = 32) -> str:
    """``digits`` random lowercase hex digits (like ``uuid.uuid4().hex[:digits]``)."""
    return f"{_RANDOM.getrandbits(4 * digits):0{digits}x}"


def random_uuid() -> str:
    """A random (version 4, RFC 4122 variant) UUID as text, like ``str(uuid.uuid4())``."""
    h = random_hex(32)
    return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-{'89ab'[int(h[16], 16) & 3]}{h[17:20]}-{h[20:]}"
