"""The one JSON codec of the package: request bodies in, response bodies, event data, raw data and digests out."""

from __future__ import annotations

import hashlib
import json
import re
from typing import Any

from ..exceptions import ValidationException

# Rendered payloads are trees built per response: no cycle check needed.
_TEXT = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False, check_circular=False).encode
_ASCII = json.JSONEncoder(separators=(",", ":"), check_circular=False).encode
_CANONICAL = json.JSONEncoder(separators=(",", ":"), sort_keys=True, default=str).encode
_SPACED = json.JSONEncoder().encode  # what json.dumps writes by default; checks for cycles


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")  # json accepts NaN and Infinity; no SDK reads them back


_DECODER = json.JSONDecoder(parse_constant=_no_constant)
# A \u escape of a surrogate, or a surrogate encoded as UTF-8 bytes (invalid UTF-8 that json accepts).
_SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89a-fA-F]|\xed[\xa0-\xbf]")


def encode(payload: Any) -> bytes:
    """Compact UTF-8 JSON; escaped ASCII when a string holds a lone surrogate, which UTF-8 cannot encode."""
    try:
        return _TEXT(payload).encode("utf-8")
    except UnicodeEncodeError:
        return _ASCII(payload).encode("utf-8")


def compact(value: Any) -> str:
    """Compact ASCII JSON text, as Incident Manager writes into ``eventData``."""
    return _ASCII(value)


def canonical(value: Any) -> str:
    """Compact ASCII JSON text with sorted keys: the same text for the same value, whatever its dict order."""
    return _CANONICAL(value)


def spaced(value: Any) -> str:
    """ASCII JSON text with a space after each separator (``json.dumps``' default form), as an event
    that triggered an incident reads in its ``rawData``. Raises ValueError or TypeError for what is not JSON."""
    return _SPACED(value)


def digest(value: Any) -> str:
    """A short, stable fingerprint of a JSON-like value (dict order does not matter)."""
    return hashlib.blake2b(_CANONICAL(value).encode(), digest_size=12).hexdigest()


def decode(text: bytes | str) -> Any:
    """Any JSON text this package wrote or was given (NaN and Infinity are not JSON)."""
    return json.loads(text, parse_constant=_no_constant)


def decode_object(body: bytes | str) -> dict[str, Any]:
    """A request body as a JSON object, or ValidationException saying why it is not one."""
    try:
        data = _load(_text(body))
    except (ValueError, UnicodeDecodeError):
        raise ValidationException("The request body could not be parsed as a JSON object.") from None
    except RecursionError:
        raise ValidationException("The request body nests JSON values too deeply.") from None
    if not isinstance(data, dict):
        raise ValidationException("The request body must be a JSON object.")
    raw = body if isinstance(body, bytes) else body.encode("utf-8", "surrogatepass")
    if (b"\\u" in raw or b"\xed" in raw) and _SURROGATE_ESCAPE.search(raw) and _has_lone_surrogate(data):
        raise ValidationException("The request body holds a lone UTF-16 surrogate, which is not valid text.")
    return data


def _load(text: bytes | str) -> Any:
    """``json.loads(text)``, skipping its whitespace scans for the usual body that starts with ``{``."""
    if isinstance(text, str) and text[:1] == "{":
        data, end = _DECODER.raw_decode(text)
        if end == len(text) or text[end:].isspace():
            return data
    return json.loads(text, parse_constant=_no_constant)


def _text(body: bytes | str) -> bytes | str:
    """The body for ``json.loads``: an object in UTF-8 (the usual case) skips its encoding detection."""
    if isinstance(body, bytes) and body[:1] == b"{" and body[1:2] != b"\x00":
        return body.decode("utf-8", "surrogatepass")  # what json.loads does once it has detected UTF-8
    return body


def _has_lone_surrogate(data: Any) -> bool:
    try:
        _TEXT(data).encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False
