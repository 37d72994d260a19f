"""moto versions: the supported range is checked at import, and a moved moto internal fails loudly."""

from __future__ import annotations

import warnings

import boto3
import moto
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from ssm_incidents_mock import seam
from ssm_incidents_mock.core import context
from ssm_incidents_mock.seam import SUPPORTED_MOTO, UntestedMotoVersionWarning, check_moto_version


@pytest.mark.parametrize("version", ["5.2.0", "5.2.1", "5.2.5", "5.2.6.dev0"])
def test_supported_versions_pass_quietly(version: str) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        check_moto_version(version)


@pytest.mark.parametrize("version", ["5.1.22", "5.1.0", "5.0.13", "4.2.14"])
def test_older_moto_is_refused_naming_the_range(version: str) -> None:
    with pytest.raises(ImportError, match=rf"needs moto >=5\.2\.0,<5\.3, but moto {version} is installed"):
        check_moto_version(version)


@pytest.mark.parametrize("version", ["5.3.0", "5.3.0rc1", "6.0.0"])
def test_newer_series_warns_naming_the_range(version: str) -> None:
    with pytest.warns(UntestedMotoVersionWarning, match=rf"tested with moto >=5\.2\.0,<5\.3; moto {version}"):
        check_moto_version(version)


def test_installed_moto_is_in_the_claimed_range() -> None:
    assert SUPPORTED_MOTO == ">=5.2.0,<5.3"
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        check_moto_version(moto.__version__)


def test_a_moved_sts_internal_fails_loudly_naming_moto(
    monkeypatch: pytest.MonkeyPatch, mocked_ssm_incidents: object
) -> None:
    from moto.sts.models import STSBackend

    def moved(self: object, access_key_id: str) -> None:  # a signature that no longer fits
        raise AssertionError("not reached")

    monkeypatch.setattr(STSBackend, "get_caller_identity", moved)
    context._default_identity.cache_clear()
    client = boto3.client("ssm-incidents", region_name="us-east-1", config=Config(retries={"max_attempts": 1}))
    try:
        with pytest.raises(ClientError) as caught:  # the set records its creator
            client.create_replication_set(regions={"us-east-1": {}})
    finally:
        context._default_identity.cache_clear()
    error = caught.value.response
    assert error["ResponseMetadata"]["HTTPStatusCode"] == 500
    assert error["Error"]["Code"] == "InternalServerException"
    message = error["Error"]["Message"]
    assert f"moto.sts.models.STSBackend.get_caller_identity of moto {moto.__version__}" in message
    assert "TypeError" in message and seam.SUPPORTED_MOTO in message
