"""Helpers shared by every test folder; suites import from here, never from each other."""

from tests.support.builders import (
    TEMPLATE,
    client,
    create_plan,
    new_incident,
    onboard,
    role_session,
    signed_by,
    start_incident,
    unchecked,
    user_client,
    wait_active,
)
from tests.support.clock import Clock
from tests.support.errors import assert_error
from tests.support.shapes import assert_output_shape, output_problems

__all__ = [
    "TEMPLATE",
    "Clock",
    "assert_error",
    "assert_output_shape",
    "client",
    "create_plan",
    "new_incident",
    "onboard",
    "output_problems",
    "role_session",
    "signed_by",
    "start_incident",
    "unchecked",
    "user_client",
    "wait_active",
]
