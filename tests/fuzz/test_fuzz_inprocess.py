"""Model-driven fuzzing of all 31 operations in process: through boto3, and as raw rest-json requests.

Every example starts from a fresh backend seeded with one of each resource, sends one valid or
hostile input and checks the contract (see ``harness.check_answer``).
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote

import pytest
from botocore.exceptions import ClientError
from hypothesis import given
from hypothesis import strategies as st

from ssm_incidents_mock.protocol import Request
from ssm_incidents_mock.responses import handle
from ssm_incidents_mock.spec import SPEC
from tests.fuzz.harness import (
    COUNTER,
    build_world,
    call,
    check_answer,
    client,
    focus,
    fuzz_settings,
    pending,
    reset_backend,
    snapshot,
)
from tests.fuzz.model import output_problems, request

OPERATIONS = sorted(SPEC.operations)
HOST = "ssm-incidents.us-east-1.amazonaws.com"
AUTH = "AWS4-HMAC-SHA256 Credential=FOOBARKEY/20240101/us-east-1/ssm-incidents/aws4_request, SignedHeaders=host, Signature=0"
FUZZ = fuzz_settings(ci_examples=20, long_examples=120)

_clients: dict[str, Any] = {}


def _client() -> Any:
    if "c" not in _clients:
        _clients["c"] = client()
    return _clients["c"]


def test_every_operation_is_fuzzed() -> None:
    assert len(OPERATIONS) == 31
    assert not [op for op in OPERATIONS if pending(op)], "operations still excluded as not implemented"


@pytest.mark.parametrize("op_name", OPERATIONS)
@FUZZ
@given(data=st.data())
def test_boto3_input_fuzz(mocked_ssm_incidents: Any, op_name: str, data: st.DataObject) -> None:
    reset_backend()
    c = _client()
    world = focus(build_world(c, "in-process boto3", op_name != "CreateReplicationSet"), op_name)
    params, broken = data.draw(request(op_name, world, "boto3"), label="input")
    before = snapshot()
    outcome = call(c, op_name, params)
    COUNTER.add("in-process boto3")
    check_answer(op_name, params, broken, outcome, before, snapshot())


# --------------------------------------------------------------------------- raw rest-json


def encode_request(op_name: str, params: dict[str, Any], ascii_json: bool = True) -> Request:
    """``params`` on the wire as botocore would put them, but without any checking."""
    op = SPEC.operations[op_name]
    path = op.request_uri.split("?", 1)[0]
    query: list[str] = []
    body: dict[str, Any] = {}
    for name, value in params.items():
        member = SPEC.model.operation_model(op_name).input_shape.members.get(name)
        location = member.serialization.get("location") if member is not None else None
        wire = member.serialization.get("name", name) if member is not None else name
        if location == "uri":
            path = path.replace("{" + wire + "}", quote(str(value), safe=""))
        elif location == "querystring":
            for item in value if isinstance(value, list) else [value]:
                query.append(f"{quote(wire)}={quote(str(item), safe='')}")
        else:
            body[name] = value
    for label in [p for p in path.split("/") if p.startswith("{")]:
        path = path.replace(label, "")
    text = json.dumps(body, ensure_ascii=ascii_json) if body or op.body_members else ""
    headers = {"Content-Type": "application/x-amz-json-1.1", "Authorization": AUTH}
    return Request(op.method, path, "&".join(query), headers, text.encode("utf-8", "surrogatepass"))


def send_raw(request_: Request) -> tuple[int, dict[str, str], bytes]:
    COUNTER.add("in-process raw")
    return handle(request_, HOST)


def check_raw_answer(
    op_name: str, params: Any, broken: bool, answer: tuple[int, dict[str, str], bytes], before: Any, after: Any
) -> None:
    """The contract on the wire: JSON error bodies with modeled codes, or a shaped success body."""
    op = SPEC.operations[op_name]
    status, headers, body = answer
    if status >= 400:
        code = headers.get("x-amzn-ErrorType", "")
        payload = json.loads(body)
        if pending(op_name) and code == "InternalServerException":
            return
        error = ClientError(
            {
                "Error": {"Code": code, "Message": payload.get("message", "")},
                "ResponseMetadata": {"HTTPStatusCode": status},
            },
            op_name,
        )
        check_answer(op_name, params, broken, error, before, after)
        return
    assert not broken, f"{op_name} accepted an input that breaks the model: {params!r}"
    assert status == op.success_status, (op_name, status)
    if status == 204:
        assert body == b""
        return
    problems = output_problems(SPEC.model.operation_model(op_name).output_shape, json.loads(body), parsed=False)
    assert not problems, (op_name, problems)


@pytest.mark.parametrize("op_name", OPERATIONS)
@FUZZ
@given(data=st.data())
def test_raw_input_fuzz(mocked_ssm_incidents: Any, op_name: str, data: st.DataObject) -> None:
    reset_backend()
    world = focus(build_world(_client(), "in-process raw", op_name != "CreateReplicationSet"), op_name)
    params, broken = data.draw(request(op_name, world, "raw"), label="input")
    ascii_json = data.draw(st.booleans(), label="ascii_json")
    before = snapshot()
    answer = send_raw(encode_request(op_name, params, ascii_json))
    check_raw_answer(op_name, params, broken, answer, before, snapshot())
