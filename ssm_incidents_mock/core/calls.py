"""The call recorder: every request the dispatcher answered, in order, like ``responses.calls``.

Each ``Call`` holds the service, operation, account and region, the validated input (None when the
input failed validation or the request matched no operation), and the answer: its HTTP status and
either the output or the error code and message (decoded from the answer's bytes when first read).
The recorder keeps the last ``limit`` calls (``DEFAULT_LIMIT``); older ones are dropped, and
``dropped`` counts them. It is emptied whenever moto drops its state, so no call of one test is seen
by the next.
"""

from __future__ import annotations

import itertools
import time
from collections import deque
from collections.abc import Iterator
from typing import Any

from botocore import xform_name

from ..config import new_lock
from .wire import codec

DEFAULT_LIMIT = 10_000
_NO_VALUE = object()


class Call:
    """One request and its answer. ``input`` and ``output`` use the model's member names."""

    __slots__ = (
        "_body",
        "_decoded",
        "account",
        "error",
        "fault",
        "input",
        "operation",
        "region",
        "seq",
        "service",
        "status",
        "time",
    )

    def __init__(
        self,
        service: str,
        operation: str | None,
        account: str | None,
        region: str | None,
        params: dict[str, Any] | None,
        answer: tuple[int, dict[str, str], bytes],
        fault: str | None = None,
    ) -> None:
        status, headers, body = answer
        self.seq = 0
        self.time = time.time()
        self.service = service
        self.operation = operation
        self.account = account
        self.region = region
        self.input = params
        self.status = status
        self.error: str | None = headers.get("x-amzn-ErrorType") if status >= 300 else None
        self.fault = fault  # the id of the fault rule that answered, if one did
        self._body = body
        self._decoded: Any = _NO_VALUE

    def _payload(self) -> dict[str, Any]:
        if self._decoded is _NO_VALUE:
            self._decoded = codec.decode_object(self._body) if self._body else {}
        payload: dict[str, Any] = self._decoded
        return payload

    @property
    def output(self) -> dict[str, Any] | None:
        """The operation's output as it went on the wire (None for an error)."""
        return None if self.error is not None else self._payload()

    @property
    def message(self) -> str | None:
        """The error's message (None for a success)."""
        if self.error is None:
            return None
        payload = self._payload()
        text = payload.get("message", payload.get("Message"))
        return None if text is None else str(text)

    @property
    def ok(self) -> bool:
        return self.error is None

    def matches(self, members: dict[str, Any]) -> bool:
        """Whether every given input member has the given value (model names or their snake_case)."""
        return input_matches(self.input, members)

    def to_dict(self) -> dict[str, Any]:
        """The call as JSON-ready data (what the control endpoint lists)."""
        data: dict[str, Any] = {
            "seq": self.seq,
            "time": self.time,
            "service": self.service,
            "operation": self.operation,
            "account": self.account,
            "region": self.region,
            "input": self.input,
            "status": self.status,
        }
        if self.error is None:
            data["output"] = self.output
        else:
            data["error"] = {"code": self.error, "message": self.message}
        if self.fault is not None:
            data["fault"] = self.fault
        return data

    def __repr__(self) -> str:
        outcome = "ok" if self.error is None else self.error
        return f"<Call #{self.seq} {self.service} {self.operation} {self.account}/{self.region} {outcome}>"


def input_matches(params: dict[str, Any] | None, members: dict[str, Any]) -> bool:
    """Whether the input has every member of ``members`` with an equal value; a member is named as in the
    model (``impact``, ``ContactId``) or by its snake_case (``contact_id``)."""
    if not members:
        return True
    if params is None:
        return False
    for name, expected in members.items():
        value = params.get(name, _NO_VALUE)
        if value is _NO_VALUE:
            value = next((v for k, v in params.items() if xform_name(k) == name), _NO_VALUE)
        if value is _NO_VALUE or not expected == value:
            return False
    return True


class Calls:
    """The recorded calls, oldest first: iterate, index, ``len()``; filter with ``of()`` and ``filter()``."""

    def __init__(self, limit: int = DEFAULT_LIMIT) -> None:
        self._lock = new_lock()
        self._calls: deque[Call] = deque(maxlen=limit)
        self._seq = itertools.count(1)
        self.dropped = 0  # calls pushed out by the limit since the last clear

    # --- recording ------------------------------------------------------------------------

    def record(self, call: Call) -> None:
        with self._lock:
            call.seq = next(self._seq)
            calls = self._calls
            if len(calls) == calls.maxlen:
                self.dropped += 1
            calls.append(call)

    def clear(self) -> None:
        """Forget every call; numbering starts again at 1."""
        with self._lock:
            self._calls.clear()
            self._seq = itertools.count(1)
            self.dropped = 0

    @property
    def limit(self) -> int:
        return self._calls.maxlen or 0

    @limit.setter
    def limit(self, value: int) -> None:
        if not isinstance(value, int) or isinstance(value, bool) or value < 1:
            raise ValueError(f"The recorder's limit must be a positive integer, not {value!r}.")
        with self._lock:
            self._calls = deque(self._calls, maxlen=value)

    # --- reading --------------------------------------------------------------------------

    def _snapshot(self) -> list[Call]:
        with self._lock:
            return list(self._calls)

    def __iter__(self) -> Iterator[Call]:
        return iter(self._snapshot())

    def __len__(self) -> int:
        return len(self._calls)

    def __getitem__(self, index: int) -> Call:
        return self._snapshot()[index]

    def filter(
        self,
        operation: str | None = None,
        service: str | None = None,
        *,
        error: str | None = None,
        account: str | None = None,
        region: str | None = None,
        **members: Any,
    ) -> list[Call]:
        """The calls of ``operation`` (and ``service``, ``error`` code, ``account``, ``region``) whose input
        has every given member value: ``filter("StartIncident", impact=1)``."""
        return [
            call
            for call in self._snapshot()
            if (operation is None or call.operation == operation)
            and (service is None or call.service == service)
            and (error is None or call.error == error)
            and (account is None or call.account == account)
            and (region is None or call.region == region)
            and call.matches(members)
        ]

    def of(self, operation: str, **members: Any) -> list[Call]:
        return self.filter(operation, **members)

    def count(self, operation: str | None = None, **members: Any) -> int:
        return len(self.filter(operation, **members))

    def last(self, operation: str | None = None, **members: Any) -> Call:
        found = self.filter(operation, **members)
        if not found:
            raise AssertionError(_describe(f"No call of {operation or 'any operation'}{_args(members)}", self))
        return found[-1]

    # --- assertions -----------------------------------------------------------------------

    def assert_called(self, operation: str, **members: Any) -> Call:
        """At least one call of ``operation`` with these input members; the last such call."""
        return self.last(operation, **members)

    def assert_called_once(self, operation: str, **members: Any) -> Call:
        """Exactly one call of ``operation`` with these input members; that call."""
        return self.assert_called_times(operation, 1, **members)[0]

    def assert_called_times(self, operation: str, times: int, **members: Any) -> list[Call]:
        found = self.filter(operation, **members)
        if len(found) != times:
            raise AssertionError(
                _describe(f"Expected {times} call(s) of {operation}{_args(members)}, got {len(found)}", self, operation)
            )
        return found

    def assert_not_called(self, operation: str, **members: Any) -> None:
        self.assert_called_times(operation, 0, **members)


def _args(members: dict[str, Any]) -> str:
    return f" with {', '.join(f'{k}={v!r}' for k, v in members.items())}" if members else ""


def _describe(headline: str, calls: Calls, operation: str | None = None) -> str:
    shown = [c for c in calls if operation is None or c.operation == operation][-10:]
    lines = [f"{headline}. Recorded {len(calls)} call(s)" + (f"; the last of {operation}:" if operation else ":")]
    lines.extend(f"  {call!r} input={call.input!r}" for call in shown)
    return "\n".join(lines)


CALLS = Calls()
