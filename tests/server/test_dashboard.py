"""The dashboard's pages through werkzeug's test client: escaping, headers, Host check, paging, filters, refresh."""

from __future__ import annotations

import re
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from html import unescape
from typing import Any

import pytest
from werkzeug.test import Client

from ssm_incidents_mock.core.context import RequestContext
from ssm_incidents_mock.core.hosts import host_name, is_loopback
from ssm_incidents_mock.dashboard import incidents, render
from ssm_incidents_mock.server import ThreadedSSMIncidentsServer
from ssm_incidents_mock.ssm_incidents.models import SSMIncidentsBackend, ssmincidents_backends
from tests.support import wait_active
from tests.support.dashboard import ACCOUNT, OVERVIEW, PREFIX, dashboard_client, get

# These tests are about the dashboard, not about onboarding: they opt into lenient mode.
pytestmark = pytest.mark.usefixtures("lenient")

XSS = "<script>alert(1)</script>"


@pytest.fixture
def browser() -> Client:
    """A client whose requests carry a loopback Host, as a local browser's do."""
    return dashboard_client()


@pytest.fixture
def plan(ssm_incidents: Any) -> str:
    ssm_incidents.create_replication_set(regions={"us-east-1": {}})
    arn: str = ssm_incidents.create_response_plan(name="web", incidentTemplate={"title": "web", "impact": 3})["arn"]
    return arn


def _backend() -> SSMIncidentsBackend:
    return ssmincidents_backends[ACCOUNT]["aws"]


def _rows(html: str) -> list[str]:
    """The incident titles of an overview page, top to bottom."""
    return [unescape(t) for t in re.findall(r'<td class="title"><a href="[^"]*">(.*?)</a></td>', html)]


def _older(html: str) -> str | None:
    match = re.search(r'<a href="([^"]*)" rel="next">', html)
    return unescape(match.group(1)) if match else None


# --- escaping and headers -----------------------------------------------------------------------


def test_stored_text_is_escaped_everywhere(ssm_incidents: Any, plan: str, browser: Client) -> None:
    arn = ssm_incidents.start_incident(responsePlanArn=plan, title=XSS)["incidentRecordArn"]
    ssm_incidents.update_incident_record(arn=arn, summary='"><img src=x onerror=alert(2)>')
    ssm_incidents.create_timeline_event(
        incidentRecordArn=arn, eventTime=time.time(), eventType="Note", eventData="<b>bold</b> & co"
    )
    ssm_incidents.update_related_items(
        incidentRecordArn=arn,
        relatedItemsUpdate={
            "itemToAdd": {"identifier": {"type": "OTHER", "value": {"url": "https://x/?a=<i>"}}, "title": "<u>t</u>"}
        },
    )
    overview = get(browser, OVERVIEW).text
    page = get(browser, f"{PREFIX}/incident", query_string={"arn": arn}).text
    for html in (overview, page):
        assert XSS not in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert XSS in _rows(overview)
    assert "<img" not in page and "&#34;&gt;&lt;img src=x onerror=alert(2)&gt;" in page
    assert "<b>bold</b>" not in page and "&lt;b&gt;bold&lt;/b&gt; &amp; co" in page
    assert "<u>t</u>" not in page and "&lt;u&gt;t&lt;/u&gt;" in page
    assert "<i>" not in page


def test_every_answer_carries_the_security_headers(plan: str, browser: Client) -> None:
    for url in (PREFIX, OVERVIEW, f"{PREFIX}/nowhere", f"{PREFIX}/static/dashboard.js"):
        response = get(browser, url)
        csp = response.headers["Content-Security-Policy"]
        assert "default-src 'self'" in csp and "script-src 'self'" in csp and "unsafe-inline" not in csp
        assert "frame-ancestors 'none'" in csp
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["X-Frame-Options"] == "DENY"
    assert get(browser, f"{PREFIX}/nowhere").status_code == 404


def test_pages_use_only_packaged_assets(plan: str, browser: Client) -> None:
    html = get(browser, OVERVIEW).text
    assert "<script>" not in html  # no inline script: the policy would block it anyway
    linked = re.findall(r'(?:src|href)="([^"]*)"', html)
    assert linked and all(url.startswith(("/", "#")) for url in linked), linked
    assert set(render.ASSETS) == {"dashboard.css", "dashboard.js", "icon.svg"}
    for name, media_type in render.ASSETS.items():
        asset = get(browser, f"{PREFIX}/static/{name}")
        assert asset.status_code == 200 and asset.headers["Content-Type"].startswith(media_type.split(";")[0])
        assert not re.search(rb"(?:https?:)?//[a-z]", asset.data.replace(b"http://www.w3.org/2000/svg", b"")), name
    assert get(browser, f"{PREFIX}/static/../app.py").status_code == 404
    assert get(browser, f"{PREFIX}/static/dashboard.py").status_code == 404


# --- who may ask, and how ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("host", "allowed"),
    [
        ("127.0.0.1:5050", True),
        ("127.3.4.5", True),
        ("localhost:8000", True),
        ("LOCALHOST", True),
        ("LOCALHOST.", True),
        ("app.localhost:5050", True),
        ("[::ffff:127.0.0.1]:5050", True),
        ("[::1]:5050", True),
        ("[::1]", True),
        ("", False),
        ("example.com", False),
        ("10.0.0.5:5050", False),
        ("localhost.example.com", False),
        ("127.0.0.1.example.com", False),
        ("[::1]evil", False),
        ("[::ffff:10.0.0.5]", False),
        ("127.0.0.1:http", False),
    ],
)
def test_only_loopback_hosts_are_served(browser: Client, host: str, allowed: bool) -> None:
    """The dashboard asks the one loopback test of the package (the server's)."""
    name = host_name(host)
    assert (name is not None and is_loopback(name)) is allowed
    response = browser.get(PREFIX, headers={"Host": host})
    assert response.status_code == (200 if allowed else 403)


def test_head_answers_headers_only(plan: str, browser: Client) -> None:
    head = browser.head(OVERVIEW, headers={"Host": "localhost"})
    assert head.status_code == 200 and head.data == b""


def test_root_links_to_the_dashboard(browser: Client) -> None:
    response = get(browser, "/")
    assert response.status_code == 302
    assert response.headers["Location"] == PREFIX
    assert f'href="{PREFIX}"' in response.text


# --- index and overview ------------------------------------------------------------------------


def test_index_lists_accounts_holding_data(ssm_incidents: Any, browser: Client) -> None:
    assert "No Incident Manager data yet" in get(browser, PREFIX).text
    ssm_incidents.create_response_plan(name="web", incidentTemplate={"title": "web", "impact": 3})
    html = get(browser, PREFIX).text
    assert f'<a href="{OVERVIEW}">{ACCOUNT}</a>' in html
    assert "No Incident Manager data yet" not in html


def test_overview_shows_the_replication_set_plans_and_incidents(ssm_incidents: Any, plan: str, browser: Client) -> None:
    html = get(browser, OVERVIEW).text  # never read since it was created, and ACTIVE already
    assert '<th scope="row">us-east-1</th><td><span class="badge status-active">ACTIVE</span>' in html
    wait_active(ssm_incidents, ssm_incidents.list_replication_sets()["replicationSetArns"][0])
    first = ssm_incidents.start_incident(responsePlanArn=plan, title="first", impact=2)["incidentRecordArn"]
    ssm_incidents.start_incident(responsePlanArn=plan, title="second")
    ssm_incidents.update_incident_record(arn=first, status="RESOLVED")
    html = get(browser, OVERVIEW).text
    assert _rows(html) == ["second", "first"]
    assert "2 incidents: 1 open, 1 resolved." in html
    assert '<th scope="row">us-east-1</th><td><span class="badge status-active">ACTIVE</span>' in html
    assert '<tr id="plan-web"><th scope="row">web</th>' in html
    assert f'href="{PREFIX}/incident?arn={first}"' in html
    assert get(browser, f"{PREFIX}/account/999/aws").status_code == 404
    assert get(browser, f"{PREFIX}/account/{ACCOUNT}/aws-moon").status_code == 404


def test_filters_by_status_and_impact(ssm_incidents: Any, plan: str, browser: Client) -> None:
    arns = {}
    for title, impact in (("a", 1), ("b", 2), ("c", 3), ("d", 1)):
        arns[title] = ssm_incidents.start_incident(responsePlanArn=plan, title=title, impact=impact)[
            "incidentRecordArn"
        ]
    ssm_incidents.update_incident_record(arn=arns["a"], status="RESOLVED")
    assert _rows(get(browser, OVERVIEW, query_string="status=RESOLVED").text) == ["a"]
    assert _rows(get(browser, OVERVIEW, query_string="status=OPEN").text) == ["d", "c", "b"]
    assert _rows(get(browser, OVERVIEW, query_string="impact=1&impact=2").text) == ["d", "b", "a"]
    assert _rows(get(browser, OVERVIEW, query_string="status=OPEN&impact=1").text) == ["d"]
    assert _rows(get(browser, OVERVIEW, query_string="status=OPEN&status=RESOLVED").text) == ["d", "c", "b", "a"]
    checked = get(browser, OVERVIEW, query_string="impact=2").text
    assert '<input type="checkbox" name="impact" value="2" checked>' in checked
    for bad in ("status=open", "impact=6", "impact=x", "before=-1", "before=abc"):
        response = get(browser, OVERVIEW, query_string=bad)
        assert response.status_code == 400, bad


@pytest.fixture
def many(plan: str) -> Iterator[list[str]]:
    """10,000 incidents started through the backend (boto3 would take minutes), every third resolved."""
    backend = _backend()
    ctx = RequestContext(ACCOUNT, "us-east-1")
    titles = []
    with backend.lock:
        for i in range(10_000):
            arn = backend.start_incident(ctx, plan, title=f"incident {i}", impact=1 + i % 5)
            if i % 3 == 0:
                backend.update_incident_record(ctx, arn, status="RESOLVED")
            titles.append(f"incident {i}")
    yield titles[::-1]


def test_paging_walks_a_seq_cursor_and_reads_one_page(
    many: list[str], browser: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    index = _backend().incidents
    walked: list[int] = []
    newest_first = index.newest_first

    def counting(filters: Any, before: int | None) -> Iterator[Any]:
        for record in newest_first(filters, before):
            walked.append(record.seq)
            yield record

    monkeypatch.setattr(index, "newest_first", counting)
    seen: list[str] = []
    url: str | None = OVERVIEW
    pages = 0
    while url is not None and pages < 3:
        walked.clear()
        html = get(browser, url).text
        rows = _rows(html)
        assert len(rows) == incidents.PAGE_SIZE
        assert len(walked) == incidents.PAGE_SIZE + 1  # one more than shown, to know an older page exists
        seen += rows
        url = _older(html)
        pages += 1
    assert seen == many[: 3 * incidents.PAGE_SIZE]
    assert url is not None and "before=" in url
    assert "&laquo; Newest" in get(browser, url).text


def test_paging_keeps_the_filter_and_ends(many: list[str], browser: Client) -> None:
    resolved_critical = [t for t in many if int(t.split()[1]) % 3 == 0 and int(t.split()[1]) % 5 == 0]
    url: str | None = f"{OVERVIEW}?status=RESOLVED&impact=1"
    seen: list[str] = []
    for _ in range(20):
        if url is None:
            break
        html = get(browser, url).text
        seen += _rows(html)
        url = _older(html)
        if url is not None:
            assert "status=RESOLVED" in url and "impact=1" in url
    assert url is None
    assert seen == resolved_critical and len(seen) == 667


# --- incident page ---------------------------------------------------------------------------------


def test_incident_page_shows_record_timeline_items_and_tags(ssm_incidents: Any, plan: str, browser: Client) -> None:
    arn = ssm_incidents.start_incident(responsePlanArn=plan, title="db down")["incidentRecordArn"]
    ssm_incidents.create_timeline_event(
        incidentRecordArn=arn, eventTime=time.time(), eventType="Note", eventData="restarted primary"
    )
    ssm_incidents.update_incident_record(arn=arn, impact=1)
    ssm_incidents.tag_resource(resourceArn=arn, tags={"team": "db"})
    html = get(browser, f"{PREFIX}/incident", query_string={"arn": arn}).text
    assert '<h1 class="incident-title">db down</h1>' in html
    types = re.findall(r'<li class="event event-(\w+)" data-event-type="([^"]+)"', html)
    assert ("note", "Note") in types
    assert ("auto", "SSM Incident Record Update") in types
    assert ("custom", "Custom Event") in types  # the "Incident Started" marker
    assert types[0] == ("auto", "SSM Incident Record Update")  # newest first: the impact change
    assert '<span class="attr">impact</span> → <code>1</code>' in html
    assert "restarted primary" in html and "Incident Started" in html
    assert '<span class="tag">team=db</span>' in html
    assert '<span class="tag">PARENT</span>' in html  # the OpsItem every incident gets
    unknown = arn[:-4] + "0000"
    assert get(browser, f"{PREFIX}/incident", query_string={"arn": unknown}).status_code == 404
    assert get(browser, f"{PREFIX}/incident", query_string={"arn": "nonsense"}).status_code == 404


# --- self-refresh -------------------------------------------------------------------------------


def test_fragment_polling_is_conditional(ssm_incidents: Any, plan: str, browser: Client) -> None:
    page = get(browser, OVERVIEW).text
    etag = re.search(r'<div id="live" data-etag="([^"]+)"', page)
    assert etag is not None
    tag = unescape(etag.group(1))
    fragment = get(browser, OVERVIEW, query_string="fragment=1")
    assert fragment.status_code == 200 and "<html" not in fragment.text and "No incidents yet." in fragment.text
    assert fragment.headers["ETag"] == tag
    unchanged = get(browser, OVERVIEW, query_string="fragment=1", headers={"If-None-Match": tag, "Host": "localhost"})
    assert unchanged.status_code == 304 and unchanged.data == b""
    ssm_incidents.start_incident(responsePlanArn=plan, title="new one")
    changed = get(browser, OVERVIEW, query_string="fragment=1", headers={"If-None-Match": tag, "Host": "localhost"})
    assert changed.status_code == 200 and _rows(changed.text) == ["new one"]
    assert changed.headers["ETag"] != tag


# --- through the HTTP server ------------------------------------------------------------------------


def test_the_server_routes_the_dashboard(plan: str) -> None:
    with ThreadedSSMIncidentsServer() as server:
        with urllib.request.urlopen(server.url + OVERVIEW, timeout=10) as response:
            assert response.status == 200
            assert response.headers["Content-Type"] == "text/html; charset=utf-8"
            assert "<h1>Account 123456789012 · aws</h1>" in response.read().decode()
        head = urllib.request.Request(server.url + PREFIX, method="HEAD")
        with urllib.request.urlopen(head, timeout=10) as response:
            assert response.status == 200 and response.read() == b""
        html_root = urllib.request.Request(server.url + "/", headers={"Accept": "text/html,*/*;q=0.8"})
        with urllib.request.urlopen(html_root, timeout=10) as response:
            assert response.url == server.url + PREFIX
        port = server.port_number
        forged = urllib.request.Request(server.url + PREFIX, headers={"Host": f"attacker.example:{port}"})
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(forged, timeout=10)
        assert refused.value.code == 403


def test_a_host_the_user_allowed_reaches_the_dashboard_too(plan: str) -> None:
    with ThreadedSSMIncidentsServer(allowed_hosts=["incidents.test"]) as server:
        allowed = urllib.request.Request(
            server.url + OVERVIEW, headers={"Host": f"incidents.test:{server.port_number}"}
        )
        with urllib.request.urlopen(allowed, timeout=10) as response:
            assert response.status == 200 and "Account 123456789012" in response.read().decode()
