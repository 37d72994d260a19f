"""The test bench over HTTP: fault rules, the call recorder and the clock, as plain request handlers.

``handle(method, subpath, body, query)`` answers one request below the server's control prefix
(``faults``, ``faults/<id>``, ``calls``, ``clock``) with a status and a JSON-ready dict; the server
frames it and applies the protections of its other control endpoints. ``reset()`` empties all three.

- ``GET faults``: the rules; ``POST faults`` (a JSON object of ``Faults.add`` arguments): add one;
  ``DELETE faults``: remove all; ``GET``/``DELETE faults/<id>``: one rule.
- ``GET calls`` (query ``operation``, ``service``, ``error``, ``account``, ``region``, ``since``: the
  calls after that ``seq``): the recorded calls, oldest first; ``DELETE calls``: forget them.
- ``GET clock``: ``now`` and ``offset``; ``POST clock`` with ``{"advance": seconds}``,
  ``{"set": epoch seconds}`` or ``{"reset": true}``.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import parse_qs

from . import clock
from .calls import CALLS
from .exceptions import ServiceError
from .faults import FAULTS
from .wire import codec

Answer = tuple[int, dict[str, Any]]
PATHS = ("faults", "calls", "clock")
_CALL_FILTERS = ("operation", "service", "error", "account", "region")
_SEQ = re.compile(r"[0-9]{1,18}")
_ADD_ARGUMENTS = frozenset(FAULTS.add.__kwdefaults__ or ())


def reset() -> None:
    """No fault rule, no recorded call, the clock at the time of day."""
    FAULTS.clear()
    CALLS.clear()
    clock.reset()


def known(subpath: str) -> bool:
    """Whether ``subpath`` (below the control prefix) is one of these endpoints."""
    return subpath in PATHS or (subpath.startswith("faults/") and subpath.count("/") == 1)


def handle(method: str, subpath: str, body: bytes | str | None = b"", query: str = "") -> Answer:
    """The answer to ``method`` on ``subpath`` (``faults``, ``faults/<id>``, ``calls``, ``clock``)."""
    method = method.upper()
    try:
        if subpath == "faults":
            return _faults(method, body)
        if subpath.startswith("faults/") and known(subpath):
            return _fault(method, subpath.split("/", 1)[1])
        if subpath == "calls":
            return _calls(method, query)
        if subpath == "clock":
            return _clock(method, body)
    except (ValueError, TypeError, ServiceError) as error:
        return 400, {"message": str(getattr(error, "message", error))}
    return 404, {"message": f"No control endpoint {subpath!r}; there are {', '.join(PATHS)}."}


def _wrong_method(method: str, subpath: str, allowed: str) -> Answer:
    return 405, {"message": f"{method} is not allowed on {subpath}; use {allowed}."}


def _object(body: bytes | str | None) -> dict[str, Any]:
    if not body:
        raise ValueError("The request needs a JSON object body.")
    return codec.decode_object(body)


def _faults(method: str, body: bytes | str | None) -> Answer:
    if method == "GET":
        return 200, {"faults": [rule.to_dict() for rule in FAULTS]}
    if method == "POST":
        arguments = _object(body)
        unknown = sorted(set(arguments) - _ADD_ARGUMENTS)
        if unknown:
            raise ValueError(f"Unknown fault argument(s) {unknown}; known: {sorted(_ADD_ARGUMENTS)}.")
        return 200, {"fault": FAULTS.add(**arguments).to_dict()}
    if method == "DELETE":
        removed = len(FAULTS)
        FAULTS.clear()
        return 200, {"removed": removed}
    return _wrong_method(method, "faults", "GET, POST or DELETE")


def _fault(method: str, rule_id: str) -> Answer:
    rule = FAULTS.get(rule_id)
    if rule is None:
        return 404, {"message": f"No fault rule {rule_id!r}."}
    if method == "GET":
        return 200, {"fault": rule.to_dict()}
    if method == "DELETE":
        rule.remove()
        return 200, {"removed": 1}
    return _wrong_method(method, f"faults/{rule_id}", "GET or DELETE")


def _calls(method: str, query: str) -> Answer:
    if method == "DELETE":
        CALLS.clear()
        return 200, {"calls": []}
    if method != "GET":
        return _wrong_method(method, "calls", "GET or DELETE")
    params = {key: values[-1] for key, values in parse_qs(query, keep_blank_values=False).items()}
    unknown = sorted(set(params) - {*_CALL_FILTERS, "since"})
    if unknown:
        raise ValueError(f"Unknown filter(s) {unknown}; known: {', '.join((*_CALL_FILTERS, 'since'))}.")
    since = params.pop("since", "0")
    if not _SEQ.fullmatch(since):
        raise ValueError(f"since must be a call's seq number, not {since!r}.")
    found = CALLS.filter(**params)
    after = int(since)
    return 200, {
        "calls": [call.to_dict() for call in found if call.seq > after],
        "limit": CALLS.limit,
        "dropped": CALLS.dropped,
    }


def _clock(method: str, body: bytes | str | None) -> Answer:
    if method == "GET":
        return 200, {"now": clock.now(), "offset": clock.offset()}
    if method != "POST":
        return _wrong_method(method, "clock", "GET or POST")
    change = _object(body)
    if len(change) != 1 or next(iter(change)) not in ("advance", "set", "reset"):
        raise ValueError('Give one of {"advance": seconds}, {"set": epoch seconds} or {"reset": true}.')
    if "advance" in change:
        clock.advance(change["advance"])
    elif "set" in change:
        clock.set_time(change["set"])
    elif change["reset"] is True:
        clock.reset()
    else:
        raise ValueError('"reset" takes true.')
    return 200, {"now": clock.now(), "offset": clock.offset()}
