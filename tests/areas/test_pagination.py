"""Every paginated operation of the model: maxResults limits, opaque nextTokens, boto3 paginators.

The cases are keyed by the operation names of the model's paginators, and the first test fails
when the model gains a paginator that has no case here.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from datetime import datetime, timezone
from itertools import count
from typing import Any

import botocore.session
import pytest
from botocore.exceptions import ClientError

from ssm_incidents_mock import SSMIncidentsMock
from tests.support import assert_error, assert_output_shape, unchecked

# These tests are about paging, not about onboarding: they opt into lenient mode.
pytestmark = pytest.mark.usefixtures("lenient")

MODEL = botocore.session.get_session().get_service_model("ssm-incidents")
PAGINATORS: dict[str, Any] = botocore.session.get_session().get_paginator_model("ssm-incidents")._paginator_config
STACK = "arn:aws:cloudformation:us-east-1:123456789012:stack/s/1"
_names = count()


def _policy(sid: str) -> str:
    statement = {
        "Sid": sid,
        "Effect": "Allow",
        "Principal": {"AWS": "111122223333"},
        "Action": ["ssm-incidents:GetResponsePlan"],
        "Resource": "*",
    }
    return json.dumps({"Version": "2012-10-17", "Statement": [statement]})


class World:
    """A client plus the resources one paginated operation lists."""

    def __init__(self, client: Any, mock: SSMIncidentsMock) -> None:
        self.client = client
        self.mock = mock
        self._plan: str | None = None
        self._incident: str | None = None

    @property
    def plan(self) -> str:
        if self._plan is None:
            self._plan = self.new_plan()
        return self._plan

    @property
    def incident(self) -> str:
        if self._incident is None:
            self._incident = self.new_incident()
        return self._incident

    def new_plan(self) -> str:
        name = f"plan-{next(_names)}"
        return str(self.client.create_response_plan(name=name, incidentTemplate={"title": "t", "impact": 3})["arn"])

    def new_incident(self) -> str:
        return str(self.client.start_incident(responsePlanArn=self.plan)["incidentRecordArn"])


class Case:
    """How to fill, list and extend the listing of one paginated operation."""

    def __init__(
        self,
        kwargs: Callable[[World], dict[str, Any]],
        add: Callable[[World, int], None],
        key: Callable[[Any], str],
        fill: int = 7,
    ) -> None:
        self.kwargs = kwargs
        self.add = add
        self.key = key
        self.fill = fill


def _add_related(world: World, n: int) -> None:
    item = {"identifier": {"type": "OTHER", "value": {"url": f"https://example.com/{n}"}}}
    world.client.update_related_items(incidentRecordArn=world.incident, relatedItemsUpdate={"itemToAdd": item})


def _add_event(world: World, n: int) -> None:
    world.client.create_timeline_event(
        incidentRecordArn=world.incident,
        eventTime=datetime(2023, 1, 1 + n % 28, n % 24, tzinfo=timezone.utc),
        eventType="Custom Event",
        eventData=json.dumps(f"event {n}"),
    )


def _add_replication_set(world: World, n: int) -> None:
    if n == 0:  # an account has one replication set at most
        world.client.create_replication_set(regions={"us-east-1": {}})


CASES: dict[str, Case] = {
    "GetResourcePolicies": Case(
        lambda w: {"resourceArn": w.plan},
        lambda w, n: w.client.put_resource_policy(resourceArn=w.plan, policy=_policy(f"s{n}")),
        lambda p: p["policyId"],
    ),
    "ListIncidentRecords": Case(lambda w: {}, lambda w, n: w.new_incident(), lambda r: r["arn"]),
    "ListRelatedItems": Case(lambda w: {"incidentRecordArn": w.incident}, _add_related, lambda i: i["generatedId"]),
    "ListReplicationSets": Case(lambda w: {}, _add_replication_set, lambda arn: arn, fill=1),
    "ListResponsePlans": Case(lambda w: {}, lambda w, n: w.new_plan(), lambda p: p["arn"]),
    "ListTimelineEvents": Case(lambda w: {"incidentRecordArn": w.incident}, _add_event, lambda e: e["eventId"]),
    "ListIncidentFindings": Case(
        lambda w: {"incidentRecordArn": w.incident},
        lambda w, n: w.mock.add_finding(w.incident, cloudformation_stack_arn=STACK),
        lambda f: f["id"],
    ),
}


def _method(operation: str) -> str:
    return botocore.xform_name(operation)


def _result_key(operation: str) -> str:
    return str(PAGINATORS[operation]["result_key"])


def _max_range(operation: str) -> tuple[int, int]:
    shape = MODEL.operation_model(operation).input_shape.members["maxResults"]
    return int(shape.metadata["min"]), int(shape.metadata["max"])


@pytest.fixture
def world(ssm_incidents: Any, mocked_ssm_incidents: SSMIncidentsMock) -> World:
    return World(ssm_incidents, mocked_ssm_incidents)


def _filled(world: World, operation: str, extra: int = 0) -> tuple[Case, dict[str, Any], list[str]]:
    """Create the case's items; return the case, the list call's arguments and every item's key."""
    case = CASES[operation]
    for n in range(case.fill + extra):
        case.add(world, n)
    kwargs = case.kwargs(world)
    full = getattr(world.client, _method(operation))(**kwargs)
    assert_output_shape(operation, full)
    assert "nextToken" not in full
    keys = [case.key(item) for item in full[_result_key(operation)]]
    assert len(keys) == len(set(keys))
    return case, kwargs, keys


def _first_token(world: World, operation: str, kwargs: dict[str, Any]) -> str:
    page = getattr(world.client, _method(operation))(maxResults=1, **kwargs)
    token = page.get("nextToken")
    assert isinstance(token, str) and token
    return token


def test_every_paginator_of_the_model_has_a_case() -> None:
    assert set(PAGINATORS) == set(CASES)
    for config in PAGINATORS.values():
        assert (config["input_token"], config["output_token"], config["limit_key"]) == (
            "nextToken",
            "nextToken",
            "maxResults",
        )


@pytest.mark.parametrize("operation", sorted(CASES))
def test_paginator_returns_every_item_once(world: World, operation: str) -> None:
    case, kwargs, keys = _filled(world, operation)
    assert len(keys) >= case.fill
    pages = list(world.client.get_paginator(_method(operation)).paginate(PaginationConfig={"PageSize": 2}, **kwargs))
    for page in pages:
        assert_output_shape(operation, page)
        assert len(page[_result_key(operation)]) <= 2
    assert len(pages) == max(1, -(-len(keys) // 2))
    assert [case.key(item) for page in pages for item in page[_result_key(operation)]] == keys
    assert "nextToken" not in pages[-1]


@pytest.mark.parametrize("operation", sorted(CASES))
def test_items_added_between_pages_do_not_repeat_or_hide_old_ones(world: World, operation: str) -> None:
    case, kwargs, keys = _filled(world, operation)
    method = getattr(world.client, _method(operation))
    seen: list[str] = []
    token: str | None = None
    for round_number in range(100):
        page = method(maxResults=2, **kwargs, **({"nextToken": token} if token else {}))
        seen += [case.key(item) for item in page[_result_key(operation)]]
        case.add(world, case.fill + round_number)  # a new item after every page
        token = page.get("nextToken")
        if not token:
            break
    assert token is None
    assert len(seen) == len(set(seen)), "an item came back twice"
    assert set(keys) <= set(seen), "an item present from the start was skipped"


@pytest.mark.parametrize("operation", sorted(CASES))
def test_max_results_limits_of_the_model(world: World, operation: str) -> None:
    _, kwargs, keys = _filled(world, operation, extra=0)
    low, high = _max_range(operation)
    method = getattr(world.client, _method(operation))
    assert len(method(maxResults=low, **kwargs)[_result_key(operation)]) == min(low, len(keys))
    assert len(method(maxResults=high, **kwargs)[_result_key(operation)]) == min(high, len(keys))
    raw = unchecked()
    raw_method = getattr(raw, _method(operation))
    for bad, words in ((high + 1, f"less than or equal to {high}"), (low - 1, f"greater than or equal to {low}")):
        with pytest.raises(ClientError) as exc_info:
            raw_method(maxResults=bad, **kwargs)
        assert_error(exc_info, "ValidationException", 400, f"Value '{bad}' at 'maxResults'", words)


def test_default_page_sizes(world: World) -> None:
    case = CASES["ListIncidentFindings"]
    for n in range(21):
        case.add(world, n)
    page = world.client.list_incident_findings(incidentRecordArn=world.incident)
    assert len(page["findings"]) == 20 and "nextToken" in page


def _tamper(token: str) -> list[str]:
    """Variants of a real token: payload changed (signature kept), signature changed, truncated."""
    blob, _, signature = token.partition("/")
    variants = [token[:-1] + ("A" if token[-1] != "A" else "B"), token[: len(token) // 2], "not-a-token", "e30/abc"]
    try:
        payload = json.loads(base64.urlsafe_b64decode(blob + "=" * (-len(blob) % 4)))
    except ValueError:
        return variants
    if isinstance(payload, dict):
        payload = {**payload, "p": 0}
    forged = base64.urlsafe_b64encode(json.dumps(payload).encode()).decode().rstrip("=")
    return [*variants, f"{forged}/{signature}"]


@pytest.mark.parametrize("operation", sorted(op for op in CASES if op != "ListReplicationSets"))
def test_tampered_token_is_rejected(world: World, operation: str) -> None:
    _, kwargs, _ = _filled(world, operation)
    token = _first_token(world, operation, kwargs)
    method = getattr(world.client, _method(operation))
    for bad in _tamper(token):
        with pytest.raises(ClientError) as exc_info:
            method(nextToken=bad, **kwargs)
        assert_error(exc_info, "ValidationException", 400, "nextToken")
    assert method(nextToken=token, **kwargs)[_result_key(operation)]  # the genuine token still works


@pytest.mark.parametrize("operation", sorted(CASES))
def test_token_of_another_operation_is_rejected(world: World, operation: str) -> None:
    _, kwargs, _ = _filled(world, operation)
    donor = "ListResponsePlans" if operation != "ListResponsePlans" else "ListIncidentRecords"
    _, donor_kwargs, _ = _filled(world, donor)
    foreign = _first_token(world, donor, donor_kwargs)
    with pytest.raises(ClientError) as exc_info:
        getattr(world.client, _method(operation))(nextToken=foreign, **kwargs)
    assert_error(exc_info, "ValidationException", 400, "nextToken")


@pytest.mark.parametrize(
    "operation, other_kwargs",
    [
        ("ListTimelineEvents", lambda w: {"incidentRecordArn": w.new_incident()}),
        ("ListTimelineEvents", lambda w: {"incidentRecordArn": w.incident, "sortOrder": "ASCENDING"}),
        ("ListRelatedItems", lambda w: {"incidentRecordArn": w.new_incident()}),
        ("ListIncidentFindings", lambda w: {"incidentRecordArn": w.new_incident()}),
        ("GetResourcePolicies", lambda w: {"resourceArn": w.new_plan()}),
        (
            "ListIncidentRecords",
            lambda w: {"filters": [{"key": "impact", "condition": {"equals": {"integerValues": [3]}}}]},
        ),
    ],
)
def test_token_of_another_request_is_rejected(
    world: World, operation: str, other_kwargs: Callable[[World], dict[str, Any]]
) -> None:
    _, kwargs, _ = _filled(world, operation)
    token = _first_token(world, operation, kwargs)
    with pytest.raises(ClientError) as exc_info:
        getattr(world.client, _method(operation))(nextToken=token, **other_kwargs(world))
    assert_error(exc_info, "ValidationException", 400, "nextToken")


def test_token_longer_than_the_model_allows_is_rejected(mocked_ssm_incidents: SSMIncidentsMock) -> None:
    raw = unchecked()
    with pytest.raises(ClientError) as exc_info:
        raw.list_response_plans(nextToken="x" * 2001)
    assert_error(exc_info, "ValidationException", 400, "'nextToken'", "less than or equal to 2000")
