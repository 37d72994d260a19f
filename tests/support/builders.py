"""Clients and the resources most tests start from (a response plan, an incident)."""

from __future__ import annotations

import json
from typing import Any

import boto3
from botocore.config import Config

TEMPLATE = {"title": "Outage", "impact": 3}
TEST_CREDENTIALS = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing"}


def client(region: str = "us-east-1", *, endpoint_url: str | None = None, validate: bool = True, **config: Any) -> Any:
    """A boto3 ``ssm-incidents`` client: in process (under a mock) or, with ``endpoint_url``, for a server.

    ``validate=False`` turns botocore's parameter validation off so invalid input reaches the service.
    """
    kwargs: dict[str, Any] = {"region_name": region}
    if not validate or config:
        kwargs["config"] = Config(parameter_validation=validate, **config)
    if endpoint_url:
        kwargs.update(endpoint_url=endpoint_url, **TEST_CREDENTIALS)
    return boto3.client("ssm-incidents", **kwargs)


def signed_by(credentials: dict[str, Any], region: str = "us-east-1", service: str = "ssm-incidents") -> Any:
    """A client of ``service`` signing with STS ``Credentials`` (an assumed role's session)."""
    return boto3.client(
        service,
        region_name=region,
        aws_access_key_id=credentials["AccessKeyId"],
        aws_secret_access_key=credentials["SecretAccessKey"],
        aws_session_token=credentials["SessionToken"],
    )


def user_client(statements: list[dict[str, Any]], service: str = "ssm-incidents") -> Any:
    """An IAM user alice with these policy statements and a ``service`` client signing with her key (3 IAM
    calls: make it while moto's IAM enforcement is off or counted out)."""
    iam = boto3.client("iam", region_name="us-east-1")
    iam.create_user(UserName="alice")
    document = json.dumps({"Version": "2012-10-17", "Statement": statements})
    iam.put_user_policy(UserName="alice", PolicyName="p", PolicyDocument=document)
    key = iam.create_access_key(UserName="alice")["AccessKey"]
    return boto3.client(
        service,
        region_name="us-east-1",
        aws_access_key_id=key["AccessKeyId"],
        aws_secret_access_key=key["SecretAccessKey"],
    )


def role_session(
    account: str, role: str, statements: list[dict[str, Any]] | None, service: str = "ssm-incidents"
) -> Any:
    """A ``service`` client of ``account`` acting as ``role``, made there with these identity policy statements
    (call it while moto's IAM enforcement is off)."""
    sts = boto3.client("sts", region_name="us-east-1")
    admin = sts.assume_role(RoleArn=f"arn:aws:iam::{account}:role/admin", RoleSessionName="setup")["Credentials"]
    iam = boto3.client(
        "iam",
        region_name="us-east-1",
        aws_access_key_id=admin["AccessKeyId"],
        aws_secret_access_key=admin["SecretAccessKey"],
        aws_session_token=admin["SessionToken"],
    )
    trust = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "sts:AssumeRole"}],
    }
    iam.create_role(RoleName=role, AssumeRolePolicyDocument=json.dumps(trust))
    if statements:
        document = json.dumps({"Version": "2012-10-17", "Statement": statements})
        iam.put_role_policy(RoleName=role, PolicyName="p", PolicyDocument=document)
    session = sts.assume_role(RoleArn=f"arn:aws:iam::{account}:role/{role}", RoleSessionName="session")
    return signed_by(session["Credentials"], service=service)


def unchecked(region: str = "us-east-1", **kwargs: Any) -> Any:
    """A client that sends every value to the service, so the mock's own validation answers."""
    return client(region, validate=False, **kwargs)


def onboard(c: Any) -> None:
    """Onboard the client's account as AWS requires first: a replication set holding the client's region."""
    if not c.list_replication_sets()["replicationSetArns"]:
        c.create_replication_set(regions={c.meta.region_name: {}})


def wait_active(c: Any, arn: str) -> None:
    """Wait, as AWS users must, until the replication set is ACTIVE (moto's state manager moves it on reads)."""
    c.get_waiter("wait_for_replication_set_active").wait(arn=arn, WaiterConfig={"Delay": 0, "MaxAttempts": 5})


def create_plan(c: Any, name: str = "plan", template: dict[str, Any] | None = None, **members: Any) -> str:
    """A response plan whose incident template is ``TEMPLATE`` updated with ``template`` (the account onboarded)."""
    onboard(c)
    arn: str = c.create_response_plan(name=name, incidentTemplate={**TEMPLATE, **(template or {})}, **members)["arn"]
    return arn


def start_incident(c: Any, plan: str, **kwargs: Any) -> str:
    arn: str = c.start_incident(responsePlanArn=plan, **kwargs)["incidentRecordArn"]
    return arn


def new_incident(c: Any, plan_name: str = "plan") -> str:
    """An incident of the plan named ``plan_name`` (created with ``TEMPLATE`` when it does not exist yet)."""
    plans = {p["name"]: p["arn"] for p in c.list_response_plans()["responsePlanSummaries"]}
    plan = plans.get(plan_name) or create_plan(c, plan_name)
    return start_incident(c, plan)
