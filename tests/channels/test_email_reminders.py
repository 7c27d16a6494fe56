"""Client reminders by e-mail, through the real dispatcher, against a real SMTP server (aiosmtpd)."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import date, timedelta
from email.message import EmailMessage
from pathlib import Path
from typing import Any, cast

import pytest

from bot.__main__ import log_email_channel
from bot.channels.email import SmtpSettings
from bot.config import load_config
from bot.domain.creditor_reference import creditor_reference, format_creditor_reference
from bot.handlers.profile_fields import Invalid, validate_email_address
from bot.i18n import translator
from bot.presentation.reminder_email import epc_text
from bot.storage import Invoice
from tests.conftest import onboard
from tests.harness import Harness, TelegramUser, start_harness, stop_harness
from tests.reminders.helpers import client_texts, utc
from tests.seed import register_invoice
from tests.smtp_server import PASSWORD, SmtpTestServer, free_port

PDF = b"%PDF-1.4\n% invoice F-1\n%%EOF\n"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
IBAN = "FR7630006000011234567890189"
CLIENT_MAIL = "compta@acme.example"
FREELANCER_MAIL = "claire@studio.example"
COURTESY = utc(2026, 11, 30, 8, 30)  # the standard plan's first step for an invoice due Tue 1 Dec 2026
FRIENDLY = utc(2026, 12, 4, 8, 30)
CLIENT_CHAT = 5001
FRENCH_COURTESY = (
    "Bonjour {client},\n\nPetit rappel : la facture {number} du {issue_date}, d'un montant de {amount}, "
    "arrive à échéance le {due_date}.\n\n{payment_details}\n\nMerci !\n{freelancer}"
)


@asynccontextmanager
async def running(tmp_path: Path, settings: SmtpSettings | None) -> AsyncIterator[Harness]:
    harness = await start_harness(tmp_path / "relance.sqlite3", smtp=settings)
    try:
        yield harness
    finally:
        await stop_harness(harness)
    assert harness.unexpected_errors() == [], "Telegram refused what the bot sent"
    assert harness.fake.unanswered_callback_queries() == []


@pytest.fixture
async def server() -> AsyncIterator[SmtpTestServer]:
    async with SmtpTestServer("plain") as smtp:
        yield smtp


@pytest.fixture
async def mh(tmp_path: Path, server: SmtpTestServer) -> AsyncIterator[Harness]:
    """The application with e-mail sending on, pointed at the test SMTP server."""
    async with running(tmp_path, server.settings()) as harness:
        yield harness


@dataclass
class Setup:
    user: TelegramUser
    invoice: Invoice
    contact_id: int


async def invoice_for_email_client(
    h: Harness,
    *,
    number: str = "F-1",
    client_name: str = "ACME",
    language: str | None = None,
    email: str | None = CLIENT_MAIL,
    chat: int | None = None,
    channel: str = "auto",
    file_id: str | None = None,
    user: TelegramUser | None = None,
    **freelancer_values: Any,
) -> Setup:
    """A freelancer with a reply-to address and an IBAN, a client contact, an EUR invoice due 1 Dec 2026."""
    user = user or await onboard(h)
    freelancer = await h.store.freelancers.by_telegram_id(user.id)
    assert freelancer is not None
    values = {"reply_to_email": FREELANCER_MAIL, "iban": IBAN, **freelancer_values}
    freelancer = await h.store.freelancers.update(freelancer.id, **values)
    client = await h.store.clients.create(freelancer.id, client_name, now=h.clock.now())
    if language:
        await h.store.clients.update(freelancer.id, client.id, language=language)
    contact = await h.store.clients.add_contact(client.id, name="Jo", email=email, now=h.clock.now())
    await h.store.clients.update_contact(contact.id, channel=channel)
    if chat is not None:
        await h.store.clients.link_telegram(contact.id, chat)
        h.fake.add_user(chat, first_name="Jo", language_code="en")
        h.fake.message_update(chat, "hello")  # the client has started the bot
    invoice = await register_invoice(
        h, freelancer.id, number, 120_000, client=client.id, due=date(2026, 12, 1),
        file_id=file_id, file_name="F-1 ACME.pdf" if file_id else None, reminders_enabled=True, plan="standard",
    )  # fmt: skip
    await h.services.invoice_changed(invoice)
    return Setup(user, invoice, contact.id)


def uploaded_pdf(h: Harness, user: TelegramUser) -> str:
    """The freelancer sent the invoice PDF to the bot: Telegram keeps it under a file_id."""
    update = h.fake.message_update(
        user.id, document={"file_name": "F-1 ACME.pdf", "mime_type": "application/pdf", "content": PDF}
    )
    return cast(str, update["message"]["document"]["file_id"])


async def dispatch_at(h: Harness, when: Any) -> None:
    h.clock.set(when)
    await h.dispatch()


async def rows(h: Harness, invoice_id: int) -> list[tuple[str, str, str | None]]:
    return [(r.tone, r.status, r.channel) for r in await h.store.reminders.for_invoice(invoice_id)]


def last_text(h: Harness, chat_id: int) -> str:
    return h.fake.last_bot_message(chat_id).text or ""


def body(message: EmailMessage, subtype: str) -> str:
    part = message.get_body(preferencelist=(subtype,))
    assert part is not None, f"no text/{subtype} part"
    return cast(str, part.get_content())


def inline_images(message: EmailMessage) -> dict[str, bytes]:
    return {
        str(part["Content-ID"]): cast(bytes, part.get_content())
        for part in message.walk()
        if part["Content-ID"] is not None
    }


# --- what the client receives -----------------------------------------------------------------------------


async def test_reminder_to_an_email_only_client_arrives_in_french_with_pdf_and_qr_code(
    mh: Harness, server: SmtpTestServer
) -> None:
    user = await onboard(mh)
    freelancer = await mh.store.freelancers.by_telegram_id(user.id)
    assert freelancer is not None
    await mh.store.templates.save(freelancer.id, "courtesy", "fr", FRENCH_COURTESY)
    s = await invoice_for_email_client(mh, user=user, language="fr", file_id=uploaded_pdf(mh, user))

    await dispatch_at(mh, COURTESY)

    [received] = server.received
    message = received.message
    assert received.rcpt_tos == (CLIENT_MAIL,)  # not copied: copy_me is off
    assert message["Cc"] is None
    assert message["From"].addresses[0].display_name == "Claire Martin via Relance"
    assert message["From"].addresses[0].addr_spec == "reminders@relance.example"
    assert str(message["Reply-To"]) == FREELANCER_MAIL
    assert message["Message-ID"].startswith(f"<invoice-{s.invoice.id}-")
    assert message["In-Reply-To"] is None
    assert message["Subject"] == "Facture F-1 — échéance le 1 décembre 2026"  # in the client's language
    text, html = body(message, "plain"), body(message, "html")
    for part in (text, html):
        assert "Bonjour ACME" in part and "arrive à échéance le 1 décembre 2026" in part
        assert "1\u202f200,00\xa0€" in part  # the amount as French writes it
        assert "FR76 3000 6000 0112 3456 7890 189" in part  # the payment details
        assert (
            format_creditor_reference(creditor_reference(s.invoice.id)) in part
        )  # RF..., for reconciliation
    assert "<br>" in html and 'src="cid:epc-qr@relance"' in html
    [attachment] = list(message.iter_attachments())
    assert attachment.get_filename() == "F-1 ACME.pdf"
    assert attachment.get_content_type() == "application/pdf"
    assert attachment.get_content() == PDF
    [qr] = inline_images(message).values()
    assert qr.startswith(PNG_SIGNATURE)
    account = await mh.store.freelancers.get(freelancer.id)
    assert account is not None
    payload = epc_text(account, s.invoice)
    assert payload is not None and payload.split("\n")[9] == creditor_reference(s.invoice.id)  # structured

    assert await rows(mh, s.invoice.id) == [
        ("courtesy", "sent", "email"), ("friendly", "planned", None), ("firm", "planned", None),
        ("call", "planned", None), ("final", "planned", None), ("notice", "planned", None),
    ]  # fmt: skip
    [row] = [r for r in await mh.store.reminders.for_invoice(s.invoice.id) if r.status == "sent"]
    assert row.recipient == f"email:{CLIENT_MAIL}" and row.message_ids == [message["Message-ID"]]
    assert "1 reminder sent" in last_text(mh, s.user.id)


async def test_second_reminder_continues_the_thread_and_copies_the_freelancer(
    mh: Harness, server: SmtpTestServer
) -> None:
    s = await invoice_for_email_client(mh, copy_me=True)
    await dispatch_at(mh, COURTESY)
    await dispatch_at(mh, FRIENDLY)

    first, second = server.received
    assert second.rcpt_tos == (CLIENT_MAIL, FREELANCER_MAIL)
    assert str(second.message["Cc"]) == FREELANCER_MAIL
    root = first.message["Message-ID"]
    assert second.message["Message-ID"] != root
    assert second.message["In-Reply-To"] == root and second.message["References"] == root
    assert second.message["Subject"] == "Reminder: invoice F-1 — €1,200.00"
    assert "probably an oversight" in body(second.message, "plain")  # English: the client has no language
    assert [status for _tone, status, _channel in await rows(mh, s.invoice.id)][:2] == ["sent", "sent"]


async def test_one_smtp_connection_serves_a_whole_dispatch_run(mh: Harness, server: SmtpTestServer) -> None:
    s = await invoice_for_email_client(mh)
    await invoice_for_email_client(mh, user=s.user, number="F-2", client_name="Globex")
    await dispatch_at(mh, COURTESY)
    assert len(server.received) == 2
    assert server.connection_count == 1


async def test_invoice_file_that_cannot_be_downloaded_does_not_stop_the_reminder(
    mh: Harness, server: SmtpTestServer
) -> None:
    mh.allow_error("invalid file_id")
    await invoice_for_email_client(mh, file_id="GONE-FILE-ID")
    await dispatch_at(mh, COURTESY)
    [received] = server.received
    assert list(received.message.iter_attachments()) == []


async def test_starttls_with_login_through_the_dispatcher(tmp_path: Path) -> None:
    async with SmtpTestServer("starttls", auth=True) as server, running(tmp_path, server.settings()) as h:
        await invoice_for_email_client(h)
        await dispatch_at(h, COURTESY)
    [received] = server.received
    assert received.encrypted and received.authenticated


async def test_client_name_cannot_inject_headers_or_markup(mh: Harness, server: SmtpTestServer) -> None:
    hostile = "ACME <script>alert(1)</script>\r\nBcc: victim@evil.example"
    s = await invoice_for_email_client(
        mh, client_name=hostile, business_name="Claire\r\nBcc: spy@evil.example\r\nX-Evil: 1"
    )
    await dispatch_at(mh, COURTESY)

    [received] = server.received
    message = received.message
    assert received.rcpt_tos == (CLIENT_MAIL,)
    assert message["Bcc"] is None and message["X-Evil"] is None
    assert message["From"].addresses[0].display_name == "Claire Bcc: spy@evil.example X-Evil: 1 via Relance"
    assert b"\r\nBcc:" not in received.raw.split(b"\r\n\r\n", 1)[0]
    html = body(message, "html")
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<script>alert(1)</script>" in body(message, "plain")  # plain text is not interpreted
    assert (await rows(mh, s.invoice.id))[0][:2] == ("courtesy", "sent")


# --- when the server says no ---------------------------------------------------------------------------


async def test_greylisting_451_is_retried_at_the_next_dispatch(mh: Harness, server: SmtpTestServer) -> None:
    s = await invoice_for_email_client(mh)
    server.fail_next(451, "4.3.0 try again later")
    await dispatch_at(mh, COURTESY)
    assert server.received == []
    [row, *_] = await mh.store.reminders.for_invoice(s.invoice.id)
    assert row.status == "planned" and "try again later" in (row.last_error or "")
    assert "could not send" not in last_text(mh, s.user.id)

    await dispatch_at(mh, COURTESY + timedelta(minutes=2))
    assert len(server.received) == 1
    assert (await rows(mh, s.invoice.id))[0] == ("courtesy", "sent", "email")


async def test_550_fails_and_the_freelancer_reads_the_servers_reason(
    mh: Harness, server: SmtpTestServer
) -> None:
    s = await invoice_for_email_client(mh)
    server.fail_next(550, "5.1.1 mailbox compta@acme.example does not exist")
    await dispatch_at(mh, COURTESY)
    [row, *_] = await mh.store.reminders.for_invoice(s.invoice.id)
    assert row.status == "failed" and "5.1.1 mailbox" in (row.last_error or "")
    notice = last_text(mh, s.user.id)
    assert "could not send the reminder for F-1" in notice
    assert "550" in notice and "5.1.1 mailbox compta@acme.example does not exist" in notice


async def test_mail_server_down_is_retried_later(tmp_path: Path) -> None:
    down = SmtpSettings(
        host="127.0.0.1", port=free_port(), username=None, password=None, security="none",
        sender="reminders@relance.example", timeout=2,
    )  # fmt: skip
    async with running(tmp_path, down) as h:
        s = await invoice_for_email_client(h)
        other = await invoice_for_email_client(h, user=s.user, number="F-2", client_name="Globex")
        await dispatch_at(h, COURTESY)
        for invoice in (s.invoice, other.invoice):
            [row, *_] = await h.store.reminders.for_invoice(invoice.id)
            assert row.status == "planned" and row.scheduled_at > COURTESY
            assert "mail server" in (row.last_error or "")
        assert not any("could not send" in text for text in h.fake.sent_texts(s.user.id))


async def test_refused_copy_does_not_undo_the_reminder_but_is_reported(
    mh: Harness, server: SmtpTestServer
) -> None:
    s = await invoice_for_email_client(mh, copy_me=True)
    server.refuse_recipient(FREELANCER_MAIL, 550, "5.1.1 no such mailbox")
    await dispatch_at(mh, COURTESY)
    [received] = server.received
    assert received.rcpt_tos == (CLIENT_MAIL,)
    assert (await rows(mh, s.invoice.id))[0] == ("courtesy", "sent", "email")
    told = [t for t in mh.fake.sent_texts(s.user.id) if "went out, but not to" in t]
    assert len(told) == 1 and FREELANCER_MAIL in told[0] and "5.1.1 no such mailbox" in told[0]


# --- channels per contact -----------------------------------------------------------------------------


async def test_client_who_blocked_the_bot_gets_the_email_and_the_freelancer_is_told_once(
    mh: Harness, server: SmtpTestServer
) -> None:
    s = await invoice_for_email_client(mh, chat=CLIENT_CHAT)
    mh.fake.block(CLIENT_CHAT)
    mh.allow_error("blocked by the user")
    await dispatch_at(mh, COURTESY)

    assert len(server.received) == 1  # the e-mail took over in the same run
    assert (await rows(mh, s.invoice.id))[0] == ("courtesy", "sent", "email")
    contact = await mh.store.clients.contact(s.invoice.freelancer_id, s.contact_id)
    assert contact is not None and contact.telegram_status == "blocked"
    told = [t for t in mh.fake.sent_texts(s.user.id) if "blocked the bot" in t]
    assert told == [f"🚫 Jo (ACME) blocked the bot in Telegram; reminders go to {CLIENT_MAIL} by e-mail now."]

    def tries_in_telegram() -> int:
        return sum(
            1 for call in mh.fake.calls("sendMessage") if str(call.params.get("chat_id")) == str(CLIENT_CHAT)
        )

    assert tries_in_telegram() == 1
    await dispatch_at(mh, FRIENDLY)
    assert len(server.received) == 2
    assert tries_in_telegram() == 1  # known blocked: straight to e-mail
    assert len([t for t in mh.fake.sent_texts(s.user.id) if "blocked the bot" in t]) == 1


async def test_client_who_blocked_the_bot_without_email_is_reported(mh: Harness) -> None:
    s = await invoice_for_email_client(mh, email=None, chat=CLIENT_CHAT)
    mh.fake.block(CLIENT_CHAT)
    mh.allow_error("blocked by the user")
    await dispatch_at(mh, COURTESY)
    [row, *_] = await mh.store.reminders.for_invoice(s.invoice.id)
    assert row.status == "failed" and "no channel: Jo blocked the bot" in (row.last_error or "")
    texts = mh.fake.sent_texts(s.user.id)
    assert any("no other channel to remind them" in t for t in texts)
    assert "could not send the reminder for F-1" in texts[-1]


async def test_channel_both_reminds_in_telegram_and_by_email(mh: Harness, server: SmtpTestServer) -> None:
    s = await invoice_for_email_client(mh, chat=CLIENT_CHAT, channel="both")
    await dispatch_at(mh, COURTESY)
    assert len(client_texts(mh, CLIENT_CHAT)) == 1
    assert len(server.received) == 1
    [row, *_] = await mh.store.reminders.for_invoice(s.invoice.id)
    assert row.status == "sent" and row.channel == "email,telegram" and len(row.message_ids) == 2


async def test_linked_client_on_auto_gets_telegram_only(mh: Harness, server: SmtpTestServer) -> None:
    await invoice_for_email_client(mh, chat=CLIENT_CHAT)
    await dispatch_at(mh, COURTESY)
    assert len(client_texts(mh, CLIENT_CHAT)) == 1
    assert server.received == []


async def test_email_only_client_while_email_is_off_is_a_no_channel_failure(h: Harness) -> None:
    s = await invoice_for_email_client(h)  # the default harness: SMTP not configured
    await dispatch_at(h, COURTESY)
    [row, *_] = await h.store.reminders.for_invoice(s.invoice.id)
    assert row.status == "failed" and "no channel: e-mail sending is off" in (row.last_error or "")
    notice = last_text(h, s.user.id)
    assert "could not send the reminder for F-1" in notice and "SMTP_HOST" in notice


# --- /settings ----------------------------------------------------------------------------------------


async def test_send_me_a_test_email(mh: Harness, server: SmtpTestServer) -> None:
    user = await onboard(mh)
    card = await user.send("/settings")
    assert "E-mail sending: on (from reminders@relance.example)" in card.text
    reply = await user.press("📧 Send me a test e-mail")
    assert "Set your reply-to e-mail first" in reply.text
    assert server.received == []

    await user.press("Reply-to e-mail")
    await user.send(FREELANCER_MAIL)
    reply = await user.press("📧 Send me a test e-mail", message_id=user.last.message_id)
    assert f"Test e-mail sent to {FREELANCER_MAIL}" in reply.text
    [received] = server.received
    assert received.rcpt_tos == (FREELANCER_MAIL,)
    assert received.message["Subject"].startswith("[Test] Reminder: invoice F-TEST-001")
    assert "Claire Martin" in body(received.message, "plain")


async def test_test_email_reports_the_servers_refusal(mh: Harness, server: SmtpTestServer) -> None:
    user = await onboard(mh)
    freelancer = await mh.store.freelancers.by_telegram_id(user.id)
    assert freelancer is not None
    await mh.store.freelancers.update(freelancer.id, reply_to_email=FREELANCER_MAIL)
    server.refuse_recipient(FREELANCER_MAIL, 550, "5.7.1 relaying denied")
    await user.send("/settings")
    reply = await user.press("📧 Send me a test e-mail")
    assert "was not sent" in reply.text and "5.7.1 relaying denied" in reply.text


async def test_settings_say_when_email_is_off(h: Harness) -> None:
    user = await onboard(h)
    card = await user.send("/settings")
    assert "E-mail sending: off — set SMTP_HOST" in card.text
    reply = await user.press("📧 Send me a test e-mail")
    assert "E-mail sending: off" in reply.text


async def test_copy_me_is_an_on_off_toggle(h: Harness) -> None:
    user = await onboard(h)
    await user.send("/settings")
    reply = await user.press("Copy me: off")
    assert "Copy me: on" in reply.buttons
    freelancer = await h.store.freelancers.by_telegram_id(user.id)
    assert freelancer is not None and freelancer.copy_me
    reply = await user.press("Copy me: on")
    assert "Copy me: off" in reply.buttons


# --- configuration and addresses ---------------------------------------------------------------------


def test_smtp_settings_come_from_the_environment_and_the_password_is_never_logged(
    caplog: pytest.LogCaptureFixture,
) -> None:
    env = {
        "TELEGRAM_BOT_TOKEN": "123456:ABCDEFGHIJKLMNOPQRSTUVWXYZ",
        "SMTP_HOST": "smtp.example.com",
        "SMTP_USERNAME": "claire",
        "SMTP_PASSWORD": PASSWORD,
        "SMTP_FROM": "relance@example.com",
    }
    config = load_config(env, dotenv=None)
    settings = config.smtp
    assert settings is not None
    assert (settings.host, settings.port, settings.security, settings.sender) == (
        "smtp.example.com", 587, "starttls", "relance@example.com",
    )  # fmt: skip
    assert settings.password == PASSWORD
    with caplog.at_level(logging.INFO, logger="relance"):
        log_email_channel(config)
        log_email_channel(load_config({"TELEGRAM_BOT_TOKEN": env["TELEGRAM_BOT_TOKEN"]}, dotenv=None))
    on, off = (record.getMessage() for record in caplog.records)
    assert "e-mail sending: on, from relance@example.com" in on and PASSWORD not in on
    assert "e-mail sending: off (SMTP_HOST not set)" in off


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("  Claire@Example.com ", "Claire@example.com"),
        ("claire@exämple.com", "claire@xn--exmple-cua.com"),  # the ASCII form the SMTP channel sends to
    ],
)
def test_addresses_are_accepted_in_the_form_the_email_channel_sends_to(typed: str, stored: str) -> None:
    assert validate_email_address(typed, translator("en")) == stored


@pytest.mark.parametrize(
    "typed", ["claire@", "jérôme@example.com", "claire@example.com\r\nBcc: x@evil.example", "a@b@c.com"]
)
def test_addresses_the_email_channel_cannot_send_to_are_refused(typed: str) -> None:
    with pytest.raises(Invalid):
        validate_email_address(typed, translator("en"))
