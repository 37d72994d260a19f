"""aiobotocore: answers of the before-send handler as aiobotocore awaits them."""

from __future__ import annotations

import inspect
import io
from types import ModuleType
from typing import Any

from botocore.awsrequest import AWSResponse
from moto.moto_api._internal.managed_state_model import ManagedState as ManagedState

# --- aiobotocore -----------------------------------------------------------------------------------
# moto answers botocore calls from a before-send handler with a plain ``AWSResponse`` whose
# ``content`` is bytes; aiobotocore awaits ``content`` (and reads streaming bodies through
# ``raw.content.read``). ``enable_aiobotocore()`` turns such an answer into an ``AioAWSResponse``
# where aiobotocore picks the before-send answer, for ssm-incidents and every service moto serves.
# An async request body (aiobotocore's aws-chunked checksum wrapper) is read into memory before
# moto's handler sees it, only while moto's mock is active.


class _BufferedStream:
    """The part of aiohttp's ``StreamReader`` aiobotocore's streaming body uses, over bytes."""

    __slots__ = ("_data", "_offset")

    def __init__(self, data: bytes) -> None:
        self._data = data
        self._offset = 0

    async def read(self, amt: int = -1) -> bytes:
        end = len(self._data) if amt is None or amt < 0 else self._offset + amt
        chunk = self._data[self._offset : end]
        self._offset += len(chunk)
        return chunk

    def at_eof(self) -> bool:
        return self._offset >= len(self._data)


class _BufferedRaw:
    """An in-memory stand-in for the aiohttp ``ClientResponse`` an ``AioAWSResponse`` wraps."""

    __slots__ = ("content", "url")

    def __init__(self, url: str, data: bytes) -> None:
        self.url = url
        self.content = _BufferedStream(data)

    async def read(self) -> bytes:
        return await self.content.read()

    def close(self) -> None:
        """Nothing to release: the body is in memory."""


def as_async_response(response: Any) -> Any:
    """``response`` unchanged unless it is a sync ``AWSResponse``; then an ``AioAWSResponse`` twin."""
    from aiobotocore.awsrequest import AioAWSResponse

    if not isinstance(response, AWSResponse) or isinstance(response, AioAWSResponse):
        return response
    body = response.content  # the sync property drains the stub's raw body once
    return AioAWSResponse(response.url, response.status_code, response.headers, _BufferedRaw(response.url, body))


async def _buffer_async_body(request: Any) -> None:
    """Replace an async request body by its bytes, so moto's sync handler can read it."""
    from moto.core.models import botocore_stubber

    body = request.body
    read = getattr(body, "read", None)
    if read is not None and inspect.iscoroutinefunction(read) and botocore_stubber.enabled:
        request.body = io.BytesIO(await read())


def enable_aiobotocore_on_import(_: ModuleType) -> None:
    enable_aiobotocore()


def enable_aiobotocore() -> bool:
    """Let aiobotocore clients use moto's in-process answers. Idempotent; False without aiobotocore."""
    try:
        import aiobotocore.endpoint as endpoint
    except ImportError:
        return False
    original = endpoint.first_non_none_response
    if getattr(original, "ssm_incidents_mock", False):
        return True

    def first_non_none_response(responses: Any, default: Any = None) -> Any:
        return as_async_response(original(responses, default))

    first_non_none_response.ssm_incidents_mock = True  # type: ignore[attr-defined]
    # aiobotocore.endpoint looks this name up on each call; the before-send answer and the
    # needs-retry answer (an int or None, passed through) are the only values it picks.
    endpoint.first_non_none_response = first_non_none_response
    do_get_response = endpoint.AioEndpoint._do_get_response

    async def _do_get_response(self: Any, request: Any, operation_model: Any, context: Any) -> Any:
        await _buffer_async_body(request)
        return await do_get_response(self, request, operation_model, context)

    endpoint.AioEndpoint._do_get_response = _do_get_response
    return True
