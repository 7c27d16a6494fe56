"""Deliver a reminder by e-mail, and say whether a failure is worth retrying.

The freelancer's own SMTP account sends the mail (``SMTP_FROM``); the message shows their name
("Jane Doe via Relance"), replies go to their address, and every reminder of one invoice lands in
the same conversation thread of the client's mail program.
"""

import asyncio
import re
import ssl
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import SMTP as SMTP_POLICY
from email.utils import format_datetime, make_msgid
from types import TracebackType
from typing import Literal, Self

import aiosmtplib
from aiosmtplib import (
    SMTPException,
    SMTPRecipientsRefused,
    SMTPResponseException,
    SMTPServerDisconnected,
    SMTPTimeoutError,
)

from bot.domain import validation

SmtpSecurity = Literal["starttls", "tls", "none"]

# Headers are written unfolded (lines up to RFC 5322's hard limit of 998): CPython 3.11's folder
# drops the quotes around a long display name, so "Doe, Jane (Studio) …" would come out as two
# mailboxes. Bodies are still encoded while the message has the 78-column policy, see build_message.
_WIRE_POLICY = SMTP_POLICY.clone(max_line_length=998)
_DISPLAY_NAME_MAX_CHARS = 100
_SUBJECT_MAX_CHARS = 200


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int
    username: str | None
    password: str | None = field(repr=False)
    security: SmtpSecurity
    sender: str
    """The SMTP_FROM address: envelope sender and the address part of the From header."""
    timeout: float = 30
    tls_context: ssl.SSLContext | None = field(default=None, repr=False)
    """None means ``ssl.create_default_context()``: the system's CAs, certificates verified."""


@dataclass(frozen=True)
class Attachment:
    filename: str
    content: bytes = field(repr=False)
    mime_type: str


@dataclass(frozen=True)
class InlineImage:
    """An image shown inside the HTML body, which refers to it as ``cid:<content_id>``."""

    content_id: str
    content: bytes = field(repr=False)
    mime_type: str = "image/png"


@dataclass(frozen=True, kw_only=True)
class ReminderEmail:
    to: tuple[str, ...]
    cc: tuple[str, ...] = ()
    reply_to: str | None = None
    from_name: str
    subject: str
    text: str
    html: str
    """Already rendered, with every interpolated value escaped by the caller."""
    thread_key: str
    """Identifies the conversation, e.g. "invoice-42"; see ``thread_root_id``."""
    sequence: int
    """1 for the first e-mail about this invoice, 2 for the next one, …"""
    attachments: tuple[Attachment, ...] = ()
    inline_images: tuple[InlineImage, ...] = ()


@dataclass(frozen=True)
class RefusedRecipient:
    address: str
    code: int
    reason: str


@dataclass(frozen=True)
class SendResult:
    message_id: str
    refused: tuple[RefusedRecipient, ...] = ()
    """Recipients the server refused while it accepted the message for the others."""


class InvalidEmail(ValueError):
    """The reminder cannot be turned into a safe message; nothing was sent."""


class EmailDeliveryError(Exception):
    """The server or the network did not take the message. ``reason`` is safe to show the freelancer."""

    def __init__(self, code: int | None, reason: str) -> None:
        super().__init__(code, reason)
        self.code = code
        self.reason = reason

    def __str__(self) -> str:
        return f"{self.code} {self.reason}" if self.code is not None else self.reason


class EmailTransientError(EmailDeliveryError):
    """Worth retrying later: connection refused, dropped or timed out, or a 4xx answer."""


class EmailPermanentError(EmailDeliveryError):
    """Retrying will not help until someone fixes something: a 5xx answer, TLS or login failure."""


_CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0a-\x1f\x7f\x85\u2028\u2029]")
_MSGID_LEFT = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")
_MSGID_DOMAIN = re.compile(r"[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*")
_CONTENT_ID = re.compile(r"[A-Za-z0-9._-]+(@[A-Za-z0-9.-]+)?")
_MIME_TYPE = re.compile(r"([a-z0-9][a-z0-9!#$&^_.+-]*)/([a-z0-9][a-z0-9!#$&^_.+-]*)")


def validate_address(address: str) -> str:
    """Return the normalized form of a bare e-mail address (no display name), or raise InvalidEmail.

    Mailbox names must be ASCII (no SMTPUTF8, which many servers lack); an internationalized
    domain comes back in its ASCII (punycode) form.
    """
    try:
        return validation.email_address(address)
    except validation.InvalidValue as exc:
        raise InvalidEmail(f"invalid e-mail address {address!r}: {exc.__cause__ or exc}") from exc


def thread_root_id(thread_key: str, domain: str) -> str:
    """The Message-ID of the first e-mail of a thread; later e-mails point to it to join the thread."""
    if not _MSGID_LEFT.fullmatch(thread_key):
        raise InvalidEmail(f"thread key {thread_key!r} may only contain letters, digits, '.', '_' and '-'")
    if not _MSGID_DOMAIN.fullmatch(domain):
        raise InvalidEmail(f"Message-ID domain {domain!r} must be an ASCII host name")
    return f"<{thread_key}@{domain}>"


def build_message(
    email: ReminderEmail, settings: SmtpSettings, *, now: datetime, domain: str | None = None
) -> EmailMessage:
    """Turn a reminder into a MIME message, refusing anything that could inject headers."""
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    if email.sequence < 1:
        raise InvalidEmail("sequence starts at 1")
    sender = validate_address(settings.sender)
    domain = domain or sender.rpartition("@")[2]
    root_id = thread_root_id(email.thread_key, domain)
    to = _addresses(email.to)
    if not to:
        raise InvalidEmail("a reminder needs at least one recipient")
    display_name = _shorten(_one_line(email.from_name, "sender name"), _DISPLAY_NAME_MAX_CHARS)

    message = EmailMessage(policy=SMTP_POLICY)
    message["From"] = Address(
        display_name=f"{display_name} via Relance" if display_name else "Relance", addr_spec=sender
    )
    message["To"] = [Address(addr_spec=address) for address in to]
    if email.cc:
        message["Cc"] = [Address(addr_spec=address) for address in _addresses(email.cc)]
    if email.reply_to is not None:
        message["Reply-To"] = Address(addr_spec=validate_address(email.reply_to))
    message["Subject"] = _shorten(_one_line(email.subject, "subject"), _SUBJECT_MAX_CHARS)
    message["Date"] = format_datetime(now)
    if email.sequence == 1:
        message["Message-ID"] = root_id
    else:
        message["Message-ID"] = make_msgid(domain=domain)
        message["In-Reply-To"] = root_id
        message["References"] = root_id

    # Quoted-printable keeps the bodies 7-bit clean whatever the server supports.
    message.set_content(email.text, cte="quoted-printable")
    message.add_alternative(email.html, subtype="html", cte="quoted-printable")
    if email.inline_images:
        html_part = message.get_body(preferencelist=("html",))
        assert html_part is not None
        for image in email.inline_images:
            if not _CONTENT_ID.fullmatch(image.content_id):
                raise InvalidEmail(f"invalid content id {image.content_id!r}")
            maintype, subtype = _mime_type(image.mime_type)
            html_part.add_related(
                image.content, maintype=maintype, subtype=subtype, cid=f"<{image.content_id}>"
            )
    for attachment in email.attachments:
        maintype, subtype = _mime_type(attachment.mime_type)
        message.add_attachment(
            attachment.content,
            maintype=maintype,
            subtype=subtype,
            filename=_one_line(attachment.filename, "attachment file name"),
        )
    message.policy = _WIRE_POLICY  # bodies are encoded by now; only the headers' folding changes
    return message


class EmailSender:
    """One SMTP connection shared by a batch of reminders.

    The connection opens with the first ``send`` (so an idle batch costs nothing) and is checked
    with NOOP before each reuse: if the server dropped it meanwhile, the sender reconnects once.
    """

    def __init__(self, settings: SmtpSettings, *, domain: str | None = None) -> None:
        self._settings = settings
        self._domain = domain
        self._smtp: aiosmtplib.SMTP | None = None
        self._tls_context = settings.tls_context
        self._lock = asyncio.Lock()
        self.connections_opened = 0

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.close()

    async def send(self, email: ReminderEmail, *, now: datetime) -> SendResult:
        """Send one reminder; raise InvalidEmail before any I/O, or EmailTransientError/EmailPermanentError."""
        message = build_message(email, self._settings, now=now, domain=self._domain)
        sender = validate_address(self._settings.sender)
        recipients = list(dict.fromkeys(_addresses((*email.to, *email.cc))))
        async with self._lock:
            try:
                smtp = await self._connection()
                refused, _ = await smtp.sendmail(sender, recipients, message.as_bytes())
            except (SMTPException, OSError) as exc:
                raise _classify(exc, self._settings.password) from exc
        return SendResult(
            message_id=str(message["Message-ID"]),
            refused=tuple(
                RefusedRecipient(address, response.code, _redact(response.message, self._settings.password))
                for address, response in refused.items()
            ),
        )

    async def close(self) -> None:
        smtp, self._smtp = self._smtp, None
        if smtp is None or not smtp.is_connected:
            return
        try:
            await smtp.quit()
        except (SMTPException, OSError):
            pass
        finally:
            smtp.close()

    async def _connection(self) -> aiosmtplib.SMTP:
        if self._smtp is not None and self._smtp.is_connected:
            try:
                await self._smtp.noop()
                return self._smtp
            except (SMTPServerDisconnected, SMTPTimeoutError, SMTPResponseException):
                self._smtp.close()
        settings = self._settings
        if self._tls_context is None and settings.security != "none":
            self._tls_context = ssl.create_default_context()
        smtp = aiosmtplib.SMTP(
            hostname=settings.host,
            port=settings.port,
            username=settings.username,
            password=settings.password,
            use_tls=settings.security == "tls",
            start_tls=settings.security == "starttls",
            timeout=settings.timeout,
            tls_context=self._tls_context,
        )
        self._smtp = None
        await smtp.connect()
        self._smtp = smtp
        self.connections_opened += 1
        return smtp


async def send_one(
    settings: SmtpSettings, email: ReminderEmail, now: datetime, *, domain: str | None = None
) -> SendResult:
    """Send a single reminder over its own connection."""
    async with EmailSender(settings, domain=domain) as sender:
        return await sender.send(email, now=now)


def _classify(exc: BaseException, password: str | None) -> EmailDeliveryError:
    """Map an aiosmtplib or network failure to "retry later" or "needs fixing"."""
    if isinstance(exc, SMTPRecipientsRefused):
        refusals = exc.recipients
        reason = _redact("; ".join(f"{r.recipient}: {r.code} {r.message}" for r in refusals), password)
        any_temporary = any(400 <= r.code < 500 for r in refusals)
        return (EmailTransientError if any_temporary else EmailPermanentError)(refusals[0].code, reason)
    if isinstance(exc, SMTPResponseException):
        error_class = EmailTransientError if 400 <= exc.code < 500 else EmailPermanentError
        return error_class(exc.code, _redact(exc.message, password))
    tls_error = _tls_error_in_chain(exc)
    if tls_error is not None and not isinstance(tls_error, ssl.SSLEOFError | ssl.SSLZeroReturnError):
        return EmailPermanentError(None, _redact(f"TLS failure: {tls_error}", password))
    if isinstance(exc, SMTPServerDisconnected | SMTPTimeoutError | OSError):
        return EmailTransientError(None, _redact(str(exc), password))
    # What remains are configuration mismatches: STARTTLS or AUTH not offered, no usable AUTH
    # method, SMTPUTF8 needed but not supported.
    return EmailPermanentError(None, _redact(str(exc), password))


def _tls_error_in_chain(exc: BaseException) -> ssl.SSLError | None:
    """aiosmtplib wraps a failed implicit-TLS handshake in SMTPConnectError; find the SSL error behind it."""
    current: BaseException | None = exc
    seen: set[int] = set()
    while current is not None and id(current) not in seen:
        if isinstance(current, ssl.SSLError):
            return current
        seen.add(id(current))
        current = current.__cause__ or current.__context__
    return None


def _redact(text: str, password: str | None) -> str:
    return text.replace(password, "***") if password else text


def _addresses(addresses: Iterable[str]) -> list[str]:
    return [validate_address(address) for address in addresses]


def _shorten(text: str, max_chars: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= max_chars else text[: max_chars - 1].rstrip() + "…"


def _one_line(value: str, what: str) -> str:
    if _CONTROL_CHARACTERS.search(value):
        raise InvalidEmail(f"{what} must be a single line without control characters")
    return value


def _mime_type(mime_type: str) -> tuple[str, str]:
    match = _MIME_TYPE.fullmatch(mime_type.lower())
    if match is None:
        raise InvalidEmail(f"invalid MIME type {mime_type!r}")
    return match.group(1), match.group(2)
