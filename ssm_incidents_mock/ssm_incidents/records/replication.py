"""The replication set and its regions, whose statuses moto's state manager moves on."""

from __future__ import annotations

from typing import Any

from ... import seam
from ...config import settings
from ...core import clock

DEFAULT_KEY = "DefaultKey"

# moto's state manager drives the set and its regions (``set_transition`` with this model name
# overrides the default). The default is immediate: every change is complete on the next read, so
# waiters pass on their first poll. With replication phases on (``settings.replication_phases``) it
# is moto's usual one for slow resources, one status step per GetReplicationSet.
REPLICATION_SET_MODEL = "ssmincidents::replicationset"
IMMEDIATE_TRANSITION = {"progression": "immediate"}
PHASES_TRANSITION = {"progression": "manual", "times": 1}
_TRANSITIONS: list[tuple[str | None, str]] = [("CREATING", "ACTIVE"), ("UPDATING", "ACTIVE"), ("DELETING", "DELETED")]
seam.register_transition(REPLICATION_SET_MODEL, IMMEDIATE_TRANSITION)


def default_transition() -> dict[str, Any]:
    """The replication set's default transition as the settings have it now."""
    return PHASES_TRANSITION if settings.replication_phases else IMMEDIATE_TRANSITION


class Lifecycle(seam.ManagedState):
    """A status that moves on as moto's state manager says: CREATING/UPDATING -> ACTIVE, DELETING -> DELETED."""

    def __init__(self, status: str = "CREATING") -> None:
        super().__init__(REPLICATION_SET_MODEL, _TRANSITIONS)
        self.restart(status)

    def restart(self, status: str) -> None:
        """Enter ``status`` afresh (a new change): it lasts as many reads as the transition says."""
        seam.restart_state(self, status)

    @property
    def current(self) -> str:
        # the settings are read on every call: the default follows them, a user's transition still wins
        seam.register_transition(REPLICATION_SET_MODEL, default_transition())
        return str(self.status)


class RegionInfo:
    """A region of the set. ``status`` is what the last GetReplicationSet showed; ``lifecycle`` moves on."""

    def __init__(self, sse_kms_key_id: str | None, now: float) -> None:
        self.sse_kms_key_id = sse_kms_key_id or DEFAULT_KEY
        self.lifecycle = Lifecycle()
        self.status = self.lifecycle.current
        self.status_message: str | None = None
        self.status_update_date_time = now


class ReplicationSet:
    """The account's one replication set. ``status`` (and each region's) is what the last read showed:
    ``observe()`` reads the lifecycles, then advances them, so with replication phases on the first
    GetReplicationSet after a change shows CREATING/UPDATING and the next one ACTIVE (by default, ACTIVE at once).
    """

    def __init__(self, arn: str, regions: dict[str, dict[str, Any]], caller: str) -> None:
        now = clock.now()
        self.arn = arn
        self.region_map: dict[str, RegionInfo] = {
            name: RegionInfo((spec or {}).get("sseKmsKeyId"), now) for name, spec in regions.items()
        }
        self.lifecycle = Lifecycle()
        self.status = self.lifecycle.current
        self.deletion_protected = False
        self.created_by = caller
        self.created_time = now
        self.last_modified_by = caller
        self.last_modified_time = now

    def touch(self, caller: str) -> None:
        self.last_modified_by = caller
        self.last_modified_time = clock.now()

    @property
    def current_status(self) -> str:
        """The status now (moved on as far as the transition allows), without counting a read."""
        return self.lifecycle.current

    def drop_deleted_regions(self) -> None:
        for name in [n for n, info in self.region_map.items() if info.lifecycle.current == "DELETED"]:
            del self.region_map[name]

    def observe(self) -> None:
        """A GetReplicationSet: take the statuses as they are now, then count the read."""
        self.drop_deleted_regions()
        now = clock.now()
        self.status = self.lifecycle.current
        self.lifecycle.advance()
        for info in self.region_map.values():
            status = info.lifecycle.current
            if status != info.status:
                info.status = status
                info.status_update_date_time = now
            info.lifecycle.advance()
