"""A read-only HTML dashboard of the server's state, under ``/_ssm_incidents_mock/dashboard``.

Pages: the accounts (one row per account and partition holding data); one account's overview
(replication set, response plans, incidents newest first, filtered by status and impact and paged
by a sequence cursor); one incident (record, timeline, related items, findings, automation
executions, tags). Each page keeps its changing part in ``<div id="live">``; ``dashboard.js`` asks
for that part again every 2 s (``?fragment=1`` with the last ETag, so an unchanged page costs a
304). Assets are files of this package; nothing is loaded from elsewhere.

Stored text is user input: everything is escaped by ``markupsafe`` (``Markup.format`` escapes its
arguments), and the Content-Security-Policy allows no inline script. A backend's lock is held only
while the data of one page is copied out. Only loopback Host names are served.
"""

from __future__ import annotations

import ipaddress
import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from functools import cache
from importlib.resources import files
from typing import Any
from urllib.parse import quote, urlencode

from markupsafe import Markup
from werkzeug.datastructures import MultiDict
from werkzeug.http import generate_etag
from werkzeug.wrappers import Request, Response

from .config import settings
from .ssm_incidents.filters import Filter, parse_filters
from .ssm_incidents.models import AUTOMATIC_PREFIX, PARTITIONS, SSMIncidentsBackend, ssmincidents_backends
from .ssm_incidents.records import INCIDENT_FILTER_KEYS, RECORD_UPDATE, IncidentRecord

PREFIX = "/_ssm_incidents_mock/dashboard"
PAGE_SIZE = 50
MAX_EVENTS = 500  # newest timeline events shown on an incident page
STATUSES = ("OPEN", "RESOLVED")
IMPACTS = {1: "Critical", 2: "High", 3: "Medium", 4: "Low", 5: "No impact"}
POLL_SECONDS = 2
NO_MARKUP = Markup("")

SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; "
        "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Cross-Origin-Resource-Policy": "same-origin",
}
ASSETS = {
    "dashboard.css": "text/css; charset=utf-8",
    "dashboard.js": "text/javascript; charset=utf-8",
    "icon.svg": "image/svg+xml",
}
_ACCOUNT = re.compile(r"^\d{12}$")
_INCIDENT_ARN = re.compile(r"^arn:([\w-]+):ssm-incidents::(\d{12}):incident-record/([^/]+)/[^/]+$")


class _HTTPError(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


# --- entry point ------------------------------------------------------------------------------


def handle(request: Request, host_checked: bool = False) -> Response:
    """Answer one GET or HEAD under the dashboard prefix (or ``/``, which links to it).

    ``host_checked``: the server has already allowed the request's Host (loopback, or a name the user
    allowed); otherwise only loopback names are served.
    """
    try:
        if not host_checked and not loopback_host(request.headers.get("Host", "")):
            raise _HTTPError(403, "The dashboard is served to loopback host names only (127.0.0.1, localhost, [::1]).")
        if request.method not in ("GET", "HEAD"):
            response = _error_page(405, "The dashboard is read-only: use GET.")
            response.headers["Allow"] = "GET, HEAD"
            return response
        return _route(request)
    except _HTTPError as error:
        return _error_page(error.status, error.message)


def loopback_host(host: str) -> bool:
    """Whether a Host header names this machine: 127.0.0.0/8, ``localhost`` or ``[::1]``, any port."""
    host = host.strip()
    if host.startswith("["):
        name, bracket, rest = host[1:].partition("]")
        if not bracket or (rest and not re.fullmatch(r":\d+", rest)):
            return False
    else:
        name, _, port = host.partition(":")
        if port and not port.isdigit():
            return False
    if name.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def _route(request: Request) -> Response:
    path = request.path
    if path == "/":
        response = _html(
            302, _layout("Dashboard", Markup('<p><a href="{0}">Open the dashboard</a></p>').format(PREFIX))
        )
        response.headers["Location"] = PREFIX
        return response
    sub = path[len(PREFIX) :] if path.startswith(PREFIX) else None
    if sub in ("", "/"):
        return _page(request, "Accounts", NO_MARKUP, _index_fragment)
    if sub is not None and sub.startswith("/static/"):
        return _asset(request, sub[len("/static/") :])
    if sub is not None and sub.startswith("/account/"):
        account, _, partition = sub[len("/account/") :].partition("/")
        return _overview(request, account, partition)
    if sub == "/incident":
        return _incident(request, request.args.get("arn", ""))
    raise _HTTPError(404, "There is no dashboard page here.")


# --- responses --------------------------------------------------------------------------------


def _html(status: int, body: str) -> Response:
    response = Response(body, status=status, content_type="text/html; charset=utf-8")
    response.headers.update(SECURITY_HEADERS)
    response.headers["Cache-Control"] = "no-store"
    return response


def _error_page(status: int, message: str) -> Response:
    return _html(status, _layout(f"Error {status}", Markup('<p class="error">{}</p>').format(message)))


def _page(
    request: Request,
    title: str,
    head: Markup,
    render: Callable[[], Markup],
    crumbs: Markup = NO_MARKUP,
    heading: bool = True,
) -> Response:
    """The whole page, or with ``?fragment=1`` only its live part (304 when the ETag still holds)."""
    fragment = str(render())
    etag = _etag(fragment)
    if request.args.get("fragment") == "1":
        response = _html(200, fragment)
        response.set_etag(etag)
        return response.make_conditional(request)
    live = Markup('<div id="live" data-etag="{0}" data-poll-ms="{1}">{2}</div>').format(
        f'"{etag}"', POLL_SECONDS * 1000, Markup(fragment)
    )
    return _html(200, _layout(title, head + live, crumbs, heading))


def _etag(text: str) -> str:
    return generate_etag(text.encode("utf-8"))


@cache
def _asset_bytes(name: str) -> bytes:
    return (files(__package__) / "dashboard_assets" / name).read_bytes()


def _asset(request: Request, name: str) -> Response:
    if name not in ASSETS:
        raise _HTTPError(404, "No such dashboard asset.")
    response = Response(_asset_bytes(name), content_type=ASSETS[name])
    response.headers.update(SECURITY_HEADERS)
    response.headers["Cache-Control"] = "no-cache"
    response.add_etag()
    return response.make_conditional(request)


def _layout(title: str, content: Markup, crumbs: Markup = NO_MARKUP, heading: bool = True) -> str:
    """A whole page; without ``heading`` the content brings its own ``<h1>``."""
    return str(
        Markup(
            "<!doctype html>\n"
            '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
            '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            "<title>{title} · ssm-incidents-mock</title>\n"
            '<link rel="stylesheet" href="{p}/static/dashboard.css">\n'
            '<link rel="icon" href="{p}/static/icon.svg" type="image/svg+xml">\n'
            '<script src="{p}/static/dashboard.js" defer></script>\n'
            "</head>\n<body>\n"
            '<header class="site"><a class="brand" href="{p}">ssm-incidents-mock</a>'
            '<nav aria-label="Breadcrumbs">{crumbs}</nav>'
            '<p id="live-status" role="status" aria-live="polite">Read-only view</p></header>\n'
            "<main>\n{h1}{content}\n</main>\n"
            "<footer>A read-only view of the mock's Incident Manager state. Times are UTC. "
            "The page checks for changes every {poll} s while it is visible.</footer>\n"
            "</body>\n</html>\n"
        ).format(
            title=title,
            p=PREFIX,
            crumbs=crumbs,
            h1=Markup("<h1>{}</h1>\n").format(title) if heading else "",
            content=content,
            poll=POLL_SECONDS,
        )
    )


# --- formatting helpers -------------------------------------------------------------------------


def _time(epoch: float | None) -> Markup:
    if epoch is None:
        return Markup('<span class="none">—</span>')
    moment = datetime.fromtimestamp(epoch, tz=timezone.utc)
    return Markup('<time datetime="{0}">{1}</time>').format(
        moment.isoformat(timespec="milliseconds").replace("+00:00", "Z"), moment.strftime("%Y-%m-%d %H:%M:%S")
    )


def _status(status: str) -> Markup:
    return Markup('<span class="badge status-{0}">{1}</span>').format(status.lower(), status)


def _impact(impact: int) -> Markup:
    return Markup('<span class="badge impact-{0}">{0} · {1}</span>').format(impact, IMPACTS.get(impact, "?"))


def _join(parts: Iterable[Markup], sep: str = "") -> Markup:
    return Markup(sep).join(parts)


def _table(caption: str, headings: Iterable[str], rows: list[Markup], empty: str, cls: str = "") -> Markup:
    if not rows:
        return Markup('<p class="empty">{}</p>').format(empty)
    head = _join(Markup('<th scope="col">{}</th>').format(h) for h in headings)
    return Markup(
        '<table class="{0}"><caption>{1}</caption><thead><tr>{2}</tr></thead><tbody>{3}</tbody></table>'
    ).format(cls, caption, head, _join(rows))


def _definitions(pairs: Iterable[tuple[str, Any]]) -> Markup:
    items = _join(Markup("<div><dt>{0}</dt><dd>{1}</dd></div>").format(k, v) for k, v in pairs if v not in (None, ""))
    return Markup('<dl class="facts">{}</dl>').format(items)


def _code(value: Any) -> Markup:
    return Markup("<code>{}</code>").format(value)


def _json_block(value: Any) -> Markup:
    return Markup("<pre>{}</pre>").format(json.dumps(value, indent=2, ensure_ascii=False, sort_keys=True))


def _account_url(account: str, partition: str, **query: Any) -> str:
    url = f"{PREFIX}/account/{account}/{partition}"
    pairs = [(k, v) for k, values in query.items() for v in (values if isinstance(values, list) else [values])]
    return f"{url}?{urlencode(pairs)}" if pairs else url


def _incident_url(arn: str) -> str:
    return f"{PREFIX}/incident?arn={quote(arn, safe=':/')}"


# --- state lookup -------------------------------------------------------------------------------


def _backends() -> list[tuple[str, str, SSMIncidentsBackend]]:
    """Every account and partition that exists (``dump_state``'s walk: nothing is created)."""
    found = []
    for account_id, per_partition in list(ssmincidents_backends.items()):
        for partition, backend in list(per_partition.items()):
            found.append((str(account_id), str(partition), backend))
    return sorted(found, key=lambda entry: (entry[0], PARTITIONS.index(entry[1]) if entry[1] in PARTITIONS else 9))


def _backend(account: str, partition: str) -> SSMIncidentsBackend:
    if _ACCOUNT.match(account) and partition in PARTITIONS:
        for account_id, part, backend in _backends():
            if account_id == account and part == partition:
                return backend
    raise _HTTPError(404, f"No Incident Manager state for account {account} in partition {partition}.")


@dataclass(frozen=True, slots=True)
class _Region:
    name: str
    status: str
    kms_key: str
    message: str | None
    updated: float


@dataclass(frozen=True, slots=True)
class _ReplicationSet:
    arn: str
    status: str
    deletion_protected: bool
    created_by: str
    created: float
    modified: float
    regions: tuple[_Region, ...]


def _copy_replication_set(backend: SSMIncidentsBackend) -> _ReplicationSet | None:
    rs = backend.replication_set
    if rs is None:
        return None
    # the status now, not what the last GetReplicationSet showed; looking does not count as a read
    regions = tuple(
        _Region(name, info.lifecycle.current, info.sse_kms_key_id, info.status_message, info.status_update_date_time)
        for name, info in sorted(rs.region_map.items())
    )
    return _ReplicationSet(
        rs.arn, rs.current_status, rs.deletion_protected, rs.created_by, rs.created_time, rs.last_modified_time, regions
    )


def _visible_regions(rs: _ReplicationSet | None) -> str:
    if rs is not None:
        return ", ".join(r.name for r in rs.regions)
    return "none (strict mode: no replication set)" if settings.strict_replication_set else "every region"


# --- index page ---------------------------------------------------------------------------------


def _index_fragment() -> Markup:
    rows = []
    for account, partition, backend in _backends():
        with backend.lock:
            rs = _copy_replication_set(backend)
            plans = len(backend.response_plans)
            incidents = len(backend.incidents)
            open_count = len(backend.incidents.by_status.get("OPEN", ()))
        if rs is None and not plans and not incidents:
            continue
        rows.append(
            Markup(
                '<tr><th scope="row"><a href="{0}">{1}</a></th><td>{2}</td><td>{3}</td><td>{4}</td>'
                '<td class="num">{5}</td><td class="num">{6}</td><td class="num">{7}</td></tr>'
            ).format(
                _account_url(account, partition),
                account,
                partition,
                _visible_regions(rs),
                _status(rs.status) if rs else Markup('<span class="none">none</span>'),
                plans,
                incidents,
                open_count,
            )
        )
    return _table(
        "Accounts and partitions holding Incident Manager data",
        ("Account", "Partition", "Regions", "Replication set", "Response plans", "Incidents", "Open"),
        rows,
        "No Incident Manager data yet. Create a replication set or a response plan and it shows here.",
    )


# --- account overview ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Plan:
    arn: str
    name: str
    display_name: str | None
    title: str
    impact: int
    summary: str | None
    runbooks: tuple[str, ...]
    engagements: int
    chat: tuple[str, ...]
    integrations: tuple[str, ...]
    tags: dict[str, str]
    policies: int


@dataclass(frozen=True, slots=True)
class _Row:
    arn: str
    seq: int
    title: str
    status: str
    impact: int
    plan: str
    created: float
    resolved: float | None


@dataclass(slots=True)
class _Overview:
    replication_set: _ReplicationSet | None = None
    plans: list[_Plan] = field(default_factory=list)
    rows: list[_Row] = field(default_factory=list)
    more: bool = False
    total: int = 0
    by_status: dict[str, int] = field(default_factory=dict)


def _plan_name(incident_arn: str) -> str:
    match = _INCIDENT_ARN.match(incident_arn)
    return match.group(3) if match else ""


def _row(record: IncidentRecord) -> _Row:
    return _Row(
        record.arn,
        record.seq,
        record.title,
        record.status,
        record.impact,
        _plan_name(record.arn),
        record.creation_time,
        record.resolved_time,
    )


def _copy_plan(backend: SSMIncidentsBackend, arn: str) -> _Plan:
    plan = backend.response_plans[arn]
    template = plan.incident_template
    runbooks = tuple(a["ssmAutomation"]["documentName"] for a in plan.actions or () if "ssmAutomation" in a)
    integrations = tuple(
        str(i["pagerDutyConfiguration"].get("name", "PagerDuty"))
        for i in plan.integrations or ()
        if "pagerDutyConfiguration" in i
    )
    return _Plan(
        arn,
        plan.name,
        plan.display_name,
        template.get("title", ""),
        template.get("impact", 0),
        template.get("summary"),
        runbooks,
        len(plan.engagements or ()),
        tuple(plan.chatbot_sns or ()),
        integrations,
        dict(backend.tags.get(arn, {})),
        len(plan.policies),
    )


def _filters(args: MultiDict[str, str]) -> tuple[list[str], list[int], list[Filter]]:
    statuses = args.getlist("status")
    impacts_text = args.getlist("impact")
    for status in statuses:
        if status not in STATUSES:
            raise _HTTPError(400, f"Unknown status '{status}': use OPEN or RESOLVED.")
    impacts = []
    for text in impacts_text:
        if text not in ("1", "2", "3", "4", "5"):
            raise _HTTPError(400, f"Unknown impact '{text}': use 1 to 5.")
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
    if not text.isdigit() or len(text) > 18:
        raise _HTTPError(400, "The page cursor 'before' must be a positive number.")
    return int(text)


def overview_data(backend: SSMIncidentsBackend, filters: list[Filter], before: int | None) -> _Overview:
    """One page of an account's overview, copied out under the backend's lock."""
    data = _Overview()
    with backend.lock:
        data.replication_set = _copy_replication_set(backend)
        data.plans = [_copy_plan(backend, arn) for arn in backend.response_plans]
        index = backend.incidents
        for record in index.newest_first(filters, before):
            if len(data.rows) == PAGE_SIZE:
                data.more = True
                break
            data.rows.append(_row(record))
        data.total = len(index)
        data.by_status = {status: len(index.by_status.get(status, ())) for status in STATUSES}
    data.plans.sort(key=lambda p: p.name)
    return data


def _overview(request: Request, account: str, partition: str) -> Response:
    backend = _backend(account, partition)
    statuses, impacts, filters = _filters(request.args)
    before = _cursor(request.args)
    query: dict[str, Any] = {"status": statuses, "impact": impacts}

    def render() -> Markup:
        return _overview_fragment(account, partition, overview_data(backend, filters, before), query, before)

    crumbs = Markup('<a href="{0}">{1} · {2}</a>').format(_account_url(account, partition), account, partition)
    return _page(
        request, f"Account {account} · {partition}", _filter_form(account, partition, statuses, impacts), render, crumbs
    )


def _filter_form(account: str, partition: str, statuses: list[str], impacts: list[int]) -> Markup:
    def box(name: str, value: Any, label: Markup | str, checked: bool) -> Markup:
        return Markup('<label><input type="checkbox" name="{0}" value="{1}"{2}> {3}</label>').format(
            name, value, Markup(" checked") if checked else "", label
        )

    status_boxes = _join(box("status", s, _status(s), s in statuses) for s in STATUSES)
    impact_boxes = _join(box("impact", i, _impact(i), i in impacts) for i in IMPACTS)
    return Markup(
        '<form class="filters" method="get" action="{0}" aria-label="Filter incidents">'
        "<fieldset><legend>Status</legend>{1}</fieldset>"
        "<fieldset><legend>Impact</legend>{2}</fieldset>"
        '<div class="actions"><button type="submit">Filter</button> <a href="{0}">Clear</a></div></form>'
    ).format(_account_url(account, partition), status_boxes, impact_boxes)


def _overview_fragment(
    account: str, partition: str, data: _Overview, query: dict[str, Any], before: int | None
) -> Markup:
    return _join(
        [
            _replication_section(data.replication_set),
            _incidents_section(account, partition, data, query, before),
            _plans_section(data.plans),
        ]
    )


def _replication_section(rs: _ReplicationSet | None) -> Markup:
    if rs is None:
        body = Markup('<p class="empty">No replication set. Data is visible in {}.</p>').format(_visible_regions(None))
    else:
        facts = _definitions(
            [
                ("ARN", _code(rs.arn)),
                ("Status", _status(rs.status)),
                ("Deletion protection", "on" if rs.deletion_protected else "off"),
                ("Created", _time(rs.created)),
                ("Created by", rs.created_by),
                ("Last modified", _time(rs.modified)),
            ]
        )
        rows = [
            Markup('<tr><th scope="row">{0}</th><td>{1}</td><td>{2}</td><td>{3}</td><td>{4}</td></tr>').format(
                r.name, _status(r.status), r.message or "", _code(r.kms_key), _time(r.updated)
            )
            for r in rs.regions
        ]
        body = facts + _table("Regions", ("Region", "Status", "Message", "KMS key", "Status updated"), rows, "")
    return Markup('<section aria-labelledby="rs-h"><h2 id="rs-h">Replication set</h2>{}</section>').format(body)


def _incidents_section(
    account: str, partition: str, data: _Overview, query: dict[str, Any], before: int | None
) -> Markup:
    rows = [
        Markup(
            '<tr><td class="title"><a href="{0}">{1}</a></td><td>{2}</td><td>{3}</td>'
            '<td><a href="#plan-{4}">{4}</a></td><td>{5}</td><td>{6}</td></tr>'
        ).format(
            _incident_url(r.arn),
            r.title or "(untitled)",
            _status(r.status),
            _impact(r.impact),
            r.plan,
            _time(r.created),
            _time(r.resolved),
        )
        for r in data.rows
    ]
    filtered = bool(query["status"] or query["impact"])
    counts = Markup('<p class="counts">{0} incidents: {1} open, {2} resolved.{3}</p>').format(
        data.total,
        data.by_status.get("OPEN", 0),
        data.by_status.get("RESOLVED", 0),
        " Showing those that match the filter." if filtered else "",
    )
    table = _table(
        "Incidents, newest first" + (" (older page)" if before is not None else ""),
        ("Title", "Status", "Impact", "Response plan", "Created", "Resolved"),
        rows,
        "No incidents match." if filtered or before is not None else "No incidents yet.",
        "incidents",
    )
    links = []
    if before is not None:
        links.append(
            Markup('<a href="{0}" rel="first">&laquo; Newest</a>').format(_account_url(account, partition, **query))
        )
    if data.more:
        older = _account_url(account, partition, **query, before=data.rows[-1].seq)
        links.append(Markup('<a href="{0}" rel="next">Older &rsaquo;</a>').format(older))
    pager = (
        Markup('<nav class="pager" aria-label="Incident pages">{}</nav>').format(_join(links, " "))
        if links
        else NO_MARKUP
    )
    return Markup('<section aria-labelledby="inc-h"><h2 id="inc-h">Incidents</h2>{0}{1}{2}</section>').format(
        counts, table, pager
    )


def _tags(tags: dict[str, str]) -> Markup:
    if not tags:
        return Markup('<span class="none">—</span>')
    return _join((Markup('<span class="tag">{0}={1}</span>').format(k, v) for k, v in sorted(tags.items())), " ")


def _plans_section(plans: list[_Plan]) -> Markup:
    rows = [
        Markup(
            '<tr id="plan-{0}"><th scope="row">{0}{1}</th><td>{2}</td><td>{3}</td><td>{4}</td><td>{5}</td><td>{6}</td></tr>'
        ).format(
            p.name,
            Markup('<br><span class="sub">{}</span>').format(p.display_name) if p.display_name else "",
            p.title,
            _impact(p.impact) if p.impact else "",
            _join((_code(r) for r in p.runbooks), " ") or Markup('<span class="none">—</span>'),
            ", ".join(
                part
                for part in (
                    f"{p.engagements} engagement(s)" if p.engagements else "",
                    f"{len(p.chat)} chat topic(s)" if p.chat else "",
                    ", ".join(p.integrations),
                    f"{p.policies} resource policy(ies)" if p.policies else "",
                )
                if part
            )
            or "—",
            _tags(p.tags),
        )
        for p in plans
    ]
    table = _table(
        "Response plans by name",
        ("Name", "Incident title", "Impact", "Runbooks", "Engagements and integrations", "Tags"),
        rows,
        "No response plans.",
    )
    return Markup('<section aria-labelledby="plans-h"><h2 id="plans-h">Response plans</h2>{}</section>').format(table)


# --- incident page ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Event:
    event_id: str
    time: float
    updated: float
    event_type: str
    data: str
    references: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class _Execution:
    arn: str
    document: str | None
    version: str | None
    status: str | None
    started: float | None
    parameters: dict[str, list[str]]


@dataclass(slots=True)
class _Incident:
    row: _Row
    summary: str | None
    created_by: str
    modified_by: str
    modified: float
    dedupe: str
    source: dict[str, str]
    chat: tuple[str, ...]
    targets: tuple[str, ...]
    events: list[_Event]
    event_count: int
    items: list[tuple[str, str, str, str | None]]
    findings: list[tuple[str, float, str, dict[str, Any]]]
    executions: list[_Execution]
    tags: dict[str, str]
    plan_display: str | None


def incident_data(backend: SSMIncidentsBackend, arn: str) -> _Incident | None:
    """An incident's page data, copied out under the backend's lock (None when it is gone)."""
    with backend.lock:
        record = backend.incidents.get(arn)
        if record is None:
            return None
        all_events = record.events()
        newest = sorted(all_events, key=lambda e: (e.event_time, e.number), reverse=True)[:MAX_EVENTS]
        events = [
            _Event(
                e.event_id,
                e.event_time,
                e.event_updated_time,
                e.event_type,
                e.event_data,
                tuple(str(v) for ref in e.event_references or () for v in ref.values()),
            )
            for e in newest
        ]
        items = [(i.item_type, i.value_key, str(i.value), i.title) for i in record.related_items]
        findings = [
            (f.id, f.creation_time, next(iter(f.details)), dict(next(iter(f.details.values()))))
            for f in sorted((record.findings or {}).values(), key=lambda f: f.seq, reverse=True)
        ]
        executions = []
        for entry in record.automation_executions:
            execution_arn = entry.get("ssmExecutionArn", "")
            execution = backend.automation_executions.get(execution_arn.rsplit("/", 1)[-1])
            if execution is None:
                executions.append(_Execution(execution_arn, None, None, None, None, {}))
            else:
                executions.append(
                    _Execution(
                        execution_arn,
                        execution.document_name,
                        execution.document_version,
                        execution.status,
                        execution.start_time,
                        {k: list(v) for k, v in execution.parameters.items()},
                    )
                )
        row = _row(record)
        plan_arn = arn.split(":incident-record/", 1)[0] + f":response-plan/{row.plan}"
        plan = backend.response_plans.get(plan_arn)
        return _Incident(
            row=row,
            summary=record.summary,
            created_by=record.created_by,
            modified_by=record.last_modified_by,
            modified=record.last_modified_time,
            dedupe=record.dedupe_string,
            source=dict(record.incident_record_source),
            chat=tuple((record.chat_channel or {}).get("chatbotSns", ())),
            targets=tuple(t.get("snsTopicArn", "") for t in record.notification_targets),
            events=events,
            event_count=len(all_events),
            items=items,
            findings=findings,
            executions=executions,
            tags=dict(backend.tags.get(arn, {})),
            plan_display=plan.display_name if plan else None,
        )


def _incident(request: Request, arn: str) -> Response:
    match = _INCIDENT_ARN.match(arn)
    if match is None:
        raise _HTTPError(404, "Give an incident record ARN: ?arn=arn:aws:ssm-incidents::<account>:incident-record/...")
    partition, account = match.group(1), match.group(2)
    backend = _backend(account, partition)

    def render() -> Markup:
        data = incident_data(backend, arn)
        if data is None:
            raise _HTTPError(404, f"No incident record {arn}.")
        return _incident_fragment(account, partition, data)

    crumbs = Markup('<a href="{0}">{1} · {2}</a> &rsaquo; <span>Incident</span>').format(
        _account_url(account, partition), account, partition
    )
    return _page(request, "Incident", NO_MARKUP, render, crumbs, heading=False)


def _incident_fragment(account: str, partition: str, data: _Incident) -> Markup:
    row = data.row
    heading = Markup('<div class="incident-head"><h1 class="incident-title">{0}</h1><p>{1} {2}</p></div>').format(
        row.title or "(untitled)", _status(row.status), _impact(row.impact)
    )
    plan = Markup('<a href="{0}#plan-{1}">{1}</a>{2}').format(
        _account_url(account, partition),
        row.plan,
        Markup(' <span class="sub">({})</span>').format(data.plan_display) if data.plan_display else "",
    )
    facts = _definitions(
        [
            ("ARN", _code(row.arn)),
            ("Summary", data.summary),
            ("Response plan", plan),
            ("Created", _time(row.created)),
            ("Resolved", _time(row.resolved) if row.resolved else None),
            ("Created by", data.created_by),
            ("Source", data.source.get("source")),
            ("Trigger", _code(data.source["resourceArn"]) if "resourceArn" in data.source else None),
            ("Last modified", Markup("{0} by {1}").format(_time(data.modified), data.modified_by)),
            ("Dedupe string", _code(data.dedupe)),
            ("Chat channel", _join((_code(t) for t in data.chat), " ") if data.chat else None),
            ("Notification targets", _join((_code(t) for t in data.targets), " ") if data.targets else None),
            ("Tags", _tags(data.tags)),
        ]
    )
    record = Markup('<section aria-labelledby="rec-h"><h2 id="rec-h" class="sr-only">Record</h2>{}</section>').format(
        facts
    )
    return _join(
        [
            heading,
            record,
            Markup('<div class="columns"><div>{0}</div><div>{1}{2}{3}</div></div>').format(
                _timeline_section(data),
                _items_section(data),
                _executions_section(data),
                _findings_section(data),
            ),
        ]
    )


def _event_kind(event_type: str) -> tuple[str, str]:
    if event_type.startswith(AUTOMATIC_PREFIX):
        return "auto", "Automatic"
    if event_type == "Note":
        return "note", "Note"
    return "custom", "Custom event"


def _event_body(event: _Event) -> Markup:
    try:
        data = json.loads(event.data)
    except ValueError:
        return Markup('<p class="event-text">{}</p>').format(event.data)
    if event.event_type == RECORD_UPDATE and isinstance(data, dict):
        changes = [
            Markup('<li><span class="attr">{0}</span> → {1}</li>').format(
                a.get("attributeName"), _short(a.get("newValue"))
            )
            for a in data.get("modifiedAttributes", ())
        ]
        return Markup('<p class="event-text">Record updated by {0}</p><ul class="changes">{1}</ul>').format(
            data.get("modifiedBy", "?"), _join(changes)
        )
    if isinstance(data, str):
        return Markup('<p class="event-text">{}</p>').format(data)
    return _json_block(data)


def _short(value: Any) -> Markup:
    text = value if isinstance(value, str) else json.dumps(value)
    try:
        parsed = json.loads(text)
    except ValueError:
        return _code(text)
    if isinstance(parsed, dict) and len(parsed) == 1:
        ((action, item),) = parsed.items()
        if action in ("itemToAdd", "itemToRemove") and isinstance(item, dict):
            identifier = item.get("identifier", item)
            ((kind, value_member),) = [(identifier.get("type"), identifier.get("value", {}))]
            shown = next(iter(value_member.values()), "") if isinstance(value_member, dict) else value_member
            verb = "added" if action == "itemToAdd" else "removed"
            return Markup("{0} {1} {2}").format(verb, kind, _code(shown))
    return _code(text)


def _timeline_section(data: _Incident) -> Markup:
    entries = []
    for event in data.events:
        kind, label = _event_kind(event.event_type)
        refs = (
            Markup('<p class="refs">References: {}</p>').format(_join((_code(r) for r in event.references), ", "))
            if event.references
            else ""
        )
        edited = (
            Markup(' <span class="sub">edited {}</span>').format(_time(event.updated))
            if event.updated - event.time > 1 and not event.event_type.startswith(AUTOMATIC_PREFIX)
            else ""
        )
        entries.append(
            Markup(
                '<li class="event event-{0}" data-event-type="{1}"><div class="when">{2}</div>'
                '<div class="what"><p class="type"><span class="kind kind-{0}">{3}</span> {1}{4}</p>{5}{6}</div></li>'
            ).format(kind, event.event_type, _time(event.time), label, edited, _event_body(event), refs)
        )
    note = (
        Markup('<p class="sub">Showing the newest {0} of {1} events.</p>').format(len(data.events), data.event_count)
        if data.event_count > len(data.events)
        else ""
    )
    body = (
        Markup('<ol class="timeline" reversed>{}</ol>').format(_join(entries))
        if entries
        else Markup('<p class="empty">No timeline events.</p>')
    )
    return Markup(
        '<section aria-labelledby="tl-h"><h2 id="tl-h">Timeline <span class="sub">newest first</span></h2>{0}{1}</section>'
    ).format(note, body)


def _cards(title: str, anchor: str, cards: list[Markup], empty: str) -> Markup:
    """A side section: one card per item (long ARNs wrap in a card where a table cell would be narrow)."""
    body = (
        Markup('<ul class="cards">{}</ul>').format(_join(cards))
        if cards
        else Markup('<p class="empty">{}</p>').format(empty)
    )
    return Markup('<section aria-labelledby="{0}"><h2 id="{0}">{1}</h2>{2}</section>').format(anchor, title, body)


def _items_section(data: _Incident) -> Markup:
    cards = [
        Markup('<li><p><span class="tag">{0}</span> {1}</p>{2}</li>').format(kind, title or "", _code(value))
        for kind, _key, value, title in data.items
    ]
    return _cards("Related items", "ri-h", cards, "No related items.")


def _executions_section(data: _Incident) -> Markup:
    cards = [
        Markup("<li><p><strong>{0}</strong> {1}</p>{2}</li>").format(
            e.document or "?",
            Markup('<span class="tag">{}</span>').format(e.status) if e.status else "",
            _definitions(
                [
                    ("Started", _time(e.started) if e.started else None),
                    ("Execution", _code(e.arn)),
                    *((name, _code(", ".join(values))) for name, values in sorted(e.parameters.items())),
                ]
            ),
        )
        for e in data.executions
    ]
    return _cards("Automation executions", "ae-h", cards, "No automation executions.")


def _findings_section(data: _Incident) -> Markup:
    cards = []
    for _finding_id, created, kind, details in data.findings:
        if kind == "cloudFormationStackUpdate":
            label, target = "CloudFormation stack update", _code(details.get("stackArn", ""))
        else:
            label = "CodeDeploy deployment"
            target = Markup("{0} in {1}").format(
                _code(details.get("deploymentId", "")), _code(details.get("deploymentGroupArn", ""))
            )
        cards.append(
            Markup("<li><p><strong>{0}</strong></p>{1}</li>").format(
                label,
                _definitions(
                    [
                        ("Resource", target),
                        ("Started", _time(details.get("startTime"))),
                        ("Ended", _time(details.get("endTime")) if details.get("endTime") else "still running"),
                        ("Found", _time(created)),
                    ]
                ),
            )
        )
    return _cards("Findings", "fi-h", cards, "No findings.")


__all__ = ["PREFIX", "handle", "incident_data", "loopback_host", "overview_data"]
