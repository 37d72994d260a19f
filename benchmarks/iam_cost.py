"""GetIncidentRecord per-call time with moto's IAM enforcement off (the default) and on.

Run: ``python -m benchmarks.iam_cost [rounds]`` from the repository root. The call is signed by an IAM user whose inline policy
allows ``ssm-incidents:*``; with IAM on, the cost is moto's signature check plus policy evaluation.
Both sides run in alternating short batches (``benchmarks.common.interleaved``), as every other ratio.
"""

from __future__ import annotations

import json
import sys
from typing import Any

import boto3
from moto import settings as moto_settings

from benchmarks.common import interleaved
from ssm_incidents_mock import mock_ssm_incidents


@mock_ssm_incidents
def main(rounds: int) -> None:
    admin = boto3.client("ssm-incidents", region_name="us-east-1")
    admin.create_replication_set(regions={"us-east-1": {}})
    plan = admin.create_response_plan(name="bench", incidentTemplate={"title": "t", "impact": 3})["arn"]
    arn = admin.start_incident(responsePlanArn=plan)["incidentRecordArn"]
    iam = boto3.client("iam", region_name="us-east-1")
    iam.create_user(UserName="bench")
    allow = {"Effect": "Allow", "Action": "ssm-incidents:*", "Resource": "*"}
    iam.put_user_policy(
        UserName="bench", PolicyName="p", PolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [allow]})
    )
    key = iam.create_access_key(UserName="bench")["AccessKey"]
    user = boto3.client(
        "ssm-incidents",
        region_name="us-east-1",
        aws_access_key_id=key["AccessKeyId"],
        aws_secret_access_key=key["SecretAccessKey"],
    )
    signed = lambda: user.get_incident_record(arn=arn)  # noqa: E731

    def iam_off() -> Any:
        moto_settings.INITIAL_NO_AUTH_ACTION_COUNT = float("inf")  # moto's default: no enforcement
        return signed()

    def iam_on() -> Any:
        moto_settings.INITIAL_NO_AUTH_ACTION_COUNT = 0  # what set_initial_no_auth_action_count(0) sets
        return signed()

    try:
        result = interleaved(iam_on, iam_off, rounds, 6)
    finally:
        moto_settings.INITIAL_NO_AUTH_ACTION_COUNT = float("inf")
    print(
        f"GetIncidentRecord signed by an IAM user: IAM on {result['subject_us']:.0f} us/call, "
        f"off {result['baseline_us']:.0f} us/call: {result['ratio']:.2f}x "
        f"[{result['ratio_low']:.2f}, {result['ratio_high']:.2f}] ({rounds} interleaved rounds)"
    )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 101)
