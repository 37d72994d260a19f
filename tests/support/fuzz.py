"""What every fuzz suite shares: budgets, request counting, the seeded world, state snapshots, invariants."""

from __future__ import annotations

import json
import os
import threading
import time
from collections import Counter
from datetime import datetime, timezone
from typing import Any
from urllib.parse import quote

from botocore.exceptions import ClientError
from hypothesis import HealthCheck, settings

from ssm_incidents_mock.core.wire.http import Request
from ssm_incidents_mock.core.wire.model import ServiceSpec
from ssm_incidents_mock.ssm_incidents import SPEC
from ssm_incidents_mock.ssm_incidents.models import SSMIncidentsBackend, ssmincidents_backends
from tests.support.builders import unchecked
from tests.support.shapes import output_problems
from tests.support.strategies import World

LONG = os.environ.get("SSM_INCIDENTS_FUZZ_LONG", "").strip().lower() in ("1", "true", "yes", "on")
ACCOUNT = "123456789012"
REGION = "us-east-1"

# Operations that still answer "not implemented" (a 500) are excluded from the 5xx invariant,
# and only while their backend method is missing. This list must be empty when the work is done.
PENDING_OPERATIONS: frozenset[str] = frozenset()
# ListTagsForResource answers ``tags: {}`` for an untagged resource, as AWS does, although the shared
# TagMap shape says min 1 (a constraint meant for inputs).
EMPTY_OUTPUT_MAP = ".tags: size 0 below min 1"


def fuzz_settings(ci_examples: int, long_examples: int) -> settings:
    """Reproducible and bounded in CI (derandomized, no example database); much larger when LONG."""
    return settings(
        max_examples=long_examples if LONG else ci_examples,
        deadline=None,
        derandomize=not LONG,
        database=None,
        print_blob=True,
        suppress_health_check=[
            HealthCheck.too_slow,
            HealthCheck.filter_too_much,
            HealthCheck.data_too_large,
            HealthCheck.function_scoped_fixture,
        ],
    )


class RequestCounter:
    """Requests sent per suite, reported at the end of the session (see conftest)."""

    def __init__(self) -> None:
        self.counts: Counter[str] = Counter()
        self.findings: Counter[str] = Counter()
        self._lock = threading.Lock()

    def add(self, suite: str, n: int = 1) -> None:
        with self._lock:
            self.counts[suite] += n

    def outcome(self, op_name: str, result: str) -> None:
        """Tally what an operation answered (``ok`` or the error code), to see what the fuzz reaches."""
        with self._lock:
            self.findings[f"{op_name} {result}"] += 1


COUNTER = RequestCounter()


def client(endpoint_url: str | None = None, region: str = REGION, **extra: Any) -> Any:
    """A boto3 client that lets every value through to the service and never retries."""
    return unchecked(region, endpoint_url=endpoint_url, retries={"max_attempts": 1, "mode": "standard"}, **extra)


def backend(account: str = ACCOUNT) -> SSMIncidentsBackend:
    return ssmincidents_backends[account]["aws"]


def pending(op_name: str) -> bool:
    """True while ``op_name`` is excluded because its backend method does not exist yet."""
    op = SPEC.operations[op_name]
    return op_name in PENDING_OPERATIONS and not hasattr(SSMIncidentsBackend, op.method_name)


# --------------------------------------------------------------------------- world


POLICY = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "Share",
                "Effect": "Allow",
                "Principal": {"AWS": "111122223333"},
                "Action": ["ssm-incidents:GetResponsePlan"],
                "Resource": "*",
            }
        ],
    }
)


def build_world(c: Any, suite: str, replication_set: bool = True) -> World:
    """Create a replication set, a plan, an incident, an event, a policy; return their identifiers.

    Without ``replication_set`` the account has none (so CreateReplicationSet can succeed) and the
    world names a replication set that does not exist.
    """
    world: World = {
        "arn": [],
        "event_id": [],
        "policy_id": [],
        "related_item_id": [],
        "region": ["us-west-2", "us-east-1", "eu-west-1"],
    }
    world["event_type"] = ["Custom Event", "Note"]
    world["policy"] = [POLICY]
    rs = c.create_replication_set(regions={REGION: {}})["arn"] if replication_set else None
    plan = c.create_response_plan(name="fuzz-plan", incidentTemplate={"title": "T", "impact": 3}, tags={"team": "a"})[
        "arn"
    ]
    incident = c.start_incident(responsePlanArn=plan)["incidentRecordArn"]
    event = c.create_timeline_event(
        incidentRecordArn=incident,
        eventTime=datetime(2024, 1, 1, tzinfo=timezone.utc),
        eventType="Custom Event",
        eventData="d",
    )["eventId"]
    items = c.list_related_items(incidentRecordArn=incident)["relatedItems"]
    policy = c.put_resource_policy(resourceArn=plan, policy=POLICY)["policyId"]
    COUNTER.add(suite, 6 if replication_set else 5)
    if rs is None:
        rs = plan.split(":response-plan/")[0] + ":replication-set/00000000-0000-0000-0000-000000000000"
    world["arn"] += [plan, incident, rs]
    world["event_id"].append(event)
    world["policy_id"].append(policy)
    world["related_item_id"] += [i["generatedId"] for i in items if i.get("generatedId")]
    # identifiers that look right but name nothing
    world["arn"].append(plan.rsplit("/", 1)[0] + "/missing")
    world["event_id"].append("00000000-0000-0000-0000-000000000000")
    return world


def focus(world: World, op_name: str) -> World:
    """The world with the ARN ``op_name`` is most about listed first."""
    plan, incident, rs = world["arn"][:3]
    if "Replication" in op_name or "DeletionProtection" in op_name:
        first = rs
    elif "ResponsePlan" in op_name or "ResourcePolic" in op_name or op_name == "StartIncident":
        first = plan
    elif "Tag" in op_name:
        first = world["arn"][hash(op_name) % 3]
    else:
        first = incident
    return {**world, "arn": [first] + [a for a in world["arn"] if a != first]}


def reset_backend(account: str = ACCOUNT) -> None:
    backend(account).reset()


# --------------------------------------------------------------------------- state


def freeze(obj: Any, seen: frozenset[int] = frozenset()) -> Any:
    """A plain, comparable copy of backend state (public attributes of objects, recursively)."""
    if obj is None or isinstance(obj, (str, int, float, bool, bytes)):
        return obj
    if id(obj) in seen:
        return "<cycle>"
    seen = seen | {id(obj)}
    if isinstance(obj, dict):
        return {repr(k): freeze(v, seen) for k, v in obj.items()}
    if isinstance(obj, (list, tuple, set, frozenset)):
        items = [freeze(v, seen) for v in obj]
        return sorted(items, key=repr) if isinstance(obj, (set, frozenset)) else items
    names: list[str] = []
    for cls in type(obj).__mro__:
        names += [n for n in getattr(cls, "__slots__", ()) if n != "__dict__"]
    names += list(getattr(obj, "__dict__", {}))
    out = {}
    for name in names:
        if name.startswith("_") or name in ("lock",):
            continue
        value = getattr(obj, name, None)
        if callable(value) and not isinstance(value, (dict, list)):
            continue
        out[name] = freeze(value, seen)
    return {type(obj).__name__: out}


def snapshot(account: str = ACCOUNT) -> Any:
    state = freeze(backend(account))
    state[type(backend(account)).__name__].pop("idempotency", None)  # rendered answers carry request ids
    return state


# --------------------------------------------------------------------------- invariants


def check_error(
    spec: ServiceSpec, op_name: str, code: str, status: int, message: str, broken: bool, params: Any
) -> None:
    """An error answer's contract: a modeled 4xx with its status and a message (ValidationException when
    the input breaks the model)."""
    assert status < 500, (op_name, code, message, params)
    assert code in spec.operations[op_name].errors, (
        f"{op_name} answered unmodeled {code}: {message} for {params!r:.500}"
    )
    assert status == spec.error_status[code], (op_name, code, status)
    assert message.strip(), (op_name, code, "empty message")
    if broken:
        assert code == "ValidationException", f"{op_name} answered {code} ({message}) to invalid {params!r:.500}"


def check_answer(op_name: str, params: Any, broken: bool, outcome: Any, before: Any, after: Any) -> None:
    """The contract: modeled 4xx (ValidationException when broken) changing nothing, or a shaped success."""
    op = SPEC.operations[op_name]
    COUNTER.outcome(op_name, outcome.response["Error"]["Code"] if isinstance(outcome, ClientError) else "ok")
    if isinstance(outcome, ClientError):
        response = outcome.response
        code = response["Error"]["Code"]
        status = response["ResponseMetadata"]["HTTPStatusCode"]
        message = response["Error"].get("Message", "")
        if pending(op_name) and code == "InternalServerException":
            return
        check_error(SPEC, op_name, code, status, message, broken, params)
        assert before == after, f"{op_name} changed state although it answered {code}: {message}"
        return
    assert not broken, f"{op_name} accepted an input that breaks the model: {params!r}"
    status = outcome["ResponseMetadata"]["HTTPStatusCode"]
    assert status == op.success_status, (op_name, status)
    problems = [p for p in output_problems(op_name, outcome) if not p.endswith(EMPTY_OUTPUT_MAP)]
    assert not problems, (op_name, problems, params)


# --------------------------------------------------------------------------- requests

HOST = "ssm-incidents.us-east-1.amazonaws.com"
AUTH = "AWS4-HMAC-SHA256 Credential=FOOBARKEY/20240101/us-east-1/ssm-incidents/aws4_request, SignedHeaders=host, Signature=0"


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
    return Request(op.http_method, path, "&".join(query), headers, text.encode("utf-8", "surrogatepass"))


def call(c: Any, op_name: str, params: dict[str, Any]) -> Any:
    """The parsed answer, or the ClientError."""
    method = getattr(c, SPEC.operations[op_name].method_name)
    try:
        return method(**params)
    except ClientError as error:
        return error


class Deadline:
    """A time bound for loops."""

    def __init__(self, seconds: float) -> None:
        self.end = time.monotonic() + seconds

    def __bool__(self) -> bool:
        return time.monotonic() < self.end
