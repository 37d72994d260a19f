"""Derived identifiers: a bijection per incident id, recovered exactly, refusing anything else."""

from __future__ import annotations

import uuid

from hypothesis import given
from hypothesis import strategies as st

from ssm_incidents_mock.core.ids import derived_number, derived_uuid, random_uuid, uuid_text, uuid_value

BASE = "6ebcc812-85f5-b7eb-8b2f-283e4d844308"


@given(st.integers(min_value=0, max_value=(1 << 128) - 1))
def test_uuid_text_and_value_round_trip(value: int) -> None:
    text = uuid_text(value)
    assert str(uuid.UUID(text)) == text
    assert uuid_value(text) == value


def test_uuid_value_refuses_non_canonical_text() -> None:
    assert uuid_value(BASE.upper()) is None
    assert uuid_value(BASE.replace("-", "")) is None
    assert uuid_value("{" + BASE[1:]) is None
    assert uuid_value(BASE[:-1] + "g") is None
    assert uuid_value(" " + BASE[1:]) is None
    assert uuid_value("") is None


@given(st.integers(min_value=1, max_value=1 << 70), st.integers(min_value=0, max_value=(1 << 128) - 1))
def test_derived_ids_give_back_their_number(number: int, base_value: int) -> None:
    base = uuid_text(base_value)
    derived = derived_uuid(base, number)
    assert derived != base
    assert derived_number(base, derived) == number


def test_derived_ids_are_distinct_per_number_and_per_base() -> None:
    other = random_uuid()
    ours = {derived_uuid(BASE, n) for n in range(1, 2001)}
    theirs = {derived_uuid(other, n) for n in range(1, 2001)}
    assert len(ours) == len(theirs) == 2000
    assert not ours & theirs


def test_an_id_of_another_incident_decodes_to_a_number_no_timeline_reaches() -> None:
    foreign = derived_uuid(random_uuid(), 1)
    number = derived_number(BASE, foreign)
    assert number is not None and number > 1 << 32
    assert derived_number(BASE, "not-a-uuid") is None


def test_random_uuids_are_version_4() -> None:
    for _ in range(500):
        text = random_uuid()
        parsed = uuid.UUID(text)
        assert (parsed.version, parsed.variant, str(parsed)) == (4, uuid.RFC_4122, text)
