"""A client opening a reminder in Telegram sees how to pay in one tap: 💳 How to pay."""

from __future__ import annotations

from tests.channels.client_helpers import bound_client, last_alert
from tests.harness import Harness
from tests.reminders.helpers import utc

IBAN = "FR7630006000011234567890189"


async def reminded(h: Harness, **details: object):  # type: ignore[no-untyped-def]
    freelancer, client, invoice = await bound_client(h)
    account = await h.store.freelancers.by_telegram_id(freelancer.id)
    assert account is not None
    if details:
        await h.store.freelancers.update(account.id, **details)
    h.clock.set(utc(2026, 11, 30, 8, 30))
    await h.dispatch()
    assert client.last.buttons[0] == ["💳 How to pay"]
    return freelancer, client, invoice


async def test_how_to_pay_shows_the_details_and_the_epc_code(h: Harness) -> None:
    _freelancer, client, _invoice = await reminded(
        h, iban=IBAN, bic="AGRIFRPP", payment_link="https://pay.example.com/claire"
    )
    reply = await client.press("💳 How to pay")
    [message] = reply.messages
    assert message.photo is not None and message.photo.content.startswith(b"\x89PNG")
    text = message.text or ""
    assert "How to pay invoice F-1" in text and "Amount due: €1,200.00" in text
    assert "IBAN: FR76 3000 6000 0112 3456 7890 189" in text and "BIC: AGRIFRPP" in text
    assert "Reference: F-1" in text and "Or pay online: https://pay.example.com/claire" in text
    assert "Scan the code with your banking app" in text
    assert reply.buttons == ["✅ I've paid", "◀ My invoices"]


async def test_payment_link_only_has_no_qr_code(h: Harness) -> None:
    _freelancer, client, _invoice = await reminded(h, payment_link="https://pay.example.com/claire")
    reply = await client.press("💳 How to pay")
    [message] = reply.messages
    assert message.photo is None and "Or pay online: https://pay.example.com/claire" in reply.text
    assert "IBAN" not in reply.text


async def test_no_payment_details_suggests_asking_the_freelancer(h: Harness) -> None:
    _freelancer, client, _invoice = await reminded(h)
    reply = await client.press("💳 How to pay")
    assert "Claire Martin has not given me payment details yet" in reply.text
    reply = await client.press("💬 Question")
    assert "question" in reply.text.lower()


async def test_how_to_pay_from_the_start_menu_in_french(h: Harness) -> None:
    freelancer, client, invoice = await bound_client(h)
    account = await h.store.freelancers.by_telegram_id(freelancer.id)
    assert account is not None
    await h.store.freelancers.update(account.id, iban=IBAN, language="fr")
    await client.send("/start")
    reply = await client.press("📄 F-1")
    assert "💳 Comment payer" in reply.buttons
    reply = await client.press("💳 Comment payer")
    text = reply.messages[0].text or ""
    assert "Comment payer la facture F-1" in text and "Montant dû\u00a0: 1\u202f200,00\u00a0€" in text


async def test_how_to_pay_of_another_clients_invoice_is_refused(h: Harness) -> None:
    _freelancer, client, invoice = await reminded(h, iban=IBAN)
    stranger = h.user(7777)
    await stranger.send("/start")  # a newcomer, bound to no client
    reply = await stranger.press_data(stranger.last.message_id, f"cp:pay:{invoice.id}")
    assert reply.messages == []
    assert last_alert(h) == "This button is no longer valid."


async def test_one_tap_on_a_french_reminder_gives_the_amount_iban_link_and_qr_code(h: Harness) -> None:
    freelancer, client, invoice = await bound_client(h)
    account = await h.store.freelancers.by_telegram_id(freelancer.id)
    assert account is not None
    link = "https://pay.example.com/" + "c" * 270  # as long as a payment link may be
    await h.store.freelancers.update(
        account.id, iban=IBAN, bic="AGRIFRPP", payment_link=link, language="fr",
        business_name="Atelier Claire Martin — Design graphique, illustration et identité visuelle",
    )  # fmt: skip
    h.clock.set(utc(2026, 11, 30, 8, 30))
    await h.dispatch()
    reminder = client.last
    assert "FR76 3000 6000 0112 3456 7890 189" in (reminder.text or "")  # the reminder itself says it too
    reply = await client.press("💳 Comment payer")  # one tap
    [message] = reply.messages
    assert message.photo is not None and message.photo.content.startswith(b"\x89PNG")  # the EPC QR code
    text = message.text or ""
    assert "Comment payer la facture F-1" in text
    assert "Montant dû\u00a0: 1\u202f200,00\u00a0€" in text
    assert "IBAN\u00a0: FR76 3000 6000 0112 3456 7890 189" in text and "BIC\u00a0: AGRIFRPP" in text
    assert link in text and "Scannez le code" in text
    assert reply.buttons == ["✅ J'ai payé", "◀ Mes factures"]
    assert h.unexpected_errors() == []  # the longest caption still fits Telegram's 1,024 characters


async def test_a_reminder_without_payment_details_points_to_the_question_button(h: Harness) -> None:
    freelancer, client, invoice = await bound_client(h)
    await h.store.invoices.update(
        invoice.freelancer_id, invoice.id, file_id="FILE-F-1", file_name="F-1.pdf"
    )  # a file the freelancer sent to the bot: Telegram reminders do not carry it
    h.clock.set(utc(2026, 11, 30, 8, 30))
    await h.dispatch()
    text = client.last.text or ""
    assert "Tap 💬 Question below to ask me for the payment details" in text
    assert "on the invoice" not in text
    reply = await client.press("💬 Question")
    assert "question" in reply.text.lower()
