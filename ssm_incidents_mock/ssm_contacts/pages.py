"""Engagements and pages: StartEngagement and the reads that bring an engagement up to the clock
(``engagements.py`` decides what each stage sends), acknowledgement, receipts and resolutions, and the
timeline events an incident shows for its engagements."""

from __future__ import annotations

import bisect
import heapq
from collections.abc import Callable, Iterator
from typing import Any

from ..core.context import RequestContext
from ..core.wire.codec import compact
from . import engagements
from .exceptions import invalid
from .records import Contact, Engagement, Page, Receipt
from .state import ContactsState, now

PAGE_EVENT = "SSM Contacts Page for Incident"
ACKNOWLEDGEMENT_EVENT = "SSM Contacts Page Acknowledgement for Incident"


class PageOperations(ContactsState):
    """The engagement and page operations."""

    def start_engagement(
        self,
        ctx: RequestContext,
        contact_id: str,
        sender: str,
        subject: str,
        content: str,
        public_subject: str | None = None,
        public_content: str | None = None,
        incident_id: str | None = None,
    ) -> str:
        contact = self.find_contact(contact_id)
        message = {
            "sender": sender,
            "subject": subject,
            "content": content,
            "public_subject": public_subject,
            "public_content": public_content,
        }
        return self.engage(contact, message, incident_id).engagement_arn

    def engage(self, contact: Contact, message: dict[str, str | None], incident_id: str | None) -> Engagement:
        """Start an engagement of ``contact`` now; what its first stage sends goes out at once."""
        at = now()
        arn = self.new_arn(f"engagement/{contact.alias}", self.engagements)
        engagement = Engagement(arn, contact.contact_arn, message, incident_id, at, self.next_seq())
        self.engagements[arn] = engagement
        bisect.insort(self.engagement_order, (at, engagement.seq, arn))
        bisect.insort(self.engagements_by_contact.setdefault(contact.contact_arn, []), (at, engagement.seq, arn))
        if engagement.incident_id:
            self.engagements_by_incident.setdefault(engagement.incident_id, []).append(engagement)
        engagements.start(engagement, contact, self)
        self._track(engagement)
        return engagement

    def describe_engagement(self, ctx: RequestContext, engagement_id: str) -> Engagement:
        engagement = self.find_engagement(engagement_id)
        self.advance(engagement)
        return engagement

    def stop_engagement(self, ctx: RequestContext, engagement_id: str, reason: str | None = None) -> None:
        """Stop paging; open pages get a STOP receipt. Stopping a stopped engagement changes nothing."""
        engagement = self.find_engagement(engagement_id)
        if engagement.stop_time is not None:
            return
        at = now()
        self.advance(engagement, at)
        engagement.stop_time = at
        engagement.stop_reason = reason
        engagements.stop(engagement, at)
        for page in engagement.pages:
            if page.read_time is None and not page.has_receipt("STOP"):
                page.receipts.append(Receipt(page.contact_channel_arn, "STOP", reason or None, at))

    def list_engagements(
        self,
        ctx: RequestContext,
        next_token: str | None = None,
        max_results: int | None = None,
        incident_id: str | None = None,
        time_range_value: dict[str, float] | None = None,
    ) -> tuple[list[Engagement], str | None]:
        """Newest first; ``TimeRangeValue`` keeps those whose StartTime is inside the (inclusive) range.

        ``ctx.shared`` holds, newest first, the engagements of other accounts' contacts shared with the caller
        that follow this request's position (``access.target``); they are merged with the account's own.
        Positions are (StartTime, seq, ARN) of the last engagement listed, so they hold across accounts.
        """
        wanted = engagement_filter(incident_id, time_range_value)
        self.require_onboarded()
        by_incident = self.engagements_by_incident.get(incident_id, []) if incident_id else None
        shared = ctx.shared

        def own(key: tuple[Any, ...] | None) -> Iterator[Engagement]:
            if by_incident is None:
                return self.engagements_before(key, wanted)
            chosen = sorted(by_incident, key=engagement_key, reverse=True)
            return (e for e in chosen if (key is None or engagement_key(e) < key) and wanted(e))

        def after(position: Any) -> Iterator[Engagement]:
            mine = own(tuple(position) if isinstance(position, list) else None)
            return heapq.merge(mine, shared, key=engagement_key, reverse=True) if shared else mine

        return self._page(
            "ListEngagements",
            engagement_scope(incident_id, time_range_value),
            after,
            lambda e: list(engagement_key(e)),
            max_results,
            next_token,
        )

    def engagements_before(
        self, key: tuple[Any, ...] | None, wanted: Callable[[Engagement], bool], contact_arn: str | None = None
    ) -> Iterator[Engagement]:
        """The account's engagements (of one contact, when given) older than ``key``, newest first, that are
        ``wanted``: a bisection, then one step per engagement looked at."""
        order = self.engagement_order if contact_arn is None else self.engagements_by_contact.get(contact_arn, [])
        end = len(order) if key is None else bisect.bisect_left(order, key)
        for index in range(end - 1, -1, -1):
            engagement = self.engagements[order[index][2]]
            if wanted(engagement):
                yield engagement

    def list_pages_by_engagement(
        self,
        ctx: RequestContext,
        engagement_id: str,
        next_token: str | None = None,
        max_results: int | None = None,
    ) -> tuple[list[Page], str | None]:
        """The pages sent so far, in the order they went out."""
        engagement = self.find_engagement(engagement_id)
        self.advance(engagement)
        pages = list(engagement.pages)

        def after(position: Any) -> Iterator[Page]:
            return (p for p in pages if not isinstance(position, int) or p.seq > position)

        return self._page("ListPagesByEngagement", engagement_id, after, lambda p: p.seq, max_results, next_token)

    def list_pages_by_contact(
        self,
        ctx: RequestContext,
        contact_id: str,
        next_token: str | None = None,
        max_results: int | None = None,
    ) -> tuple[list[Page], str | None]:
        """The pages sent to the contact's channels (whatever engagement sent them), oldest first."""
        contact = self.find_contact(contact_id)
        self.settle()
        pages = sorted(self.pages_by_contact.get(contact.contact_arn, ()), key=lambda p: (p.sent_time, p.seq))

        def after(position: Any) -> Iterator[Page]:
            key = tuple(position) if isinstance(position, list) else None
            return (p for p in pages if key is None or (p.sent_time, p.seq) > key)

        return self._page(
            "ListPagesByContact", contact_id, after, lambda p: [p.sent_time, p.seq], max_results, next_token
        )

    def describe_page(self, ctx: RequestContext, page_id: str) -> Page:
        return self.find_page(page_id)

    def list_page_receipts(
        self,
        ctx: RequestContext,
        page_id: str,
        next_token: str | None = None,
        max_results: int | None = None,
    ) -> tuple[list[Receipt], str | None]:
        """The page's receipts in the order they happened (SENT, then DELIVERED, READ or STOP)."""
        receipts = list(self.find_page(page_id).receipts)

        def after(position: Any) -> list[Receipt]:
            return receipts[position + 1 :] if isinstance(position, int) else receipts

        return self._page("ListPageReceipts", page_id, after, lambda r: _index_of(receipts, r), max_results, next_token)

    def list_page_resolutions(
        self, ctx: RequestContext, page_id: str, next_token: str | None = None
    ) -> tuple[list[dict[str, Any]], str | None]:
        """The path from the engaged contact down to the paged one (escalation plan, on-call schedule, person)."""
        path = list(self.find_page(page_id).resolution)

        def after(position: Any) -> list[dict[str, Any]]:
            return path[position + 1 :] if isinstance(position, int) else path

        return self._page("ListPageResolutions", page_id, after, lambda n: _index_of(path, n), None, next_token)

    def accept_page(
        self,
        ctx: RequestContext,
        page_id: str,
        accept_type: str,
        accept_code: str,
        contact_channel_id: str | None = None,
        note: str | None = None,
        accept_code_validation: str | None = None,
    ) -> None:
        """DELIVERED records the delivery; READ acknowledges the page, which stops the escalation it belongs
        to as far as ``engagements.acknowledge`` says. A second accept of the same kind changes nothing."""
        page = self.find_page(page_id)
        if accept_code_validation == "ENFORCE" and accept_code != page.accept_code:
            raise invalid("The accept code does not match the code sent with the page.", "AcceptCode")
        if contact_channel_id is not None and contact_channel_id != page.contact_channel_arn:
            raise invalid(
                f"The page {page_id} was not sent to the contact channel {contact_channel_id}.", "ContactChannelId"
            )
        at = now()
        self.advance(page.engagement, at)
        info = note or accept_code
        if page.delivery_time is None:
            page.delivery_time = at
            page.receipts.append(Receipt(page.contact_channel_arn, "DELIVERED", info, at))
        if accept_type == "READ" and page.read_time is None:
            page.read_time = at
            page.receipts.append(Receipt(page.contact_channel_arn, "READ", info, at))
            engagements.acknowledge(page, at)

    def accept_code(self, page_arn: str) -> str | None:
        """The code sent with a page (what the recipient replies with to acknowledge it)."""
        page = self.pages.get(page_arn)
        return page.accept_code if page is not None else None

    def timeline_events(self, engagement: Engagement) -> list[dict[str, Any]]:
        """The incident timeline events of an engagement so far: one per page sent, one per acknowledgement.

        Each has the ssm-incidents members ``eventType``, ``eventTime`` and ``eventData`` (JSON text
        ``{"contactArn", "engagementArn"}``) and a ``key`` that stays the same on every call.
        """
        self.advance(engagement)
        events: list[dict[str, Any]] = []
        for page in engagement.pages:
            data = compact({"contactArn": page.contact_arn, "engagementArn": engagement.engagement_arn})
            events.append(
                {
                    "key": f"{page.page_arn}#page",
                    "eventType": PAGE_EVENT,
                    "eventTime": page.sent_time,
                    "eventData": data,
                }
            )
            if page.read_time is not None:
                events.append(
                    {
                        "key": f"{page.page_arn}#ack",
                        "eventType": ACKNOWLEDGEMENT_EVENT,
                        "eventTime": page.read_time,
                        "eventData": data,
                    }
                )
        return events


def engagement_key(engagement: Engagement) -> tuple[float, int, str]:
    """Where an engagement stands in ListEngagements (newest first), in any account."""
    return (engagement.start_time, engagement.seq, engagement.engagement_arn)


def engagement_scope(incident_id: str | None, time_range_value: dict[str, float] | None) -> list[Any]:
    """The members of a ListEngagements request other than paging (what its NextToken is bound to)."""
    window = time_range_value or {}
    return [incident_id, window.get("StartTime"), window.get("EndTime")]


def engagement_filter(
    incident_id: str | None, time_range_value: dict[str, float] | None
) -> Callable[[Engagement], bool]:
    """ListEngagements' filters: the incident, and StartTime inside the (inclusive) range."""
    _, earliest, latest = engagement_scope(incident_id, time_range_value)
    if earliest is not None and latest is not None and latest < earliest:
        raise invalid("The end of the time range is before its start.", "TimeRangeValue")

    def wanted(engagement: Engagement) -> bool:
        start = engagement.start_time
        return (
            (incident_id is None or engagement.incident_id == incident_id)
            and (earliest is None or start >= earliest)
            and (latest is None or start <= latest)
        )

    return wanted


def _index_of(items: list[Any], item: Any) -> int:
    return next(index for index, candidate in enumerate(items) if candidate is item)
