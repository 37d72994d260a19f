"""Service errors, named after the error shapes of the botocore model.

The backend raises these as plain Python exceptions; the protocol layer renders them
(HTTP status, ``x-amzn-errortype`` header and JSON members) from the model's error shape.
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


class ResourceNotFoundException(ServiceError):
    code = "ResourceNotFoundException"

    def __init__(self, message: str, resource_type: str | None, identifier: str | None) -> None:
        super().__init__(message, resourceType=resource_type, resourceIdentifier=identifier)


class ConflictException(ServiceError):
    code = "ConflictException"

    def __init__(self, message: str, resource_type: str | None = None, identifier: str | None = None) -> None:
        super().__init__(message, resourceType=resource_type, resourceIdentifier=identifier)


class ServiceQuotaExceededException(ServiceError):
    code = "ServiceQuotaExceededException"

    def __init__(
        self,
        message: str,
        quota_code: str,
        resource_type: str | None = None,
        identifier: str | None = None,
    ) -> None:
        super().__init__(
            message,
            quotaCode=quota_code,
            serviceCode="ssm-incidents",
            resourceType=resource_type,
            resourceIdentifier=identifier,
        )


class ThrottlingException(ServiceError):
    code = "ThrottlingException"

    def __init__(self, message: str = "Rate exceeded", quota_code: str = "RateLimit") -> None:
        super().__init__(message, quotaCode=quota_code, serviceCode="ssm-incidents")


class AccessDeniedException(ServiceError):
    code = "AccessDeniedException"


class InternalServerException(ServiceError):
    code = "InternalServerException"


def not_found(resource_type: str | None, identifier: str, what: str | None = None) -> ResourceNotFoundException:
    """The mock's uniform not-found error (AWS's exact wording is not public).

    ``resource_type`` is None for things no ``ResourceType`` value names (a related item, an ARN
    of no Incident Manager resource).
    """
    label = what or (resource_type or "resource").replace("_", " ").lower()
    return ResourceNotFoundException(f"The {label} {identifier} does not exist.", resource_type, identifier)
