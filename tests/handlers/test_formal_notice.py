"""⚖️ Formal notice… from the invoice card, through the fake Telegram; the e-mail through a real SMTP server."""

from __future__ import annotations

import io
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime
from email.message import EmailMessage
from pathlib import Path
from typing import cast

import pypdf
import pytest

from bot.storage import Invoice
from tests.conftest import onboard
from tests.fake_telegram import FakeMessage
from tests.harness import Harness, TelegramUser, start_harness, stop_harness
from tests.seed import register_invoice
from tests.smtp_server import SmtpTestServer

IBAN = "FR7630006000011234567890189"
CLIENT_MAIL = "compta@sge.example"
CLIENT = "Société Générale d'Études"


def pdf_text(content: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(content))
    text = (
        "\n".join(page.extract_text() for page in reader.pages).replace("\u00a0", " ").replace("\u202f", " ")
    )
    return " ".join(text.split())


async def overdue_invoice(
    h: Harness,
    user: TelegramUser,
    *,
    language: str | None = None,
    addresses: bool = False,
    email: str | None = CLIENT_MAIL,
) -> Invoice:
    """F-7, 1 200 € due 1 Nov 2026 (today is 23 Nov), 200 € paid, one reminder e-mailed on 4 Nov."""
    freelancer = await h.store.freelancers.by_telegram_id(user.id)
    assert freelancer is not None
    values: dict[str, object] = {"iban": IBAN, "reply_to_email": "claire@studio.example"}
    if addresses:
        values["postal_address"] = "12 rue des Lilas\n69003 Lyon"
    freelancer = await h.store.freelancers.update(freelancer.id, **values)
    client = await h.store.clients.create(freelancer.id, CLIENT, now=h.clock.now())
    await h.store.clients.update(
        freelancer.id, client.id, language=language,
        postal_address="3 avenue de l'Opéra\n75001 Paris" if addresses else None,
    )  # fmt: skip
    await h.store.clients.add_contact(client.id, name="Jo", email=email, now=h.clock.now())
    invoice = await register_invoice(
        h, freelancer.id, "F-7", 120_000, client=client.id, due=date(2026, 11, 1)
    )
    await h.store.invoices.add_payment(
        freelancer.id, invoice.id, amount_minor=20_000, paid_on=date(2026, 11, 10), now=h.clock.now()
    )
    sent_at = datetime(2026, 11, 4, 8, 30, tzinfo=UTC)
    reminder = await h.store.reminders.add_manual(invoice.id, tone="friendly", offset_days=3, at=sent_at)
    assert await h.store.reminders.claim(reminder, sent_at)
    await h.store.reminders.mark_sent(
        reminder, now=sent_at, channel="email", recipient=CLIENT_MAIL, message_ids=[]
    )
    return invoice


def document(h: Harness, user: TelegramUser) -> FakeMessage:
    found = [m for m in h.fake.bot_messages(user.id) if m.document is not None]
    assert found, "the bot sent no document"
    return found[-1]


async def open_card(user: TelegramUser) -> list[str]:
    await user.send("/invoices")
    return (await user.press("📄 F-7")).buttons


async def test_the_whole_flow_with_bad_input_missing_addresses_preview_pdf_and_history(h: Harness) -> None:
    user = await onboard(h)
    invoice = await overdue_invoice(h, user)
    assert "⚖️ Formal notice…" in await open_card(user)

    reply = await user.press("⚖️ Formal notice…")
    assert "How many days does the client have to pay?" in reply.text
    assert reply.buttons == ["8 days", "15 days", "30 days"]
    reply = await user.send("soon")
    assert "Please type a number of days from 1 to 60, for example 8." in reply.text
    reply = await user.send("99")
    assert "from 1 to 60" in reply.text
    reply = await user.send("10 days")
    assert (
        "The letter needs your postal address" in reply.text and "12 rue des Lilas, 69003 Lyon" in reply.text
    )
    reply = await user.send("12 rue des Lilas")
    assert "I need the street and" in reply.text and "for example" in reply.text
    reply = await user.send("12 rue des Lilas, 69003 Lyon")
    assert f"The letter needs the postal address of {CLIENT}" in reply.text
    reply = await user.send("3 avenue de l'Opéra\n75001 Paris")

    photo = next(m for m in reply.messages if m.photo is not None)
    assert photo.photo is not None and photo.photo.content.startswith(b"\x89PNG\r\n\x1a\n")
    assert "Preview of the formal notice for F-7, in the client's language (English)" in (photo.text or "")
    letter = document(h, user)
    assert letter.document is not None and letter.document.file_name == "Formal notice F-7.pdf"
    assert "€1,000.00 to pay by" in (letter.text or "")
    text = pdf_text(letter.document.content)
    for fragment in [
        "Claire Martin", "12 rue des Lilas", "69003 Lyon", CLIENT, "3 avenue de l'Opéra", "75001 Paris",
        "Lyon, 23 November 2026", "Invoice F-7 of 2 October 2026, for an amount of €1,200.00",
        "After the payments already received (€200.00), €1,000.00 remain due.",
        "• 4 November 2026 by e-mail", "within 10 days of this letter, that is by 3 December 2026",
        "Article L441-10 of the French Commercial Code", "IBAN: FR76 3000 6000 0112 3456 7890 189",
    ]:  # fmt: skip
        assert fragment in text, fragment
    # No SMTP server configured: only "Done".
    assert letter.buttons == [["✅ Done"]]

    freelancer = await h.store.freelancers.by_telegram_id(user.id)
    assert freelancer is not None and freelancer.postal_address == "12 rue des Lilas\n69003 Lyon"
    client = await h.store.clients.get(freelancer.id, invoice.client_id)
    assert client is not None and client.postal_address == "3 avenue de l'Opéra\n75001 Paris"

    reply = await user.press("✅ Done")
    assert "The formal notice stays in the history of F-7" in reply.text
    reply = await user.send("/history F-7")
    assert "formal notice drafted (10 days to pay)" in reply.text
    assert "friendly" in reply.text.lower() or "sent by email" in reply.text


async def test_no_button_before_the_due_date_and_a_forged_start_is_refused(h: Harness) -> None:
    user = await onboard(h)
    await register_invoice(h, user, "F-8", 50_000, due=date(2026, 12, 20))
    await user.send("/invoices")
    reply = await user.press("📄 F-8")
    assert "⚖️ Formal notice…" not in reply.buttons
    freelancer = await h.store.freelancers.by_telegram_id(user.id)
    assert freelancer is not None
    invoice = await h.store.invoices.by_number(freelancer.id, "F-8")
    assert invoice is not None
    reply = await user.press_data(reply.messages[-1].message_id, f"fn:start:{invoice.id}")
    assert "only for an unpaid invoice past its due date" in reply.text
    assert await h.store.formal_notices.for_invoice(invoice.id) == []


async def test_another_freelancers_buttons_do_nothing(h: Harness) -> None:
    alice = await onboard(h, 2001)
    invoice = await overdue_invoice(h, alice, addresses=True)
    await open_card(alice)
    await alice.press("⚖️ Formal notice…")
    await alice.press("8 days")
    notices = await h.store.formal_notices.for_invoice(invoice.id)
    assert len(notices) == 1

    bob = await onboard(h, 2002, name="Bob Stone")
    message_id = (await bob.send("/help")).messages[-1].message_id
    before = len(h.fake.bot_messages(bob.id))
    for data in (f"fn:start:{invoice.id}", f"fn:mail:{notices[0].id}", f"fn:mailok:{notices[0].id}",
                 f"fn:done:{notices[0].id}", "fn:start:nonsense", "fn:days:8"):  # fmt: skip
        await bob.press_data(message_id, data)
        assert "no longer valid" in str(h.fake.requests[-1].params)
    assert len(h.fake.bot_messages(bob.id)) == before  # nothing but the refusals' alerts
    assert all(m.document is None for m in h.fake.bot_messages(bob.id))
    assert len(await h.store.formal_notices.for_invoice(invoice.id)) == 1


async def test_a_paid_invoice_in_the_middle_of_the_flow_stops_it(h: Harness) -> None:
    user = await onboard(h)
    invoice = await overdue_invoice(h, user, addresses=True)
    await open_card(user)
    await user.press("⚖️ Formal notice…")
    await h.store.invoices.add_payment(
        invoice.freelancer_id, invoice.id, amount_minor=None, paid_on=date(2026, 11, 23), now=h.clock.now()
    )
    reply = await user.press("8 days")
    assert "F-7 is no longer unpaid: no formal notice." in reply.text
    assert await h.store.formal_notices.for_invoice(invoice.id) == []


# E-mail --------------------------------------------------------------------------------------------
@pytest.fixture
async def server() -> AsyncIterator[SmtpTestServer]:
    async with SmtpTestServer("plain") as smtp:
        yield smtp


@pytest.fixture
async def mh(tmp_path: Path, server: SmtpTestServer) -> AsyncIterator[Harness]:
    harness = await start_harness(tmp_path / "relance.sqlite3", smtp=server.settings())
    try:
        yield harness
    finally:
        await stop_harness(harness)
    assert harness.unexpected_errors() == []
    assert harness.fake.unanswered_callback_queries() == []


def attachments(message: EmailMessage) -> dict[str, bytes]:
    return {str(part.get_filename()): cast(bytes, part.get_content()) for part in message.iter_attachments()}


async def test_french_client_gets_the_letter_by_email_after_confirmation(
    mh: Harness, server: SmtpTestServer
) -> None:
    user = await onboard(mh)
    invoice = await overdue_invoice(mh, user, language="fr", addresses=True)
    await open_card(user)
    await user.press("⚖️ Formal notice…")
    reply = await user.press("8 days")
    assert "in the client's language (Français)" in reply.text
    letter = document(mh, user)
    assert letter.document is not None and letter.document.file_name == "Mise en demeure F-7.pdf"
    assert "✉️ Send to the client by e-mail" in letter.buttons[0]

    reply = await user.press("✉️ Send to the client by e-mail")
    assert f"to {CLIENT_MAIL} now" in reply.text and "This cannot be undone." in reply.text
    assert server.messages == []  # nothing leaves before the yes
    reply = await user.press("Yes, send it")
    assert f"✅ Formal notice e-mailed to {CLIENT_MAIL}." in reply.text

    assert len(server.messages) == 1
    mail = server.messages[0]
    assert mail["To"] == CLIENT_MAIL and mail["Reply-To"] == "claire@studio.example"
    assert mail["Subject"] == "Mise en demeure — facture F-7"
    files = attachments(mail)
    assert list(files) == ["Mise en demeure F-7.pdf"]
    text = pdf_text(files["Mise en demeure F-7.pdf"])
    for fragment in [
        "Objet : mise en demeure de payer — facture F-7", "Lyon, le 23 novembre 2026",
        "il reste dû 1 000,00 €", "le 4 novembre 2026 par e-mail", "au plus tard le 1 décembre 2026",
        "articles 1231-6 et 1344 du Code civil", "IBAN : FR76 3000 6000 0112 3456 7890 189",
    ]:  # fmt: skip
        assert fragment in text, fragment
    body = mail.get_body(preferencelist=("plain",))
    assert body is not None and "1 000,00" in str(body.get_content()).replace("\u00a0", " ").replace(
        "\u202f", " "
    )
    page = mail.get_body(preferencelist=("html",))
    assert page is not None
    for part in (str(body.get_content()), str(page.get_content())):  # the same letter, in the reminders' frame
        assert "Vous recevez cet e-mail parce que Claire Martin vous a adressé la facture F-7" in part
        assert "Répondez simplement à cet e-mail" in part
    assert '<meta name="color-scheme" content="light dark">' in str(page.get_content())

    # A second press sends nothing more.
    reply = await user.press_data(
        reply.messages[-1].message_id,
        f"fn:mailok:{(await mh.store.formal_notices.for_invoice(invoice.id))[0].id}",
    )
    assert "already e-mailed" in reply.text
    assert len(server.messages) == 1
    reply = await user.send("/history F-7")
    assert f"e-mailed to {CLIENT_MAIL}" in reply.text


async def test_no_email_button_when_the_client_has_no_address(mh: Harness, server: SmtpTestServer) -> None:
    user = await onboard(mh)
    await overdue_invoice(mh, user, addresses=True, email=None)
    await open_card(user)
    await user.press("⚖️ Formal notice…")
    await user.press("30 days")
    assert document(mh, user).buttons == [["✅ Done"]]


async def test_a_refused_email_says_why_and_can_be_retried(mh: Harness, server: SmtpTestServer) -> None:
    user = await onboard(mh)
    await overdue_invoice(mh, user, addresses=True)
    await open_card(user)
    await user.press("⚖️ Formal notice…")
    await user.press("8 days")
    await user.press("✉️ Send to the client by e-mail")
    server.fail_next(550, "5.1.1 mailbox unavailable")
    reply = await user.press("Yes, send it")
    assert "❌ The formal notice was not sent" in reply.text
    await user.press("✉️ Send to the client by e-mail")
    reply = await user.press("Yes, send it")
    assert "✅ Formal notice e-mailed" in reply.text
    assert len(server.messages) == 1


# Addresses and phones on the client card, and in /settings -------------------------------------------
async def test_client_address_and_contact_phone_with_bad_input(h: Harness) -> None:
    user = await onboard(h)
    await overdue_invoice(h, user)
    await user.send("/clients")
    reply = await user.press(CLIENT)
    assert "Postal address: not set" in reply.text
    reply = await user.press("📮 Postal address")
    assert f"What is the postal address of {CLIENT}?" in reply.text
    reply = await user.send("somewhere")
    assert "Please type it again, for example: 12 rue des Lilas, 69003 Lyon" in reply.text
    reply = await user.send("3 avenue de l'Opéra, 75001 Paris")
    assert "Saved: 3 avenue de l'Opéra, 75001 Paris." in reply.text
    reply = await user.press("◀ Back to the client")
    assert "Postal address: 3 avenue de l'Opéra, 75001 Paris" in reply.text

    reply = await user.press("📞 Phone")
    assert "What is the phone number of Jo? For example +33 6 12 34 56 78." in reply.text
    reply = await user.send("call me")
    assert "I could not read a phone number there. Please type it again with its country code" in reply.text
    reply = await user.send("06 12")
    assert "That number does not exist as typed." in reply.text
    reply = await user.send("06 12 34 56 78")
    assert "Saved: +33 6 12 34 56 78." in reply.text
    freelancer = await h.store.freelancers.by_telegram_id(user.id)
    assert freelancer is not None
    client = await h.store.clients.find_by_name(freelancer.id, CLIENT)
    assert client is not None
    contacts = await h.store.clients.contacts(client.id)
    assert [c.phone for c in contacts] == ["+33612345678"]
    reply = await user.press("◀ Back to the client")
    assert "📞 +33 6 12 34 56 78" in reply.text

    reply = await user.press("📞 Phone")
    reply = await user.press("Remove the number")
    assert "Phone number removed." in reply.text
    assert [c.phone for c in await h.store.clients.contacts(client.id)] == [None]


async def test_a_foreign_client_address_button_is_refused(h: Harness) -> None:
    alice = await onboard(h, 2001)
    invoice = await overdue_invoice(h, alice)
    bob = await onboard(h, 2002, name="Bob Stone")
    message_id = (await bob.send("/help")).messages[-1].message_id
    contact = (await h.store.clients.contacts(invoice.client_id))[0]
    for data in (f"ad:addr:{invoice.client_id}", f"ad:phone:{contact.id}"):
        await bob.press_data(message_id, data)
        assert "no longer valid" in str(h.fake.requests[-1].params)
    await bob.send("1 rue de Bob, 75002 Paris")
    client = await h.store.clients.get(invoice.freelancer_id, invoice.client_id)
    assert client is not None and client.postal_address is None


async def test_own_postal_address_in_settings_in_french(h: Harness) -> None:
    user = await onboard(h, language_code="fr")
    await user.send("/settings")
    reply = await user.press("Adresse postale")
    assert "Votre adresse postale" in reply.text
    reply = await user.send("12 rue des Lilas")
    assert "Il me faut la rue" in reply.text and "par exemple" in reply.text
    await user.send("12 rue des Lilas\n69003 Lyon")
    freelancer = await h.store.freelancers.by_telegram_id(user.id)
    assert freelancer is not None and freelancer.postal_address == "12 rue des Lilas\n69003 Lyon"
    reply = await user.send("/settings")
    assert "12 rue des Lilas, 69003 Lyon" in reply.text
