"""The e-mail channel against a real SMTP server (aiosmtpd), never a mock."""

import dataclasses
from datetime import datetime
from email.message import EmailMessage
from typing import Any, cast
from zoneinfo import ZoneInfo

import pytest

from bot.channels.email import (
    Attachment,
    EmailPermanentError,
    EmailSender,
    EmailTransientError,
    InlineImage,
    InvalidEmail,
    ReminderEmail,
    SmtpSettings,
    build_message,
    send_one,
    thread_root_id,
    validate_address,
)
from bot.domain.epc_qr import epc_payload, epc_qr_png
from tests.smtp_server import PASSWORD, SmtpTestServer, free_port

NOW = datetime(2025, 3, 14, 9, 30, tzinfo=ZoneInfo("Europe/Paris"))
PDF = b"%PDF-1.4\n% a tiny invoice\n%%EOF\n"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
IBAN = "FR76 3000 6000 0112 3456 7890 189"


def reminder(**overrides: Any) -> ReminderEmail:
    values: dict[str, Any] = {
        "to": ("client@acme.example",),
        "from_name": "Jane Doe",
        "subject": "Invoice F-2025-001 is overdue",
        "text": "Hello, invoice F-2025-001 (1 234,50 €) was due on 1 March.",
        "html": "<p>Hello, invoice <b>F-2025-001</b> (1 234,50 €) was due on 1 March.</p>",
        "thread_key": "invoice-42",
        "sequence": 1,
    }
    values.update(overrides)
    return ReminderEmail(**values)


def body_text(message: EmailMessage, subtype: str) -> str:
    part = message.get_body(preferencelist=(subtype,))
    assert part is not None, f"no text/{subtype} part"
    return cast(str, part.get_content())


# --- connection and security modes -------------------------------------------------------------


async def test_plain_smtp_delivers_to_every_recipient() -> None:
    async with SmtpTestServer("plain") as server:
        result = await send_one(server.settings(), reminder(cc=("boss@acme.example",)), NOW)

    [received] = server.received
    assert received.mail_from == "reminders@relance.example"
    assert received.rcpt_tos == ("client@acme.example", "boss@acme.example")
    assert received.message["Message-ID"] == result.message_id
    assert result.refused == ()
    assert not received.encrypted


async def test_login_where_the_server_offers_no_auth_is_permanent() -> None:
    async with SmtpTestServer("plain", auth=True) as server:
        with pytest.raises(EmailPermanentError) as caught:
            await send_one(server.settings(), reminder(), NOW)

    assert "AUTH" in caught.value.reason
    assert server.received == []


async def test_starttls_with_login_delivers() -> None:
    async with SmtpTestServer("starttls", auth=True) as server:
        await send_one(server.settings(), reminder(), NOW)

    [received] = server.received
    assert received.message["Subject"] == "Invoice F-2025-001 is overdue"
    assert received.encrypted and received.authenticated


async def test_implicit_tls_with_login_delivers() -> None:
    async with SmtpTestServer("tls", auth=True) as server:
        await send_one(server.settings(), reminder(), NOW)

    [received] = server.received
    assert received.encrypted and received.authenticated


@pytest.mark.parametrize("mode", ["tls", "starttls"])
async def test_certificate_the_client_does_not_trust_is_permanent(mode: str) -> None:
    async with SmtpTestServer(mode) as server:  # type: ignore[arg-type]
        settings = server.settings(tls_context=None)  # the system CAs, which never signed the test CA
        with pytest.raises(EmailPermanentError) as caught:
            await send_one(settings, reminder(), NOW)

    assert "certificate verify failed" in caught.value.reason.lower()
    assert server.messages == []


async def test_starttls_required_but_not_offered_is_permanent() -> None:
    async with SmtpTestServer("plain") as server:
        with pytest.raises(EmailPermanentError) as caught:
            await send_one(server.settings(security="starttls"), reminder(), NOW)

    assert "STARTTLS" in caught.value.reason
    assert server.messages == []


async def test_wrong_password_is_permanent_and_never_shows_the_password() -> None:
    wrong_password = "hunter2-wrong"
    async with SmtpTestServer("starttls", auth=True) as server:
        settings = server.settings(password=wrong_password)
        with pytest.raises(EmailPermanentError) as caught:
            await send_one(settings, reminder(), NOW)

    error = caught.value
    assert error.code == 535
    assert "Authentication credentials invalid" in error.reason
    for text in (str(error), repr(error), error.reason, repr(settings)):
        assert wrong_password not in text
        assert PASSWORD not in text


def test_settings_repr_hides_the_password() -> None:
    settings = SmtpSettings(
        host="smtp.example.com",
        port=587,
        username="jane",
        password="correct horse battery staple",
        security="starttls",
        sender="jane@example.com",
    )
    assert "correct horse" not in repr(settings)
    assert "jane" in repr(settings)


async def test_server_down_is_transient() -> None:
    settings = SmtpSettings(
        host="127.0.0.1",
        port=free_port(),
        username=None,
        password=None,
        security="none",
        sender="reminders@relance.example",
        timeout=2,
    )
    with pytest.raises(EmailTransientError) as caught:
        await send_one(settings, reminder(), NOW)
    assert caught.value.code is None


# --- answers from the server -------------------------------------------------------------------


async def test_greylisting_451_is_transient_and_the_retry_succeeds() -> None:
    async with SmtpTestServer("plain") as server:
        server.fail_next(451, "4.3.0 try again later")
        async with EmailSender(server.settings()) as sender:
            with pytest.raises(EmailTransientError) as caught:
                await sender.send(reminder(), now=NOW)
            await sender.send(reminder(), now=NOW)

    assert caught.value.code == 451
    assert "try again later" in caught.value.reason
    assert len(server.messages) == 1
    assert server.connection_count == 1


async def test_unknown_recipient_550_is_permanent_with_the_server_text() -> None:
    async with SmtpTestServer("plain") as server:
        server.refuse_recipient("client@acme.example")
        with pytest.raises(EmailPermanentError) as caught:
            await send_one(server.settings(), reminder(), NOW)

    assert caught.value.code == 550
    assert "5.1.1 no such user" in caught.value.reason
    assert "550" in str(caught.value)


async def test_message_refused_at_data_is_permanent() -> None:
    async with SmtpTestServer("plain") as server:
        server.fail_next(554, "5.7.1 message rejected as spam", at="DATA")
        with pytest.raises(EmailPermanentError) as caught:
            await send_one(server.settings(), reminder(), NOW)

    assert caught.value.code == 554
    assert "rejected as spam" in caught.value.reason


async def test_one_refused_recipient_out_of_two_still_delivers_and_is_reported() -> None:
    async with SmtpTestServer("plain") as server:
        server.refuse_recipient("gone@acme.example")
        result = await send_one(server.settings(), reminder(cc=("gone@acme.example",)), NOW)

    assert server.received[0].rcpt_tos == ("client@acme.example",)
    [refused] = result.refused
    assert (refused.address, refused.code) == ("gone@acme.example", 550)
    assert "no such user" in refused.reason


async def test_421_closes_the_connection_and_the_next_send_reconnects() -> None:
    async with SmtpTestServer("plain") as server:
        server.fail_next(421, "4.7.0 too many connections")
        async with EmailSender(server.settings()) as sender:
            with pytest.raises(EmailTransientError):
                await sender.send(reminder(), now=NOW)
            await sender.send(reminder(), now=NOW)

    assert len(server.messages) == 1
    assert server.connection_count == 2


# --- one connection for a batch ----------------------------------------------------------------


async def test_twenty_reminders_share_one_connection() -> None:
    async with SmtpTestServer("starttls", auth=True) as server:
        async with EmailSender(server.settings()) as sender:
            for invoice_id in range(20):
                await sender.send(reminder(thread_key=f"invoice-{invoice_id}"), now=NOW)

    assert len(server.messages) == 20
    assert server.connection_count == 1
    assert sender.connections_opened == 1


async def test_sender_reconnects_once_when_the_server_dropped_the_connection() -> None:
    async with SmtpTestServer("starttls", auth=True) as server:
        async with EmailSender(server.settings()) as sender:
            await sender.send(reminder(thread_key="invoice-1"), now=NOW)
            server.drop_connections()
            await sender.send(reminder(thread_key="invoice-2"), now=NOW)

    assert len(server.messages) == 2
    assert server.connection_count == 2


async def test_sender_reconnects_when_the_reused_connection_answers_421() -> None:
    async with SmtpTestServer("plain") as server:
        async with EmailSender(server.settings()) as sender:
            await sender.send(reminder(thread_key="invoice-1"), now=NOW)
            server.fail_next(421, "4.4.2 idle for too long", at="NOOP")
            await sender.send(reminder(thread_key="invoice-2"), now=NOW)

    assert len(server.messages) == 2
    assert sender.connections_opened == 2


async def test_an_unused_sender_opens_no_connection() -> None:
    async with SmtpTestServer("plain") as server:
        async with EmailSender(server.settings()):
            pass

    assert server.connection_count == 0


# --- the message the client receives -----------------------------------------------------------


async def test_client_receives_a_complete_threaded_reminder() -> None:
    qr_png = epc_qr_png(
        epc_payload(
            name="Jane Doe",
            iban=IBAN,
            bic=None,
            amount_minor=123450,
            currency="EUR",
            reference="F-2025-001",
        )
    )
    first = reminder(
        cc=("boss@acme.example",),
        reply_to="jane@janedoe.example",
        html='<p>Invoice <b>F-2025-001</b></p><img src="cid:epc-qr@relance" alt="QR">',
        attachments=(Attachment("facture-F-2025-001.pdf", PDF, "application/pdf"),),
        inline_images=(InlineImage("epc-qr@relance", qr_png),),
    )
    second = dataclasses.replace(first, sequence=2, subject="Second reminder: invoice F-2025-001")
    async with SmtpTestServer("plain") as server:
        async with EmailSender(server.settings()) as sender:
            first_result = await sender.send(first, now=NOW)
            second_result = await sender.send(second, now=NOW)
    first_message, second_message = server.messages

    sender_address = first_message["From"].addresses[0]
    assert sender_address.display_name == "Jane Doe via Relance"
    assert sender_address.addr_spec == "reminders@relance.example"
    assert str(first_message["Reply-To"]) == "jane@janedoe.example"
    assert str(first_message["To"]) == "client@acme.example"
    assert str(first_message["Cc"]) == "boss@acme.example"
    assert first_message["Date"].datetime == NOW

    root = thread_root_id("invoice-42", "relance.example")
    assert root == "<invoice-42@relance.example>"
    assert first_message["Message-ID"] == first_result.message_id == root
    assert first_message["In-Reply-To"] is None
    assert second_message["Message-ID"] == second_result.message_id != root
    assert second_message["In-Reply-To"] == root
    assert second_message["References"] == root

    assert first_message.get_content_type() == "multipart/mixed"
    assert "1 234,50 €" in body_text(first_message, "plain")
    html = body_text(first_message, "html")
    assert 'src="cid:epc-qr@relance"' in html
    [image] = [part for part in first_message.walk() if part["Content-ID"] == "<epc-qr@relance>"]
    assert image.get_content_type() == "image/png"
    assert image.get_content().startswith(PNG_SIGNATURE)
    [pdf] = first_message.iter_attachments()
    assert pdf.get_filename() == "facture-F-2025-001.pdf"
    assert pdf.get_content_type() == "application/pdf"
    assert pdf.get_content() == PDF


@pytest.mark.parametrize(
    "from_name",
    [
        'Jane "JD" <script>alert(1)</script>, Doe <evil@attacker.example>',
        'Zoë "JD" <script>alert(1)</script>, Doe <evil@attacker.example>',
        "Dupont-Aignan, Jean-Baptiste (Conseil & Formation) SARL; Lyon",
        "Zoë Müller-Lüdenscheidt, Beratung & Entwicklung GmbH",
    ],
)
async def test_html_and_specials_in_the_sender_name_stay_inside_the_display_name(from_name: str) -> None:
    async with SmtpTestServer("plain") as server:
        await send_one(server.settings(), reminder(from_name=from_name), NOW)

    [message] = server.messages
    [sender_address] = message["From"].addresses
    assert sender_address.display_name == f"{from_name} via Relance"
    assert sender_address.addr_spec == "reminders@relance.example"
    assert server.received[0].rcpt_tos == ("client@acme.example",)


async def test_non_ascii_sender_name_and_subject_are_encoded() -> None:
    async with SmtpTestServer("plain") as server:
        await send_one(
            server.settings(), reminder(from_name="Zoë Müller", subject="Facture impayée – rappel"), NOW
        )

    [received] = server.received
    assert received.message["From"].addresses[0].display_name == "Zoë Müller via Relance"
    assert received.message["From"].addresses[0].addr_spec == "reminders@relance.example"
    assert received.message["Subject"] == "Facture impayée – rappel"
    received.raw.decode("ascii")  # every header and body travelled 7-bit clean


async def test_long_names_and_subjects_survive_the_trip() -> None:
    subject = "Relance : la facture F-2025-001 émise le 1er février reste impayée, merci de régulariser " * 2
    async with SmtpTestServer("plain") as server:
        await send_one(server.settings(), reminder(from_name="Ä" * 150, subject=subject), NOW)

    [message] = server.messages
    assert message["Subject"] == subject.strip()
    display_name = message["From"].addresses[0].display_name
    assert display_name == "Ä" * 99 + "… via Relance"


@pytest.mark.parametrize(
    "overrides",
    [
        {"from_name": "Jane\r\nBcc: evil@x.example"},
        {"subject": "Overdue\r\nBcc: evil@x.example"},
        {"subject": "Overdue\nBcc: evil@x.example"},
        {"attachments": (Attachment("a.pdf\r\nBcc: evil@x.example", PDF, "application/pdf"),)},
        {"to": ("client@acme.example\r\nBcc: evil@x.example",)},
        {"reply_to": "jane@janedoe.example\r\nBcc: evil@x.example"},
        {"to": ("not an address",)},
        {"to": ()},
        {"thread_key": "invoice-42>\r\nBcc: evil"},
    ],
)
async def test_injected_headers_and_bad_addresses_are_refused_before_anything_is_sent(
    overrides: dict[str, Any],
) -> None:
    async with SmtpTestServer("plain") as server:
        async with EmailSender(server.settings()) as sender:
            with pytest.raises(InvalidEmail):
                await sender.send(reminder(**overrides), now=NOW)

    assert server.connection_count == 0
    assert server.received == []


def test_build_message_needs_an_aware_datetime() -> None:
    settings = SmtpSettings("smtp.example.com", 587, None, None, "starttls", "reminders@relance.example")
    with pytest.raises(ValueError):
        build_message(reminder(), settings, now=datetime(2025, 3, 14, 9, 30))


def test_message_ids_use_the_given_domain() -> None:
    settings = SmtpSettings("smtp.example.com", 587, None, None, "starttls", "reminders@relance.example")
    message = build_message(reminder(sequence=3), settings, now=NOW, domain="bot.janedoe.example")
    assert message["References"] == "<invoice-42@bot.janedoe.example>"
    assert str(message["Message-ID"]).endswith("@bot.janedoe.example>")


def test_validate_address_normalizes_and_rejects() -> None:
    assert validate_address("Jane.Doe@Example.COM") == "Jane.Doe@example.com"
    for bad in ("jane", "jane@", "Jane <jane@example.com>", "jane@example.com\r\nBcc: x@y.example"):
        with pytest.raises(InvalidEmail):
            validate_address(bad)


# --- the EPC QR code shown in the e-mail (bot/domain/epc_qr.py) -----------------------------------


def test_epc_payload_lines() -> None:
    payload = epc_payload(
        name="Jane Doe",
        iban=IBAN,
        bic="AGRIFRPP",
        amount_minor=123450,
        currency="EUR",
        reference="Invoice F-2025-001",
    )
    assert payload.split("\n") == [
        "BCD",
        "002",
        "1",
        "SCT",
        "AGRIFRPP",
        "Jane Doe",
        "FR7630006000011234567890189",
        "EUR1234.50",
        "",
        "",
        "Invoice F-2025-001",
    ]


def test_epc_payload_without_bic_keeps_an_empty_line() -> None:
    payload = epc_payload(name="Jane", iban=IBAN, bic=None, amount_minor=5, currency="EUR", reference="F-1")
    assert payload.split("\n")[4] == ""
    assert payload.split("\n")[7] == "EUR0.05"


@pytest.mark.parametrize(
    "overrides",
    [
        {"currency": "USD"},
        {"iban": "FR76 3000 6000 0112 3456 7890 188"},  # bad checksum
        {"iban": "BR1800360305000010009795493C1"},  # valid, but outside SEPA
        {"amount_minor": 0},
        {"name": "x" * 71},
        {"name": "Jane\nDoe"},
        {"reference": "r" * 141},
    ],
)
def test_epc_payload_refuses_what_a_bank_cannot_read(overrides: dict[str, Any]) -> None:
    values: dict[str, Any] = {
        "name": "Jane Doe",
        "iban": IBAN,
        "bic": None,
        "amount_minor": 1000,
        "currency": "EUR",
        "reference": "F-1",
    }
    values.update(overrides)
    with pytest.raises(ValueError):
        epc_payload(**values)


def test_epc_qr_png_is_a_png() -> None:
    payload = epc_payload(
        name="Jane Doe", iban=IBAN, bic=None, amount_minor=100, currency="EUR", reference="F-1"
    )
    assert epc_qr_png(payload).startswith(PNG_SIGNATURE)
