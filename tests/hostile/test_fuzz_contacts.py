"""Model-driven fuzzing of all 39 ssm-contacts operations in process: through boto3, and as raw json 1.1.

Every example starts from a freshly reset contacts backend of an onboarded account, seeded with a
contact, a channel, a rotation with an override and an engagement with its page, sends one valid or
hostile input (``tests.support.strategies``, driven by the ssm-contacts model) and checks the
contract: never a 5xx, only modeled errors (ValidationException when the input breaks the model),
and a 4xx leaves the stored state as it was.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime, timezone
from typing import Any

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError
from hypothesis import given
from hypothesis import strategies as st

from ssm_incidents_mock import mock_incident_manager
from ssm_incidents_mock.core.wire.http import Request
from ssm_incidents_mock.ssm_contacts import SPEC
from ssm_incidents_mock.ssm_contacts.models import SSMContactsBackend, ssmcontacts_backends
from ssm_incidents_mock.ssm_contacts.responses import dispatch
from tests.support import fuzz
from tests.support.contacts import seed_through
from tests.support.fuzz import ACCOUNT, COUNTER, REGION, freeze, fuzz_settings
from tests.support.shapes import output_problems
from tests.support.strategies import World, request

OPERATIONS = sorted(SPEC.operations)
FUZZ = fuzz_settings(ci_examples=6, long_examples=80)
HOST = f"ssm-contacts.{REGION}.amazonaws.com"
AUTH = f"AWS4-HMAC-SHA256 Credential=FOOBARKEY/20240101/{REGION}/ssm-contacts/aws4_request, SignedHeaders=host, Signature=0"
START = datetime(2030, 1, 1, tzinfo=timezone.utc)
POLICY = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Principal": {"AWS": "111122223333"}, "Action": "ssm-contacts:*", "Resource": "*"}
        ],
    }
)


@pytest.fixture(scope="module")
def contacts() -> Iterator[Any]:
    """One unchecked ``ssm-contacts`` client in an onboarded account, for the whole module."""
    with mock_incident_manager():
        boto3.client("ssm-incidents", region_name=REGION).create_replication_set(regions={REGION: {}})
        yield boto3.client(
            "ssm-contacts",
            region_name=REGION,
            config=Config(parameter_validation=False, retries={"max_attempts": 1, "mode": "standard"}),
        )


def backend() -> SSMContactsBackend:
    return ssmcontacts_backends[ACCOUNT][REGION]


def build_world(c: Any) -> World:
    """Reset the contacts backend and seed one of each resource; the identifiers by model shape name."""
    backend().reset()
    alice, phone, rotation = seed_through(c, "fuzz-alice", START)
    c.send_activation_code(ContactChannelId=phone)
    activation = backend().activation_code(phone)
    override = c.create_rotation_override(
        RotationId=rotation, NewContactIds=[alice], StartTime=START, EndTime=START.replace(hour=12)
    )["RotationOverrideId"]
    engagement = c.start_engagement(ContactId=alice, Sender="fuzz", Subject="s", Content="c")["EngagementArn"]
    page = c.list_pages_by_engagement(EngagementId=engagement)["Pages"][0]["PageArn"]
    c.tag_resource(ResourceARN=alice, Tags=[{"Key": "team", "Value": "a"}])
    c.put_contact_policy(ContactArn=alice, Policy=POLICY)
    COUNTER.add("contacts in-process", 11)
    arns = [alice, phone, rotation, engagement, page]
    missing = alice.rsplit("/", 1)[0] + "/missing"
    return {
        "SsmContactsArn": [*arns, missing],
        "AmazonResourceName": [alice, rotation, missing],
        "Uuid": [override, "00000000-0000-0000-0000-000000000000"],
        "ActivationCode": [activation or "123456", "000000"],
        "AcceptCode": [backend().accept_code(page) or "123456", "000000"],
        "Policy": [POLICY],
        "TimeZoneId": ["UTC", "America/Los_Angeles", "Nowhere/Atlantis"],
        "ContactAlias": ["fuzz-alice", "bob"],
    }


FOCUS_OF_MEMBER = {"ContactChannelId": 1, "RotationId": 2, "RotationIds": 2, "EngagementId": 3, "PageId": 4}


def focus(world: World, op_name: str) -> World:
    """The world with the ARN ``op_name`` is most about listed first: the resource of its first identifier
    member (a contact unless it names a channel, rotation, engagement or page)."""
    arns = world["SsmContactsArn"]
    shape = SPEC.model.operation_model(op_name).input_shape
    members = list(shape.members) if shape is not None else []
    index = next((FOCUS_OF_MEMBER[m] for m in members if m in FOCUS_OF_MEMBER), 0)
    if "ResourceARN" in members:
        index = len(op_name) % 2 * 2  # a contact or a rotation
    first = arns[index]
    return {**world, "SsmContactsArn": [first] + [a for a in arns if a != first]}


def snapshot() -> Any:
    state = freeze(backend())
    state[type(backend()).__name__].pop("idempotency", None)  # rendered answers carry request ids
    return state


def shape_problems(op_name: str, answer: dict[str, Any], parsed: bool = True) -> list[str]:
    """Where the answer departs from the output shape, but for a preview's members: they are echoed as
    ``ContactIds`` although the model lets any string through (see the rotation limits in docs/contacts.md)."""
    problems = output_problems(op_name, answer, parsed, service="ssm-contacts")
    if op_name == "ListPreviewRotationShifts":
        problems = [p for p in problems if "ContactIds[" not in p or "does not match arn" not in p]
    return problems


def check_error(op_name: str, code: str, status: int, message: str, broken: bool, params: Any) -> None:
    COUNTER.outcome(f"contacts {op_name}", code)
    fuzz.check_error(SPEC, op_name, code, status, message, broken, params)


def test_every_operation_is_fuzzed() -> None:
    assert len(OPERATIONS) == 39
    assert all(hasattr(SSMContactsBackend, SPEC.operations[op].method_name) for op in OPERATIONS)


def fuzz_through(c: Any, owner: Any, op_name: str, data: st.DataObject) -> bool:
    """Seed the owner's account (through ``owner``), send one drawn input of ``op_name`` through ``c`` and
    check the answer's contract; whether the owner's state is as it was (an error must leave it so)."""
    world = focus(build_world(owner), op_name)
    params, broken = data.draw(request(op_name, world, "boto3", SPEC.model), label="input")
    before = snapshot()
    COUNTER.add("contacts in-process")
    try:
        answer = getattr(c, SPEC.operations[op_name].method_name)(**params)
    except ClientError as error:
        meta = error.response
        code, status = meta["Error"]["Code"], meta["ResponseMetadata"]["HTTPStatusCode"]
        check_error(op_name, code, status, meta["Error"].get("Message", ""), broken, params)
        assert snapshot() == before, f"{op_name} changed state although it answered {code}"
        return True
    COUNTER.outcome(f"contacts {op_name}", "ok")
    assert not broken, f"{op_name} accepted an input that breaks the model: {params!r:.500}"
    assert answer["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert not shape_problems(op_name, answer)
    return bool(snapshot() == before)


@pytest.mark.parametrize("op_name", OPERATIONS)
@FUZZ
@given(data=st.data())
def test_boto3_input_fuzz(contacts: Any, op_name: str, data: st.DataObject) -> None:
    fuzz_through(contacts, contacts, op_name, data)


STRANGER = "999988887777"  # no policy names it


@pytest.fixture(scope="module")
def stranger(contacts: Any) -> Any:
    """An unchecked client of an account no contact policy shares anything with."""
    c = boto3.client(
        "ssm-contacts",
        region_name=REGION,
        config=Config(parameter_validation=False, retries={"max_attempts": 1, "mode": "standard"}),
    )
    c.meta.events.register(
        "before-sign.ssm-contacts", lambda request, **_: request.headers.__setitem__("x-moto-account-id", STRANGER)
    )
    return c


@pytest.mark.parametrize("op_name", OPERATIONS)
@FUZZ
@given(data=st.data())
def test_another_accounts_input_never_changes_the_owners_state(
    contacts: Any, stranger: Any, op_name: str, data: st.DataObject
) -> None:
    """The owner's ARNs, tokens and codes in any operation of an account nothing is shared with: a modeled
    answer, never a 5xx, and the owner's contacts, engagements and pages exactly as they were."""
    assert fuzz_through(stranger, contacts, op_name, data), f"another account's {op_name} changed the owner's state"


# --------------------------------------------------------------------------- raw json 1.1


def raw(op_name: str, body: bytes) -> tuple[int, dict[str, str], bytes]:
    COUNTER.add("contacts in-process raw")
    headers = {
        "Content-Type": "application/x-amz-json-1.1",
        "X-Amz-Target": f"{SPEC.target_prefix}.{op_name}",
        "Authorization": AUTH,
    }
    return dispatch(Request("POST", "/", "", headers, body), HOST)


def check_raw(op_name: str, params: Any, broken: bool, answer: tuple[int, dict[str, str], bytes], before: Any) -> None:
    status, _, body = answer
    payload = json.loads(body)
    if status >= 400:
        code = payload.get("__type", "").rsplit("#", 1)[-1]
        message = payload.get("message") or payload.get("Message", "")
        check_error(op_name, code, status, message, broken, params)
        assert snapshot() == before, f"{op_name} changed state although it answered {code}"
        return
    assert not broken, f"{op_name} accepted an input that breaks the model: {params!r:.500}"
    assert status == 200, (op_name, status)
    assert not shape_problems(op_name, payload, parsed=False)


@pytest.mark.parametrize("op_name", OPERATIONS)
@FUZZ
@given(data=st.data())
def test_raw_input_fuzz(contacts: Any, op_name: str, data: st.DataObject) -> None:
    world = focus(build_world(contacts), op_name)
    params, broken = data.draw(request(op_name, world, "raw", SPEC.model), label="input")
    ascii_json = data.draw(st.booleans(), label="ascii_json")
    before = snapshot()
    body = json.dumps(params, ensure_ascii=ascii_json).encode("utf-8", "surrogatepass")
    check_raw(op_name, params, broken, raw(op_name, body), before)


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4),
    max_leaves=12,
)
HOSTILE_BODIES = [
    b"",
    b"{",
    b"null",
    b"[]",
    b'"text"',
    b"\xff\xfe",
    b"[" * 20_000 + b"]" * 20_000,
    b'{"a":' * 20_000 + b"1" + b"}" * 20_000,
    json.dumps({"ContactId": "x" * 5_000_000}).encode(),
    b'{"NextToken": 1e999, "MaxResults": -1e999}',
]


@pytest.mark.parametrize("op_name", OPERATIONS)
@FUZZ
@given(data=st.data())
def test_any_json_body(contacts: Any, op_name: str, data: st.DataObject) -> None:
    """Any JSON document (or a malformed, deep or huge body): a modeled 4xx or a shaped success, never a 5xx."""
    build_world(contacts)
    if data.draw(st.booleans(), label="prepared"):
        body = data.draw(st.sampled_from(HOSTILE_BODIES), label="body")
    else:
        body = json.dumps(data.draw(JSON, label="json")).encode()
    before = snapshot()
    check_raw(op_name, body[:200], False, raw(op_name, body), before)


def test_the_widest_shift_window_answers_one_page(contacts: Any) -> None:
    """24 hand-offs a day from 1970 to 9999 (about 70 million shifts): the first page, not the whole window."""
    world = build_world(contacts)
    hourly = {
        "DailySettings": [{"HourOfDay": hour, "MinuteOfHour": 0} for hour in range(24)],
        "NumberOfOnCalls": 1,
        "RecurrenceMultiplier": 1,
    }
    window = {
        "StartTime": datetime(1970, 1, 2, tzinfo=timezone.utc),
        "EndTime": datetime(9999, 1, 1, tzinfo=timezone.utc),
    }
    preview = contacts.list_preview_rotation_shifts(Members=["a", "b"], TimeZoneId="UTC", Recurrence=hourly, **window)
    rotation = world["SsmContactsArn"][2]
    contacts.update_rotation(RotationId=rotation, Recurrence=hourly)
    stored = contacts.list_rotation_shifts(RotationId=rotation, MaxResults=1024, **window)
    for op_name, page in (("ListPreviewRotationShifts", preview), ("ListRotationShifts", stored)):
        assert page["NextToken"] and 0 < len(page["RotationShifts"]) <= 1024
        assert not shape_problems(op_name, page)
