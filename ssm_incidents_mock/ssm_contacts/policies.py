"""Contact policies (sharing contacts with other accounts) and tags of contacts and rotations."""

from __future__ import annotations

from ..core import iam
from ..core.context import RequestContext
from ..core.exceptions import ValidationException
from .exceptions import ServiceQuotaExceededException, invalid, not_found
from .records import RESOURCE_TYPES, Contact, ContactPolicy, arn_kind, as_tags
from .state import SERVICE_NAME, ContactsState, tag_map

MAX_TAGS_PER_RESOURCE = 50  # the mock's choice (docs/behaviour.md)


class PolicyAndTagOperations(ContactsState):
    """PutContactPolicy, GetContactPolicy, TagResource, UntagResource, ListTagsForResource."""

    def put_contact_policy(self, ctx: RequestContext, contact_arn: str, policy: str) -> None:
        """One policy per contact: a new one replaces it. Checked with IAM's grammar (``core.iam``), stored verbatim."""
        contact = self.find_contact(contact_arn)
        try:
            iam.parse(policy)
        except ValidationException as error:
            raise invalid(error.message, "Policy") from None
        contact.policy = policy
        self.policy_contacts[contact.contact_arn] = contact

    def get_contact_policy(self, ctx: RequestContext, contact_arn: str) -> ContactPolicy:
        contact = self.find_contact(contact_arn)
        return ContactPolicy(contact.contact_arn, contact.policy)

    def contacts_shared_with(self, ctx: RequestContext, operation: str = "GetContact") -> list[Contact]:
        """This account's contacts whose policy grants ``ctx`` (another account) ``operation`` on them, in alias
        order. Costs the contacts that have a policy only."""
        if not self.policy_contacts or not self.onboarded():
            return []
        shared = [c for c in self.policy_contacts.values() if contact_allows(c, ctx, operation)]
        return sorted(shared, key=lambda c: c.alias)

    # --- tags -----------------------------------------------------------------------------

    def tagged_resource(self, arn: str) -> dict[str, str]:
        """The tags of a contact or rotation (empty if it has none), or the error for anything else."""
        self.require_onboarded()
        if arn in self.contacts or arn in self.rotations:
            return self.tags.get(arn, {})
        parts = arn_kind(arn)
        resource_type = RESOURCE_TYPES.get(parts[3], "RESOURCE") if parts else "RESOURCE"
        if arn in self.channels or arn in self.engagements or arn in self.pages:
            raise invalid(
                f"Tags are not supported for {resource_type.replace('_', ' ').lower()} resources.", "ResourceARN"
            )
        raise not_found(resource_type, arn)

    def tag_resource(self, ctx: RequestContext, resource_arn: str, tags: list[dict[str, str]]) -> None:
        """TagResource with an existing key replaces its value."""
        merged = {**self.tagged_resource(resource_arn), **tag_map(tags)}
        if len(merged) > MAX_TAGS_PER_RESOURCE:
            raise ServiceQuotaExceededException(
                f"A resource can have at most {MAX_TAGS_PER_RESOURCE} tags; this request would give "
                f"{resource_arn} {len(merged)}.",
                "tags-per-resource",
                resource_arn,
                RESOURCE_TYPES.get((arn_kind(resource_arn) or ("", "", "", "", ""))[3]),
            )
        self.tags[resource_arn] = merged

    def untag_resource(self, ctx: RequestContext, resource_arn: str, tag_keys: list[str]) -> None:
        remaining = {k: v for k, v in self.tagged_resource(resource_arn).items() if k not in tag_keys}
        if remaining:
            self.tags[resource_arn] = remaining
        else:
            self.tags.pop(resource_arn, None)

    def list_tags_for_resource(self, ctx: RequestContext, resource_arn: str) -> list[dict[str, str]]:
        return as_tags(self.tagged_resource(resource_arn))


def contact_allows(contact: Contact, ctx: RequestContext, operation: str, resource: str | None = None) -> bool:
    """Whether the contact's policy grants ``ctx`` ``ssm-contacts:<operation>`` on ``resource`` (default: the contact)."""
    if not contact.policy:
        return False
    return iam.policies_allow(
        (contact.policy,),
        ctx.caller_arn,
        ctx.account_id,
        f"{SERVICE_NAME}:{operation}",
        resource or contact.contact_arn,
    )
