"""Shared test helpers. The public fixtures come from the package's pytest plugin."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError


def assert_error(
    exc_info: pytest.ExceptionInfo[ClientError], code: str, status: int, *fragments: str
) -> dict[str, Any]:
    """Check a ClientError's code, HTTP status and that its message holds every fragment."""
    response = exc_info.value.response
    assert response["Error"]["Code"] == code, response
    assert response["ResponseMetadata"]["HTTPStatusCode"] == status, response
    assert response["ResponseMetadata"]["HTTPHeaders"]["x-amzn-errortype"] == code
    message = response["Error"]["Message"]
    for fragment in fragments:
        assert fragment in message, (fragment, message)
    return response


@pytest.fixture
def lenient(monkeypatch: pytest.MonkeyPatch) -> None:
    """Lenient onboarding for the test (and processes it starts): no replication set needed."""
    monkeypatch.setenv("SSM_INCIDENTS_MOCK_STRICT", "false")
