"""HTTP transport: the fake Bot API behind a real local HTTP server.

End-to-end tests start the real ``relance`` process with
``TELEGRAM_API_BASE_URL=server.base_url``; it then talks to this server with PTB's default
``HTTPXRequest`` exactly as it would talk to api.telegram.org (form-encoded or multipart POSTs,
long-polling ``getUpdates``, file downloads).  The server runs in a daemon thread and shares
its :class:`FakeTelegram` with the test, which drives users and inspects transcripts.
"""

from __future__ import annotations

import json
import threading
import time
from email.message import Message
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any
from urllib.parse import parse_qs, urlsplit

from .core import ApiError, FakeTelegram, UploadedFile
from .request import parse_api_path

__all__ = ["FakeTelegramServer"]


def _content_disposition(value: str) -> Message:
    """Parse a Content-Disposition value (``form-data; name="x"``) with the stdlib's MIME rules."""
    message = Message()
    message["content-disposition"] = value
    return message


def _parse_multipart(body: bytes, boundary: str) -> tuple[dict[str, Any], dict[str, UploadedFile]]:
    """Split a ``multipart/form-data`` body into form fields and file parts (byte-exact)."""
    params: dict[str, Any] = {}
    files: dict[str, UploadedFile] = {}
    delimiter = b"--" + boundary.encode("latin-1")
    for chunk in body.split(delimiter)[1:]:
        if chunk.startswith(b"--"):
            break
        chunk = chunk.removeprefix(b"\r\n")
        head, _, content = chunk.partition(b"\r\n\r\n")
        content = content.removesuffix(b"\r\n")
        headers: dict[str, str] = {}
        for line in head.decode("utf-8", "replace").split("\r\n"):
            key, _, value = line.partition(":")
            headers[key.strip().lower()] = value.strip()
        disposition = _content_disposition(headers.get("content-disposition", ""))
        name = disposition.get_param("name", header="content-disposition")
        if not isinstance(name, str):
            continue
        filename = disposition.get_filename()
        if filename is not None:
            files[name] = UploadedFile(filename, content, headers.get("content-type"))
        else:
            params[name] = content.decode("utf-8")
    return params, files


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address: tuple[str, int], owner: FakeTelegramServer) -> None:
        self.owner = owner
        super().__init__(address, _Handler)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _HTTPServer

    def log_message(self, format: str, *args: Any) -> None:
        """Keep test output clean; the fake logs requests in ``FakeTelegram.requests``."""

    def do_GET(self) -> None:
        self._dispatch()

    def do_POST(self) -> None:
        self._dispatch()

    def _dispatch(self) -> None:
        owner = self.server.owner
        fake = owner.fake
        if fake.is_down:
            # Drop the connection without an answer: the client sees a network error.
            self.close_connection = True
            return
        url = urlsplit(self.path)
        body = self._read_body()
        target = parse_api_path(url.path)
        if target is None:
            self._send_json(404, ApiError(404, "Not Found").response())
            return
        kind, token, rest = target
        if kind == "file":
            status, payload = fake.download(token, rest)
            self._sleep(fake.response_delay("getFile"))
            content_type = "application/octet-stream" if status == 200 else "application/json"
            self._send(status, payload, content_type)
            return
        try:
            params, files = self._parse_params(url.query, body)
        except (ValueError, UnicodeDecodeError):
            self._send_json(400, ApiError(400, "Bad Request: can't parse request body").response())
            return
        if rest.lower() == "getupdates" and token == fake.token:
            offset = self._int_or_none(params.get("offset"))
            timeout = float(self._int_or_none(params.get("timeout")) or 0)
            fake.wait_for_updates(offset, timeout, owner.is_stopping)
        if fake.is_down:
            self.close_connection = True
            return
        status, response = fake.handle(rest, params, files, token=token)
        self._sleep(fake.response_delay(rest))
        self._send_json(status, response)

    @staticmethod
    def _int_or_none(value: Any) -> int | None:
        if value in (None, ""):
            return None
        return int(value)

    @staticmethod
    def _sleep(seconds: float) -> None:
        """A slow Telegram, as configured by the test (`FakeTelegram.delay`): the delay is what is being tested."""
        if seconds > 0:
            time.sleep(seconds)

    def _read_body(self) -> bytes:
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def _parse_params(self, query: str, body: bytes) -> tuple[dict[str, Any], dict[str, UploadedFile]]:
        params: dict[str, Any] = {k: v[-1] for k, v in parse_qs(query, keep_blank_values=True).items()}
        files: dict[str, UploadedFile] = {}
        content_type = self.headers.get("Content-Type", "")
        media_type = content_type.split(";", 1)[0].strip().lower()
        if media_type == "application/json" and body:
            data = json.loads(body)
            if not isinstance(data, dict):
                raise ValueError("JSON body must be an object")
            params.update(data)
        elif media_type == "multipart/form-data":
            boundary = _boundary(content_type)
            form, files = _parse_multipart(body, boundary)
            params.update(form)
        elif body:
            form_fields = parse_qs(body.decode("utf-8"), keep_blank_values=True)
            params.update({k: v[-1] for k, v in form_fields.items()})
        return params, files

    def _send_json(self, status: int, response: dict[str, Any]) -> None:
        self._send(status, json.dumps(response).encode(), "application/json")

    def _send(self, status: int, payload: bytes, content_type: str) -> None:
        try:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)
        except (BrokenPipeError, ConnectionResetError):
            # The client gave up (e.g. its read timeout fired during a simulated delay).
            self.close_connection = True


def _boundary(content_type: str) -> str:
    message = Message()
    message["content-type"] = content_type
    boundary = message.get_param("boundary")
    if not isinstance(boundary, str) or not boundary:
        raise ValueError("multipart body without boundary")
    return boundary


class FakeTelegramServer:
    """A :class:`FakeTelegram` served over HTTP on ``127.0.0.1`` (random free port).

    Use as a context manager, or call :meth:`start` / :meth:`stop`.
    """

    def __init__(self, fake: FakeTelegram | None = None, *, host: str = "127.0.0.1", port: int = 0) -> None:
        self.fake = fake if fake is not None else FakeTelegram()
        self._address = (host, port)
        self._httpd: _HTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._stopping = threading.Event()

    def start(self) -> FakeTelegramServer:
        """Bind the socket and serve in a daemon thread; returns self."""
        if self._httpd is not None:
            raise RuntimeError("server already started")
        self._stopping.clear()
        self._httpd = _HTTPServer(self._address, self)
        self._thread = threading.Thread(
            target=self._httpd.serve_forever,
            kwargs={"poll_interval": 0.05},
            daemon=True,
            name="fake-telegram",
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving, wake pending long polls and close the socket."""
        if self._httpd is None:
            return
        self._stopping.set()
        self._httpd.shutdown()
        self._httpd.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._httpd = None
        self._thread = None

    def is_stopping(self) -> bool:
        """True once :meth:`stop` was called (long polls return early)."""
        return self._stopping.is_set()

    @property
    def port(self) -> int:
        """The bound TCP port."""
        if self._httpd is None:
            raise RuntimeError("server not started")
        return int(self._httpd.server_address[1])

    @property
    def base_url(self) -> str:
        """Value for ``TELEGRAM_API_BASE_URL`` / ``Bot(base_url=...)``."""
        return f"http://{self._address[0]}:{self.port}/bot"

    @property
    def base_file_url(self) -> str:
        """Value for ``Bot(base_file_url=...)``."""
        return f"http://{self._address[0]}:{self.port}/file/bot"

    def __enter__(self) -> FakeTelegramServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()
