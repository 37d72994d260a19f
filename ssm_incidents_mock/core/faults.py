"""Fault injection: rules that answer a matching request with a modeled error, a delay, or both.

A rule names what it matches (service, operations, account, region, input members) and what it does:
an error from the operation's modeled errors (status and message by the model unless given), and a
latency in seconds. ``after`` lets the first N matching calls through, ``times`` retires the rule
after N faults, and ``probability`` with ``seed`` fires at random, repeatably for the same seed.
The dispatcher asks ``FAULTS.decide`` once the input is validated and before the backend is called,
so a fault never changes stored state; an invalid request gets its validation error, not a fault.
Rules are dropped whenever moto drops its state (a mock starting or stopping), and by ``clear()``.
"""

from __future__ import annotations

import itertools
import math
import random
from collections.abc import Iterable, Iterator
from typing import Any

from ..config import new_lock
from . import clock
from .calls import input_matches
from .exceptions import ServiceError
from .wire.model import OperationSpec, ServiceSpec

MAX_LATENCY_SECONDS = 30.0
DEFAULT_MESSAGES = {
    "ThrottlingException": "Rate exceeded",
    "InternalServerException": "Internal server error",
    "ServiceQuotaExceededException": "Service quota exceeded",
    "ConflictException": "The request conflicts with the current state of the resource",
    "AccessDeniedException": "Access denied",
}
_RETRY_AFTER = ("retryafterseconds", "retryafter")
_SERVICES: dict[str, ServiceSpec] = {}  # every service the dispatcher serves, by botocore name


def register_service(spec: ServiceSpec) -> None:
    """Make a service's operations and errors known to fault rules (the dispatcher's services do this)."""
    _SERVICES[spec.name] = spec


class InjectedError(ServiceError):
    """A modeled error a fault rule answers with."""

    def __init__(self, code: str, message: str, members: dict[str, Any]) -> None:
        super().__init__(message, **members)
        self.code = code


class Fault:
    """What one request gets instead of (or before) its answer."""

    __slots__ = ("error", "latency", "rule", "status")

    def __init__(self, rule: FaultRule, error: InjectedError | None, status: int | None, latency: float) -> None:
        self.rule = rule
        self.error = error
        self.status = status
        self.latency = latency


class FaultRule:
    """One rule. ``seen`` counts the calls it matched, ``fired`` the faults it answered with.

    Use it as a context manager to remove it at the end of a block.
    """

    def __init__(self, owner: Faults, rule_id: str, targets: set[tuple[str, str]], options: dict[str, Any]) -> None:
        self._owner = owner
        self.id = rule_id
        self.targets = targets  # (service, operation) pairs
        self.options = options
        self.account: str | None = options["account"]
        self.region: str | None = options["region"]
        self.match: dict[str, Any] = options["match"] or {}
        self.error: str | None = options["error"]
        self.after: int = options["after"]
        self.times: int | None = options["times"]
        self.probability: float = options["probability"]
        self._random = random.Random(options["seed"])
        self.seen = 0
        self.fired = 0

    def applies(self, service: str, operation: str, account: str, region: str, params: dict[str, Any]) -> bool:
        return (
            (service, operation) in self.targets
            and (self.account is None or self.account == account)
            and (self.region is None or self.region == region)
            and input_matches(params, self.match)
        )

    @property
    def spent(self) -> bool:
        return self.times is not None and self.fired >= self.times

    def _fires(self) -> bool:
        """Count one matching call; whether this rule answers it (the owner's lock is held)."""
        self.seen += 1
        if self.seen <= self.after or self.spent:
            return False
        if self.probability < 1.0 and self._random.random() >= self.probability:
            return False
        self.fired += 1
        return True

    def _fault(self, service: str) -> Fault:
        options = self.options
        error = None
        if self.error is not None:
            spec = _SERVICES[service]
            members = dict(options["members"] or {})
            members.update(_required_defaults(spec, self.error, members))
            retry_after = options["retry_after"]
            if retry_after is not None:
                name, type_name = _retry_after_member(spec, self.error)
                members[name] = retry_after if type_name != "timestamp" else clock.now() + retry_after
            message = options["message"] or DEFAULT_MESSAGES.get(self.error, f"{self.error} (injected)")
            error = InjectedError(self.error, message, members)
        return Fault(self, error, options["status"], options["latency"])

    def to_dict(self) -> dict[str, Any]:
        """The rule as JSON-ready data: its options, what it targets and its counters."""
        data = {key: value for key, value in self.options.items() if value is not None}
        data.update(id=self.id, seen=self.seen, fired=self.fired, spent=self.spent)
        data["targets"] = [f"{service}:{operation}" for service, operation in sorted(self.targets)]
        return data

    def remove(self) -> None:
        self._owner.remove(self)

    def __enter__(self) -> FaultRule:
        return self

    def __exit__(self, *exc: object) -> None:
        self.remove()

    def __repr__(self) -> str:
        return f"<FaultRule {self.id} {self.error or 'latency'} seen={self.seen} fired={self.fired}>"


class Faults:
    """The fault rules of the process, in the order they were added (the first that fires wins)."""

    def __init__(self) -> None:
        self._lock = new_lock()
        self._rules: list[FaultRule] = []
        self._ids = itertools.count(1)

    def add(
        self,
        *,
        service: str | None = None,
        operation: str | Iterable[str] | None = None,
        error: str | None = None,
        account: str | None = None,
        region: str | None = None,
        match: dict[str, Any] | None = None,
        status: int | None = None,
        message: str | None = None,
        members: dict[str, Any] | None = None,
        retry_after: int | None = None,
        after: int = 0,
        times: int | None = None,
        probability: float = 1.0,
        seed: int | str | None = None,
        latency: float = 0.0,
    ) -> FaultRule:
        """Add a rule; raise ``ValueError`` for anything the model does not allow (see the module docstring).

        ``service``: ``ssm-incidents`` or ``ssm-contacts`` (None: both). ``operation``: one name or several
        (None: every operation that models ``error``). ``match``: input members the request must have
        (``{"impact": 1}``). ``status``: another HTTP status than the model's for the error. ``members``:
        more members of the error shape. ``retry_after``: seconds, for errors that model a retry-after member.
        """
        options: dict[str, Any] = {
            "service": service,
            "operation": _names(operation),
            "error": error,
            "account": _text_or_none(account, "account"),
            "region": _text_or_none(region, "region"),
            "match": _mapping_or_none(match, "match"),
            "status": _status(status, error),
            "message": _text_or_none(message, "message"),
            "members": _mapping_or_none(members, "members"),
            "retry_after": _count(retry_after, "retry_after", allow_none=True),
            "after": _count(after, "after"),
            "times": _positive_or_none(times),
            "probability": _probability(probability),
            "seed": _seed(seed),
            "latency": _latency(latency),
        }
        if error is None and not options["latency"]:
            raise ValueError("A fault needs an error, a latency, or both.")
        targets = _targets(service, options["operation"], error)
        for name in {service for service, _ in targets}:
            _check_members(_SERVICES[name], error, options)
        with self._lock:
            rule = FaultRule(self, f"fault-{next(self._ids)}", targets, options)
            self._rules.append(rule)
        return rule

    def decide(self, service: str, operation: str, account: str, region: str, params: dict[str, Any]) -> Fault | None:
        """The fault for this call, or None (every matching rule counts the call)."""
        if not self._rules:
            return None
        fired = None
        with self._lock:
            for rule in self._rules:
                if not rule.applies(service, operation, account, region, params):
                    continue
                if fired is None and rule._fires():
                    fired = rule
                elif fired is not None:
                    rule.seen += 1  # answered by an earlier rule: counted, never fired
        return fired._fault(service) if fired is not None else None

    def remove(self, rule: FaultRule | str) -> None:
        """Remove one rule (or its id); removing a rule that is gone already is fine."""
        rule_id = rule if isinstance(rule, str) else rule.id
        with self._lock:
            self._rules = [r for r in self._rules if r.id != rule_id]

    def clear(self) -> None:
        with self._lock:
            self._rules = []

    def get(self, rule_id: str) -> FaultRule | None:
        return next((rule for rule in self if rule.id == rule_id), None)

    def __iter__(self) -> Iterator[FaultRule]:
        with self._lock:
            return iter(list(self._rules))

    def __len__(self) -> int:
        return len(self._rules)


# --- checking a rule against the model ----------------------------------------------------------


def _names(operation: str | Iterable[str] | None) -> list[str] | None:
    if operation is None:
        return None
    names = [operation] if isinstance(operation, str) else list(operation)
    if not names or not all(isinstance(name, str) for name in names):
        raise ValueError(f"operation must be an operation name or a list of them, not {operation!r}.")
    return names


def _targets(service: str | None, operations: list[str] | None, error: str | None) -> set[tuple[str, str]]:
    """The (service, operation) pairs a rule covers, checked against each operation's modeled errors."""
    if service is not None and service not in _SERVICES:
        raise ValueError(f"Unknown service {service!r}; faults apply to {', '.join(sorted(_SERVICES))}.")
    specs = [_SERVICES[service]] if service is not None else list(_SERVICES.values())
    targets: set[tuple[str, str]] = set()
    for name in operations or ():
        owners = [spec for spec in specs if name in spec.operations]
        if not owners:
            raise ValueError(f"{name} is not an operation of {' or '.join(spec.name for spec in specs)}.")
        for spec in owners:
            op = spec.operations[name]
            if error is not None and error not in op.errors:
                raise ValueError(
                    f"{spec.name} {name} does not model {error}; its errors are {', '.join(sorted(op.errors))}."
                )
            targets.add((spec.name, name))
    if operations is None:
        targets = {(spec.name, op.name) for spec in specs for op in spec.operations.values() if _models(op, error)}
        if not targets:
            known = sorted({code for spec in specs for code in spec.error_status})
            raise ValueError(f"No operation models {error!r}; the modeled errors are {', '.join(known)}.")
    return targets


def _models(op: OperationSpec, error: str | None) -> bool:
    return error is None or error in op.errors


def _error_members(spec: ServiceSpec, error: str) -> dict[str, Any]:
    members: dict[str, Any] = spec.model.shape_for(error).members  # type: ignore[attr-defined]
    return members


def _check_members(spec: ServiceSpec, error: str | None, options: dict[str, Any]) -> None:
    given = options["members"] or {}
    if error is None:
        if given or options["retry_after"] is not None or options["message"] is not None:
            raise ValueError("members, message and retry_after belong to a fault with an error.")
        return
    known = _error_members(spec, error)
    unknown = sorted(set(given) - set(known))
    if unknown:
        raise ValueError(f"{spec.name} {error} has no member(s) {unknown}; its members are {sorted(known)}.")
    if options["retry_after"] is not None:
        _retry_after_member(spec, error)


def _retry_after_member(spec: ServiceSpec, error: str) -> tuple[str, str]:
    for name, shape in _error_members(spec, error).items():
        if name.lower() in _RETRY_AFTER:
            return name, shape.type_name
    raise ValueError(f"{spec.name} {error} models no retry-after member: retry_after cannot be given.")


def _required_defaults(spec: ServiceSpec, error: str, given: dict[str, Any]) -> dict[str, Any]:
    """Values for the error's required members the rule left out (the model requires them on the wire)."""
    shape = spec.model.shape_for(error)
    defaults: dict[str, Any] = {}
    for name in shape.required_members:
        lowered = name.lower()
        if name in given or lowered == "message":
            continue
        if lowered == "servicecode":
            defaults[name] = spec.name
        elif lowered == "quotacode":
            defaults[name] = "RateLimit" if error == "ThrottlingException" else "injected-fault"
        else:
            defaults[name] = "injected-fault"
    return defaults


def _text_or_none(value: Any, name: str) -> str | None:
    if value is not None and not isinstance(value, str):
        raise ValueError(f"{name} must be a string, not {value!r}.")
    return value or None


def _mapping_or_none(value: Any, name: str) -> dict[str, Any] | None:
    if value is not None and not isinstance(value, dict):
        raise ValueError(f"{name} must be a mapping of member names to values, not {value!r}.")
    return dict(value) if value else None


def _count(value: Any, name: str, allow_none: bool = False) -> Any:
    if value is None and allow_none:
        return None
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise ValueError(f"{name} must be an integer of 0 or more, not {value!r}.")
    return value


def _positive_or_none(value: Any) -> int | None:
    if value is None:
        return None
    if not isinstance(value, int) or isinstance(value, bool) or value < 1:
        raise ValueError(f"times must be a positive integer (or None: for ever), not {value!r}.")
    return value


def _status(value: Any, error: str | None) -> int | None:
    if value is None:
        return None
    if error is None:
        raise ValueError("status belongs to a fault with an error.")
    if not isinstance(value, int) or isinstance(value, bool) or not 400 <= value <= 599:
        raise ValueError(f"status must be an HTTP error status (400 to 599), not {value!r}.")
    return value


def _probability(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0.0 < value <= 1.0:
        raise ValueError(f"probability must be a number above 0 and at most 1, not {value!r}.")
    return float(value)


def _seed(value: Any) -> int | str | None:
    if value is not None and (isinstance(value, bool) or not isinstance(value, (int, str))):
        raise ValueError(f"seed must be an integer or a string, not {value!r}.")
    return value


def _latency(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or math.isnan(value):
        raise ValueError(f"latency must be a number of seconds, not {value!r}.")
    if not 0.0 <= value <= MAX_LATENCY_SECONDS:
        raise ValueError(f"latency must be between 0 and {MAX_LATENCY_SECONDS:g} seconds, not {value!r}.")
    return float(value)


FAULTS = Faults()
