"""Who is calling and where: account, region, partition and caller ARN, resolved as moto does."""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Mapping
from functools import lru_cache
from typing import Any

from moto.core import DEFAULT_ACCOUNT_ID  # type: ignore[attr-defined]  # moto's documented name
from moto.utilities.utils import get_partition

from .. import seam
from .exceptions import ValidationException

DEFAULT_REGION = "us-east-1"
# SigV4: "AWS4-HMAC-SHA256 Credential=<key>/<date>/<region>/<service>/aws4_request, Signed..."
_CREDENTIAL = re.compile(r"Credential=([^/,\s]+)/\d{8}/([^/,\s]+)/([^/,\s]+)/")
_USER_AGENT_REGION = re.compile(r"region/([a-z]{2}(?:-[a-z]+)+-\d)")
# moto's IAM and STS issue access keys only with these prefixes; for any other key STS reports a
# default identity that depends on account and region alone, so it is looked up once.
_MOTO_KEY_PREFIXES = ("AKIA", "ASIA")
# Keys moto's documentation and mock_aws use: they belong to the default account.
_FAKE_KEY_PREFIXES = ("FOOBARKEY", "testing", "AKIAIOSFODNN7EXAMPLE")

__all__ = ["DEFAULT_ACCOUNT_ID", "DEFAULT_REGION", "RequestContext", "credential_scope"]


class RequestContext:
    """The caller of one request. The caller ARN is looked up only when an operation needs it.

    ``shared`` is what other accounts share with the caller for this call, found by the service
    before the backend runs (``Target.shared``): a listing adds it to the caller's own resources.
    """

    __slots__ = ("_caller_arn", "access_key", "account_id", "partition", "region", "shared")

    def __init__(self, account_id: str, region: str, access_key: str | None = None) -> None:
        self.account_id = account_id
        self.region = region
        self.partition = get_partition(region)
        self.access_key = access_key
        self.shared: tuple[Any, ...] = ()
        self._caller_arn: str | None = None

    @classmethod
    def from_request(cls, url_host: str, headers: Mapping[str, str], host_pattern: re.Pattern[str]) -> RequestContext:
        """The caller of a request to a service whose endpoint hosts ``host_pattern`` matches (region: group 1)."""
        access_key, scope_region, _ = credential_scope(
            _text(headers.get("Authorization") or headers.get("authorization"))
        )
        # A signed request is served where it was signed for: a header must not move it to another
        # region or partition than its credentials (the scope is what moto's IAM verifies).
        region = scope_region or _host_region(host_pattern, url_host)
        if region is None:
            region = _agent_region(_text(headers.get("User-Agent"))) or DEFAULT_REGION
        return cls(_account_id(headers, access_key), region, access_key)

    @classmethod
    def acting_as(cls, account_id: str, region: str, caller_arn: str) -> RequestContext:
        """A call Incident Manager makes for another service (an alarm action, a rule target)."""
        ctx = cls(account_id, region)
        ctx._caller_arn = caller_arn
        return ctx

    @property
    def caller_arn(self) -> str:
        """The principal ARN moto's STS reports for this access key (looked up once per request)."""
        arn = self._caller_arn
        if arn is None:
            key = self.access_key or ""
            if not key.startswith(_MOTO_KEY_PREFIXES):  # a key moto never issued: its default identity
                arn = _default_identity(self.account_id, self.partition, self.region)
            else:
                arn = sys.intern(seam.caller_identity(self.account_id, self.partition, self.region, key))
            self._caller_arn = arn
        return arn


def _text(value: str | bytes | None) -> str:
    if value is None:
        return ""
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else value


@lru_cache(maxsize=256)
def credential_scope(authorization: str) -> tuple[str | None, str | None, str | None]:
    """Access key, region and service of a SigV4 ``Authorization`` header (the same for many requests)."""
    match = _CREDENTIAL.search(authorization) if "Credential=" in authorization else None
    return (match.group(1), match.group(2), match.group(3)) if match else (None, None, None)


@lru_cache(maxsize=256)
def _agent_region(agent: str) -> str | None:
    match = _USER_AGENT_REGION.search(agent)
    return match.group(1) if match else None


@lru_cache(maxsize=256)
def _host_region(host_pattern: re.Pattern[str], url_host: str) -> str | None:
    match = host_pattern.search(url_host)
    return match.group(1) if match else None


@lru_cache(maxsize=1024)
def _default_identity(account_id: str, partition: str, region: str) -> str:
    return seam.caller_identity(account_id, partition, region, "")


def _account_id(headers: Mapping[str, str], access_key: str | None) -> str:
    account = os.environ.get("MOTO_ACCOUNT_ID")
    if account:
        return _checked_account(account, "The MOTO_ACCOUNT_ID environment variable")
    header = headers.get("x-moto-account-id")
    if header:
        return _checked_account(_text(header), "The x-moto-account-id header")
    if access_key and not access_key.startswith(_FAKE_KEY_PREFIXES):
        return seam.account_of_access_key(access_key)
    return DEFAULT_ACCOUNT_ID


def _checked_account(account: str, source: str) -> str:
    """An account id chosen by moto's header or variable must be one AWS could issue: 12 ASCII digits."""
    if len(account) != 12 or not account.isascii() or not account.isdigit():
        raise ValidationException(f"{source} must be a 12-digit AWS account ID, not '{account[:64]}'.")
    return account
