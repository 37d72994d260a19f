"""The test bench's HTTP handlers (``core.control.handle``) and the clock, called directly."""

from __future__ import annotations

import json
import time
from typing import Any

import pytest
from botocore.exceptions import ClientError

from ssm_incidents_mock.core import clock, control
from tests.support import assert_error
from tests.testbench.conftest import make_client


def _post(subpath: str, body: Any) -> tuple[int, dict[str, Any]]:
    return control.handle("POST", subpath, json.dumps(body).encode())


def test_a_fault_added_over_http_answers_the_next_call(incidents: Any) -> None:
    status, answer = _post("faults", {"operation": "ListResponsePlans", "error": "ThrottlingException", "times": 1})
    assert status == 200
    rule = answer["fault"]
    assert rule["id"].startswith("fault-") and rule["targets"] == ["ssm-incidents:ListResponsePlans"]
    with pytest.raises(ClientError) as caught:
        incidents.list_response_plans()
    assert_error(caught, "ThrottlingException", 429)
    status, listed = control.handle("GET", "faults")
    assert status == 200 and [(r["id"], r["fired"], r["spent"]) for r in listed["faults"]] == [(rule["id"], 1, True)]
    assert control.handle("GET", f"faults/{rule['id']}")[1]["fault"]["seen"] == 1
    assert control.handle("DELETE", f"faults/{rule['id']}") == (200, {"removed": 1})
    assert control.handle("GET", f"faults/{rule['id']}")[0] == 404


def test_delete_faults_removes_every_rule(incidents: Any) -> None:
    _post("faults", {"operation": ["ListResponsePlans", "GetResponsePlan"], "error": "InternalServerException"})
    _post("faults", {"service": "ssm-contacts", "error": "ThrottlingException"})
    assert control.handle("DELETE", "faults") == (200, {"removed": 2})
    assert incidents.list_response_plans()["responsePlanSummaries"] == []


@pytest.mark.parametrize(
    ("body", "fragment"),
    [
        ({"operation": "GetIncidentRecord", "error": "ServiceQuotaExceededException"}, "does not model"),
        ({"operation": "StartIncident", "error": "ThrottlingException", "sleep": 1}, "Unknown fault argument"),
        ({"operation": "StartIncident", "error": "ThrottlingException", "times": "2"}, "times"),
        (["not", "an", "object"], "JSON object"),
    ],
)
def test_a_bad_fault_is_a_400_that_adds_nothing(body: Any, fragment: str, incidents: Any) -> None:
    status, answer = _post("faults", body)
    assert status == 400 and fragment in answer["message"]
    assert control.handle("GET", "faults")[1]["faults"] == []


def test_calls_over_http_filter_and_page_by_seq(incidents: Any, contacts: Any) -> None:
    incidents.list_response_plans()
    contacts.list_contacts()
    incidents.list_response_plans()
    status, answer = control.handle("GET", "calls", query="operation=ListResponsePlans")
    assert status == 200 and answer["limit"] >= 1000 and answer["dropped"] == 0
    calls = answer["calls"]
    assert [c["operation"] for c in calls] == ["ListResponsePlans", "ListResponsePlans"]
    assert calls[0]["output"] == {"responsePlanSummaries": []} and calls[0]["input"] == {}
    newer = control.handle("GET", "calls", query=f"since={calls[0]['seq']}")[1]["calls"]
    assert [c["operation"] for c in newer] == ["ListContacts", "ListResponsePlans"]
    assert control.handle("GET", "calls", query="service=ssm-contacts")[1]["calls"][0]["service"] == "ssm-contacts"
    json.dumps(answer)  # JSON-ready as it stands
    assert control.handle("DELETE", "calls") == (200, {"calls": []})
    assert control.handle("GET", "calls")[1]["calls"] == []


def test_a_recorded_error_is_listed_with_its_code(incidents: Any) -> None:
    with pytest.raises(ClientError):
        incidents.get_response_plan(arn="arn:aws:ssm-incidents::123456789012:response-plan/none")
    call = control.handle("GET", "calls", query="error=ResourceNotFoundException")[1]["calls"][0]
    assert call["error"]["code"] == "ResourceNotFoundException" and call["status"] == 404


@pytest.mark.parametrize(
    ("method", "subpath", "query", "status"),
    [
        ("GET", "nothing", "", 404),
        ("GET", "faults/a/b", "", 404),
        ("PUT", "faults", "", 405),
        ("POST", "calls", "", 405),
        ("DELETE", "clock", "", 405),
        ("GET", "calls", "since=x", 400),
        ("GET", "calls", "colour=red", 400),
    ],
)
def test_unknown_paths_methods_and_filters(method: str, subpath: str, query: str, status: int) -> None:
    answered, body = control.handle(method, subpath, b"", query)
    assert answered == status and body["message"]


def test_known_names_the_endpoints() -> None:
    assert all(control.known(path) for path in ("faults", "faults/fault-1", "calls", "clock"))
    assert not any(control.known(path) for path in ("state", "faults/a/b", "call"))


# --- the clock -------------------------------------------------------------------------------------


@pytest.fixture
def moved_clock() -> Any:
    yield clock
    clock.reset()


def test_the_clock_moves_forward_and_is_set_and_reset(moved_clock: Any) -> None:
    before = time.time()
    status, answer = _post("clock", {"advance": 3600})
    assert status == 200 and answer["offset"] == 3600.0 and answer["now"] >= before + 3600
    assert clock.now() >= before + 3600
    _post("clock", {"set": 2_000_000_000})
    assert 2_000_000_000 <= clock.now() < 2_000_000_000 + 60
    assert control.handle("GET", "clock")[1]["offset"] == pytest.approx(2_000_000_000 - time.time(), abs=60)
    assert _post("clock", {"reset": True})[1]["offset"] == 0.0


@pytest.mark.parametrize(
    "body", [{"advance": -1}, {"advance": "1"}, {"advance": float("inf")}, {"set": 1e300}, {"reset": 1}, {}, {"x": 1}]
)
def test_a_bad_clock_change_is_a_400_that_moves_nothing(body: Any, moved_clock: Any) -> None:
    status, answer = _post("clock", body)
    assert status == 400 and answer["message"]
    assert clock.offset() == 0.0


def test_reset_empties_the_bench(incidents: Any, moved_clock: Any) -> None:
    _post("faults", {"operation": "GetResponsePlan", "error": "ThrottlingException"})
    incidents.list_response_plans()
    clock.advance(10)
    control.reset()
    assert (control.handle("GET", "faults")[1]["faults"], control.handle("GET", "calls")[1]["calls"]) == ([], [])
    assert clock.offset() == 0.0


def test_moto_reset_empties_the_bench(incidents: Any, moved_clock: Any) -> None:
    from moto.core.base_backend import BackendDict

    _post("faults", {"operation": "GetResponsePlan", "error": "ThrottlingException"})
    make_client("ssm-incidents").list_response_plans()
    clock.advance(10)
    BackendDict.reset()
    assert (control.handle("GET", "faults")[1]["faults"], control.handle("GET", "calls")[1]["calls"]) == ([], [])
    assert clock.offset() == 0.0
