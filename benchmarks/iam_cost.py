"""GetIncidentRecord per-call time with moto's IAM enforcement off (the default) and on.

Run: ``python benchmarks/iam_cost.py [calls]``. With IAM on, the call is signed by an IAM user whose
inline policy allows ``ssm-incidents:*``: the cost is moto's signature check plus policy evaluation.
"""

from __future__ import annotations

import json
import statistics
import sys
import time
from typing import Any

import boto3
from moto.core import set_initial_no_auth_action_count

from ssm_incidents_mock import mock_ssm_incidents


def per_call_us(call: Any, calls: int) -> float:
    runs = []
    for _ in range(5):
        start = time.perf_counter()
        for _ in range(calls):
            call()
        runs.append((time.perf_counter() - start) / calls * 1e6)
    return statistics.median(runs)


@mock_ssm_incidents
def main(calls: int) -> None:
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
    off = per_call_us(lambda: user.get_incident_record(arn=arn), calls)

    @set_initial_no_auth_action_count(0)
    def with_iam() -> float:
        return per_call_us(lambda: user.get_incident_record(arn=arn), calls)

    on = with_iam()
    print(f"GetIncidentRecord: IAM off {off:.0f} us/call, IAM on {on:.0f} us/call ({on / off:.2f}x)")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 300)
