"""Terraform's hashicorp/aws provider against the server: the lifecycle its acceptance tests walk through.

apply a replication set and a response plan, plan with no changes, update both in place, import
both, destroy. It runs offline: the provider comes from a local filesystem mirror. Terraform and the
mirror are part of this project's development and CI machines, so their absence fails the test;
``SSM_INCIDENTS_MOCK_SKIP_TERRAFORM=1`` skips it deliberately on a machine without them.
"""

from __future__ import annotations

import textwrap
from typing import Any

import boto3
import pytest

from ssm_incidents_mock.server import ThreadedSSMIncidentsServer, dump_state
from tests.support.terraform import Terraform

pytestmark = pytest.mark.ssm_incidents(strict=True)  # onboarding required, as on AWS

PLAN_NAME = "checkout"


def _config(url: str, *, updated: bool, action: bool = True) -> str:
    regions = ["us-east-1", "eu-west-1"] if updated else ["us-east-1"]
    region_blocks = "".join(f'  region {{\n    name = "{name}"\n  }}\n' for name in regions)
    set_tags = '{ team = "sre", env = "test" }' if updated else '{ team = "sre" }'
    title, impact, owner = ("Checkout down", 1, "platform") if updated else ("Checkout failing", 2, "payments")
    # AWS rejects an ssmAutomation action with empty parameter maps, and provider 5.x sends empty maps
    # for omitted blocks, so the action sets both (see docs/terraform.md).
    action = (
        textwrap.indent(
            textwrap.dedent(
                """
                action {
                  ssm_automation {
                    document_name = "AWSIncidents-CriticalIncidentRunbookTemplate"
                    role_arn      = "arn:aws:iam::123456789012:role/runbook"
                    parameter {
                      name   = "Environment"
                      values = ["prod"]
                    }
                    dynamic_parameters = {
                      incidentARN = "INCIDENT_RECORD_ARN"
                    }
                  }
                }
                """
            ),
            "  ",
        )
        if updated and action
        else ""
    )
    return textwrap.dedent(
        f"""
        terraform {{
          required_providers {{
            aws = {{ source = "hashicorp/aws", version = ">= 5.0" }}
          }}
        }}

        provider "aws" {{
          region                      = "us-east-1"
          access_key                  = "testing"
          secret_key                  = "testing"
          skip_credentials_validation = true
          skip_requesting_account_id  = true
          skip_metadata_api_check     = true
          endpoints {{
            ssmincidents = "{url}"
          }}
        }}

        resource "aws_ssmincidents_replication_set" "main" {{
        %s  tags = {set_tags}
        }}

        resource "aws_ssmincidents_response_plan" "plan" {{
          name         = "{PLAN_NAME}"
          display_name = "Checkout"
          incident_template {{
            title         = "{title}"
            impact        = {impact}
            summary       = "Orders fail at payment"
            incident_tags = {{ service = "checkout" }}
          }}
        %s  tags       = {{ owner = "{owner}" }}
          depends_on = [aws_ssmincidents_replication_set.main]
        }}
        """
    ) % (region_blocks, action)


@pytest.fixture
def client(ssm_incidents_server: ThreadedSSMIncidentsServer) -> Any:
    return boto3.client(
        "ssm-incidents",
        region_name="us-east-1",
        endpoint_url=ssm_incidents_server.url,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )


def _plan(client: Any) -> dict[str, Any]:
    arn = client.list_response_plans()["responsePlanSummaries"][0]["arn"]
    plan: dict[str, Any] = client.get_response_plan(arn=arn)
    plan["tags"] = client.list_tags_for_resource(resourceArn=arn)["tags"]
    return plan


def _replication_set(client: Any) -> dict[str, Any]:
    arn = client.list_replication_sets()["replicationSetArns"][0]
    rs: dict[str, Any] = client.get_replication_set(arn=arn)["replicationSet"]
    rs["tags"] = client.list_tags_for_resource(resourceArn=arn)["tags"]
    return rs


def test_terraform_lifecycle(
    terraform: Terraform, ssm_incidents_server: ThreadedSSMIncidentsServer, client: Any
) -> None:
    main = terraform.workdir / "main.tf"
    main.write_text(_config(ssm_incidents_server.url, updated=False))
    terraform.run("init", "-input=false")

    # create, then a plan with no changes
    terraform.apply()
    rs = _replication_set(client)
    assert rs["status"] == "ACTIVE" and set(rs["regionMap"]) == {"us-east-1"}
    assert rs["tags"] == {"team": "sre"}
    plan = _plan(client)
    assert plan["name"] == PLAN_NAME and plan["displayName"] == "Checkout"
    assert plan["incidentTemplate"]["title"] == "Checkout failing" and plan["incidentTemplate"]["impact"] == 2
    assert plan["incidentTemplate"]["incidentTags"] == {"service": "checkout"}
    assert plan["tags"] == {"owner": "payments"} and "actions" not in plan
    terraform.assert_no_changes()

    # update both in place: a region added, template and tags changed, an action added
    main.write_text(_config(ssm_incidents_server.url, updated=True))
    out = terraform.apply()
    assert "0 added, 2 changed, 0 destroyed" in out, out
    rs = _replication_set(client)
    assert set(rs["regionMap"]) == {"us-east-1", "eu-west-1"} and rs["tags"] == {"team": "sre", "env": "test"}
    plan = _plan(client)
    assert plan["incidentTemplate"]["title"] == "Checkout down" and plan["incidentTemplate"]["impact"] == 1
    assert plan["tags"] == {"owner": "platform"}
    automation = plan["actions"][0]["ssmAutomation"]
    assert automation["parameters"] == {"Environment": ["prod"]}
    assert automation["dynamicParameters"] == {"incidentARN": {"variable": "INCIDENT_RECORD_ARN"}}
    terraform.assert_no_changes()

    # removing the action block: provider 5.x leaves `actions` out of UpdateResponsePlan, a partial
    # update, so the action stays and the removal is planned again (as on AWS; docs/terraform.md)
    main.write_text(_config(ssm_incidents_server.url, updated=True, action=False))
    terraform.apply()
    assert _plan(client)["actions"][0]["ssmAutomation"]["documentName"].startswith("AWSIncidents-")
    out = terraform.run("plan", "-detailed-exitcode", "-input=false", expect=2)
    assert "- action {" in out, out
    main.write_text(_config(ssm_incidents_server.url, updated=True))
    terraform.assert_no_changes()

    # import: forget both, import them back by ARN, and nothing differs
    terraform.run("state", "rm", "aws_ssmincidents_response_plan.plan", "aws_ssmincidents_replication_set.main")
    (terraform.workdir / "imports.tf").write_text(
        f'import {{\n  to = aws_ssmincidents_replication_set.main\n  id = "{rs["arn"]}"\n}}\n'
        f'import {{\n  to = aws_ssmincidents_response_plan.plan\n  id = "{plan["arn"]}"\n}}\n'
    )
    out = terraform.apply()
    assert "2 imported, 0 added, 0 changed, 0 destroyed" in out, out
    (terraform.workdir / "imports.tf").unlink()
    terraform.assert_no_changes()

    # destroy
    out = terraform.run("destroy", "-auto-approve", "-input=false")
    assert "Destroy complete! Resources: 2 destroyed." in out, out
    state = dump_state()["accounts"]["123456789012"]["aws"]
    assert state["replicationSet"] is None and state["responsePlans"] == [] and state["tags"] == {}
