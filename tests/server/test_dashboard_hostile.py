"""The dashboard against stored values that broke it, odd query strings, failures and large records.

Each test is the regression test of one finding of a review (no 5xx for anything a client stored,
every answer with the security headers, a 304 that renders nothing, capped lists).
"""

from __future__ import annotations

import math
import re
import time
import urllib.error
import urllib.request
from datetime import datetime, timezone
from html import unescape
from typing import Any

import pytest
from werkzeug.test import Client

from ssm_incidents_mock import SSMIncidentsMock
from ssm_incidents_mock.core.context import RequestContext
from ssm_incidents_mock.dashboard import incidents, render
from ssm_incidents_mock.server import ThreadedSSMIncidentsServer
from ssm_incidents_mock.ssm_incidents.models import ssmincidents_backends
from tests.support.dashboard import ACCOUNT, OVERVIEW, PREFIX, dashboard_client, get

pytestmark = pytest.mark.usefixtures("lenient")

STACK = f"arn:aws:cloudformation:us-east-1:{ACCOUNT}:stack/web/1"


@pytest.fixture
def browser() -> Client:
    """A client whose requests carry a loopback Host, as a local browser's do."""
    return dashboard_client()


@pytest.fixture
def incident(ssm_incidents: Any) -> str:
    ssm_incidents.create_replication_set(regions={"us-east-1": {}})
    plan = ssm_incidents.create_response_plan(name="web", incidentTemplate={"title": "web", "impact": 3})["arn"]
    arn: str = ssm_incidents.start_incident(responsePlanArn=plan)["incidentRecordArn"]
    return arn


def _page(browser: Client, arn: str, headers: dict[str, str] | None = None, **query: str) -> Any:
    return get(browser, f"{PREFIX}/incident", query_string={"arn": arn, **query}, headers=headers or {})


def _assert_security_headers(response: Any) -> None:
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"


# --- stored values the page once parsed ----------------------------------------------------------


def test_a_title_that_looks_like_a_related_item_update_is_shown_as_text(
    ssm_incidents: Any, incident: str, browser: Client
) -> None:
    title = '{"itemToAdd":{"identifier":"x"}}'
    ssm_incidents.update_incident_record(arn=incident, title=title)
    page = _page(browser, incident)
    assert page.status_code == 200
    assert f'<span class="attr">title</span> → <code>{title.replace(chr(34), "&#34;")}</code>' in page.text
    assert unescape(re.search(r'<h1 class="incident-title">(.*?)</h1>', page.text).group(1)) == title  # type: ignore[union-attr]


def test_deeply_nested_event_data_is_shown_as_its_text(ssm_incidents: Any, incident: str, browser: Client) -> None:
    nested = "[" * 1200 + "]" * 1200
    ssm_incidents.create_timeline_event(
        incidentRecordArn=incident, eventTime=time.time(), eventType="Custom Event", eventData=nested
    )
    ssm_incidents.create_timeline_event(
        incidentRecordArn=incident, eventTime=time.time(), eventType="Note", eventData='"a\\"'
    )
    page = _page(browser, incident)
    assert page.status_code == 200
    assert f"<pre>{nested}</pre>" in page.text
    assert '<p class="event-text">&#34;a\\&#34;</p>' in page.text  # not a JSON string: shown as typed


def test_event_data_holding_a_json_string_shows_the_string(ssm_incidents: Any, incident: str, browser: Client) -> None:
    ssm_incidents.create_timeline_event(
        incidentRecordArn=incident, eventTime=time.time(), eventType="Note", eventData='"rolled back \\"v42\\""'
    )
    assert '<p class="event-text">rolled back &#34;v42&#34;</p>' in _page(browser, incident).text


@pytest.mark.parametrize("before", ["²", "١٢", "+5", " 5", "1_000", "5.0", "", "1" * 19])
def test_a_page_cursor_that_is_not_ascii_digits_is_a_400(incident: str, browser: Client, before: str) -> None:
    response = get(browser, OVERVIEW, query_string={"before": before})
    assert response.status_code == 400
    assert "must be a positive number" in response.text
    _assert_security_headers(response)


@pytest.mark.parametrize(
    "times",
    [
        {"start_time": 1e13},
        {"start_time": math.nan},
        {"start_time": math.inf},
        {"start_time": -1.0},
        {"start_time": 10**400},
        {"start_time": True},
        {"end_time": 253402300800.0},
        {"creation_time": math.nan},
    ],
    ids=repr,
)
def test_a_finding_time_the_api_could_not_carry_is_refused(
    ssm_incidents: Any, incident: str, browser: Client, times: dict[str, Any]
) -> None:
    mock = SSMIncidentsMock()
    (name,) = times
    with pytest.raises(ValueError, match=f"^{name} must be a time from 1970-01-01T00:00:00Z to 9999-12-31"):
        mock.add_finding(incident, cloudformation_stack_arn=STACK, **times)
    assert ssmincidents_backends[ACCOUNT]["aws"].incidents.get(incident).findings is None  # type: ignore[union-attr]
    latest = datetime(9999, 12, 31, 23, 59, 59, tzinfo=timezone.utc)
    found = mock.add_finding(incident, cloudformation_stack_arn=STACK, start_time=latest.timestamp())
    answer = ssm_incidents.batch_get_incident_findings(incidentRecordArn=incident, findingIds=[found])
    assert answer["findings"][0]["details"]["cloudFormationStackUpdate"]["startTime"] == latest
    page = _page(browser, incident)
    assert page.status_code == 200 and '<time datetime="9999-12-31T23:59:59.000Z">' in page.text


# --- errors ------------------------------------------------------------------------------------------


def test_a_failing_page_is_a_500_with_the_security_headers(
    incident: str, browser: Client, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def broken(*args: Any) -> Any:
        raise RuntimeError("a bug in the dashboard")

    monkeypatch.setattr(incidents, "overview", broken)
    response = get(browser, OVERVIEW)
    assert response.status_code == 500
    assert "The dashboard failed on this page" in response.text and "a bug in the dashboard" not in response.text
    _assert_security_headers(response)
    assert "a bug in the dashboard" in caplog.text  # the traceback goes to the server's log


@pytest.mark.parametrize("method", ["POST", "PUT", "DELETE", "PATCH", "OPTIONS"])
def test_writes_are_405_with_allow_on_every_dashboard_path(browser: Client, method: str) -> None:
    for url in (PREFIX, OVERVIEW, f"{PREFIX}/nowhere", f"{PREFIX}/static/dashboard.js"):
        response = browser.open(url, method=method, headers={"Host": "localhost"})
        assert response.status_code == 405, url
        assert response.headers["Allow"] == "GET, HEAD"
        _assert_security_headers(response)


def test_the_server_answers_405_for_writes_to_the_dashboard(incident: str) -> None:
    with ThreadedSSMIncidentsServer() as server:
        request = urllib.request.Request(server.url + OVERVIEW, data=b"x", method="POST")
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(request, timeout=10)
        assert refused.value.code == 405
        assert refused.value.headers["Allow"] == "GET, HEAD"


# --- refresh and large records -------------------------------------------------------------------


def test_an_unchanged_refresh_renders_nothing(
    ssm_incidents: Any, incident: str, browser: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = _page(browser, incident, fragment="1")
    tag = first.headers["ETag"]
    rendered: list[str] = []
    get_template = render.environment.get_template

    def counting(name: str, *args: Any, **kwargs: Any) -> Any:
        rendered.append(name)
        return get_template(name, *args, **kwargs)

    monkeypatch.setattr(render.environment, "get_template", counting)
    unchanged = _page(browser, incident, fragment="1", headers={"If-None-Match": tag, "Host": "localhost"})
    assert unchanged.status_code == 304 and unchanged.data == b"" and unchanged.headers["ETag"] == tag
    assert rendered == []
    ssm_incidents.update_related_items(
        incidentRecordArn=incident,
        relatedItemsUpdate={"itemToAdd": {"identifier": {"type": "OTHER", "value": {"url": "https://x/1"}}}},
    )
    changed = _page(browser, incident, fragment="1", headers={"If-None-Match": tag, "Host": "localhost"})
    assert changed.status_code == 200 and changed.headers["ETag"] != tag
    assert rendered[:1] == ["incident_live.html"]  # only the live part (and the templates it imports)


def test_related_items_findings_and_executions_are_capped(incident: str, browser: Client) -> None:
    backend = ssmincidents_backends[ACCOUNT]["aws"]
    ctx = RequestContext(ACCOUNT, "us-east-1")
    extra = incidents.MAX_ITEMS + 20
    with backend.lock:
        for i in range(extra):
            item = {"identifier": {"type": "OTHER", "value": {"url": f"https://example.com/{i}"}}}
            backend.update_related_items(ctx, incident, {"itemToAdd": item})
        record = backend.incidents.get(incident)
        assert record is not None
        runs = [
            {"ssmExecutionArn": f"arn:aws:ssm:us-east-1:{ACCOUNT}:automation-execution/e-{i}"} for i in range(extra)
        ]
        record.automation_executions = tuple(runs)
    mock = SSMIncidentsMock()
    for _ in range(extra):
        mock.add_finding(incident, cloudformation_stack_arn=STACK)
    html = _page(browser, incident).text
    limit = incidents.MAX_ITEMS
    assert f"Showing the newest {limit} of {extra + 1} related items." in html  # and the parent OpsItem
    assert f"Showing the newest {limit} of {extra} findings." in html
    assert f"Showing the newest {limit} of {extra} automation executions." in html
    shown_items = html.split('id="ri-h"', 1)[1].split("</section>", 1)[0]
    assert f"https://example.com/{extra - 1}<" in shown_items and "https://example.com/19<" not in shown_items
    assert f"automation-execution/e-{extra - 1}<" in html and "automation-execution/e-19<" not in html
    assert html.count("<strong>CloudFormation stack update</strong>") == limit


# --- the replication set --------------------------------------------------------------------------


def _set_statuses(html: str) -> list[str]:
    return re.findall(r'<span class="badge status-(\w+)">', html.split('id="rs-h"', 1)[1].split("</section>", 1)[0])


def test_the_replication_set_shows_the_status_the_api_reads(ssm_incidents: Any, incident: str, browser: Client) -> None:
    """What the next GetReplicationSet answers, and looking does not move it on: never CREATING once read ACTIVE."""
    arn = ssm_incidents.list_replication_sets()["replicationSetArns"][0]
    for _ in range(3):
        shown = _set_statuses(get(browser, OVERVIEW).text)
        assert _set_statuses(get(browser, OVERVIEW).text) == shown
        read = ssm_incidents.get_replication_set(arn=arn)["replicationSet"]
        assert shown == [read["status"].lower(), read["regionMap"]["us-east-1"]["status"].lower()]
    assert shown == ["active", "active"]
