"""Response plans and the resource policies that share them."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from ...core.ids import random_hex, unused


def set_template_field(template: dict[str, Any], key: str, value: Any) -> None:
    """Replace one incident-template member; an empty value clears an optional one."""
    if key in ("title", "impact") or value not in ("", [], {}):
        template[key] = value
    else:
        template.pop(key, None)


def chat_channel_or_none(channel: dict[str, Any] | None) -> dict[str, Any] | None:
    """A chat channel as stored: None unless it names SNS topics (``{"empty": {}}`` clears it)."""
    return channel if channel is not None and "chatbotSns" in channel else None


class ResourcePolicy:
    """One policy document attached to a response plan."""

    __slots__ = ("policy_document", "policy_id", "ram_resource_share_region", "seq")

    def __init__(self, policy_document: str, region: str, seq: int, taken: Collection[str] = ()) -> None:
        self.policy_id = unused(random_hex, taken)
        self.policy_document = policy_document
        self.ram_resource_share_region = region
        self.seq = seq


class ResponsePlan:
    """A response plan. "Nothing set" is always None, so GetResponsePlan omits a member that was
    never set and one that was cleared alike (``""`` strings, ``[]`` lists, ``{"empty": {}}`` chat channel).
    """

    def __init__(
        self,
        arn: str,
        name: str,
        seq: int,
        incident_template: dict[str, Any],
        display_name: str | None = None,
        chat_channel: dict[str, Any] | None = None,
        engagements: list[str] | None = None,
        actions: list[dict[str, Any]] | None = None,
        integrations: list[dict[str, Any]] | None = None,
    ) -> None:
        self.arn = arn
        self.name = name
        self.seq = seq
        self.incident_template: dict[str, Any] = {}
        for key, value in incident_template.items():
            set_template_field(self.incident_template, key, value)
        self.display_name = display_name or None
        self.chat_channel = chat_channel_or_none(chat_channel)
        self.engagements = engagements or None
        self.actions = actions or None
        self.integrations = integrations or None
        self.policies: dict[str, ResourcePolicy] = {}

    @property
    def chatbot_sns(self) -> list[str] | None:
        """The plan's chat channel SNS topics, None when it has no channel."""
        channel = self.chat_channel or {}
        return channel.get("chatbotSns")
