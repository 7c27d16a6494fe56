"""In-process transport: a PTB ``BaseRequest`` that talks to a :class:`FakeTelegram`.

Passing ``FakeRequest(fake)`` to ``ApplicationBuilder().request(...)`` and
``.get_updates_request(...)`` (or to ``telegram.Bot(request=..., get_updates_request=...)``)
keeps PTB's whole request path - parameter serialization, error-code-to-exception mapping,
``de_json`` of the answers - and only swaps the network for a direct call into the fake.
That is what makes bot bugs surface as the same ``BadRequest``/``Forbidden``/``RetryAfter``
exceptions as in production, without sockets or threads.
"""

from __future__ import annotations

import asyncio
import json
import re
from typing import Any
from urllib.parse import unquote, urlsplit

from telegram._utils.defaultvalue import DefaultValue
from telegram._utils.types import ODVInput
from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, RequestData

from .core import ApiError, FakeTelegram, UploadedFile

__all__ = ["FakeRequest", "parse_api_path"]

_FILE_PATH_RE = re.compile(r"^.*/file/bot(?P<token>[^/]+)/(?P<path>.+)$")
_METHOD_PATH_RE = re.compile(r"^.*/bot(?P<token>[^/]+)/(?P<method>[^/]+)$")


def parse_api_path(path: str) -> tuple[str, str, str] | None:
    """Split a Bot API URL path into ``(kind, token, rest)``.

    ``kind`` is ``"file"`` for ``/file/bot<token>/<file_path>`` downloads (``rest`` is the
    unquoted file path) and ``"method"`` for ``/bot<token>/<method>`` calls.
    """
    match = _FILE_PATH_RE.match(path)
    if match:
        return "file", unquote(match["token"]), unquote(match["path"])
    match = _METHOD_PATH_RE.match(path)
    if match:
        return "method", unquote(match["token"]), match["method"]
    return None


def _not_found() -> bytes:
    return json.dumps(ApiError(404, "Not Found").response()).encode()


class FakeRequest(BaseRequest):
    """A ``telegram.request.BaseRequest`` answering from a :class:`FakeTelegram`.

    ``read_timeout`` plays the role of HTTPXRequest's: with :meth:`FakeTelegram.delay` longer
    than it, the call raises ``telegram.error.TimedOut`` (after the fake has processed the
    request, as when a real answer is lost on the way back).
    """

    def __init__(
        self, fake: FakeTelegram, *, read_timeout: float | None = 5.0, poll_interval: float = 0.005
    ) -> None:
        self.fake = fake
        self._read_timeout = read_timeout
        self._poll_interval = poll_interval

    @property
    def read_timeout(self) -> float | None:
        """Default read timeout, used by PTB to compute the long-polling timeout."""
        return self._read_timeout

    async def initialize(self) -> None:
        """Nothing to set up: there is no connection pool."""

    async def shutdown(self) -> None:
        """Nothing to tear down."""

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        write_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        connect_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        pool_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        """Route one PTB request to the fake and return ``(status, body)`` like HTTPXRequest."""
        if self.fake.is_down:
            raise NetworkError("httpx.ConnectError: fake Telegram is down")
        timeout = self._read_timeout if isinstance(read_timeout, DefaultValue) else read_timeout
        target = parse_api_path(urlsplit(url).path)
        if target is None:
            return 404, _not_found()
        kind, token, rest = target

        if kind == "file":
            if method.upper() != "GET":
                return 404, _not_found()
            status, body = self.fake.download(token, rest)
            await self._respond_after(self.fake.response_delay("getFile"), timeout)
            return status, body

        params: dict[str, Any] = dict(request_data.parameters) if request_data else {}
        files: dict[str, UploadedFile] = {}
        if request_data is not None and request_data.contains_files:
            for name, (filename, content, mime_type) in request_data.multipart_data.items():
                data = content if isinstance(content, bytes) else content.read()
                files[name] = UploadedFile(filename, data, mime_type)

        if rest.lower() == "getupdates" and token == self.fake.token:
            await self._wait_for_updates(params)
        if self.fake.is_down:
            raise NetworkError("httpx.ReadError: fake Telegram went down")
        status, response = self.fake.handle(rest, params, files, token=token)
        await self._respond_after(self.fake.response_delay(rest), timeout)
        return status, json.dumps(response).encode()

    async def _wait_for_updates(self, params: dict[str, Any]) -> None:
        """Long polling: wait up to ``timeout`` seconds for an update to be queued."""
        raw_timeout = params.get("timeout") or 0
        try:
            wait = float(raw_timeout)
        except (TypeError, ValueError):
            wait = 0.0
        raw_offset = params.get("offset")
        offset = int(raw_offset) if raw_offset not in (None, "") else None
        loop = asyncio.get_running_loop()
        deadline = loop.time() + wait
        # Polling, not an asyncio.Event: updates are queued by plain synchronous code, possibly
        # from another thread (the HTTP server shares the same fake).
        while (  # noqa: ASYNC110
            not self.fake.updates_ready(offset) and not self.fake.is_down and loop.time() < deadline
        ):
            await asyncio.sleep(self._poll_interval)

    @staticmethod
    async def _respond_after(delay: float, read_limit: float | None) -> None:
        """Sleep for a configured delay, raising TimedOut if it exceeds the read timeout."""
        if delay <= 0:
            return
        if read_limit is not None and delay > read_limit:
            await asyncio.sleep(read_limit)
            raise TimedOut()
        await asyncio.sleep(delay)
