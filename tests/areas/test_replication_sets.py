"""Replication sets: create, get, list, update regions, deletion protection, delete, waiters."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError, WaiterError
from moto.moto_api import state_manager

from ssm_incidents_mock import mock_ssm_incidents
from ssm_incidents_mock.config import REPLICATION_PHASES_ENV
from tests.support import assert_error, unchecked

KEY_EAST_1 = "arn:aws:kms:us-east-1:123456789012:key/11111111-2222-3333-4444-555555555555"
KEY_WEST_2 = "arn:aws:kms:us-west-2:123456789012:key/66666666-7777-8888-9999-000000000000"
# One poll: a set that is not ACTIVE (or gone) on the first read fails the waiter at once instead of
# sleeping the model's 30 s before the next poll.
FIRST_POLL = {"Delay": 0, "MaxAttempts": 1}
MODEL = "ssmincidents::replicationset"
PHASES = {"progression": "manual", "times": 1}


def create_set(client: Any, *regions: str, **region_specs: dict[str, str]) -> str:
    """A new set, which the waiter finds ACTIVE on its first poll."""
    spec: dict[str, dict[str, str]] = {region: {} for region in regions or ("us-east-1",)}
    spec.update(region_specs)
    arn: str = client.create_replication_set(regions=spec)["arn"]
    wait_active(client, arn)
    return arn


def update_set(client: Any, arn: str, actions: list[dict[str, Any]], **kwargs: Any) -> None:
    """UpdateReplicationSet, then wait until the set is ACTIVE again (the first poll finds it so)."""
    client.update_replication_set(arn=arn, actions=actions, **kwargs)
    wait_active(client, arn)


def wait_active(client: Any, arn: str) -> None:
    client.get_waiter("wait_for_replication_set_active").wait(arn=arn, WaiterConfig=FIRST_POLL)


def get_set(client: Any, arn: str) -> dict[str, Any]:
    replication_set: dict[str, Any] = client.get_replication_set(arn=arn)["replicationSet"]
    return replication_set


def count_calls(client: Any, operation: str) -> list[str]:
    """A list that grows by one entry per ``operation`` call the client makes."""
    calls: list[str] = []
    client.meta.events.register(f"before-call.ssm-incidents.{operation}", lambda **_: calls.append(operation))
    return calls


def add_region(name: str, key: str | None = None) -> list[dict[str, Any]]:
    action: dict[str, str] = {"regionName": name}
    if key is not None:
        action["sseKmsKeyId"] = key
    return [{"addRegionAction": action}]


def delete_region(name: str) -> list[dict[str, Any]]:
    return [{"deleteRegionAction": {"regionName": name}}]


# --- create / get / list ----------------------------------------------------------------------


def test_a_created_set_becomes_active_with_default_keys(ssm_incidents: Any) -> None:
    arn = create_set(ssm_incidents, "us-east-1", "us-west-2")
    assert arn.startswith("arn:aws:ssm-incidents::123456789012:replication-set/")
    rs = get_set(ssm_incidents, arn)
    assert rs["arn"] == arn
    assert rs["status"] == "ACTIVE"
    assert rs["deletionProtected"] is False
    assert set(rs["regionMap"]) == {"us-east-1", "us-west-2"}
    for region in rs["regionMap"].values():
        assert region["sseKmsKeyId"] == "DefaultKey"
        assert region["status"] == "ACTIVE"
        assert isinstance(region["statusUpdateDateTime"], datetime)
    caller = boto3.client("sts", region_name="us-east-1").get_caller_identity()["Arn"]
    assert rs["createdBy"] == rs["lastModifiedBy"] == caller
    assert rs["createdTime"] == rs["lastModifiedTime"]


def test_customer_managed_keys_are_echoed(ssm_incidents: Any) -> None:
    arn = create_set(ssm_incidents, **{"us-east-1": {"sseKmsKeyId": KEY_EAST_1}})
    assert get_set(ssm_incidents, arn)["regionMap"]["us-east-1"]["sseKmsKeyId"] == KEY_EAST_1


def test_second_replication_set_exceeds_the_quota(ssm_incidents: Any) -> None:
    arn = create_set(ssm_incidents)
    with pytest.raises(ClientError) as exc_info:
        ssm_incidents.create_replication_set(regions={"us-west-2": {}})
    response = assert_error(exc_info, "ServiceQuotaExceededException", 402, "one replication set")
    assert response["serviceCode"] == "ssm-incidents"
    assert response["quotaCode"]
    assert ssm_incidents.list_replication_sets()["replicationSetArns"] == [arn]


def test_list_replication_sets_is_empty_without_a_set_and_pages(ssm_incidents: Any) -> None:
    assert ssm_incidents.list_replication_sets()["replicationSetArns"] == []
    arn = create_set(ssm_incidents)
    page = ssm_incidents.list_replication_sets(maxResults=1)
    assert page["replicationSetArns"] == [arn]
    assert "nextToken" not in page
    pages = ssm_incidents.get_paginator("list_replication_sets").paginate(PaginationConfig={"PageSize": 1})
    assert [a for p in pages for a in p["replicationSetArns"]] == [arn]


def test_list_replication_sets_rejects_max_results_out_of_range(ssm_incidents: Any) -> None:
    with pytest.raises(ClientError) as exc_info:
        unchecked().list_replication_sets(maxResults=101)
    assert_error(exc_info, "ValidationException", 400, "at 'maxResults'", "less than or equal to 100")


def test_tags_given_at_creation_belong_to_the_set(ssm_incidents: Any) -> None:
    arn = ssm_incidents.create_replication_set(regions={"us-east-1": {}}, tags={"team": "ops", "empty": ""})["arn"]
    assert ssm_incidents.list_tags_for_resource(resourceArn=arn)["tags"] == {"team": "ops", "empty": ""}


def test_get_unknown_set_is_not_found(ssm_incidents: Any) -> None:
    create_set(ssm_incidents)
    missing = "arn:aws:ssm-incidents::123456789012:replication-set/00000000-0000-0000-0000-000000000000"
    with pytest.raises(ClientError) as exc_info:
        ssm_incidents.get_replication_set(arn=missing)
    response = assert_error(exc_info, "ResourceNotFoundException", 404, missing)
    assert response["resourceType"] == "REPLICATION_SET"
    assert response["resourceIdentifier"] == missing


# --- UpdateReplicationSet ---------------------------------------------------------------------


def test_add_region_with_default_key(ssm_incidents: Any) -> None:
    arn = create_set(ssm_incidents)
    before = get_set(ssm_incidents, arn)
    update_set(ssm_incidents, arn, add_region("eu-west-1"))
    rs = get_set(ssm_incidents, arn)
    assert set(rs["regionMap"]) == {"us-east-1", "eu-west-1"}
    assert rs["regionMap"]["eu-west-1"]["sseKmsKeyId"] == "DefaultKey"
    assert rs["regionMap"]["eu-west-1"]["status"] == "ACTIVE"
    assert rs["status"] == "ACTIVE"
    assert rs["lastModifiedTime"] >= before["lastModifiedTime"]
    assert rs["createdTime"] == before["createdTime"]


def test_add_region_with_customer_key_echoes_it(ssm_incidents: Any) -> None:
    arn = create_set(ssm_incidents, **{"us-east-1": {"sseKmsKeyId": KEY_EAST_1}})
    update_set(ssm_incidents, arn, add_region("us-west-2", KEY_WEST_2))
    assert get_set(ssm_incidents, arn)["regionMap"]["us-west-2"]["sseKmsKeyId"] == KEY_WEST_2


def test_delete_region(ssm_incidents: Any) -> None:
    arn = create_set(ssm_incidents, "us-east-1", "us-west-2")
    update_set(ssm_incidents, arn, delete_region("us-west-2"))
    assert set(get_set(ssm_incidents, arn)["regionMap"]) == {"us-east-1"}


@pytest.mark.parametrize(
    ("regions", "actions", "fragment"),
    [
        (("us-east-1", "us-west-2"), add_region("us-west-2"), "already part of the replication set"),
        (("us-east-1", "us-west-2", "eu-west-1"), add_region("eu-central-1"), "at most 3 regions"),
        (("us-east-1",), delete_region("us-west-2"), "not part of the replication set"),
        (("us-east-1",), add_region("mars-1"), "not a valid AWS Region"),
        (("us-east-1",), add_region(""), "not a valid AWS Region"),
        (("us-east-1",), add_region("us-west-2", KEY_WEST_2), "same kind of KMS key"),
    ],
)
def test_invalid_region_changes_are_rejected_and_change_nothing(
    ssm_incidents: Any, regions: tuple[str, ...], actions: list[dict[str, Any]], fragment: str
) -> None:
    arn = create_set(ssm_incidents, *regions)
    before = get_set(ssm_incidents, arn)
    with pytest.raises(ClientError) as exc_info:
        ssm_incidents.update_replication_set(arn=arn, actions=actions)
    assert_error(exc_info, "ValidationException", 400, fragment)
    assert get_set(ssm_incidents, arn) == before


def test_default_key_cannot_join_customer_keys(ssm_incidents: Any) -> None:
    arn = create_set(ssm_incidents, **{"us-east-1": {"sseKmsKeyId": KEY_EAST_1}})
    with pytest.raises(ClientError) as exc_info:
        ssm_incidents.update_replication_set(arn=arn, actions=add_region("us-west-2"))
    assert_error(exc_info, "ValidationException", 400, "same kind of KMS key")
    assert set(get_set(ssm_incidents, arn)["regionMap"]) == {"us-east-1"}


def test_customer_key_must_be_in_the_region_it_encrypts(ssm_incidents: Any) -> None:
    arn = create_set(ssm_incidents, **{"us-east-1": {"sseKmsKeyId": KEY_EAST_1}})
    with pytest.raises(ClientError) as exc_info:
        ssm_incidents.update_replication_set(arn=arn, actions=add_region("eu-west-1", KEY_WEST_2))
    assert_error(exc_info, "ValidationException", 400, KEY_WEST_2, "eu-west-1")
    assert set(get_set(ssm_incidents, arn)["regionMap"]) == {"us-east-1"}


def test_update_takes_exactly_one_action(ssm_incidents: Any) -> None:
    arn = create_set(ssm_incidents)
    with pytest.raises(ClientError) as exc_info:
        ssm_incidents.update_replication_set(arn=arn, actions=add_region("us-west-2") + add_region("eu-west-1"))
    assert_error(exc_info, "ValidationException", 400, "at 'actions'", "less than or equal to 1")
    with pytest.raises(ClientError) as exc_info:
        unchecked().update_replication_set(arn=arn, actions=[])
    assert_error(exc_info, "ValidationException", 400, "at 'actions'", "greater than or equal to 1")
    assert set(get_set(ssm_incidents, arn)["regionMap"]) == {"us-east-1"}


@pytest.mark.parametrize(
    "action",
    [
        {},
        {"addRegionAction": {"regionName": "us-west-2"}, "deleteRegionAction": {"regionName": "us-east-1"}},
    ],
)
def test_an_action_sets_exactly_one_member(ssm_incidents: Any, action: dict[str, Any]) -> None:
    arn = create_set(ssm_incidents)
    with pytest.raises(ClientError) as exc_info:
        unchecked().update_replication_set(arn=arn, actions=[action])
    assert_error(exc_info, "ValidationException", 400, "at 'actions.1.member'", "exactly one member")
    assert set(get_set(ssm_incidents, arn)["regionMap"]) == {"us-east-1"}


def test_update_unknown_set_is_not_found(ssm_incidents: Any) -> None:
    arn = create_set(ssm_incidents)
    missing = arn[:-4] + "ffff"
    with pytest.raises(ClientError) as exc_info:
        ssm_incidents.update_replication_set(arn=missing, actions=add_region("us-west-2"))
    response = assert_error(exc_info, "ResourceNotFoundException", 404, missing)
    assert response["resourceType"] == "REPLICATION_SET"


def test_update_from_a_region_outside_the_set_is_not_found(ssm_incidents: Any) -> None:
    arn = create_set(ssm_incidents)
    outside = boto3.client("ssm-incidents", region_name="eu-west-1")
    with pytest.raises(ClientError) as exc_info:
        outside.update_replication_set(arn=arn, actions=add_region("eu-west-1"))
    assert_error(exc_info, "ResourceNotFoundException", 404)
    assert set(get_set(ssm_incidents, arn)["regionMap"]) == {"us-east-1"}


def test_deleting_the_last_region_deletes_the_set_and_its_data(ssm_incidents: Any) -> None:
    arn = create_set(ssm_incidents)
    plan = ssm_incidents.create_response_plan(name="p", incidentTemplate={"title": "t", "impact": 3})["arn"]
    ssm_incidents.update_replication_set(arn=arn, actions=delete_region("us-east-1"))
    assert ssm_incidents.list_replication_sets()["replicationSetArns"] == []
    assert ssm_incidents.list_response_plans()["responsePlanSummaries"] == []
    with pytest.raises(ClientError) as exc_info:
        ssm_incidents.get_response_plan(arn=plan)
    assert_error(exc_info, "ResourceNotFoundException", 404)


def test_protected_last_region_cannot_be_deleted(ssm_incidents: Any) -> None:
    arn = create_set(ssm_incidents)
    ssm_incidents.update_deletion_protection(arn=arn, deletionProtected=True)
    before = get_set(ssm_incidents, arn)
    with pytest.raises(ClientError) as exc_info:
        ssm_incidents.update_replication_set(arn=arn, actions=delete_region("us-east-1"))
    assert_error(exc_info, "ValidationException", 400, "last region", "deletion protection")
    assert get_set(ssm_incidents, arn) == before


def test_protection_does_not_block_deleting_one_of_several_regions(ssm_incidents: Any) -> None:
    arn = create_set(ssm_incidents, "us-east-1", "us-west-2")
    ssm_incidents.update_deletion_protection(arn=arn, deletionProtected=True)
    update_set(ssm_incidents, arn, delete_region("us-west-2"))
    assert set(get_set(ssm_incidents, arn)["regionMap"]) == {"us-east-1"}


def test_repeating_an_update_with_its_client_token_does_not_fail(ssm_incidents: Any) -> None:
    arn = create_set(ssm_incidents)
    for _ in range(2):
        update_set(ssm_incidents, arn, add_region("us-west-2"), clientToken="tok-1")
    assert set(get_set(ssm_incidents, arn)["regionMap"]) == {"us-east-1", "us-west-2"}


# --- UpdateDeletionProtection -----------------------------------------------------------------


def test_update_deletion_protection_toggles_the_flag(ssm_incidents: Any) -> None:
    arn = create_set(ssm_incidents)
    created = get_set(ssm_incidents, arn)
    ssm_incidents.update_deletion_protection(arn=arn, deletionProtected=True)
    protected = get_set(ssm_incidents, arn)
    assert protected["deletionProtected"] is True
    assert protected["lastModifiedTime"] >= created["lastModifiedTime"]
    ssm_incidents.update_deletion_protection(arn=arn, deletionProtected=False)
    assert get_set(ssm_incidents, arn)["deletionProtected"] is False


def test_update_deletion_protection_of_unknown_set_is_not_found(ssm_incidents: Any) -> None:
    missing = "arn:aws:ssm-incidents::123456789012:replication-set/00000000-0000-0000-0000-000000000000"
    with pytest.raises(ClientError) as exc_info:
        ssm_incidents.update_deletion_protection(arn=missing, deletionProtected=True)
    response = assert_error(exc_info, "ResourceNotFoundException", 404, missing)
    assert response["resourceType"] == "REPLICATION_SET"


# --- DeleteReplicationSet ---------------------------------------------------------------------


def test_delete_replication_set_deletes_all_incident_manager_data(ssm_incidents: Any) -> None:
    arn = create_set(ssm_incidents)
    plan = ssm_incidents.create_response_plan(name="p", incidentTemplate={"title": "t", "impact": 3}, tags={"k": "v"})[
        "arn"
    ]
    ssm_incidents.put_resource_policy(
        resourceArn=plan,
        policy='{"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "ssm-incidents:GetResponsePlan", "Resource": "*"}]}',
    )
    incident = ssm_incidents.start_incident(responsePlanArn=plan)["incidentRecordArn"]
    ssm_incidents.tag_resource(resourceArn=incident, tags={"k": "v"})

    ssm_incidents.delete_replication_set(arn=arn)

    assert ssm_incidents.list_replication_sets()["replicationSetArns"] == []
    with pytest.raises(ClientError) as exc_info:
        get_set(ssm_incidents, arn)
    assert_error(exc_info, "ResourceNotFoundException", 404)
    create_set(ssm_incidents)  # onboard again: nothing of the old data is left
    assert ssm_incidents.list_response_plans()["responsePlanSummaries"] == []
    assert ssm_incidents.list_incident_records()["incidentRecordSummaries"] == []
    for resource in (plan, incident, arn):
        with pytest.raises(ClientError) as exc_info:
            ssm_incidents.list_tags_for_resource(resourceArn=resource)
        assert_error(exc_info, "ResourceNotFoundException", 404)
    recreated = ssm_incidents.create_response_plan(name="p", incidentTemplate={"title": "t", "impact": 3})["arn"]
    assert recreated == plan
    assert ssm_incidents.get_resource_policies(resourceArn=plan)["resourcePolicies"] == []
    assert ssm_incidents.list_tags_for_resource(resourceArn=plan)["tags"] == {}


def test_protected_set_cannot_be_deleted(ssm_incidents: Any) -> None:
    arn = create_set(ssm_incidents)
    ssm_incidents.create_response_plan(name="p", incidentTemplate={"title": "t", "impact": 3})
    ssm_incidents.update_deletion_protection(arn=arn, deletionProtected=True)
    with pytest.raises(ClientError) as exc_info:
        ssm_incidents.delete_replication_set(arn=arn)
    assert_error(exc_info, "ValidationException", 400, "protected from deletion")
    assert get_set(ssm_incidents, arn)["status"] == "ACTIVE"
    assert len(ssm_incidents.list_response_plans()["responsePlanSummaries"]) == 1


def test_delete_unknown_set_is_not_found(ssm_incidents: Any) -> None:
    arn = create_set(ssm_incidents)
    missing = arn[:-4] + "ffff"
    with pytest.raises(ClientError) as exc_info:
        ssm_incidents.delete_replication_set(arn=missing)
    response = assert_error(exc_info, "ResourceNotFoundException", 404, missing)
    assert response["resourceType"] == "REPLICATION_SET"
    assert ssm_incidents.list_replication_sets()["replicationSetArns"] == [arn]


# --- waiters ----------------------------------------------------------------------------------


def test_active_waiter_passes_on_its_first_poll_after_create_and_updates(ssm_incidents: Any) -> None:
    calls = count_calls(ssm_incidents, "GetReplicationSet")
    arn = ssm_incidents.create_replication_set(regions={"us-east-1": {}})["arn"]
    wait_active(ssm_incidents, arn)
    assert len(calls) == 1
    ssm_incidents.update_replication_set(arn=arn, actions=add_region("us-west-2"))
    wait_active(ssm_incidents, arn)
    assert len(calls) == 2
    assert set(get_set(ssm_incidents, arn)["regionMap"]) == {"us-east-1", "us-west-2"}


def test_consecutive_updates_pass_without_a_read_between(ssm_incidents: Any) -> None:
    arn = ssm_incidents.create_replication_set(regions={"us-east-1": {}})["arn"]
    ssm_incidents.update_replication_set(arn=arn, actions=add_region("us-west-2"))
    ssm_incidents.update_replication_set(arn=arn, actions=add_region("eu-west-1"))
    ssm_incidents.update_replication_set(arn=arn, actions=delete_region("us-west-2"))
    rs = get_set(ssm_incidents, arn)
    assert rs["status"] == "ACTIVE"
    assert {name: region["status"] for name, region in rs["regionMap"].items()} == {
        "us-east-1": "ACTIVE",
        "eu-west-1": "ACTIVE",
    }


def test_deleted_waiter_succeeds_on_its_first_poll(ssm_incidents: Any) -> None:
    arn = create_set(ssm_incidents)
    calls = count_calls(ssm_incidents, "GetReplicationSet")
    ssm_incidents.delete_replication_set(arn=arn)
    ssm_incidents.get_waiter("wait_for_replication_set_deleted").wait(arn=arn, WaiterConfig=FIRST_POLL)
    assert len(calls) == 1


def test_deleted_waiter_does_not_succeed_while_the_set_exists(ssm_incidents: Any) -> None:
    arn = create_set(ssm_incidents)
    calls = count_calls(ssm_incidents, "GetReplicationSet")
    with pytest.raises(WaiterError):
        ssm_incidents.get_waiter("wait_for_replication_set_deleted").wait(arn=arn, WaiterConfig=FIRST_POLL)
    assert len(calls) == 1


# --- phases on request --------------------------------------------------------------------------


@pytest.fixture
def transition() -> Iterator[Callable[[dict[str, Any]], None]]:
    """Set a transition for the replication set model; moto's reset keeps it, so it is unset afterwards."""
    yield lambda t: state_manager.set_transition(MODEL, t)
    state_manager.unset_transition(MODEL)


def assert_phases(client: Any) -> None:
    """CREATING for one read (the waiter's first poll fails), then ACTIVE; an update right away conflicts."""
    arn = client.create_replication_set(regions={"us-east-1": {}})["arn"]
    with pytest.raises(WaiterError):
        wait_active(client, arn)  # one poll, which saw CREATING
    wait_active(client, arn)
    client.update_replication_set(arn=arn, actions=add_region("us-west-2"))
    with pytest.raises(ClientError) as exc_info:
        client.update_replication_set(arn=arn, actions=add_region("eu-west-1"))
    assert_error(exc_info, "ConflictException", 409, "is UPDATING")
    assert get_set(client, arn)["status"] == "UPDATING"
    assert get_set(client, arn)["status"] == "ACTIVE"


def test_the_state_manager_brings_the_phases_back(ssm_incidents: Any, transition: Any) -> None:
    transition(PHASES)
    assert_phases(ssm_incidents)


def test_the_mock_option_brings_the_phases_back() -> None:
    with mock_ssm_incidents(replication_phases=True):
        assert_phases(boto3.client("ssm-incidents", region_name="us-east-1"))
    with mock_ssm_incidents():  # the option ends with its mock
        client = boto3.client("ssm-incidents", region_name="us-east-1")
        wait_active(client, client.create_replication_set(regions={"us-east-1": {}})["arn"])


@pytest.mark.ssm_incidents(replication_phases=True)
def test_the_marker_brings_the_phases_back(ssm_incidents: Any) -> None:
    assert_phases(ssm_incidents)


def test_the_environment_brings_the_phases_back(ssm_incidents: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(REPLICATION_PHASES_ENV, "true")
    assert_phases(ssm_incidents)


@pytest.mark.ssm_incidents(replication_phases=True)
def test_a_transition_set_in_the_state_manager_beats_the_option(ssm_incidents: Any, transition: Any) -> None:
    transition({"progression": "immediate"})
    arn = ssm_incidents.create_replication_set(regions={"us-east-1": {}})["arn"]
    wait_active(ssm_incidents, arn)


@pytest.mark.ssm_incidents(replication_phases=True)
def test_with_phases_a_deleted_region_reads_deleting_once(ssm_incidents: Any) -> None:
    arn = ssm_incidents.create_replication_set(regions={"us-east-1": {}, "us-west-2": {}})["arn"]
    get_set(ssm_incidents, arn)
    ssm_incidents.update_replication_set(arn=arn, actions=delete_region("us-west-2"))
    assert get_set(ssm_incidents, arn)["regionMap"]["us-west-2"]["status"] == "DELETING"
    assert set(get_set(ssm_incidents, arn)["regionMap"]) == {"us-east-1"}
