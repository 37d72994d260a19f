"""Replication sets: the account's onboarding, and which regions see Incident Manager data."""

from __future__ import annotations

import time
import uuid
from typing import TYPE_CHECKING, Any

from .config import settings
from .context import RequestContext
from .pagination import paginate
from .exceptions import ResourceNotFoundException, ServiceQuotaExceededException, not_found

if TYPE_CHECKING:
    from .models import SSMIncidentsBackend

DEFAULT_KEY = "DefaultKey"


class RegionInfo:
    __slots__ = ("sse_kms_key_id", "status", "status_message", "status_update_date_time")

    def __init__(self, sse_kms_key_id: str | None, now: float) -> None:
        self.sse_kms_key_id = sse_kms_key_id or DEFAULT_KEY
        self.status = "ACTIVE"
        self.status_message: str | None = None
        self.status_update_date_time = now


class ReplicationSet:
    """The account's one replication set. Changes complete at once (status ACTIVE)."""

    def __init__(self, arn: str, regions: dict[str, dict[str, Any]], caller: str) -> None:
        now = time.time()
        self.arn = arn
        self.region_map: dict[str, RegionInfo] = {
            name: RegionInfo((spec or {}).get("sseKmsKeyId"), now) for name, spec in regions.items()
        }
        self.status = "ACTIVE"
        self.deletion_protected = False
        self.created_by = caller
        self.created_time = now
        self.last_modified_by = caller
        self.last_modified_time = now

    def touch(self, caller: str) -> None:
        self.last_modified_by = caller
        self.last_modified_time = time.time()


class ReplicationSetsMixin:
    """CreateReplicationSet, GetReplicationSet, ListReplicationSets and region scoping."""

    replication_set: ReplicationSet | None

    # --- scoping used by every other area -------------------------------------------------

    def visible(self: SSMIncidentsBackend, ctx: RequestContext) -> bool:
        """Whether the calling region sees this account's Incident Manager data."""
        rs = self.replication_set
        if rs is None:
            return not settings.strict_replication_set
        return ctx.region in rs.region_map

    def require_onboarded(self: SSMIncidentsBackend, ctx: RequestContext) -> None:
        """For creating operations: a replication set must cover the calling region."""
        if self.visible(ctx):
            return
        rs = self.replication_set
        if rs is None:
            raise ResourceNotFoundException(
                "No replication set exists in this account. Create a replication set first.",
                "REPLICATION_SET",
                ctx.account_id,
            )
        raise ResourceNotFoundException(
            f"The replication set {rs.arn} does not include the region {ctx.region}.",
            "REPLICATION_SET",
            rs.arn,
        )

    def arn_prefix(self: SSMIncidentsBackend, ctx: RequestContext) -> str:
        return f"arn:{ctx.partition}:ssm-incidents::{ctx.account_id}:"

    # --- operations -----------------------------------------------------------------------

    def create_replication_set(
        self: SSMIncidentsBackend, ctx: RequestContext, regions: dict[str, Any], tags: dict[str, str] | None = None
    ) -> str:
        if self.replication_set is not None:
            raise ServiceQuotaExceededException(
                "Only one replication set is allowed per account.",
                quota_code="replication-sets-per-account",
                resource_type="REPLICATION_SET",
                identifier=self.replication_set.arn,
            )
        arn = f"{self.arn_prefix(ctx)}replication-set/{uuid.uuid4()}"
        self.replication_set = ReplicationSet(arn, regions, ctx.caller_arn)
        if tags:
            self.tags[arn] = dict(tags)
        return arn

    def get_replication_set(self: SSMIncidentsBackend, ctx: RequestContext, arn: str) -> ReplicationSet:
        rs = self.replication_set
        if rs is None or rs.arn != arn or ctx.region not in rs.region_map:
            raise not_found("REPLICATION_SET", arn, "replication set")
        return rs

    def list_replication_sets(
        self: SSMIncidentsBackend, ctx: RequestContext, max_results: int | None = None, next_token: str | None = None
    ) -> tuple[list[str], str | None]:
        arns = [self.replication_set.arn] if self.replication_set is not None else []
        return paginate("ListReplicationSets", None, lambda pos: arns[1:] if pos else arns, lambda a: 1, max_results or 100, next_token)
