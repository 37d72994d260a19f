"""ssm-incidents' modeled errors with their members (the ones every service has are in ``core``)."""

from __future__ import annotations

from ..core.exceptions import AccessDeniedException, InternalServerException, ServiceError, ValidationException
from ..core.exceptions import ConflictException as _Conflict

__all__ = [
    "AccessDeniedException",
    "ConflictException",
    "InternalServerException",
    "ResourceNotFoundException",
    "ServiceError",
    "ServiceQuotaExceededException",
    "ThrottlingException",
    "ValidationException",
    "not_found",
]


class ResourceNotFoundException(ServiceError):
    code = "ResourceNotFoundException"

    def __init__(self, message: str, resource_type: str | None, identifier: str | None) -> None:
        super().__init__(message, resourceType=resource_type, resourceIdentifier=identifier)


class ConflictException(_Conflict):
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


def not_found(resource_type: str | None, identifier: str, what: str | None = None) -> ResourceNotFoundException:
    """The mock's uniform not-found error (AWS's exact wording is not public).

    ``resource_type`` is None for things no ``ResourceType`` value names (a related item, an ARN
    of no Incident Manager resource).
    """
    label = what or (resource_type or "resource").replace("_", " ").lower()
    return ResourceNotFoundException(f"The {label} {identifier} does not exist.", resource_type, identifier)
