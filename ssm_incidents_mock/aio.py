"""aiobotocore support for in-process mocking (``mock_ssm_incidents`` / ``mock_aws``).

moto answers botocore calls from a before-send handler with a plain ``AWSResponse``, whose
``content`` is bytes. aiobotocore awaits ``content`` (and reads streaming bodies through
``raw.content.read``), so a moto answer breaks it with ``TypeError: object bytes can't be used in
'await' expression``. ``enable()`` converts such an answer into an ``AioAWSResponse`` right where
aiobotocore picks the before-send answer, so every later step (parsing, checksums, streaming
bodies) sees what a real aiohttp response would give. It works for ssm-incidents and for every
service moto serves. Real network responses are already ``AioAWSResponse``s and pass untouched.

The other direction needs help too: an async request body (aiobotocore's aws-chunked checksum
wrapper, e.g. S3 PutObject) is read into memory before moto's handler sees it, but only while
moto's mock is active, so requests that go to the network are left alone.
"""

from __future__ import annotations

import inspect
import io
import threading
from typing import Any

_lock = threading.Lock()
_PATCHED_MARK = "ssm_incidents_mock"


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
    from botocore.awsrequest import AWSResponse

    if not isinstance(response, AWSResponse) or isinstance(response, AioAWSResponse):
        return response
    body = response.content  # the sync property drains the stub's raw body once
    return AioAWSResponse(response.url, response.status_code, response.headers, _BufferedRaw(response.url, body))


def _moto_mock_active() -> bool:
    from moto.core.models import botocore_stubber

    return bool(botocore_stubber.enabled)


async def _buffer_async_body(request: Any) -> None:
    """Replace an async request body by its bytes, so moto's sync handler can read it."""
    body = request.body
    read = getattr(body, "read", None)
    if read is not None and inspect.iscoroutinefunction(read) and _moto_mock_active():
        request.body = io.BytesIO(await read())


def enable() -> bool:
    """Let aiobotocore clients use moto's in-process answers. Idempotent; False without aiobotocore."""
    try:
        import aiobotocore.endpoint as endpoint
    except ImportError:
        return False
    with _lock:
        original = endpoint.first_non_none_response
        if getattr(original, _PATCHED_MARK, False):
            return True

        def first_non_none_response(responses: Any, default: Any = None) -> Any:
            return as_async_response(original(responses, default))

        setattr(first_non_none_response, _PATCHED_MARK, True)
        # aiobotocore.endpoint looks this name up on each call; the before-send answer and the
        # needs-retry answer (an int or None, passed through) are the only values it picks.
        endpoint.first_non_none_response = first_non_none_response

        do_get_response = endpoint.AioEndpoint._do_get_response

        async def _do_get_response(self: Any, request: Any, operation_model: Any, context: Any) -> Any:
            await _buffer_async_body(request)
            return await do_get_response(self, request, operation_model, context)

        endpoint.AioEndpoint._do_get_response = _do_get_response
    return True
