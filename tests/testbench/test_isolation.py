"""No fault rule, recorded call or clock offset of one test reaches the next, whichever way the tests mock."""

from __future__ import annotations

import textwrap

import pytest

pytest_plugins = ["pytester"]

RUN = ("-p", "no:randomly", "-p", "no:cacheprovider", "-q")

LEAKY_THEN_CLEAN = """
    import boto3
    import pytest
    from botocore.config import Config
    from moto import mock_aws

    from ssm_incidents_mock import mock_ssm_incidents
    from ssm_incidents_mock.core import clock, control

    ONCE = Config(retries={"total_max_attempts": 1})


    def _leave_everything_behind(faults):
        faults.add(operation="ListReplicationSets", error="ThrottlingException")
        clock.advance(3600)
        boto3.client("ssm-incidents", region_name="us-east-1", config=ONCE).list_replication_sets()


    def _nothing_left(faults, calls):
        assert len(faults) == 0 and len(calls) == 0 and clock.offset() == 0.0
        boto3.client("ssm-incidents", region_name="us-east-1", config=ONCE).list_replication_sets()
        assert len(calls) == 1


    def test_1_fixture_leaves(ssm_incidents_faults):
        with pytest.raises(Exception):
            _leave_everything_behind(ssm_incidents_faults)


    def test_2_fixture_finds_nothing(ssm_incidents_faults, ssm_incidents_calls):
        _nothing_left(ssm_incidents_faults, ssm_incidents_calls)


    @mock_ssm_incidents
    def test_3_decorator_leaves():
        from ssm_incidents_mock.core.faults import FAULTS
        with pytest.raises(Exception):
            _leave_everything_behind(FAULTS)


    @mock_aws
    def test_4_mock_aws_finds_nothing():
        import ssm_incidents_mock  # registers the services with moto
        from ssm_incidents_mock.core.calls import CALLS
        from ssm_incidents_mock.core.faults import FAULTS
        _nothing_left(FAULTS, CALLS)


    def test_5_server_leaves(ssm_incidents_server):
        control.handle("POST", "faults", b'{"operation": "ListReplicationSets", "error": "ThrottlingException"}')
        clock.advance(60)


    def test_6_server_finds_nothing(ssm_incidents_server):
        assert control.handle("GET", "faults")[1]["faults"] == [] and clock.offset() == 0.0
"""


def test_nothing_of_one_test_reaches_the_next(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_leaks=textwrap.dedent(LEAKY_THEN_CLEAN))
    result = pytester.runpytest_subprocess(*RUN)
    result.assert_outcomes(passed=6)


def test_the_same_tests_in_reverse_order_pass_too(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_leaks=textwrap.dedent(LEAKY_THEN_CLEAN))
    pytester.makeconftest(
        """
        def pytest_collection_modifyitems(items):
            items.reverse()
        """
    )
    result = pytester.runpytest_subprocess(*RUN)
    result.assert_outcomes(passed=6)
