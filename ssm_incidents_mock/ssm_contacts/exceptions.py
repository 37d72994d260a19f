"""The modeled errors of ssm-contacts, with the model's (capitalised) member names.

They share ``ServiceError`` with ssm-incidents: the protocol layer renders ``members`` through the
error shape of the service the call belongs to, so only the names here must match the model.
"""

from __future__ import annotations

from typing import Any

from ..core.exceptions import ServiceError

SERVICE_CODE = "ssm-contacts"
# AWS's texts for this service start so (``Invalid value provided - Account not found for the request``).
INVALID = "Invalid value provided - "


class ValidationException(ServiceError):
    """``Reason``: UNKNOWN_OPERATION, CANNOT_PARSE, FIELD_VALIDATION_FAILED or OTHER; ``Fields``: ``[{Name, Message}]``."""

    code = "ValidationException"

    def __init__(self, message: str, reason: str | None = None, fields: list[dict[str, str]] | None = None) -> None:
        super().__init__(message, Reason=reason, Fields=fields)


def invalid(detail: str, field: str | None = None) -> ValidationException:
    """A semantic check that failed, in this service's wording; ``field`` names the member at fault."""
    message = INVALID + detail
    if field is None:
        return ValidationException(message, "OTHER")
    return ValidationException(message, "FIELD_VALIDATION_FAILED", [{"Name": field, "Message": detail}])


class ResourceNotFoundException(ServiceError):
    code = "ResourceNotFoundException"

    def __init__(self, message: str, resource_id: str, resource_type: str) -> None:
        super().__init__(message, ResourceId=resource_id, ResourceType=resource_type)


def not_found(resource_type: str, resource_id: str) -> ResourceNotFoundException:
    """The uniform not-found error (AWS's exact wording is not public)."""
    label = resource_type.replace("_", " ").lower()
    return ResourceNotFoundException(f"The {label} {resource_id} does not exist.", resource_id, resource_type)


class ConflictException(ServiceError):
    """``DependentEntities``: ``[{RelationType, DependentResourceIds}]`` that keep the resource from changing."""

    code = "ConflictException"

    def __init__(
        self,
        message: str,
        resource_id: str,
        resource_type: str,
        dependent_entities: list[dict[str, Any]] | None = None,
    ) -> None:
        super().__init__(
            message, ResourceId=resource_id, ResourceType=resource_type, DependentEntities=dependent_entities
        )


class ServiceQuotaExceededException(ServiceError):
    code = "ServiceQuotaExceededException"

    def __init__(
        self, message: str, quota_code: str, resource_id: str | None = None, resource_type: str | None = None
    ) -> None:
        super().__init__(
            message, QuotaCode=quota_code, ServiceCode=SERVICE_CODE, ResourceId=resource_id, ResourceType=resource_type
        )


class ThrottlingException(ServiceError):
    """HTTP 429; ``RetryAfterSeconds`` also goes out as the ``Retry-After`` header."""

    code = "ThrottlingException"

    def __init__(
        self, message: str = "Rate exceeded", quota_code: str | None = None, retry_after_seconds: int | None = None
    ) -> None:
        super().__init__(message, QuotaCode=quota_code, ServiceCode=SERVICE_CODE, RetryAfterSeconds=retry_after_seconds)


class AccessDeniedException(ServiceError):
    code = "AccessDeniedException"


class DataEncryptionException(ServiceError):
    """The replication set's KMS key cannot be used (HTTP 400)."""

    code = "DataEncryptionException"


class InternalServerException(ServiceError):
    code = "InternalServerException"

    def __init__(self, message: str, retry_after_seconds: int | None = None) -> None:
        super().__init__(message, RetryAfterSeconds=retry_after_seconds)
