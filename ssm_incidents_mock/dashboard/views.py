"""The dashboard's views, one per endpoint of ``urls.url_map``: read the request, copy the data, name the page.

Bad input is werkzeug's ``BadRequest`` and a missing account, record or contact its ``NotFound``;
``app.handle`` turns both into error pages.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import BadRequest, NotFound
from werkzeug.wrappers import Request, Response

from ..ssm_incidents.filters import Filter, parse_filters
from ..ssm_incidents.models import PARTITIONS
from ..ssm_incidents.records import INCIDENT_FILTER_KEYS
from . import contacts, incidents
from .render import Page, message_response, page_response, static_response
from .urls import DASHBOARD_PATH, url_for

_ACCOUNT = re.compile(r"[0-9]{12}")
_CURSOR = re.compile(r"[0-9]{1,18}")  # ASCII digits only: str.isdigit() also takes '²', which int() refuses
_INCIDENT_ARN = re.compile(r"arn:([a-z-]+):ssm-incidents::([0-9]{12}):incident-record/[^/]+/[^/]+")
_REGION = re.compile(r"[a-z]{2}(?:-[a-z]+)+-[0-9]")


@dataclass(frozen=True, slots=True)
class Index:
    accounts: tuple[incidents.Account, ...]
    regions: tuple[contacts.Region, ...]


def root(request: Request) -> Response:
    """``/`` (a browser asking the server for HTML): a link to the dashboard."""
    response = message_response(302, "Dashboard", "Open the dashboard", DASHBOARD_PATH)
    response.headers["Location"] = DASHBOARD_PATH
    return response


def index(request: Request) -> Response:
    return page_response(request, Page("index", "Accounts", Index(incidents.accounts(), contacts.regions())))


def static(request: Request, name: str) -> Response:
    response = static_response(request, name)
    if response is None:
        raise NotFound("No such dashboard asset.")
    return response


# --- ssm-incidents ------------------------------------------------------------------------------


def _incidents_backend(account: str, partition: str) -> Any:
    found = incidents.backend(account, partition) if _ACCOUNT.fullmatch(account) and partition in PARTITIONS else None
    if found is None:
        raise NotFound(f"No Incident Manager state for account {account} in partition {partition}.")
    return found


def _filters(args: MultiDict[str, str]) -> tuple[list[str], list[int], list[Filter]]:
    statuses = args.getlist("status")
    for status in statuses:
        if status not in incidents.STATUSES:
            raise BadRequest(f"Unknown status '{status}': use OPEN or RESOLVED.")
    impacts = []
    for text in args.getlist("impact"):
        if text not in ("1", "2", "3", "4", "5"):
            raise BadRequest(f"Unknown impact '{text}': use 1 to 5.")
        impacts.append(int(text))
    raw: list[dict[str, Any]] = []
    if statuses:
        raw.append({"key": "status", "condition": {"equals": {"stringValues": statuses}}})
    if impacts:
        raw.append({"key": "impact", "condition": {"equals": {"integerValues": impacts}}})
    return statuses, impacts, parse_filters(raw, INCIDENT_FILTER_KEYS)


def _cursor(args: MultiDict[str, str]) -> int | None:
    text = args.get("before")
    if text is None:
        return None
    if not _CURSOR.fullmatch(text):
        raise BadRequest("The page cursor 'before' must be a positive number.")
    return int(text)


def _account_crumb(account: str, partition: str) -> tuple[str, str]:
    return f"{account} · {partition}", url_for("overview", account=account, partition=partition)


def overview(request: Request, account: str, partition: str) -> Response:
    backend = _incidents_backend(account, partition)
    statuses, impacts, filters = _filters(request.args)
    before = _cursor(request.args)
    data = incidents.overview(account, partition, backend, filters, before)
    query = {"status": statuses, "impact": impacts, "before": before}
    page = Page(
        "overview",
        f"Account {account} · {partition}",
        data,
        crumbs=(_account_crumb(account, partition),),
        head="overview_filters.html",
        extra={"query": query},
    )
    return page_response(request, page)


def incident(request: Request) -> Response:
    arn = request.args.get("arn", "")
    match = _INCIDENT_ARN.fullmatch(arn)
    if match is None:
        raise NotFound("Give an incident record ARN: ?arn=arn:aws:ssm-incidents::<account>:incident-record/...")
    partition, account = match.groups()
    data = incidents.incident(account, partition, _incidents_backend(account, partition), arn)
    if data is None:
        raise NotFound(f"No incident record {arn}.")
    crumbs = (_account_crumb(account, partition), ("Incident", None))
    return page_response(request, Page("incident", "Incident", data, crumbs, heading=False))


# --- ssm-contacts -------------------------------------------------------------------------------


def _region_crumb(account: str, region: str) -> tuple[str, str]:
    return f"Contacts {account} · {region}", url_for("contacts", account=account, region=region)


def contacts_region(request: Request, account: str, region: str) -> Response:
    backend = contacts.backend(account, region) if _ACCOUNT.fullmatch(account) and _REGION.fullmatch(region) else None
    if backend is None:
        raise NotFound(f"No contacts state for account {account} in region {region}.")
    data = contacts.region_page(account, region, backend)
    title = f"Contacts {account} · {region}"
    return page_response(request, Page("contacts", title, data, ((title, None),)))


def _contacts_item(request: Request, kind: str, read: Callable[..., Any]) -> tuple[Any, tuple[str, str]]:
    """The data of the ``?arn=`` contact or engagement, and the crumb of its region."""
    arn = request.args.get("arn", "")
    found = contacts.backend_of(arn)
    data = read(*found, arn) if found is not None else None
    if found is None or data is None:
        raise NotFound(f"No {kind} {arn}.")
    return data, _region_crumb(found[0], found[1])


def contact(request: Request) -> Response:
    data, crumb = _contacts_item(request, "contact", contacts.contact_page)
    return page_response(request, Page("contact", f"Contact {data.row.alias}", data, (crumb, ("Contact", None))))


def engagement(request: Request) -> Response:
    data, crumb = _contacts_item(request, "engagement", contacts.engagement_page)
    return page_response(request, Page("engagement", "Engagement", data, (crumb, ("Engagement", None))))


VIEWS: dict[str, Callable[..., Response]] = {
    "root": root,
    "index": index,
    "static": static,
    "overview": overview,
    "incident": incident,
    "contacts": contacts_region,
    "contact": contact,
    "engagement": engagement,
}
