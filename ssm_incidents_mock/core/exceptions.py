"""The errors every service has, named after their error shapes in the botocore models.

A backend raises these (or its service's own, in the service's ``exceptions.py``) as plain Python
exceptions; the wire protocol renders them (HTTP status, code and JSON members) from the error shape
of the service the call belongs to.
"""

from __future__ import annotations

from typing import Any


class ServiceError(Exception):
    """An error whose ``code`` names an error shape of the service model."""

    code = "InternalServerException"

    def __init__(self, message: str, **members: Any) -> None:
        super().__init__(message)
        self.message = message
        self.members = {k: v for k, v in members.items() if v is not None}


class ValidationException(ServiceError):
    code = "ValidationException"


class ConflictException(ServiceError):
    """The dispatcher's answer to an idempotency token reused with other input; services add their members."""

    code = "ConflictException"


class AccessDeniedException(ServiceError):
    code = "AccessDeniedException"


class InternalServerException(ServiceError):
    code = "InternalServerException"
