"""Routing: every operation from its model method and URI, labels, query strings and bodies."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import quote

import botocore.session
import pytest
from botocore.exceptions import ClientError
from botocore.serialize import create_serializer

from ssm_incidents_mock.core.exceptions import ValidationException
from ssm_incidents_mock.core.wire.http import Request, UnknownOperation, split_url
from ssm_incidents_mock.core.wire.model import OperationSpec
from ssm_incidents_mock.ssm_incidents import SPEC
from ssm_incidents_mock.ssm_incidents.responses import SERVICE
from tests.support import assert_error, unchecked

route = SERVICE.protocol.route
parse = SERVICE.protocol.parse

MODEL = botocore.session.get_session().get_service_model("ssm-incidents")
PLAN = "arn:aws:ssm-incidents::123456789012:response-plan/my-plan"


def parse_request(request: Request) -> tuple[OperationSpec, dict[str, Any]]:
    op, labels = route(request)
    return op, parse(op, labels, request)


def concrete_path(request_uri: str) -> str:
    path = request_uri.split("?", 1)[0]
    return re.sub(r"\{\w+\+?\}", quote(PLAN, safe=""), path)


def test_the_model_has_31_operations() -> None:
    assert len(MODEL.operation_names) == 31
    assert set(SPEC.operations) == set(MODEL.operation_names)


@pytest.mark.parametrize("name", sorted(MODEL.operation_names))
def test_every_operation_routes_from_its_model_binding(name: str) -> None:
    http = MODEL.operation_model(name).http
    routed = SPEC.route(http["method"], concrete_path(http["requestUri"]))
    assert routed is not None
    op, labels = routed
    assert op.name == name
    assert op.success_status == int(http.get("responseCode", 200))
    if "{" in http["requestUri"]:
        assert labels == {"resourceArn": quote(PLAN, safe="")}


def serialize(operation: str, params: dict[str, Any]) -> Request:
    """The request botocore itself would send."""
    serialized = create_serializer("rest-json").serialize_to_request(params, MODEL.operation_model(operation))
    query = "&".join(
        f"{k}={quote(v, safe='')}"
        for k, values in serialized["query_string"].items()
        for v in (values if isinstance(values, list) else [values])
    )
    return Request(serialized["method"], serialized["url_path"], query, serialized["headers"], serialized["body"])


def test_tags_path_carries_the_whole_encoded_arn() -> None:
    request = serialize("ListTagsForResource", {"resourceArn": PLAN})
    assert "%3A" in request.path and "%2F" in request.path
    op, params = parse_request(request)
    assert op.name == "ListTagsForResource"
    assert params == {"resourceArn": PLAN}
    op, params = parse_request(serialize("UntagResource", {"resourceArn": PLAN, "tagKeys": ["a", "b"]}))
    assert op.name == "UntagResource"
    assert params == {"resourceArn": PLAN, "tagKeys": ["a", "b"]}
    op, params = parse_request(serialize("TagResource", {"resourceArn": PLAN, "tags": {"k": "v"}}))
    assert (op.name, params) == ("TagResource", {"resourceArn": PLAN, "tags": {"k": "v"}})


def test_get_reads_the_query_string() -> None:
    arn = "arn:aws:ssm-incidents::123456789012:incident-record/p/abc"
    op, params = parse_request(serialize("GetIncidentRecord", {"arn": arn}))
    assert (op.name, params) == ("GetIncidentRecord", {"arn": arn})
    op, params = parse_request(
        Request("GET", "/getTimelineEvent", f"eventId=e1&incidentRecordArn={quote(arn, safe='')}", {}, None)
    )
    assert params == {"eventId": "e1", "incidentRecordArn": arn}


@pytest.mark.parametrize("body", [b"{}", b"", None, b"  "])
def test_list_body_may_be_empty_or_absent(body: bytes | None) -> None:
    op, params = parse_request(Request("POST", "/listIncidentRecords", "", {}, body))
    assert (op.name, params) == ("ListIncidentRecords", {})


def test_body_members_are_read_and_nulls_dropped() -> None:
    _op, params = parse_request(
        Request("POST", "/listIncidentRecords", "", {}, b'{"maxResults": 5, "nextToken": null, "junk": 1}')
    )
    assert params == {"maxResults": 5}


@pytest.mark.parametrize(("body", "fragment"), [(b"{not json", "could not be parsed"), (b"[1]", "JSON object")])
def test_bad_bodies_are_validation_errors(body: bytes, fragment: str) -> None:
    with pytest.raises(ValidationException, match=fragment):
        parse_request(Request("POST", "/listIncidentRecords", "", {}, body))


def test_unknown_routes() -> None:
    with pytest.raises(UnknownOperation) as exc_info:
        parse_request(Request("POST", "/noSuchOperation", "", {}, b"{}"))
    assert exc_info.value.status == 404
    with pytest.raises(UnknownOperation) as exc_info:
        parse_request(Request("PUT", "/startIncident", "", {}, b"{}"))
    assert exc_info.value.status == 405


def test_split_url_gives_host_path_and_query() -> None:
    url = "https://ssm-incidents.us-east-1.amazonaws.com/getResponsePlan?arn=x"
    assert split_url(url) == ("ssm-incidents.us-east-1.amazonaws.com", "/getResponsePlan", "arn=x")
    assert split_url("/listTagsForResource?u=https://x/y") == ("", "/listTagsForResource", "u=https://x/y")
    assert Request("get", "/p", "", {}, None).method == "GET"


# --- found by the in-process fuzz (previous helper): empty URI labels answered 404 --------------


@pytest.mark.parametrize(
    "op, params",
    [
        ("list_tags_for_resource", {"resourceArn": ""}),
        ("tag_resource", {"resourceArn": "", "tags": {"a": "b"}}),
        ("untag_resource", {"resourceArn": "", "tagKeys": ["a"]}),
    ],
)
def test_empty_uri_label_is_a_missing_member(ssm_incidents: Any, op: str, params: dict[str, Any]) -> None:
    """``/tags/`` matched no route and answered an unmodeled UnknownOperationException 404."""
    with pytest.raises(ClientError) as exc_info:
        getattr(unchecked(), op)(**params)
    assert_error(exc_info, "ValidationException", 400, "Value null at 'resourceArn'", "must not be null")
