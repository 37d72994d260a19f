"""The JSON 1.1 protocol (ssm-contacts' wire), checked against botocore's own serializer and parser."""

from __future__ import annotations

import json
from typing import Any

import botocore.session
import pytest
from botocore.parsers import create_parser
from botocore.serialize import create_serializer

from ssm_incidents_mock.core.exceptions import InternalServerException, ValidationException
from ssm_incidents_mock.core.wire.http import Request, UnknownOperation
from ssm_incidents_mock.core.wire.json_rpc import JsonProtocol
from ssm_incidents_mock.ssm_contacts import SPEC

PROTOCOL = JsonProtocol(SPEC)
MODEL = botocore.session.get_session().get_service_model("ssm-contacts")


def botocore_request(operation: str, params: dict[str, Any]) -> Request:
    """The request botocore would send for ``operation``."""
    serialized = create_serializer("json").serialize_to_request(params, MODEL.operation_model(operation))
    return Request(serialized["method"], serialized["url_path"], "", serialized["headers"], serialized["body"])


def botocore_parse(operation: str, answer: tuple[int, dict[str, str], bytes]) -> dict[str, Any]:
    """The answer as botocore's endpoint parses it, modeled error members included."""
    status, headers, body = answer
    response = {"status_code": status, "headers": headers, "body": body}
    parser = create_parser("json")
    parsed: dict[str, Any] = parser.parse(response, MODEL.operation_model(operation).output_shape)
    if status >= 300:
        error_shape = MODEL.shape_for_error_code(parsed["Error"]["Code"])
        if error_shape is not None:
            parsed.update(parser.parse(response, error_shape))
    return parsed


def test_routes_by_target_and_parses_the_body() -> None:
    request = botocore_request("GetContact", {"ContactId": "arn:aws:ssm-contacts:us-east-1:111122223333:contact/a"})
    op, labels = PROTOCOL.route(request)
    assert (op.name, labels) == ("GetContact", {})
    assert PROTOCOL.parse(op, labels, request) == {"ContactId": "arn:aws:ssm-contacts:us-east-1:111122223333:contact/a"}


@pytest.mark.parametrize(
    ("method", "path", "target"),
    [
        ("POST", "/", "SSMContacts.NoSuchThing"),
        ("POST", "/", "SSMIncidents.GetContact"),
        ("GET", "/", "SSMContacts.GetContact"),
    ],
)
def test_unknown_targets_are_refused(method: str, path: str, target: str) -> None:
    with pytest.raises(UnknownOperation) as caught:
        PROTOCOL.route(Request(method, path, "", {"X-Amz-Target": target}, b"{}"))
    status, _, body = PROTOCOL.render_unknown(caught.value)
    assert status == 400 and json.loads(body)["__type"] == "UnknownOperationException"


def test_constraint_violations_name_their_fields() -> None:
    request = botocore_request("GetContact", {"ContactId": "not-an-arn"})
    op, labels = PROTOCOL.route(request)
    with pytest.raises(ValidationException) as caught:
        PROTOCOL.parse(op, labels, request)
    parsed = botocore_parse("GetContact", PROTOCOL.render_error(op, caught.value))
    error = parsed["Error"]
    assert error["Code"] == "ValidationException"
    assert "at 'ContactId' failed to satisfy constraint" in error["Message"]
    assert parsed["Reason"] == "FIELD_VALIDATION_FAILED"
    assert parsed["Fields"][0]["Name"] == "ContactId"


def test_errors_carry_type_status_members_and_retry_after() -> None:
    from ssm_incidents_mock.core.exceptions import ServiceError

    class Throttled(ServiceError):
        code = "ThrottlingException"

    op = SPEC.operations["ListContacts"]
    answer = PROTOCOL.render_error(
        op, Throttled("Slow down", QuotaCode="q", ServiceCode="ssm-contacts", RetryAfterSeconds=3)
    )
    status, headers, _ = answer
    assert status == 429 and headers["Retry-After"] == "3"
    parsed = botocore_parse("ListContacts", answer)
    assert parsed["Error"]["Code"] == "ThrottlingException" and parsed["Error"]["Message"] == "Slow down"
    assert parsed["RetryAfterSeconds"] == 3 and parsed["QuotaCode"] == "q"


def test_an_unmodeled_error_becomes_a_500() -> None:
    from ssm_incidents_mock.core.exceptions import ServiceError

    class Odd(ServiceError):
        code = "ServiceQuotaExceededException"  # GetContact does not model it

    status, _, body = PROTOCOL.render_error(SPEC.operations["GetContact"], Odd("no"))
    assert status == 500 and json.loads(body)["__type"] == "InternalServerException"
    status, _, body = PROTOCOL.render_error(None, InternalServerException("x"))
    assert status == 500 and json.loads(body)["Message"] == "x"


def test_results_render_by_the_output_shape() -> None:
    op = SPEC.operations["CreateContact"]
    status, headers, body = PROTOCOL.render_result(op, "arn:aws:ssm-contacts:us-east-1:111122223333:contact/a")
    assert (status, headers["Content-Type"]) == (200, "application/x-amz-json-1.1")
    assert botocore_parse("CreateContact", (status, headers, body))["ContactArn"].endswith("contact/a")


@pytest.mark.parametrize(("name", "ok"), [("Jöhn Dœ 2.x", True), ("", True), ("a/b", False), ("tab\there", False)])
def test_unicode_property_patterns_are_enforced(name: str, ok: bool) -> None:
    """ssm-contacts' DisplayName pattern uses ``\\p{L}\\p{Z}\\p{N}``, which Python's ``re`` cannot compile."""
    check = SPEC.operations["CreateContact"].check
    assert check is not None
    errors: list[str] = []
    check({"Alias": "a", "Type": "PERSONAL", "Plan": {"Stages": []}, "DisplayName": name}, "", errors)
    assert (errors == []) is ok, errors
