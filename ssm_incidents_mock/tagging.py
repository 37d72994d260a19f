"""Tags on response plans, replication sets and incident records."""

from __future__ import annotations


class TaggingMixin:
    """Tags on response plans, replication sets and incident records."""
