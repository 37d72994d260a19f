"""Who is calling and where: account, region, partition and caller ARN, resolved as moto does."""

from __future__ import annotations

import re
import sys
from collections.abc import Mapping
from functools import lru_cache

from .config import getenv

DEFAULT_ACCOUNT_ID = "123456789012"
DEFAULT_REGION = "us-east-1"

_HOST_REGION = re.compile(r"ssm-incidents(?:-fips)?\.([a-z0-9-]+)\.amazonaws\.com")
_CREDENTIAL = re.compile(r"Credential=([^/,\s]+)/\d{8}/([^/]+)/([^/]+)/")
_USER_AGENT_REGION = re.compile(r"region/([a-z]{2}(?:-[a-z]+)+-\d)")


def partition_of(region: str) -> str:
    if region.startswith("cn-"):
        return "aws-cn"
    if region.startswith("us-gov-"):
        return "aws-us-gov"
    return "aws"


class RequestContext:
    """The caller of one request. The caller ARN is looked up only when an operation needs it."""

    __slots__ = ("_caller_arn", "access_key", "account_id", "partition", "region")

    def __init__(self, account_id: str, region: str, access_key: str | None = None) -> None:
        self.account_id = account_id
        self.region = region
        self.partition = partition_of(region)
        self.access_key = access_key
        self._caller_arn: str | None = None

    @classmethod
    def from_request(cls, url_host: str, headers: Mapping[str, str]) -> RequestContext:
        auth = headers.get("Authorization") or headers.get("authorization") or ""
        if isinstance(auth, bytes):
            auth = auth.decode("utf-8", "replace")
        # SigV4: "AWS4-HMAC-SHA256 Credential=<key>/<date>/<region>/<service>/aws4_request, Signed..."
        start = auth.find("Credential=")
        end = auth.find(",", start)
        access_key, scope_region = (
            _credential(auth[start:end] if end > 0 else auth[start:]) if start >= 0 else (None, None)
        )
        region = _host_region(url_host)
        if region is None:
            agent = headers.get("User-Agent") or ""
            if isinstance(agent, bytes):
                agent = agent.decode("utf-8", "replace")
            region = _agent_region(agent) or scope_region or DEFAULT_REGION
        return cls(_account_id(headers, access_key), region, access_key)

    @property
    def caller_arn(self) -> str:
        """The principal ARN moto's STS reports for this access key (looked up once per request)."""
        arn = self._caller_arn
        if arn is None:
            key = self.access_key or ""
            if not key.startswith(_MOTO_KEY_PREFIXES):  # a key moto never issued: its default identity
                arn = _default_identity(self.account_id, self.partition, self.region)
            else:
                arn = _identity(self.account_id, self.partition, self.region, key)
            self._caller_arn = arn
        return arn


@lru_cache(maxsize=256)
def _credential(credential: str) -> tuple[str | None, str | None]:
    """Access key and scope region of a ``Credential=...`` clause (the same for many requests)."""
    match = _CREDENTIAL.match(credential)
    return (match.group(1), match.group(2)) if match else (None, None)


@lru_cache(maxsize=256)
def _agent_region(agent: str) -> str | None:
    match = _USER_AGENT_REGION.search(agent)
    return match.group(1) if match else None


@lru_cache(maxsize=256)
def _host_region(url_host: str) -> str | None:
    match = _HOST_REGION.search(url_host)
    return match.group(1) if match else None


# moto's IAM and STS issue access keys only with these prefixes; for any other key STS reports a
# default identity that depends on account and region alone, so it is looked up once.
_MOTO_KEY_PREFIXES = ("AKIA", "ASIA")


def _identity(account_id: str, partition: str, region: str, access_key: str) -> str:
    # moto internal, the same in moto 5.0 to 5.2: STSBackend.get_caller_identity(access_key, region)
    # returns (user_id, arn, account_id). Should it move, fail loudly rather than record another principal.
    try:
        from moto.sts.models import sts_backends

        _, arn, _ = sts_backends[account_id][partition].get_caller_identity(access_key, region)
    except (ImportError, AttributeError, KeyError, TypeError, ValueError) as error:
        from .integration import moto_internal_moved

        raise moto_internal_moved("moto.sts.models.STSBackend.get_caller_identity", error) from error
    return sys.intern(str(arn))  # one string per principal, however many records it writes


@lru_cache(maxsize=1024)
def _default_identity(account_id: str, partition: str, region: str) -> str:
    return _identity(account_id, partition, region, "")


def _account_id(headers: Mapping[str, str], access_key: str | None) -> str:
    account = getenv("MOTO_ACCOUNT_ID")
    if account:
        return account
    header = headers.get("x-moto-account-id")
    if header:
        return header.decode() if isinstance(header, bytes) else header
    if access_key and not access_key.startswith(("FOOBARKEY", "testing", "AKIAIOSFODNN7EXAMPLE")):
        from moto.iam.models import get_account_id_from

        return get_account_id_from(access_key)
    return DEFAULT_ACCOUNT_ID
