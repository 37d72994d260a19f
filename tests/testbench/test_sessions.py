"""The default boto3 session under the mock: fresh for every mock, built around botocore's parsed data."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import boto3
import botocore.handlers
import pytest
from botocore.loaders import Loader
from moto import mock_aws

from ssm_incidents_mock import SSMIncidentsMock, speed_up_mock_aws


def _loader(session: Any) -> Any:
    return session._session.get_component("data_loader")


def _model(session: Any) -> Any:
    return _loader(session).load_service_model("ssm-incidents", "service-2")


@pytest.fixture
def plain_mock_aws() -> Iterator[None]:
    """moto's own session building for plain mock_aws, before and after the test."""
    speed_up_mock_aws(False)
    yield
    speed_up_mock_aws(False)


def test_each_mock_gets_a_fresh_session_that_shares_the_parsed_models() -> None:
    with SSMIncidentsMock():
        boto3.client("ssm-incidents", region_name="us-east-1")
        first = boto3.DEFAULT_SESSION
    with SSMIncidentsMock():
        boto3.client("ssm-incidents", region_name="us-east-1")
        second = boto3.DEFAULT_SESSION
    assert first is not None and second is not None and first is not second
    assert _loader(first) is not _loader(second)
    assert _model(first) is _model(second)  # read and parsed once


def test_nothing_a_test_sets_on_its_session_reaches_the_next(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIAREALLOOKINGKEY00")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "real-looking-secret")
    monkeypatch.delenv("AWS_DEFAULT_REGION", raising=False)
    monkeypatch.delenv("AWS_REGION", raising=False)
    seen: list[str] = []
    with SSMIncidentsMock():
        boto3.setup_default_session(region_name="eu-west-1", aws_access_key_id="first", aws_secret_access_key="s")
        session = boto3.DEFAULT_SESSION
        assert session is not None
        session.events.register("before-call.ssm-incidents", lambda **_: seen.append("called"))
        _loader(session).search_paths.append("/nowhere")
        boto3.client("ssm-incidents").list_replication_sets()
    assert seen == ["called"]
    with SSMIncidentsMock():
        boto3.client("ssm-incidents", region_name="us-east-1").list_replication_sets()
        assert boto3.DEFAULT_SESSION.region_name is None  # type: ignore[union-attr]  # not the last test's
        assert boto3.DEFAULT_SESSION.get_credentials().access_key == "FOOBARKEY"  # type: ignore[union-attr]
        assert "/nowhere" not in _loader(boto3.DEFAULT_SESSION).search_paths
    assert seen == ["called"]


def test_a_data_path_of_its_own_gets_a_cache_of_its_own(monkeypatch: pytest.MonkeyPatch, tmp_path: Any) -> None:
    with SSMIncidentsMock():
        boto3.client("ssm-incidents", region_name="us-east-1")
        shared = _model(boto3.DEFAULT_SESSION)
    monkeypatch.setenv("AWS_DATA_PATH", str(tmp_path))
    with SSMIncidentsMock():
        boto3.client("ssm-incidents", region_name="us-east-1")
        own = boto3.DEFAULT_SESSION
        assert str(tmp_path) in _loader(own).search_paths
        assert _model(own) is not shared


def test_built_in_handlers_added_later_are_registered(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[str] = []

    def handler(**_: Any) -> None:
        seen.append("built-in")

    monkeypatch.setattr(botocore.handlers, "BUILTIN_HANDLERS", [*botocore.handlers.BUILTIN_HANDLERS])
    botocore.handlers.BUILTIN_HANDLERS.append(("before-call.ssm-incidents.ListReplicationSets", handler))
    with SSMIncidentsMock():
        boto3.client("ssm-incidents", region_name="us-east-1").list_replication_sets()
    assert seen == ["built-in"]


def test_plain_mock_aws_keeps_motos_session_unless_switched(plain_mock_aws: None) -> None:
    with mock_aws():
        boto3.client("sqs", region_name="us-east-1")
        assert type(_loader(boto3.DEFAULT_SESSION)) is Loader
    speed_up_mock_aws()
    with mock_aws():
        sqs = boto3.client("sqs", region_name="us-east-1")
        assert type(_loader(boto3.DEFAULT_SESSION)) is not Loader
        sqs.create_queue(QueueName="q")
        assert len(sqs.list_queues()["QueueUrls"]) == 1
    speed_up_mock_aws(False)
    with mock_aws():
        boto3.client("sqs", region_name="us-east-1")
        assert type(_loader(boto3.DEFAULT_SESSION)) is Loader


def test_outside_any_mock_boto3_builds_its_own_session(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(boto3, "DEFAULT_SESSION", None)
    boto3.setup_default_session(region_name="us-east-1")
    assert type(_loader(boto3.DEFAULT_SESSION)) is Loader


def test_moto_routes_reused_by_a_start_hold_no_request_of_the_last_test(plain_mock_aws: None) -> None:
    import requests
    from moto.core.models import responses_mock

    url = "https://ssm-incidents.us-east-1.amazonaws.com/listResponsePlans"
    with SSMIncidentsMock():
        assert requests.post(url, json={}, timeout=5).status_code < 500  # answered through moto's responses mock
        first = {id(route) for route in responses_mock.registered()}
        assert sum(route.call_count for route in responses_mock.registered()) == 1
    with SSMIncidentsMock():
        assert {id(route) for route in responses_mock.registered()} == first  # the same objects, built once
        assert sum(route.call_count for route in responses_mock.registered()) == 0
    with mock_aws():  # plain mock_aws builds its own, as moto does
        assert not {id(route) for route in responses_mock.registered()} & first


def test_boto3s_own_handlers_are_there_and_an_unregister_stays_in_its_session() -> None:
    from botocore.exceptions import ParamValidationError
    from botocore.handlers import validate_bucket_name

    with SSMIncidentsMock():
        assert hasattr(boto3.client("s3", region_name="us-east-1"), "upload_file")  # boto3's S3 customisation
        table = boto3.resource("dynamodb", region_name="us-east-1").Table("t")
        assert hasattr(table, "batch_writer")  # boto3's DynamoDB customisation
        boto3.DEFAULT_SESSION.events.unregister("before-parameter-build.s3", validate_bucket_name)  # type: ignore[union-attr]
        with pytest.raises(Exception) as unchecked:
            boto3.client("s3", region_name="us-east-1").head_bucket(Bucket="no/such")
        assert not isinstance(unchecked.value, ParamValidationError)  # the check is gone from this session
    with SSMIncidentsMock():
        with pytest.raises(ParamValidationError, match="Invalid bucket name"):
            boto3.client("s3", region_name="us-east-1").head_bucket(Bucket="no/such")
