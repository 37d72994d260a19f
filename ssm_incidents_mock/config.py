"""Process-wide settings of the mock, read by the backend on each call."""

from __future__ import annotations

import os


def _env_flag(name: str) -> bool:
    return os.environ.get(name, "").strip().lower() in ("1", "true", "yes", "on")


class Settings:
    """``strict_replication_set``: operations need a replication set first (AWS onboarding).

    Lenient (the default) serves an account without a replication set as if its set held the
    calling region. Set ``SSM_INCIDENTS_MOCK_STRICT=true``, pass ``strict=True`` to
    ``mock_ssm_incidents`` or ``--strict`` to the server to require one.
    """

    def __init__(self) -> None:
        self.strict_replication_set = _env_flag("SSM_INCIDENTS_MOCK_STRICT")


settings = Settings()
