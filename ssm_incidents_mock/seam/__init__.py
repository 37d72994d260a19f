"""The one seam: every use of moto's, botocore's and aiobotocore's *internals* is in this package.

Public APIs (``mock_aws``, ``BaseBackend``, ``BackendDict``, ``moto.utilities`` helpers, botocore's
loaders) are used where they are needed; anything else of theirs is reached from here only, so a
new release that moves an internal breaks this package and nothing else. Its modules, by what they
touch: ``versions``, ``mocking`` (moto's stubber and ``responses`` mock, mock_aws), ``sessions`` (boto3's
default session), ``identity`` (callers and IAM), ``aio`` (aiobotocore), ``world`` (CloudWatch,
EventBridge, SNS, the state manager), ``ssm`` (documents and automation executions), ``imports``
(hooks on import) and ``moto_server``.

Checked against moto 5.2.0, 5.2.1 and 5.2.5 (botocore 1.35 to 1.43, aiobotocore 2.13 and newer).
The internals used:

- ``moto.backend_index.backend_url_patterns``: moto's ``responses`` mock and server route by it;
- ``moto.core.botocore_stubber.BotocoreStubber.__call__``: moto's one before-send handler, wrapped
  so that ssm-incidents requests go straight to our dispatcher;
- ``moto.core.models``: ``MockAWS._nested_count`` / ``_decorate_class``, ``botocore_stubber``,
  ``responses_mock``, ``RESPONSES_METHODS``; ``moto.core.custom_responses_mock.CallbackResponse``;
- ``moto.core.config.default_user_config`` / ``passthrough_url``: moto's passthrough settings;
- ``moto.core.base_backend.backend_lock``: held while one service's backends are dropped;
  ``BackendDict.reset`` (wrapped): the test bench (fault rules, recorded calls) is dropped with moto's state;
- ``boto3.setup_default_session`` (replaced) and botocore's ``Loader._cache``: a mock's fresh default
  session reuses botocore's parsed data (see "boto3's default session under the mock"); the name
  ``moto.core.models.CallbackResponse``: a mock's start reuses the ``responses`` routes of the last one;
- ``moto.sts.models.sts_backends`` and ``moto.iam.models.get_account_id_from``: who a key belongs to;
- ``moto.settings.INITIAL_NO_AUTH_ACTION_COUNT``, ``ActionAuthenticatorMixin.request_count`` and
  ``moto.iam.access_control`` (``IAMRequest``, its private ``_access_key``, ``IAMPolicy`` and its private
  ``_policy_json``, ``IAMPolicyStatement`` and its ``_check_element_matches``): moto's IAM enforcement and
  its statement evaluation, with IAM's wildcard matching in place of moto's regular expressions;
- ``aiobotocore.endpoint.first_non_none_response`` and ``AioEndpoint._do_get_response``;
- in moto's world (``world``, ``ssm``): CloudWatch alarms, EventBridge rules, SNS, SSM, the state manager
  and ``mock_random``.
"""

from __future__ import annotations

from .aio import as_async_response, enable_aiobotocore
from .identity import AuthError, account_of_access_key, authenticate, caller_identity, iam_enabled, identity_decision
from .mocking import (
    RawBody,
    RequestRefused,
    Served,
    backend_lock,
    decorate_class,
    heal_nesting,
    install,
    mock_active,
    on_moto_reset,
)
from .moto_server import moto_server_app
from .sessions import fast_sessions
from .ssm import automation_document, automation_executions, has_document
from .versions import SUPPORTED_MOTO, UntestedMotoVersionWarning, check_moto_version
from .world import ManagedState, hook_world, moto_random, register_transition, sns_publish

__all__ = [
    "SUPPORTED_MOTO",
    "AuthError",
    "ManagedState",
    "RawBody",
    "RequestRefused",
    "Served",
    "UntestedMotoVersionWarning",
    "account_of_access_key",
    "as_async_response",
    "authenticate",
    "automation_document",
    "automation_executions",
    "backend_lock",
    "caller_identity",
    "check_moto_version",
    "decorate_class",
    "enable_aiobotocore",
    "fast_sessions",
    "has_document",
    "heal_nesting",
    "hook_world",
    "iam_enabled",
    "identity_decision",
    "install",
    "mock_active",
    "moto_random",
    "moto_server_app",
    "on_moto_reset",
    "register_transition",
    "sns_publish",
]
