"""Contact channels (SMS, VOICE, EMAIL) of PERSONAL contacts and their activation."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from ..core.context import RequestContext
from .exceptions import ConflictException, invalid
from .records import ACTIVATED, CONTACT_CHANNEL, NOT_ACTIVATED, PERSONAL, Contact, ContactChannel
from .state import ContactsState

MAX_CHANNELS_PER_CONTACT = 100  # the mock's choice (docs/behaviour.md)

_PHONE = re.compile(r"\+[1-9][0-9]{1,14}")  # E.164: '+', country code and number, at most 15 digits
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s.]+")


class ChannelOperations(ContactsState):
    """The contact channel operations."""

    def create_contact_channel(
        self,
        ctx: RequestContext,
        contact_id: str,
        name: str,
        type: str,
        delivery_address: dict[str, str],
        defer_activation: bool | None = None,
    ) -> str:
        self.require_onboarded()
        contact = self.contacts.get(contact_id)
        if contact is None:  # the operation models no ResourceNotFoundException
            raise invalid(f"Contact {contact_id} not found.", "ContactId")
        if contact.type != PERSONAL:
            raise invalid(f"Only PERSONAL contacts have contact channels; {contact_id} is {contact.type}.", "ContactId")
        address = _checked_address(type, delivery_address)
        _check_unique_address(contact, type, address, None)
        if len(contact.channels) >= MAX_CHANNELS_PER_CONTACT:
            raise invalid(f"A contact can have at most {MAX_CHANNELS_PER_CONTACT} contact channels.")
        arn = self.new_arn(f"contact-channel/{contact.alias}", self.channels)
        channel = ContactChannel(arn, contact.contact_arn, name, type, address, self.next_seq())
        if not defer_activation:
            channel.send_activation_code()
        contact.channels[arn] = channel
        self.channels[arn] = channel
        return arn

    def get_contact_channel(self, ctx: RequestContext, contact_channel_id: str) -> ContactChannel:
        return self.find_channel(contact_channel_id)

    def update_contact_channel(
        self,
        ctx: RequestContext,
        contact_channel_id: str,
        name: str | None = None,
        delivery_address: dict[str, str] | None = None,
    ) -> None:
        """A new address is a new device: the channel needs activating again (a code is sent to it)."""
        channel = self.find_channel(contact_channel_id)
        address = _checked_address(channel.type, delivery_address) if delivery_address is not None else None
        if address is not None:
            _check_unique_address(self.contacts[channel.contact_arn], channel.type, address, channel)
        self.settle()
        if name is not None:
            channel.name = name
        if address is not None and address != channel.delivery_address:
            channel.delivery_address = address
            channel.activation_status = NOT_ACTIVATED
            channel.send_activation_code()

    def delete_contact_channel(self, ctx: RequestContext, contact_channel_id: str) -> None:
        """Plans keep naming the channel; stages that target it page nothing more (model doc)."""
        channel = self.find_channel(contact_channel_id)
        self.settle()
        del self.channels[channel.contact_channel_arn]
        self.contacts[channel.contact_arn].channels.pop(channel.contact_channel_arn, None)

    def list_contact_channels(
        self,
        ctx: RequestContext,
        contact_id: str,
        next_token: str | None = None,
        max_results: int | None = None,
    ) -> tuple[list[ContactChannel], str | None]:
        channels = list(self.find_contact(contact_id).channels.values())  # in creation order

        def after(position: Any) -> Iterator[ContactChannel]:
            return (c for c in channels if not isinstance(position, int) or c.seq > position)

        return self._page("ListContactChannels", contact_id, after, lambda c: c.seq, max_results, next_token)

    def send_activation_code(self, ctx: RequestContext, contact_channel_id: str) -> None:
        """A new code replaces the previous one."""
        self.find_channel(contact_channel_id).send_activation_code()

    def activate_contact_channel(self, ctx: RequestContext, contact_channel_id: str, activation_code: str) -> None:
        channel = self.find_channel(contact_channel_id)
        if channel.activation_code is None:
            raise invalid(
                "No activation code was sent to this contact channel. Call SendActivationCode first.",
                "ActivationCode",
            )
        if activation_code != channel.activation_code:
            raise invalid("The activation code is not the one sent to this contact channel.", "ActivationCode")
        self.settle()
        channel.activation_status = ACTIVATED

    def deactivate_contact_channel(self, ctx: RequestContext, contact_channel_id: str) -> None:
        channel = self.find_channel(contact_channel_id)
        self.settle()
        channel.activation_status = NOT_ACTIVATED

    def activation_code(self, contact_channel_arn: str) -> str | None:
        """The latest activation code sent to a channel (what its owner would read on the device)."""
        channel = self.channels.get(contact_channel_arn)
        return channel.activation_code if channel is not None else None


def _checked_address(channel_type: str, delivery_address: dict[str, str]) -> dict[str, str]:
    """SMS and VOICE: '+', country code and number (E.164); EMAIL: an e-mail address."""
    address = delivery_address.get("SimpleAddress")
    field = "DeliveryAddress.SimpleAddress"
    if not address:
        raise invalid("The delivery address is required.", field)
    if channel_type in ("SMS", "VOICE"):
        if _PHONE.fullmatch(address) is None:
            raise invalid(
                f"{channel_type} delivery address must be '+' followed by the country code and phone number, "
                f"not '{address}'.",
                field,
            )
    elif _EMAIL.fullmatch(address) is None:
        raise invalid(f"EMAIL delivery address must be an e-mail address, not '{address}'.", field)
    return {"SimpleAddress": address}


def _check_unique_address(
    contact: Contact, channel_type: str, address: dict[str, str], updating: ContactChannel | None
) -> None:
    for channel in contact.channels.values():
        if channel is not updating and channel.type == channel_type and channel.delivery_address == address:
            raise ConflictException(
                f"The contact already has the {channel_type} channel {channel.contact_channel_arn} "
                f"for {address['SimpleAddress']}.",
                channel.contact_channel_arn,
                CONTACT_CHANNEL,
            )
