"""The services this package serves, and which of them a request is for."""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache

from .core.context import credential_scope
from .core.dispatch import Service
from .core.hosts import host_name


@lru_cache(maxsize=1)
def served() -> tuple[Service, ...]:
    """Every service served here, ssm-incidents first."""
    from .ssm_contacts.responses import SERVICE as CONTACTS
    from .ssm_incidents.responses import SERVICE as INCIDENTS

    return (INCIDENTS, CONTACTS)


def by_name(name: str) -> Service | None:
    """The service of a botocore service name (``ssm-incidents``, ``ssm-contacts``)."""
    return next((service for service in served() if service.spec.name == name), None)


def service_for(host: str, headers: Mapping[str, str]) -> Service | None:
    """The service a request is for: by its AWS host, else its ``X-Amz-Target``, else its SigV4 scope.

    A request naming none of them (an unsigned rest-json call to a loopback server) is ssm-incidents';
    a target of no service here is its signature's service (which answers an unknown operation);
    a request signed for another service, or unsigned with a foreign target, is None.
    """
    name = host_name(host) or ""
    services = served()
    for service in services:
        if service.host_pattern.fullmatch(name):
            return service
    target = headers.get("X-Amz-Target") or headers.get("x-amz-target")
    if target:
        prefix = target.split(".", 1)[0]
        named = next((s for s in services if s.spec.target_prefix == prefix), None)
        if named is not None:
            return named
    authorization = headers.get("Authorization") or headers.get("authorization")
    if authorization:
        _, _, signed_for = credential_scope(authorization)
        if signed_for is not None:
            return next((s for s in services if s.spec.signing_name == signed_for), None)
    return None if target else services[0]
