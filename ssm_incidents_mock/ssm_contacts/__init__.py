"""ssm-contacts: contacts, channels, engagements and pages, on-call rotations, in moto's layout."""

from ..core.wire.model import ServiceSpec

# HTTP statuses of the errors, which botocore's JSON model leaves out (from the Smithy model).
HTTP_STATUSES = {
    "AccessDeniedException": 403,
    "ConflictException": 409,
    "DataEncryptionException": 400,
    "InternalServerException": 500,
    "ResourceNotFoundException": 404,
    "ServiceQuotaExceededException": 402,
    "ThrottlingException": 429,
    "ValidationException": 400,
}

SPEC = ServiceSpec("ssm-contacts", HTTP_STATUSES)
