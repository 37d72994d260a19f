"""ARNs, read in one place: ``arn:<partition>:<service>:<region>:<account>:<resource>``.

moto's ``parse_arn`` drops the partition, which both services need (an incident acts in its own
partition only), so the fields are read here. What a service's resource part means is the service's.
"""

from __future__ import annotations

from typing import NamedTuple

# The partitions the ARN patterns of both services allow (``^arn:aws(-cn|-us-gov)?:``): they exist there only.
PARTITIONS = ("aws", "aws-cn", "aws-us-gov")


class Arn(NamedTuple):
    """The five fields after ``arn:``."""

    partition: str
    service: str
    region: str
    account: str
    resource: str


def parse_arn(text: str) -> Arn | None:
    """The fields of an ARN; None for text that is not ``arn:`` and five more fields."""
    parts = text.split(":", 5)
    if len(parts) != 6 or parts[0] != "arn":
        return None
    return Arn(parts[1], parts[2], parts[3], parts[4], parts[5])


def account_of(text: str) -> str:
    """The account field of an ARN ("" when it has none, or the text is no ARN)."""
    arn = parse_arn(text)
    return arn.account if arn is not None else ""


def partition_of(text: str) -> str:
    """The partition field of an ARN ("" when the text is no ARN)."""
    arn = parse_arn(text)
    return arn.partition if arn is not None else ""
