"""What every ssm-contacts operation shares: the state of one account in one region, onboarding, lookups,
paging, and the clock of engagements.

Each operation is the method ``botocore.xform_name(<Operation>)`` of a mixin and takes the caller's
:class:`RequestContext` first, then the validated input members by their ``xform_name``; it returns
nothing (empty output), ``(items, next_token)`` (paginated), the one member's value, or an object whose
attributes are the output members. The caller holds ``lock`` around each call.
"""

from __future__ import annotations

import heapq
import itertools
from collections.abc import Collection
from typing import Any

from moto.core.base_backend import BaseBackend
from moto.utilities.utils import get_partition

from ..config import new_lock, settings
from ..core import clock
from ..core.context import RequestContext
from ..core.ids import random_uuid, unused
from ..core.pagination import BackendPages
from ..ssm_incidents import models as incidents
from . import engagements, rotations
from .exceptions import invalid, not_found
from .records import (
    ACTIVATED,
    CONTACT,
    CONTACT_CHANNEL,
    ENGAGEMENT,
    PAGE,
    ROTATION,
    Branch,
    Contact,
    ContactChannel,
    Engagement,
    Page,
    Rotation,
)

SERVICE_NAME = "ssm-contacts"
DEFAULT_PAGE_SIZE = 100  # MaxResults absent or 0 (the model allows 0)
NOT_ONBOARDED = "Account not found for the request"


def now() -> float:
    """The backend's clock: ``core.clock.now``, which freezegun, time-machine and the test bench move."""
    return clock.now()


class ContactsState(BackendPages, BaseBackend):
    """The state of one account in one region and the rules every operation shares; the operations are
    the mixins' (``contacts.py``, ``channels.py``, ``pages.py``, ``oncall.py``, ``policies.py``)."""

    token_member = "NextToken"  # how the model names the page token, for its errors
    default_page_size = DEFAULT_PAGE_SIZE

    def __init__(self, region_name: str, account_id: str) -> None:
        super().__init__(region_name, account_id)
        self.lock = new_lock(reentrant=True)  # unlocked again in a forked child
        self.partition = get_partition(region_name)
        self.arn_prefix = f"arn:{self.partition}:ssm-contacts:{region_name}:{account_id}:"
        self._own = RequestContext(account_id, region_name)  # where the replication set is asked about
        self._init_state()

    def _init_state(self) -> None:
        self.contacts: dict[str, Contact] = {}
        self.channels: dict[str, ContactChannel] = {}
        self.rotations: dict[str, Rotation] = {}
        self.engagements: dict[str, Engagement] = {}
        self.pages: dict[str, Page] = {}
        self.tags: dict[str, dict[str, str]] = {}
        # (operation, IdempotencyToken) -> (digest of the validated input, the rendered answer): the dispatcher's
        self.idempotency: dict[tuple[str, ...], tuple[str, Any]] = {}
        # (when, tie-break, engagement): when each running engagement next has a stage due (see ``_track``)
        self.due: list[tuple[float, int, Engagement]] = []
        self._due_order = itertools.count()
        self.engagement_order: list[tuple[float, int, str]] = []  # (StartTime, seq, ARN), ascending
        self.engagements_by_incident: dict[str, list[Engagement]] = {}
        # contact ARN -> (StartTime, seq, ARN) of its engagements, ascending: what a consumer of the contact lists
        self.engagements_by_contact: dict[str, list[tuple[float, int, str]]] = {}
        self.policy_contacts: dict[str, Contact] = {}  # the contacts that have a policy (the ones shared)
        self.pages_by_contact: dict[str, list[Page]] = {}
        self.rotations_by_member: dict[str, dict[str, None]] = {}  # contact ARN -> rotations it is a member of
        self.schedules_by_rotation: dict[str, dict[str, None]] = {}  # rotation ARN -> on-call schedules listing it
        self._seq = 0

    def new_arn(self, path: str, taken: Collection[str]) -> str:
        """A fresh ARN ``<prefix><path>/<random UUID>`` that ``taken`` does not hold (moto's seed set
        again repeats the UUIDs drawn since, ``core.ids.unused``)."""
        return unused(lambda: f"{self.arn_prefix}{path}/{random_uuid()}", taken)

    def next_seq(self) -> int:
        """A number that orders everything created in this backend."""
        self._seq += 1
        return self._seq

    def delete_all_data(self) -> None:
        """Forget everything (the replication set was deleted)."""
        self._init_state()

    # --- shared rules ---------------------------------------------------------------------

    def onboarded(self) -> bool:
        return incident_manager_ready(self.account_id, self.partition, self.region_name, self._own)

    def require_onboarded(self) -> None:
        """AWS's answer in an account (or region) without the replication set of ssm-incidents."""
        if not self.onboarded():
            raise invalid(NOT_ONBOARDED)

    def contact(self, arn: str) -> Contact | None:
        """The contact with this ARN, as it is now (the engagement engine's ``Directory``)."""
        return self.contacts.get(arn)

    def find_contact(self, arn: str) -> Contact:
        self.require_onboarded()
        found = self.contacts.get(arn)
        if found is None:
            raise not_found(CONTACT, arn)
        return found

    def find_channel(self, arn: str) -> ContactChannel:
        self.require_onboarded()
        found = self.channels.get(arn)
        if found is None:
            raise not_found(CONTACT_CHANNEL, arn)
        return found

    def find_engagement(self, arn: str) -> Engagement:
        self.require_onboarded()
        found = self.engagements.get(arn)
        if found is None:
            raise not_found(ENGAGEMENT, arn)
        return found

    def find_page(self, arn: str) -> Page:
        self.require_onboarded()
        found = self.pages.get(arn)
        if found is None:
            raise not_found(PAGE, arn)
        return found

    def find_rotation(self, arn: str) -> Rotation:
        self.require_onboarded()
        found = self.rotations.get(arn)
        if found is None:
            raise not_found(ROTATION, arn)
        return found

    # --- the clock ------------------------------------------------------------------------

    def advance(self, engagement: Engagement, at: float | None = None) -> None:
        """Bring one engagement up to ``at`` (default: now): the stages due since fire."""
        if engagement.run is None:
            return
        engagements.advance(engagement, now() if at is None else at, self)
        self._track(engagement)

    def _track(self, engagement: Engagement) -> None:
        """List the engagement in ``due`` at its next due stage. An entry whose time is no longer the run's
        ``listed_at`` is stale and skipped, so each engagement costs one entry per stage at most."""
        run = engagement.run
        if run is None or not run.due:
            return
        when = run.due[0][0]
        if when != run.listed_at:
            run.listed_at = when
            heapq.heappush(self.due, (when, next(self._due_order), engagement))

    def settle(self, at: float | None = None) -> None:
        """Fire every stage due by ``at`` (default: now), in any engagement. Called before a change of what a due stage would do
        (channels, plans, rotations), so that each stage acts on the state of its own instant. Costs only
        the engagements that have something due."""
        due = self.due
        if not due:
            return
        until = now() if at is None else at
        while due and due[0][0] <= until:
            when, _, engagement = heapq.heappop(due)
            run = engagement.run
            if run is not None and run.listed_at == when:
                run.listed_at = None
                self.advance(engagement, until)

    def on_call(self, schedule: Contact, at: float) -> list[str]:
        """The contacts on call at ``at`` in the schedule's rotations (in rotation order, each once)."""
        found: dict[str, None] = {}
        for rotation_arn in schedule.rotation_ids:
            rotation = self.rotations.get(rotation_arn)
            if rotation is not None:
                found.update(dict.fromkeys(rotation_on_call(rotation, at)))
        return list(found)

    def send_page(self, engagement: Engagement, branch: Branch, channel_arn: str, at: float) -> Page | None:
        """Page one channel of the branch's contact, if it still exists and is activated."""
        contact = branch.contact
        channel = contact.channels.get(channel_arn)
        if channel is None or channel.activation_status != ACTIVATED:
            return None
        arn = self.new_arn(f"page/{contact.alias}", self.pages)
        page = Page(arn, engagement, contact.contact_arn, channel, at, branch.resolution, branch, self.next_seq())
        self.pages[arn] = page
        engagement.pages.append(page)
        self.pages_by_contact.setdefault(contact.contact_arn, []).append(page)
        return page


def rotation_on_call(rotation: Rotation, at: float) -> list[str]:
    """Who is on call in a stored rotation at ``at``, its overrides applied (the shift engine's answer)."""
    return rotations.on_call_now(**rotation.as_input(), at=at)


def tag_map(tags: list[dict[str, str]] | None) -> dict[str, str]:
    """Tags as stored (a later duplicate key wins); the model leaves Key and Value optional, AWS needs both."""
    tags_by_key: dict[str, str] = {}
    for number, tag in enumerate(tags or (), 1):
        key, value = tag.get("Key"), tag.get("Value")
        if key is None or value is None:
            raise invalid("A tag needs a Key and a Value.", f"Tags.{number}.member")
        tags_by_key[key] = value
    return tags_by_key


def incident_manager_ready(account_id: str, partition: str, region: str, ctx: RequestContext | None = None) -> bool:
    """Whether the account is onboarded in the region: its ssm-incidents replication set covers it
    (in lenient mode an account without a set is served too). Reads the set without its lock."""
    accounts = dict.get(incidents.ssmincidents_backends, account_id)
    backend = dict.get(accounts, partition) if accounts is not None else None
    if backend is None:  # the account never used ssm-incidents: no replication set
        return not settings.strict_replication_set
    return backend.visible(ctx or RequestContext(account_id, region))
