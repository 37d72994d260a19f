"""Findings of an incident: read through the API, seeded by tests."""

from __future__ import annotations


class FindingsMixin:
    """Findings of an incident: read through the API, seeded by tests."""
