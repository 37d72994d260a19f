"""Process-wide settings of the mock, read by the backend on each call, and its fork-safe locks."""

from __future__ import annotations

import itertools
import os
import threading
import weakref
from typing import Any

STRICT_ENV = "SSM_INCIDENTS_MOCK_STRICT"
_FALSE = ("0", "false", "no", "off", "lenient")


class Settings:
    """``strict_replication_set``: operations need a replication set first (AWS onboarding), the default.

    Lenient mode serves an account without a replication set as if its set held the calling region.
    Ask for it with ``SSM_INCIDENTS_MOCK_STRICT=false``, ``mock_ssm_incidents(strict=False)`` or the
    server's ``--lenient``. Each active mock or server that sets strictness holds an override
    (``push_strict`` / ``pop_strict``); the most recent one still held wins, whatever order they stop
    in. Without one, the environment variable decides; it is read on every call, so
    ``monkeypatch.setenv`` is seen at once.
    """

    def __init__(self) -> None:
        self._overrides: dict[int, bool] = {}  # insertion-ordered: the last one wins
        self._tokens = itertools.count()

    def push_strict(self, value: bool) -> int:
        """Hold an override until ``pop_strict(token)``."""
        token = next(self._tokens)
        self._overrides[token] = value
        return token

    def pop_strict(self, token: int) -> None:
        self._overrides.pop(token, None)

    @property
    def strict_override(self) -> bool | None:
        overrides = self._overrides
        return next(reversed(overrides.values())) if overrides else None

    @property
    def strict_replication_set(self) -> bool:
        overrides = self._overrides
        if overrides:
            return next(reversed(overrides.values()))
        value = os.environ.get(STRICT_ENV)
        return value is None or value.strip().lower() not in _FALSE


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
