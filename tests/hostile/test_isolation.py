"""State never leaks: between tests (decorator, class, fixture), between accounts, between the
replication set's scope and regions outside it, and between the server and the in-process mock.

The per-test checks are written so that they hold in any order and on any xdist worker: each
test first asserts it starts empty, then leaves state behind for the next one to not see.
"""

from __future__ import annotations

import unittest
from typing import Any

import pytest
from botocore.exceptions import ClientError
from hypothesis import given
from hypothesis import strategies as st

from ssm_incidents_mock import mock_ssm_incidents
from ssm_incidents_mock.server import ThreadedSSMIncidentsServer
from ssm_incidents_mock.ssm_incidents import SPEC
from ssm_incidents_mock.ssm_incidents.models import ssmincidents_backends
from tests.support import assert_error, client, create_plan, unchecked
from tests.support.fuzz import COUNTER, build_world, call, focus, fuzz_settings, snapshot
from tests.support.strategies import request

OTHER_ACCOUNT = "444455556666"


def ssm(region: str = "us-east-1", account: str | None = None) -> Any:
    c = unchecked(region)
    if account:

        def add_header(request: Any, **_: Any) -> None:
            request.headers["x-moto-account-id"] = account

        c.meta.events.register("before-sign.ssm-incidents", add_header)
    return c


def leave_state_behind(c: Any) -> None:
    """Assert the account starts empty, then create one of everything."""
    assert c.list_response_plans()["responsePlanSummaries"] == []
    assert c.list_incident_records()["incidentRecordSummaries"] == []
    assert c.list_replication_sets()["replicationSetArns"] == []
    c.create_replication_set(regions={"us-east-1": {}})
    plan = c.create_response_plan(name="leftover", incidentTemplate={"title": "t", "impact": 3})["arn"]
    c.start_incident(responsePlanArn=plan)
    assert len(c.list_incident_records()["incidentRecordSummaries"]) == 1


# --------------------------------------------------------------------------- between tests


def test_decorated_functions_start_empty_and_clean_up() -> None:
    @mock_ssm_incidents
    def first() -> None:
        leave_state_behind(ssm())

    @mock_ssm_incidents
    def second() -> None:
        leave_state_behind(ssm())

    first()
    second()
    assert all(not b.response_plans for per in ssmincidents_backends.values() for b in per.values())


@mock_ssm_incidents
class TestDecoratedClass:
    def test_one(self) -> None:
        leave_state_behind(ssm())

    def test_two(self) -> None:
        leave_state_behind(ssm())


@mock_ssm_incidents
class TestDecoratedUnittestClass(unittest.TestCase):
    def setUp(self) -> None:
        self.client = ssm()
        self.client.create_replication_set(regions={"us-east-1": {}})
        self.plan = self.client.create_response_plan(name="from-setup", incidentTemplate={"title": "t", "impact": 3})[
            "arn"
        ]

    def test_sees_only_its_setup(self) -> None:
        summaries = self.client.list_response_plans()["responsePlanSummaries"]
        self.assertEqual([s["arn"] for s in summaries], [self.plan])
        self.client.create_response_plan(name="extra", incidentTemplate={"title": "t", "impact": 3})

    def test_sees_only_its_setup_too(self) -> None:
        self.test_sees_only_its_setup()


def test_fixture_one(ssm_incidents: Any) -> None:
    leave_state_behind(ssm_incidents)


def test_fixture_two(ssm_incidents: Any) -> None:
    leave_state_behind(ssm_incidents)


def test_nested_context_managers_keep_outer_state_until_the_outer_exit() -> None:
    with mock_ssm_incidents():
        leave_state_behind(ssm())
        with mock_ssm_incidents():  # nested: moto keeps one nesting count, no reset inside
            assert len(ssm().list_response_plans()["responsePlanSummaries"]) == 1
        assert len(ssm().list_response_plans()["responsePlanSummaries"]) == 1
    with mock_ssm_incidents():
        assert ssm().list_response_plans()["responsePlanSummaries"] == []


def test_server_state_does_not_leak_into_the_next_mock() -> None:
    with ThreadedSSMIncidentsServer() as server:
        create_plan(client(endpoint_url=server.url), "server-side")
    with mock_ssm_incidents():
        leave_state_behind(ssm())


# --------------------------------------------------------------------------- between accounts


def test_accounts_do_not_see_each_other(ssm_incidents: Any) -> None:
    leave_state_behind(ssm_incidents)
    leave_state_behind(ssm(account=OTHER_ACCOUNT))  # starts empty although the default account is full
    plan = ssm_incidents.list_response_plans()["responsePlanSummaries"][0]["arn"]
    with pytest.raises(ClientError) as exc_info:  # another account's plan, not shared with this one
        ssm(account=OTHER_ACCOUNT).get_response_plan(arn=plan)
    assert_error(exc_info, "AccessDeniedException", 403, plan, "no resource-based policy allows")


FUZZ = fuzz_settings(ci_examples=60, long_examples=400)
MUTATING = sorted(op for op in SPEC.operations if not op.startswith(("Get", "List")))


@FUZZ
@given(data=st.data())
def test_any_request_in_one_account_leaves_the_other_unchanged(mocked_ssm_incidents: Any, data: st.DataObject) -> None:
    mocked_ssm_incidents.reset()
    home, other = ssm(), ssm(account=OTHER_ACCOUNT)
    home_world = build_world(home, "isolation")
    other_world = build_world(other, "isolation")
    before = snapshot()
    op_name = data.draw(st.sampled_from(MUTATING), label="operation")
    # identifiers of both accounts: the other account must not reach the home account's resources
    world = {k: other_world.get(k, []) + home_world.get(k, []) for k in set(home_world) | set(other_world)}
    params, _ = data.draw(request(op_name, focus(world, op_name), "boto3"), label="input")
    call(other, op_name, params)
    COUNTER.add("isolation")
    assert snapshot() == before, f"{op_name} in account {OTHER_ACCOUNT} changed the default account"


# --------------------------------------------------------------------------- replication-set scope

# Replication-set management is account-wide by design: it is how a region joins the set.
SCOPE_EXEMPT = {"CreateReplicationSet", "UpdateReplicationSet", "DeleteReplicationSet", "UpdateDeletionProtection"}


@FUZZ
@given(data=st.data())
def test_a_region_outside_the_set_changes_nothing(mocked_ssm_incidents: Any, data: st.DataObject) -> None:
    mocked_ssm_incidents.reset()
    world = build_world(ssm("us-east-1"), "isolation")  # the set holds us-east-1 only
    before = snapshot()
    op_name = data.draw(st.sampled_from([op for op in MUTATING if op not in SCOPE_EXEMPT]), label="operation")
    params, _ = data.draw(request(op_name, focus(world, op_name), "boto3"), label="input")
    outcome = call(ssm("eu-west-1"), op_name, params)
    COUNTER.add("isolation")
    assert snapshot() == before, f"{op_name} from a region outside the set changed state: {outcome!r:.300}"
