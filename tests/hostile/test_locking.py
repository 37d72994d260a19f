"""Each operation runs with its backend's lock held: the dispatcher's one ``with backend.lock`` serves
every operation of both services, so server threads never interleave inside one backend.

Concurrency suites cannot show this (the operations are too short for threads to interleave in them);
this test records, inside each backend method the dispatcher calls, whether the calling thread holds
that backend's lock.
"""

from __future__ import annotations

from typing import Any

import boto3

from ssm_incidents_mock import mock_incident_manager
from ssm_incidents_mock.core.wire.model import ServiceSpec
from ssm_incidents_mock.ssm_contacts import SPEC as CONTACTS
from ssm_incidents_mock.ssm_incidents import SPEC as INCIDENTS

REGION = "us-east-1"


def _record_lock_state(backend: Any, spec: ServiceSpec, seen: list[tuple[str, bool]]) -> None:
    for op in spec.operations.values():
        method = getattr(backend, op.method_name, None)
        if method is None:
            continue

        def recording(*args: Any, _method: Any = method, _name: str = op.name, **kwargs: Any) -> Any:
            seen.append((_name, backend.lock._is_owned()))
            return _method(*args, **kwargs)

        setattr(backend, op.method_name, recording)  # the dispatcher looks the method up on the instance


def test_every_operation_runs_under_its_backends_lock() -> None:
    seen: list[tuple[str, bool]] = []
    with mock_incident_manager() as mock:
        incidents = boto3.client("ssm-incidents", region_name=REGION)
        contacts = boto3.client("ssm-contacts", region_name=REGION)
        incidents.create_replication_set(regions={REGION: {}})
        contacts.list_contacts()
        _record_lock_state(mock.backend(), INCIDENTS, seen)
        _record_lock_state(mock.contacts_backend(), CONTACTS, seen)

        plan = incidents.create_response_plan(name="p", incidentTemplate={"title": "t", "impact": 3})["arn"]
        incident = incidents.start_incident(responsePlanArn=plan)["incidentRecordArn"]
        incidents.update_incident_record(arn=incident, title="renamed")
        incidents.list_incident_records()
        contact = contacts.create_contact(Alias="akua", Type="PERSONAL", Plan={"Stages": []})["ContactArn"]
        contacts.start_engagement(ContactId=contact, Sender="s", Subject="s", Content="c")
        contacts.list_engagements()
        contacts.get_contact(ContactId=contact)
    operations = {name for name, _ in seen}
    assert operations >= {
        "CreateResponsePlan", "StartIncident", "UpdateIncidentRecord", "ListIncidentRecords",
        "CreateContact", "StartEngagement", "ListEngagements", "GetContact",
    }  # fmt: skip
    assert [name for name, owned in seen if not owned] == []
