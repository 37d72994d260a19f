"""Tags of the replication set, response plans and incident records."""

from __future__ import annotations

from ...core.context import RequestContext
from ..arns import resource_type
from ..exceptions import ServiceQuotaExceededException, not_found
from .state import BackendState

MAX_TAGS_PER_RESOURCE = 50


class TagOperations(BackendState):
    """TagResource, UntagResource, ListTagsForResource."""

    def tagged_resource(self, ctx: RequestContext, arn: str) -> dict[str, str]:
        """The tags of an existing taggable resource (empty if it has none), or not-found."""
        rs = self.replication_set
        exists = (rs is not None and rs.arn == arn) or arn in self.response_plans or arn in self.incidents.by_arn
        if not exists or not self.visible(ctx):
            self.require_onboarded(ctx)
            kind = resource_type(arn)
            raise not_found(kind, arn) if kind else not_found(None, arn, "resource")
        return self.tags.get(arn, {})

    def tag_resource(self, ctx: RequestContext, resource_arn: str, tags: dict[str, str]) -> None:
        merged = {**self.tagged_resource(ctx, resource_arn), **tags}
        if len(merged) > MAX_TAGS_PER_RESOURCE:
            raise ServiceQuotaExceededException(
                f"A resource can have at most {MAX_TAGS_PER_RESOURCE} tags; this request would give "
                f"{resource_arn} {len(merged)}.",
                quota_code="tags-per-resource",
                resource_type=resource_type(resource_arn),
                identifier=resource_arn,
            )
        self.tags[resource_arn] = merged

    def untag_resource(self, ctx: RequestContext, resource_arn: str, tag_keys: list[str]) -> None:
        remaining = {k: v for k, v in self.tagged_resource(ctx, resource_arn).items() if k not in tag_keys}
        if remaining:
            self.tags[resource_arn] = remaining
        else:
            self.tags.pop(resource_arn, None)

    def list_tags_for_resource(self, ctx: RequestContext, resource_arn: str) -> dict[str, str]:
        return dict(self.tagged_resource(ctx, resource_arn))
