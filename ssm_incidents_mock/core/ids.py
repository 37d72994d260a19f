"""Identifiers: random ones, and ids derived from an incident's id instead of stored.

Random ids are drawn from moto's own generator (``mock_random``), so ``POST /moto-api/seed?a=N``
makes them repeat from run to run as moto's ids do; they are formatted here, which is cheaper than
``uuid.uuid4()``. Test tools that re-seed the ``random`` module for every test do not touch it.
Seeding twice with one value makes the generator repeat ids that are still in use, so every id
that is kept is drawn with ``unused``, which draws again past the ones taken.

An incident's timeline events, its generated dedupe string and its related items' ids are
*derived* from the incident's id and a number: ``id XOR (number * K) mod 2**128`` is a bijection
for each incident, so the id is computed when rendered and the number is recovered from an id a
caller sends back. Nothing per event is stored for its id. AWS's own ids of one incident are
visibly related too (they share characters); callers must not parse them either way.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Collection
from typing import TypeVar

from .. import seam

T = TypeVar("T")
_RANDOM = seam.moto_random()
_MASK = (1 << 128) - 1
_MIX = 0x9E3779B97F4A7C15F39CC0605CEDC835  # odd, so multiplying by it is invertible mod 2**128
_UNMIX = pow(_MIX, -1, 1 << 128)
_V4_CLEAR = ~((0xF << 76) | (0x3 << 62)) & _MASK  # version nibble and variant bits...
_V4_SET = (0x4 << 76) | (0x2 << 62)  # ...set to version 4, RFC 4122 variant


def random_hex(digits: int = 32) -> str:
    """``digits`` random lowercase hex digits (like ``uuid.uuid4().hex[:digits]``)."""
    return f"{_RANDOM.getrandbits(4 * digits):0{digits}x}"


def random_uuid() -> str:
    """A random (version 4, RFC 4122 variant) UUID as text, like ``str(uuid.uuid4())``."""
    h = f"{random_uuid_value():032x}"
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def random_uuid_value() -> int:
    """The number of a random (version 4, RFC 4122 variant) UUID."""
    value: int = _RANDOM.getrandbits(128) & _V4_CLEAR | _V4_SET
    return value


def unused(draw: Callable[[], T], taken: Collection[T]) -> T:
    """A fresh ``draw()`` that ``taken`` does not hold.

    Each draw that is taken repeats an id drawn earlier (after moto's seed was set again), so at most
    ``len(taken)`` draws are refused.
    """
    for _ in range(len(taken) + 1):
        value = draw()
        if value not in taken:
            return value
    raise RuntimeError("the random generator repeats ids that are in use")


_REQUEST_ID_PREFIX = random_uuid()[:24]
_REQUEST_ID_COUNTER = itertools.count(_RANDOM.getrandbits(40))


def request_id() -> str:
    """A UUID-shaped request id, unique in this process: a random prefix and a counter (one format per answer)."""
    return f"{_REQUEST_ID_PREFIX}{next(_REQUEST_ID_COUNTER) & 0xFFFF_FFFF_FFFF:012x}"


def uuid_text(value: int) -> str:
    h = f"{value:032x}"
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def uuid_value(text: str) -> int | None:
    """The number a canonical (lowercase, hyphenated) UUID text stands for; None for anything else."""
    if len(text) != 36:
        return None
    try:
        value = _hex_value(text)
    except ValueError:
        return None
    return value if uuid_text(value) == text else None


def derived_value(base: str, number: int) -> int:
    """The ``number``-th id derived from the UUID text ``base``, as a 128-bit number."""
    return _hex_value(base) ^ ((number * _MIX) & _MASK)


def derived_uuid(base: str, number: int) -> str:
    return uuid_text(derived_value(base, number))


def derived_number(base: str, derived: str) -> int | None:
    """The number ``n`` with ``derived_uuid(base, n) == derived``; None if ``derived`` is no UUID."""
    value = uuid_value(derived)
    if value is None:
        return None
    return ((value ^ _hex_value(base)) * _UNMIX) & _MASK


def _hex_value(text: str) -> int:
    return int(text.replace("-", ""), 16)
