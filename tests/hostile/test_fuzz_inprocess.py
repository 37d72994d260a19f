"""Model-driven fuzzing of all 31 operations in process: through boto3, and as raw rest-json requests.

Every example starts from a fresh backend seeded with one of each resource, sends one valid or
hostile input and checks the contract (see ``tests.support.fuzz.check_answer``).
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from botocore.exceptions import ClientError
from hypothesis import given
from hypothesis import strategies as st

from ssm_incidents_mock.core.wire.http import Request
from ssm_incidents_mock.ssm_incidents import SPEC
from ssm_incidents_mock.ssm_incidents.responses import dispatch
from tests.support.fuzz import (
    COUNTER,
    EMPTY_OUTPUT_MAP,
    HOST,
    build_world,
    call,
    check_answer,
    client,
    encode_request,
    focus,
    fuzz_settings,
    pending,
    reset_backend,
    snapshot,
)
from tests.support.shapes import output_problems
from tests.support.strategies import request

# These tests are about input fuzzing, not about onboarding: they opt into lenient mode.
pytestmark = pytest.mark.usefixtures("lenient")

OPERATIONS = sorted(SPEC.operations)
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


def send_raw(request_: Request) -> tuple[int, dict[str, str], bytes]:
    COUNTER.add("in-process raw")
    return dispatch(request_, HOST)


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
    problems = [p for p in output_problems(op_name, json.loads(body), parsed=False) if not p.endswith(EMPTY_OUTPUT_MAP)]
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
