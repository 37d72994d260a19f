"""The replication set: onboarding, its regions and deletion protection; deleting it deletes all data."""

from __future__ import annotations

import re
from typing import Any

from ...core import clock
from ...core.context import RequestContext
from ...core.ids import random_uuid
from .. import effects
from ..exceptions import ConflictException, ServiceQuotaExceededException, ValidationException, not_found
from ..records.replication import DEFAULT_KEY, RegionInfo, ReplicationSet
from .state import BackendState

MAX_REGIONS = 3
_REGION_NAME = re.compile(r"[a-z]{2}(-[a-z]+)+-\d{1,2}")
_KMS_KEY_REGION = re.compile(r"arn:aws[a-z-]*:kms:([a-z0-9-]+):")


class ReplicationSetOperations(BackendState):
    """CreateReplicationSet, GetReplicationSet, ListReplicationSets, UpdateReplicationSet, DeleteReplicationSet,
    UpdateDeletionProtection."""

    def create_replication_set(
        self, ctx: RequestContext, regions: dict[str, Any], tags: dict[str, str] | None = None
    ) -> str:
        if self.replication_set is not None:
            raise ServiceQuotaExceededException(
                "Only one replication set is allowed per account.",
                quota_code="replication-sets-per-account",
                resource_type="REPLICATION_SET",
                identifier=self.replication_set.arn,
            )
        arn = f"{self.arn_prefix(ctx)}replication-set/{random_uuid()}"
        self.replication_set = ReplicationSet(arn, regions, ctx.caller_arn)
        if tags:
            self.tags[arn] = dict(tags)
        return arn

    def get_replication_set(self, ctx: RequestContext, arn: str) -> ReplicationSet:
        rs = self.find_replication_set(ctx, arn)
        rs.observe()  # a read moves the statuses on (moto's state manager)
        return rs

    def find_replication_set(self, ctx: RequestContext, arn: str) -> ReplicationSet:
        rs = self.replication_set
        if rs is None or rs.arn != arn or ctx.region not in rs.region_map:
            raise not_found("REPLICATION_SET", arn, "replication set")
        return rs

    def list_replication_sets(
        self, ctx: RequestContext, max_results: int | None = None, next_token: str | None = None
    ) -> tuple[list[str], str | None]:
        arns = [self.replication_set.arn] if self.replication_set is not None else []
        return self._page(
            "ListReplicationSets",
            None,
            lambda pos: arns[1:] if pos else arns,
            lambda a: 1,
            max_results or 100,
            next_token,
        )

    def update_replication_set(self, ctx: RequestContext, arn: str, actions: list[dict[str, Any]]) -> None:
        """Add or delete one region (the model allows exactly one action with one member set)."""
        rs = self.find_replication_set(ctx, arn)
        status = rs.current_status
        if status != "ACTIVE":
            raise ConflictException(
                f"The replication set {arn} is {status}; wait until it is ACTIVE.", "REPLICATION_SET", arn
            )
        action = actions[0]
        if "addRegionAction" in action:
            add = action["addRegionAction"]
            _check_new_region(rs, add["regionName"], add.get("sseKmsKeyId"))
            rs.region_map[add["regionName"]] = RegionInfo(add.get("sseKmsKeyId"), clock.now())
            rs.lifecycle.restart("UPDATING")
            rs.touch(ctx.caller_arn)
            return
        name = action["deleteRegionAction"]["regionName"]
        if name not in rs.region_map:
            raise ValidationException(f"The region {name} is not part of the replication set.")
        if len(rs.region_map) > 1:
            rs.region_map[name].lifecycle.restart("DELETING")  # gone once a read has seen it DELETING
            rs.lifecycle.restart("UPDATING")
            rs.drop_deleted_regions()
            rs.touch(ctx.caller_arn)
            return
        if rs.deletion_protected:
            raise ValidationException(
                f"The region {name} is the last region of the replication set, which is protected from deletion. "
                "Turn deletion protection off to delete it."
            )
        self.clear_incident_manager_data()  # the last region goes: the set and all data go with it

    def delete_replication_set(self, ctx: RequestContext, arn: str) -> None:
        """Delete the set and with it all Incident Manager data of the account."""
        rs = self.find_replication_set(ctx, arn)
        if rs.deletion_protected:
            raise ValidationException(
                f"The replication set {arn} is protected from deletion. Turn deletion protection off to delete it."
            )
        self.clear_incident_manager_data()
        if effects.contacts is not None:
            effects.contacts.forget_account(self.account_id, ctx.partition)

    def update_deletion_protection(self, ctx: RequestContext, arn: str, deletion_protected: bool) -> None:
        rs = self.find_replication_set(ctx, arn)
        rs.deletion_protected = deletion_protected
        rs.touch(ctx.caller_arn)


def _check_new_region(rs: ReplicationSet, name: str, key: str | None) -> None:
    """The semantic rules for adding ``name`` (encrypted with ``key``) to ``rs``."""
    if _REGION_NAME.fullmatch(name) is None:
        raise ValidationException(f"The region name '{name}' is not a valid AWS Region.")
    if name in rs.region_map:
        raise ValidationException(f"The region {name} is already part of the replication set.")
    if len(rs.region_map) >= MAX_REGIONS:
        raise ValidationException(f"A replication set can hold at most {MAX_REGIONS} regions.")
    key_region = _KMS_KEY_REGION.match(key or "")
    if key_region is not None and key_region.group(1) != name:
        raise ValidationException(f"The KMS key {key} must be in the region {name} it encrypts.")
    uses_default = [info.sse_kms_key_id == DEFAULT_KEY for info in rs.region_map.values()]
    if uses_default and uses_default[0] != (key in (None, "", DEFAULT_KEY)):
        raise ValidationException(
            "All regions of a replication set must use the same kind of KMS key: "
            "either the AWS owned key (DefaultKey) or customer managed keys."
        )
