"""Disputes and promises to pay, end to end through the fake Telegram, in English and French."""

from __future__ import annotations

from datetime import date, timedelta

from bot.engine.calls import resume_after_promises
from tests.channels.client_helpers import PNG, bound_client, last_alert
from tests.harness import Harness, TelegramUser
from tests.reminders.helpers import client_texts, utc


async def planned(h: Harness, invoice_id: int) -> list[str]:
    return [r.tone for r in await h.store.reminders.for_invoice(invoice_id) if r.status == "planned"]


async def dispute(
    h: Harness,
    client: TelegramUser,
    reason: str = "Wrong amount",
    words: str | None = "We ordered 8 days, not 10.",
) -> None:
    h.clock.set(utc(2026, 11, 30, 8, 30))
    await h.dispatch()
    reply = await client.press("⚠️ I dispute this invoice")
    assert "What is wrong with invoice F-1 (€1,200.00)?" in reply.text
    assert reply.buttons == ["Wrong amount", "Not delivered", "Already paid", "Other reason"]
    await client.press(reason)
    if words is None:
        await client.press("Skip")
    else:
        await client.send(words)
    reply = await client.send("not a file")
    assert "Please send a photo or a PDF, or tap Skip" in reply.text
    await h.process(h.fake.message_update(client.id, None, photo=PNG))
    assert "I told Claire Martin that you dispute invoice F-1" in client.last.text


async def test_a_dispute_stops_reminders_and_a_corrected_amount_resumes_them(h: Harness) -> None:
    freelancer, client, invoice = await bound_client(h)
    await dispute(h, client)
    told, photo = h.fake.bot_messages(freelancer.id)[-2:]
    assert "ACME disputes invoice F-1 (€1,200.00): Wrong amount." in told.text
    assert "Their words: We ordered 8 days, not 10." in told.text
    assert told.buttons == [
        ["📝 Send a corrected invoice"],
        ["💬 Explain and resume reminders"],
        ["🗑 Cancel the invoice"],
    ]
    assert photo.photo is not None
    assert await planned(h, invoice.id) == []
    h.clock.set(utc(2026, 12, 4, 8, 30))  # the friendly reminder's moment
    before = len(client_texts(h, client.id))
    await h.dispatch()
    assert len(client_texts(h, client.id)) == before  # nothing goes out for a disputed invoice
    overdue = await freelancer.send("/overdue")
    assert "Disputed by the client" in overdue.text and "F-1" in overdue.text
    await freelancer.send("/invoices")
    card = await freelancer.press("📄 F-1")
    assert "Disputed by the client since 30 Nov 2026: Wrong amount" in card.text
    assert card.buttons[0] == "📝 Send a corrected invoice"
    reply = await freelancer.press("📝 Send a corrected invoice")
    assert "type the corrected amount of F-1 (now €1,200.00)" in reply.text
    reply = await freelancer.send("cheap")
    assert "could not read that amount" in reply.text
    reply = await freelancer.send("960")
    assert "Invoice F-1 corrected (new amount €960.00)" in reply.text
    assert (
        "Claire Martin corrected invoice F-1 after your message: the amount due is now €960.00"
        in client.last.text
    )
    fresh = await h.store.invoices.get_any(invoice.id)
    assert fresh is not None and fresh.amount_minor == 96_000 and not fresh.disputed
    assert await planned(h, invoice.id) != []
    await freelancer.send("/history F-1")
    assert "resolved on 4 Dec 2026 with a corrected invoice" in freelancer.last.text


async def test_explain_and_resume(h: Harness) -> None:
    freelancer, client, invoice = await bound_client(h)
    await dispute(h, client, "Not delivered", None)
    reply = await freelancer.press("💬 Explain and resume reminders")
    assert "Type your explanation for ACME" in reply.text
    await freelancer.send("The files were delivered on 2 Nov, see my e-mail.")
    assert "Sent to ACME; reminders for F-1 resume." in freelancer.last.text
    assert "The files were delivered on 2 Nov, see my e-mail." in client.last.text
    assert "friendly" in await planned(h, invoice.id)
    buttons = h.fake.bot_messages(freelancer.id)[-5]
    await freelancer.press_data(
        buttons.message_id, f"dr:cancel:{(await h.store.disputes.for_invoice(invoice.id))[0].id}"
    )
    assert "resolved already" in last_alert(h)  # resolved once


async def test_cancel_the_invoice(h: Harness) -> None:
    freelancer, client, invoice = await bound_client(h)
    await dispute(h, client, "Other reason", "We never ordered this.")
    reply = await freelancer.press("🗑 Cancel the invoice")
    assert "Invoice F-1 is cancelled; ACME is told" in reply.text
    assert "you owe nothing for it" in client.last.text
    cancelled = await h.store.invoices.get_any(invoice.id)
    assert cancelled is not None and cancelled.status == "cancelled" and await planned(h, invoice.id) == []
    await freelancer.send("/clients")
    card = await freelancer.press("ACME")
    assert (
        "F-1: ⚠️ Dispute opened on 30 Nov 2026: Other reason — resolved on 30 Nov 2026: invoice cancelled"
        in card.text
    )


async def test_other_reason_needs_words_and_disputes_are_checked(h: Harness) -> None:
    freelancer, client, invoice = await bound_client(h)
    h.clock.set(utc(2026, 11, 30, 8, 30))
    await h.dispatch()
    await client.press("⚠️ I dispute this invoice")
    await client.press("Other reason")
    reply = await client.send("   ")
    assert "Please type your message as text." in reply.text
    await client.send("Wrong client")
    await client.press("Skip")
    [opened] = await h.store.disputes.for_invoice(invoice.id)
    stranger = h.user(4242, first_name="Eve")
    await stranger.send("/help")
    await stranger.press_data(stranger.last.message_id, f"dr:cancel:{opened.id}")
    assert "no longer valid" in last_alert(h)
    assert (await h.store.invoices.get_any(invoice.id)).status == "open"  # type: ignore[union-attr]
    reply = await client.press(
        "⚠️ I dispute this invoice", message_id=h.fake.bot_messages(client.id)[0].message_id
    )
    assert "You already disputed invoice F-1" in reply.text


async def test_french_client_disputes_in_french(h: Harness) -> None:
    freelancer, client, invoice = await bound_client(h)
    await h.store.clients.update(1, invoice.client_id, language="fr")
    h.clock.set(utc(2026, 11, 30, 8, 30))
    await h.dispatch()
    reply = await client.press("⚠️ Je conteste cette facture")
    assert "Qu'est-ce qui ne va pas avec la facture F-1 (1\u202f200,00\u00a0€)\u00a0?" in reply.text
    reply = await client.press("Montant erroné")
    assert (
        "Montant erroné\u00a0: souhaitez-vous ajouter quelques mots pour Claire Martin\u00a0?" in reply.text
    )
    await client.press("Passer")
    await client.press("Passer")
    assert "J'ai indiqué à Claire Martin que vous contestez la facture F-1" in client.last.text
    assert "ACME disputes invoice F-1" in freelancer.last.text  # the freelancer reads English
    assert "freelancer" not in " ".join(client_texts(h, client.id))


# Promises to pay -------------------------------------------------------------------------------------
async def promise(h: Harness, client: TelegramUser, day: str = "10/12/2026") -> None:
    h.clock.set(utc(2026, 11, 30, 8, 30))
    await h.dispatch()
    await client.press("📅 I need more time")
    await client.send(day)
    await client.press("Skip")
    assert "no reminder goes out until then" in client.last.text


async def test_a_promise_kept(h: Harness) -> None:
    freelancer, client, invoice = await bound_client(h)
    await promise(h, client)
    assert await planned(h, invoice.id) == []  # paused until the day after the promised date
    await freelancer.send("/invoices")
    card = await freelancer.press("📄 F-1")
    assert "The client promised to pay by 10 Dec 2026. Reminders resume on 11 Dec 2026" in card.text
    h.clock.set(utc(2026, 12, 8, 9, 0))
    await freelancer.press("✅ Mark paid")
    h.clock.set(utc(2026, 12, 11, 0, 0))
    await resume_after_promises(h.services, h.app.bot)
    await freelancer.send("/clients")
    card = await freelancer.press("ACME")
    assert "Promises to pay: 1 kept, 0 broken." in card.text
    await freelancer.send("/history F-1")
    assert "promised in Telegram to pay by 10 Dec 2026 — kept ✅" in freelancer.last.text


async def test_a_promise_broken_tells_the_freelancer_and_resumes_with_the_next_tone(h: Harness) -> None:
    freelancer, client, invoice = await bound_client(h)
    await promise(h, client)
    h.clock.set(utc(2026, 12, 10, 22, 59))
    assert await resume_after_promises(h.services, h.app.bot) == 0  # still the promised day in Paris
    h.clock.set(utc(2026, 12, 10, 23, 0))
    assert await resume_after_promises(h.services, h.app.bot) == 1
    assert (
        "ACME promised to pay F-1 by 10 Dec 2026, and it is not marked paid: reminders resume."
        in freelancer.last.text
    )
    rows = [r for r in await h.store.reminders.for_invoice(invoice.id) if r.status == "planned"]
    assert rows[0].tone == "friendly" and rows[0].scheduled_at == utc(
        2026, 12, 11, 8, 30
    )  # the next step, not all
    h.clock.set(utc(2026, 12, 11, 8, 30))
    await h.dispatch()
    assert "was due on 1 December 2026" in client.last.text
    await freelancer.send("/clients")
    card = await freelancer.press("ACME")
    assert "Promises to pay: 0 kept, 1 broken." in card.text


async def test_a_promise_declined_by_the_freelancer_resumes_reminders_at_once(h: Harness) -> None:
    freelancer, client, invoice = await bound_client(h)
    await promise(h, client)
    await freelancer.press("Decline")
    assert "friendly" in await planned(h, invoice.id)
    assert (await h.store.invoices.get_any(invoice.id)).reminders_paused is False  # type: ignore[union-attr]
    h.clock.advance(timedelta(days=12))
    assert await resume_after_promises(h.services, h.app.bot) == 0  # a withdrawn promise is not judged
    assert date(2026, 12, 1) == (await h.store.invoices.get_any(invoice.id)).due_date  # type: ignore[union-attr]
