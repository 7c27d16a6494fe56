"""A real SMTP server (aiosmtpd) for tests: plain, STARTTLS or implicit TLS, optional AUTH, faults on demand.

    async with SmtpTestServer(mode="starttls", auth=True) as server:
        settings = server.settings()            # SmtpSettings pointing at it, trusting its certificate
        ...
        assert server.messages[0]["Subject"] == "…"

The server runs in its own thread (aiosmtpd's Controller), so the client under test keeps the test's
event loop to itself.
"""

import asyncio
import email
import email.policy
import socket
import ssl
import threading
from collections import deque
from dataclasses import dataclass, field
from email.message import EmailMessage
from types import TracebackType
from typing import Any, Literal, Self, cast

import trustme
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult, Envelope, LoginPassword, Session

from bot.channels.email import SmtpSettings

Mode = Literal["plain", "starttls", "tls"]
Stage = Literal["NOOP", "RCPT", "DATA"]

USERNAME = "freelancer@example.com"
PASSWORD = "s3cret-Passw0rd!"
SERVER_HOST = "127.0.0.1"


@dataclass(frozen=True)
class ReceivedMessage:
    mail_from: str
    rcpt_tos: tuple[str, ...]
    raw: bytes
    message: EmailMessage
    encrypted: bool
    authenticated: bool


@dataclass
class _Fault:
    stage: Stage
    reply: str
    times: int


@dataclass
class _Handler:
    """aiosmtpd handler hooks: record what arrives, answer with an injected fault when one is queued."""

    received: list[ReceivedMessage] = field(default_factory=list)
    connections: list[SMTP] = field(default_factory=list)
    faults: deque[_Fault] = field(default_factory=deque)
    refused: dict[str, str] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_EHLO(
        self, server: SMTP, session: Session, envelope: Envelope, hostname: str, responses: list[str]
    ) -> list[str]:
        session.host_name = hostname  # aiosmtpd leaves this to a handler that hooks EHLO
        # One SMTP instance per TCP connection; STARTTLS says EHLO again on the same one.
        with self.lock:
            if not any(known is server for known in self.connections):
                self.connections.append(server)
        return responses

    async def handle_NOOP(self, server: SMTP, session: Session, envelope: Envelope, arg: str) -> str:
        return self._take_fault("NOOP") or "250 OK"

    async def handle_RCPT(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, rcpt_options: list[str]
    ) -> str:
        fault = self._take_fault("RCPT")
        if fault is not None:
            return fault
        with self.lock:
            refusal = self.refused.get(address.lower())
        if refusal is not None:
            return refusal
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        fault = self._take_fault("DATA")
        if fault is not None:
            return fault
        raw = cast(bytes, envelope.original_content or envelope.content)
        parsed = email.message_from_bytes(raw, policy=email.policy.default)
        with self.lock:
            self.received.append(
                ReceivedMessage(
                    mail_from=envelope.mail_from or "",
                    rcpt_tos=tuple(envelope.rcpt_tos),
                    raw=raw,
                    message=parsed,
                    encrypted=server.transport is not None
                    and server.transport.get_extra_info("sslcontext") is not None,
                    authenticated=bool(session.authenticated),
                )
            )
        return "250 Message accepted for delivery"

    def _take_fault(self, stage: Stage) -> str | None:
        with self.lock:
            fault = next((queued for queued in self.faults if queued.stage == stage), None)
            if fault is None:
                return None
            fault.times -= 1
            if fault.times <= 0:
                self.faults.remove(fault)
            return fault.reply


class SmtpTestServer:
    """Start with ``async with`` (or ``await start()`` / ``await stop()``); one instance, one port."""

    def __init__(self, mode: Mode = "plain", *, auth: bool = False) -> None:
        self.mode = mode
        self.auth = auth
        self.host = SERVER_HOST
        self.port = free_port()
        self.username = USERNAME
        self.password = PASSWORD
        self._ca = trustme.CA()
        self._handler = _Handler()
        server_context: ssl.SSLContext | None = None
        if mode != "plain":
            server_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
            self._ca.issue_cert(SERVER_HOST, "localhost").configure_cert(server_context)
        options: dict[str, Any] = {}
        if mode == "starttls":
            options.update(tls_context=server_context, require_starttls=True)
        if auth:
            # On an implicit-TLS port aiosmtpd does not know the link is encrypted; it is.
            options.update(authenticator=self._authenticate, auth_require_tls=mode != "tls")
        self._controller = Controller(
            self._handler,
            hostname=self.host,
            port=self.port,
            ssl_context=server_context if mode == "tls" else None,
            server_hostname="smtp.relance.test",
            **options,
        )

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.stop()

    async def start(self) -> None:
        await asyncio.to_thread(self._controller.start)

    async def stop(self) -> None:
        await asyncio.to_thread(self._controller.stop)

    def client_ssl_context(self) -> ssl.SSLContext:
        """A client context that trusts this server's test CA (and nothing else)."""
        return ssl.create_default_context(cadata=self._ca.cert_pem.bytes().decode("ascii"))

    def settings(self, **overrides: Any) -> SmtpSettings:
        """SmtpSettings for this server: the right security mode, its credentials, its CA trusted."""
        security = {"plain": "none", "starttls": "starttls", "tls": "tls"}[self.mode]
        values: dict[str, Any] = {
            "host": self.host,
            "port": self.port,
            "username": self.username if self.auth else None,
            "password": self.password if self.auth else None,
            "security": security,
            "sender": "reminders@relance.example",
            "timeout": 5,
            "tls_context": self.client_ssl_context() if self.mode != "plain" else None,
        }
        values.update(overrides)
        return SmtpSettings(**values)

    @property
    def messages(self) -> list[EmailMessage]:
        return [received.message for received in self.received]

    @property
    def received(self) -> list[ReceivedMessage]:
        with self._handler.lock:
            return list(self._handler.received)

    @property
    def connection_count(self) -> int:
        """How many client connections said EHLO (Controller.start()'s own probe connection never does)."""
        with self._handler.lock:
            return len(self._handler.connections)

    def fail_next(self, code: int, text: str, times: int = 1, *, at: Stage = "RCPT") -> None:
        """Answer the next ``times`` RCPT (or DATA, NOOP) commands with e.g. ``451 4.3.0 try again later``."""
        with self._handler.lock:
            self._handler.faults.append(_Fault(stage=at, reply=f"{code} {text}", times=times))

    def refuse_recipient(self, address: str, code: int = 550, text: str = "5.1.1 no such user") -> None:
        """Refuse this recipient at RCPT, every time."""
        with self._handler.lock:
            self._handler.refused[address.lower()] = f"{code} {text}"

    def drop_connections(self) -> None:
        """Close every client connection from the server side, as an idle timeout would."""
        with self._handler.lock:
            servers = list(self._handler.connections)
        for server in servers:
            if server.transport is not None:
                self._controller.loop.call_soon_threadsafe(server.transport.close)

    def _authenticate(
        self, server: SMTP, session: Session, envelope: Envelope, mechanism: str, auth_data: Any
    ) -> AuthResult:
        valid = (
            isinstance(auth_data, LoginPassword)
            and auth_data.login == self.username.encode()
            and auth_data.password == self.password.encode()
        )
        # handled=False: let aiosmtpd answer "535 5.7.8 Authentication credentials invalid" itself.
        return AuthResult(success=valid, handled=False)


def free_port() -> int:
    """A TCP port on 127.0.0.1 nobody listens on (also what a test uses for "server down")."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((SERVER_HOST, 0))
        return cast(int, probe.getsockname()[1])
