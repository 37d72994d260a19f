"""Assertions on the errors boto3 raises."""

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
