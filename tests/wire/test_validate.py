"""The input walker: every model constraint, with AWS's wording and paths."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

from ssm_incidents_mock.core.wire.validate import Errors, InputCompiler, format_errors, render_value
from ssm_incidents_mock.ssm_incidents import SPEC
from tests.support import assert_error, unchecked

TEMPLATE = {"title": "t", "impact": 3}
ROLE = "arn:aws:iam::123456789012:role/r"


def check(operation: str, params: dict[str, Any]) -> tuple[dict[str, Any], Errors]:
    errors = Errors()
    op = SPEC.operations[operation]
    assert op.check is not None
    return op.check(params, "", errors), errors


def only(operation: str, params: dict[str, Any]) -> str:
    _, errors = check(operation, params)
    assert len(errors) == 1, errors
    return errors[0]


def test_valid_input_passes_and_timestamps_become_epoch_floats() -> None:
    out, errors = check(
        "StartIncident",
        {
            "responsePlanArn": "arn:aws:ssm-incidents::123456789012:response-plan/p",
            "triggerDetails": {"source": "custom.x", "timestamp": 1700000000},
        },
    )
    assert errors == []
    assert out["triggerDetails"]["timestamp"] == 1700000000.0
    assert isinstance(out["triggerDetails"]["timestamp"], float)
    out, errors = check(
        "StartIncident",
        {
            "responsePlanArn": "arn:aws:x::123456789012:y",
            "triggerDetails": {"source": "s", "timestamp": "2023-11-14T22:13:20Z"},
        },
    )
    assert errors == [] and out["triggerDetails"]["timestamp"] == 1700000000.0


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        (
            {"arn": "arn:aws:x::123456789012:y", "title": "x" * 201},
            "at 'title' failed to satisfy constraint: Member must have length less than or equal to 200",
        ),
        (
            {"arn": "arn:aws:x::123456789012:y", "impact": 0},
            "Value '0' at 'impact' failed to satisfy constraint: Member must have value greater than or equal to 1",
        ),
        (
            {"arn": "arn:aws:x::123456789012:y", "impact": 6},
            "Value '6' at 'impact' failed to satisfy constraint: Member must have value less than or equal to 5",
        ),
        (
            {"arn": "arn:aws:x::123456789012:y", "status": "CLOSED"},
            "Value 'CLOSED' at 'status' failed to satisfy constraint: Member must satisfy enum value set: [OPEN, RESOLVED]",
        ),
        (
            {"arn": "bad"},
            "Value 'bad' at 'arn' failed to satisfy constraint: Member must satisfy regular expression pattern: ^arn:aws(-cn|-us-gov)?:",
        ),
        (
            {
                "arn": "arn:aws:x::123456789012:y",
                "notificationTargets": [{"snsTopicArn": "arn:aws:sns:us-east-1:123456789012:t"}] * 11,
            },
            "at 'notificationTargets' failed to satisfy constraint: Member must have length less than or equal to 10",
        ),
        (
            {"arn": "arn:aws:x::123456789012:y", "chatChannel": {"chatbotSns": []}},
            "Value '[]' at 'chatChannel.chatbotSns' failed to satisfy constraint: Member must have length greater than or equal to 1",
        ),
        (
            {"arn": "arn:aws:x::123456789012:y", "chatChannel": {}},
            "Value '{}' at 'chatChannel' failed to satisfy constraint: Member must have exactly one member set",
        ),
        (
            {
                "arn": "arn:aws:x::123456789012:y",
                "chatChannel": {"empty": {}, "chatbotSns": ["arn:aws:sns:us-east-1:123456789012:t"]},
            },
            "at 'chatChannel' failed to satisfy constraint: Member must have exactly one member set",
        ),
        ({"title": "t"}, "Value null at 'arn' failed to satisfy constraint: Member must not be null"),
        (
            {"arn": "arn:aws:x::123456789012:y", "notificationTargets": [{"snsTopicArn": "bad"}]},
            "Value 'bad' at 'notificationTargets.1.member.snsTopicArn' failed to satisfy constraint: Member must satisfy regular expression pattern",
        ),
    ],
)
def test_update_incident_record_constraints(params: dict[str, Any], expected: str) -> None:
    assert expected in only("UpdateIncidentRecord", params)


@pytest.mark.parametrize(
    ("params", "path", "expected_type"),
    [
        ({"arn": "arn:aws:x::123456789012:y", "impact": "3"}, "impact", "integer"),
        ({"arn": "arn:aws:x::123456789012:y", "impact": True}, "impact", "integer"),
        ({"arn": "arn:aws:x::123456789012:y", "title": 5}, "title", "string"),
        ({"arn": "arn:aws:x::123456789012:y", "notificationTargets": {"a": 1}}, "notificationTargets", "list"),
        ({"arn": "arn:aws:x::123456789012:y", "chatChannel": "empty"}, "chatChannel", "structure"),
    ],
)
def test_wrong_json_types(params: dict[str, Any], path: str, expected_type: str) -> None:
    assert f"at '{path}' failed to satisfy constraint: Member must be of type {expected_type}" in only(
        "UpdateIncidentRecord", params
    )


def test_wrong_types_for_maps_and_timestamps() -> None:
    error = only("TagResource", {"resourceArn": "arn:aws:x::123456789012:y", "tags": ["a"]})
    assert "at 'tags' failed to satisfy constraint: Member must be of type map" in error
    error = only(
        "StartIncident",
        {"responsePlanArn": "arn:aws:x::123456789012:y", "triggerDetails": {"source": "s", "timestamp": "soon"}},
    )
    assert (
        error
        == "Value 'soon' at 'triggerDetails.timestamp' failed to satisfy constraint: Member must be of type timestamp"
    )
    error = only("TagResource", {"resourceArn": "arn:aws:x::123456789012:y", "tags": {"k": 1}})
    assert "at 'tags.k.member' failed to satisfy constraint: Member must be of type string" in error


def test_nested_list_union_paths_like_aws() -> None:
    params: dict[str, Any] = {
        "name": "p",
        "incidentTemplate": TEMPLATE,
        "actions": [{"ssmAutomation": {"documentName": "doc", "roleArn": ROLE, "dynamicParameters": {}}}],
    }
    error = only("CreateResponsePlan", params)
    assert error == (
        "Value '{}' at 'actions.1.member.ssmAutomation.dynamicParameters' failed to satisfy constraint: "
        "Member must have length greater than or equal to 1"
    )
    params["actions"] = [{"ssmAutomation": {"documentName": "doc"}}]
    assert only("CreateResponsePlan", params) == (
        "Value null at 'actions.1.member.ssmAutomation.roleArn' failed to satisfy constraint: Member must not be null"
    )
    params["actions"] = [{"ssmAutomation": {"documentName": "doc", "roleArn": ROLE}}] * 2
    assert "at 'actions' failed to satisfy constraint: Member must have length less than or equal to 1" in only(
        "CreateResponsePlan", params
    )


def test_map_key_and_value_wording() -> None:
    error = only("TagResource", {"resourceArn": "arn:aws:x::123456789012:y", "tags": {"aws:k": "v"}})
    assert error.startswith(
        "Value '{aws:k=v}' at 'tags' failed to satisfy constraint: Map keys must satisfy constraint: ["
    )
    assert "Member must satisfy regular expression pattern: ^(?!aws:)" in error
    error = only("TagResource", {"resourceArn": "arn:aws:x::123456789012:y", "tags": {"k": "v" * 257}})
    assert (
        "at 'tags' failed to satisfy constraint: Map value must satisfy constraint: [Member must have length less than or equal to 256]"
        in error
    )
    error = only("TagResource", {"resourceArn": "arn:aws:x::123456789012:y", "tags": {}})
    assert (
        error == "Value '{}' at 'tags' failed to satisfy constraint: Member must have length greater than or equal to 1"
    )
    error = only("TagResource", {"resourceArn": "arn:aws:x::123456789012:y", "tags": {f"k{i}": "v" for i in range(51)}})
    assert "at 'tags' failed to satisfy constraint: Member must have length less than or equal to 50" in error


def test_list_sizes_and_filter_unions() -> None:
    error = only("ListIncidentRecords", {"filters": [{"key": "status", "condition": {}}]})
    assert (
        error
        == "Value '{}' at 'filters.1.member.condition' failed to satisfy constraint: Member must have exactly one member set"
    )
    error = only(
        "ListIncidentRecords",
        {"filters": [{"key": "impact", "condition": {"equals": {"integerValues": [1], "stringValues": ["a"]}}}]},
    )
    assert (
        "at 'filters.1.member.condition.equals' failed to satisfy constraint: Member must have exactly one member set"
        in error
    )
    error = only("ListIncidentRecords", {"maxResults": 101})
    assert (
        error
        == "Value '101' at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to 100"
    )


def test_several_errors_are_counted_and_joined() -> None:
    _, errors = check("UpdateIncidentRecord", {"impact": 9, "status": "X"})
    assert len(errors) == 3
    message = format_errors(errors)
    assert message.startswith("3 validation errors detected: ")
    assert message.count("; ") == 2
    assert format_errors(errors[:1]).startswith("1 validation error detected: Value")


def test_render_value_is_java_like_and_bounded() -> None:
    assert render_value(True) == "true"
    assert render_value([1, "a"]) == "[1, a]"
    assert render_value({"a": {"b": 1}}) == "{a={b=1}}"
    assert render_value("x" * 5000).endswith("...")
    assert len(render_value("x" * 5000)) < 1100


def test_compiled_checks_are_shared_per_shape() -> None:
    compiler = InputCompiler()
    shape = SPEC.model.shape_for("IncidentTemplate")
    assert compiler.compile(shape) is compiler.compile(shape)


def nested(depth: int) -> Any:
    value: Any = []
    for _ in range(depth - 1):
        value = [value]
    return value


# --- found by the raw HTTP fuzz (mutation "nested", 500 and 990 levels) ---------------------------


@pytest.mark.parametrize("member", ["name", "tags", "title"])
def test_deep_value_in_a_member_is_echoed_shortened_not_a_500(ssm_incidents: Any, member: str) -> None:
    """Echoing a 600-deep list in the validation message recursed past the stack limit (500)."""
    params: dict[str, Any] = {"name": "p", "incidentTemplate": TEMPLATE}
    if member == "title":
        params["incidentTemplate"] = {"title": nested(600), "impact": 3}
    else:
        params[member] = nested(600) if member == "name" else {"k": nested(600)}
    with pytest.raises(ClientError) as exc_info:
        unchecked().create_response_plan(**params)
    response = assert_error(exc_info, "ValidationException", 400, "failed to satisfy constraint", "...")
    assert len(response["Error"]["Message"]) < 2000
    assert ssm_incidents.list_response_plans()["responsePlanSummaries"] == []
