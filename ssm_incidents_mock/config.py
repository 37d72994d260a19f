"""Process-wide settings of the mock, read by the backend on each call, and its fork-safe locks."""

from __future__ import annotations

import itertools
import os
import threading
import weakref
from typing import Any

STRICT_ENV = "SSM_INCIDENTS_MOCK_STRICT"
REPLICATION_PHASES_ENV = "SSM_INCIDENTS_MOCK_REPLICATION_PHASES"
_FALSE = ("0", "false", "no", "off", "lenient")
_TRUE = ("1", "true", "yes", "on")


class Switch:
    """A process-wide on/off setting. Each active mock or server that sets it holds an override
    (``push`` / ``pop``); the most recent one still held wins, whatever order they stop in. Without
    one, the environment variable ``env`` decides; it is read on every call, so ``monkeypatch.setenv``
    is seen at once. ``words`` are the values of the variable that mean the opposite of ``default``.
    """

    def __init__(self, env: str, default: bool, words: tuple[str, ...]) -> None:
        self.env = env
        self.default = default
        self.words = words
        self._overrides: dict[int, bool] = {}  # insertion-ordered: the last one wins
        self._tokens = itertools.count()

    def push(self, value: bool) -> int:
        """Hold an override until ``pop(token)``."""
        token = next(self._tokens)
        self._overrides[token] = value
        return token

    def pop(self, token: int) -> None:
        self._overrides.pop(token, None)

    @property
    def override(self) -> bool | None:
        overrides = self._overrides
        return next(reversed(overrides.values())) if overrides else None

    @property
    def value(self) -> bool:
        overrides = self._overrides
        if overrides:
            return next(reversed(overrides.values()))
        text = os.environ.get(self.env)
        if text is None:
            return self.default
        return self.default != (text.strip().lower() in self.words)


class Settings:
    """``strict_replication_set``: operations need a replication set first (AWS onboarding), the default.

    Lenient mode serves an account without a replication set as if its set held the calling region.
    Ask for it with ``SSM_INCIDENTS_MOCK_STRICT=false``, ``mock_ssm_incidents(strict=False)`` or the
    server's ``--lenient``.

    ``replication_phases``: the replication set goes through CREATING, UPDATING and DELETING (one
    GetReplicationSet each) instead of being ACTIVE at once, the default. Ask for it with
    ``SSM_INCIDENTS_MOCK_REPLICATION_PHASES=true`` or ``mock_ssm_incidents(replication_phases=True)``.

    Both are a :class:`Switch`: overrides held per active mock or server, else the environment variable.
    """

    def __init__(self) -> None:
        self.strict = Switch(STRICT_ENV, True, _FALSE)
        self.phases = Switch(REPLICATION_PHASES_ENV, False, _TRUE)

    def push_strict(self, value: bool) -> int:
        """Hold a strictness override until ``pop_strict(token)``."""
        return self.strict.push(value)

    def pop_strict(self, token: int) -> None:
        self.strict.pop(token)

    @property
    def strict_override(self) -> bool | None:
        return self.strict.override

    @property
    def strict_replication_set(self) -> bool:
        return self.strict.value

    def push_replication_phases(self, value: bool) -> int:
        """Hold a replication-phases override until ``pop_replication_phases(token)``."""
        return self.phases.push(value)

    def pop_replication_phases(self, token: int) -> None:
        self.phases.pop(token)

    @property
    def replication_phases(self) -> bool:
        return self.phases.value


settings = Settings()


# Every lock of the package: a forked child has only the thread that forked, so a lock another
# thread held at the fork would stay held in the child for ever. The child gets them all unlocked.
_LOCKS: weakref.WeakSet[Any] = weakref.WeakSet()


def new_lock(reentrant: bool = False) -> Any:
    """A ``threading.Lock`` (``RLock`` if ``reentrant``) that a forked child finds unlocked."""
    lock = threading.RLock() if reentrant else threading.Lock()
    _LOCKS.add(lock)
    return lock


def _unlock_after_fork() -> None:
    for lock in list(_LOCKS):
        lock._at_fork_reinit()  # what the standard library's own locks get in a forked child


if hasattr(os, "register_at_fork"):  # not on Windows, which cannot fork
    os.register_at_fork(after_in_child=_unlock_after_fork)
