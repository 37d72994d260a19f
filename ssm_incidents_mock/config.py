"""Process-wide settings of the mock, read by the backend on each call."""

from __future__ import annotations

import os

STRICT_ENV = "SSM_INCIDENTS_MOCK_STRICT"
_FALSE = ("0", "false", "no", "off", "lenient")


class Settings:
    """``strict_replication_set``: operations need a replication set first (AWS onboarding), the default.

    Lenient mode serves an account without a replication set as if its set held the calling region.
    Ask for it with ``SSM_INCIDENTS_MOCK_STRICT=false``, ``mock_ssm_incidents(strict=False)`` or the
    server's ``--lenient``. An explicit setting (``strict_override``) wins over the environment
    variable, which is read on every call so that it can be changed while the process runs
    (e.g. by ``monkeypatch.setenv``).
    """

    def __init__(self) -> None:
        self.strict_override: bool | None = None

    @property
    def strict_replication_set(self) -> bool:
        if self.strict_override is not None:
            return self.strict_override
        value = os.environ.get(STRICT_ENV)
        return value is None or value.strip().lower() not in _FALSE

    @strict_replication_set.setter
    def strict_replication_set(self, value: bool | None) -> None:
        self.strict_override = value


settings = Settings()
