"""Resource policies on response plans."""

from __future__ import annotations


class PoliciesMixin:
    """Resource policies on response plans."""
