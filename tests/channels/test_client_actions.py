"""What a client does in Telegram — I've paid, I need more time, a question, stop — and the freelancer's answers."""

from __future__ import annotations

from datetime import date, timedelta

from bot.engine.claims import resume_unanswered_claims
from bot.storage import Invoice
from tests.channels.client_helpers import bound_client, last_alert, send_photo
from tests.harness import Harness, TelegramUser
from tests.reminders.helpers import client_texts, invoice_with_reminders, utc

CLIENT_BUTTONS = [
    "✅ I've paid", "📅 I need more time", "💬 Question", "⚠️ I dispute this invoice", "🔕 Stop Telegram reminders"
]  # fmt: skip


async def planned(h: Harness, invoice_id: int) -> list[str]:
    return [r.tone for r in await h.store.reminders.for_invoice(invoice_id) if r.status == "planned"]


async def current(h: Harness, invoice: Invoice) -> Invoice:
    found = await h.store.invoices.get_any(invoice.id)
    assert found is not None
    return found


async def first_reminder(h: Harness, client: TelegramUser) -> None:
    """The courtesy reminder goes out on Monday 30 Nov, with the client's buttons."""
    h.clock.set(utc(2026, 11, 30, 8, 30))
    await h.dispatch()
    assert client.last.buttons == [["💳 How to pay"], CLIENT_BUTTONS[:2], CLIENT_BUTTONS[2:4], CLIENT_BUTTONS[4:]]


async def report_payment(h: Harness, client: TelegramUser, day: str = "Yesterday") -> None:
    await first_reminder(h, client)
    reply = await client.press("✅ I've paid")
    assert "When did you pay invoice F-1?" in reply and reply.buttons == ["Today", "Yesterday", "Other date"]
    reply = await client.press(day)
    assert "proof of payment" in reply and reply.buttons == ["Skip"]


# ✅ I've paid ------------------------------------------------------------------------------------------
async def test_client_reports_a_payment_with_a_proof_and_the_freelancer_confirms(h: Harness) -> None:
    freelancer, client, invoice = await bound_client(h)
    await report_payment(h, client)
    await send_photo(h, client)
    assert "I told Claire Martin that invoice F-1 was paid on 29 Nov 2026" in client.last.text
    assert (await current(h, invoice)).reminders_paused and await planned(h, invoice.id) == []
    proof, question = h.fake.bot_messages(freelancer.id)[-2:]
    assert proof.photo is not None and "Proof of payment sent by ACME for F-1" in (proof.text or "")
    assert (
        "ACME says F-1 was paid on 29 Nov 2026" in question.text
        and "paused until you answer" in question.text
    )
    confirm = question.inline_keyboard[0][0]["callback_data"]
    reply = await freelancer.press("Confirm paid")
    assert "Marked paid ✅" in reply
    paid = await current(h, invoice)
    assert paid.status == "paid" and not paid.reminders_paused
    [payment] = await h.store.invoices.payments(invoice.id)
    assert payment.paid_on == date(2026, 11, 29) and payment.amount_minor == invoice.amount_minor
    assert "Claire Martin confirms receiving your payment for invoice F-1" in client.last.text
    h.clock.set(utc(2026, 12, 30, 9, 0))
    sent = len(client_texts(h, client.id))
    await h.dispatch()
    assert len(client_texts(h, client.id)) == sent  # reminders stopped
    await freelancer.press_data(question.message_id, confirm)  # a second tap records nothing more
    assert "already answered" in last_alert(h)
    assert len(await h.store.invoices.payments(invoice.id)) == 1


async def test_payment_date_typed_and_checked(h: Harness) -> None:
    freelancer, client, _invoice = await bound_client(h)
    await first_reminder(h, client)
    await client.press("✅ I've paid")
    reply = await client.press("Other date")
    assert "Type the date of your payment" in reply
    reply = await client.send("15/12/2026")
    assert "cannot be in the future" in reply
    reply = await client.send("someday")
    assert "could not read that date" in reply
    await client.send("20/11/2026")
    reply = await client.send("here is a text, not a proof")
    assert "Please send a photo or a PDF, or tap Skip" in reply
    await client.press("Skip")
    assert "ACME says F-1 was paid on 20 Nov 2026" in freelancer.last.text


async def test_payment_not_received_tells_the_client_and_resumes_reminders(h: Harness) -> None:
    freelancer, client, invoice = await bound_client(h)
    await report_payment(h, client, "Today")
    await client.press("Skip")
    reply = await freelancer.press("Not received yet")
    assert "told ACME that the payment for F-1 has not arrived yet" in reply
    assert "Claire Martin has not received the payment for invoice F-1 yet" in client.last.text
    assert "💬 Question" in client.last.buttons[2]
    assert not (await current(h, invoice)).reminders_paused
    assert await planned(h, invoice.id) == ["friendly", "firm", "call", "final", "notice"]


async def test_an_unanswered_payment_resumes_reminders_after_five_days(h: Harness) -> None:
    freelancer, client, invoice = await bound_client(h)
    await report_payment(h, client, "Today")
    await client.press("Skip")
    h.clock.advance(timedelta(days=5) - timedelta(minutes=1))
    assert await resume_unanswered_claims(h.services, h.app.bot) == 0
    assert (await current(h, invoice)).reminders_paused
    h.clock.advance(timedelta(minutes=1))
    assert await resume_unanswered_claims(h.services, h.app.bot) == 1
    assert await resume_unanswered_claims(h.services, h.app.bot) == 0  # once
    assert not (await current(h, invoice)).reminders_paused
    assert "firm" in await planned(h, invoice.id)
    notice = freelancer.last
    assert "you have not answered for 5 days, so reminders resume" in notice.text
    await freelancer.press("Confirm paid")  # answering late still records the payment
    assert (await current(h, invoice)).status == "paid"


async def test_client_cannot_report_the_same_payment_twice(h: Harness) -> None:
    _freelancer, client, _invoice = await bound_client(h)
    await report_payment(h, client, "Today")
    await client.press("Skip")
    reply = await client.press("✅ I've paid")
    assert "You already told Claire Martin that invoice F-1 is paid" in reply


# 📅 I need more time -----------------------------------------------------------------------------------
async def test_more_time_accepted_moves_the_due_date_and_replans(h: Harness) -> None:
    freelancer, client, invoice = await bound_client(h)
    await first_reminder(h, client)
    reply = await client.press("📅 I need more time")
    assert "It is due on 1 Dec 2026" in reply
    assert reply.buttons == [
        "+7 days (8 Dec 2026)", "+14 days (15 Dec 2026)", "+30 days (31 Dec 2026)", "📆 Pay in instalments"
    ]  # fmt: skip
    reply = await client.press("+14 days (15 Dec 2026)")
    assert "add a message for Claire Martin" in reply
    await client.send("Our <b>budget</b> closes on the 10th.")
    assert "I asked Claire Martin whether you can pay invoice F-1 by 15 Dec 2026" in client.last.text
    request = freelancer.last
    assert (
        "ACME asks for more time for F-1" in request.text and "proposes to pay by 15 Dec 2026" in request.text
    )
    assert "Their message: Our <b>budget</b> closes on the 10th." in request.text  # shown, not interpreted
    reply = await freelancer.press("Accept")
    assert "F-1 is now due on 15 Dec 2026" in reply
    moved = await current(h, invoice)
    assert moved.due_date == date(2026, 12, 15)
    rows = [r for r in await h.store.reminders.for_invoice(moved.id) if r.status == "planned"]
    # Re-planned from the new date: the courtesy note went already; next, 3 days after 15 Dec.
    assert [r.tone for r in rows] == ["friendly", "firm", "call", "final", "notice"]
    assert rows[0].scheduled_at == utc(2026, 12, 18, 8, 30)
    assert "Claire Martin agrees: invoice F-1 is now due on 15 Dec 2026" in client.last.text


async def test_more_time_declined_keeps_the_due_date(h: Harness) -> None:
    freelancer, client, invoice = await bound_client(h)
    await first_reminder(h, client)
    await client.press("📅 I need more time")
    reply = await client.send("28/11/2026")
    assert "Please choose a date after 1 Dec 2026" in reply
    reply = await client.send("10/01/2028")
    assert "within a year" in reply
    await client.send("10/01/2027")
    await client.press("Skip")
    assert "Their message" not in freelancer.last.text
    reply = await freelancer.press("Decline")
    assert "told ACME that F-1 stays due on 1 Dec 2026" in reply
    assert (await current(h, invoice)).due_date == date(2026, 12, 1)
    assert "Claire Martin cannot move the due date of invoice F-1" in client.last.text


# 💬 Question ---------------------------------------------------------------------------------------------
async def test_question_relayed_and_answered(h: Harness) -> None:
    freelancer, client, _invoice = await bound_client(h)
    await client.send("/start")
    await client.press("📄 F-1")
    reply = await client.press("💬 Question")
    assert "Type your question for Claire Martin about invoice F-1" in reply
    await client.send("Can I pay in two instalments? <i>Thanks</i>")
    assert "Sent to Claire Martin" in client.last.text
    relayed = freelancer.last
    assert (
        "Question from ACME about F-1" in relayed.text
        and "Can I pay in two instalments? <i>Thanks</i>" in relayed.text
    )
    reply = await freelancer.press("Reply")
    assert "Type your answer to ACME" in reply
    reply = await freelancer.send("Yes, half now and half in January.")
    assert "Sent to ACME ✅" in reply
    answer = client.last
    assert "Claire Martin answers your question about invoice F-1" in answer.text
    assert "Yes, half now and half in January." in answer.text and "✅ I've paid" in answer.buttons[1]


# 🔕 Stop Telegram reminders ---------------------------------------------------------------------------------
async def test_stop_telegram_reminders_with_an_email_fallback(h: Harness) -> None:
    freelancer, client, invoice = await bound_client(h)
    [contact] = await h.store.clients.contacts(invoice.client_id)
    await h.store.clients.update_contact(contact.id, email="jo@acme.fr")
    await first_reminder(h, client)
    reply = await client.press("🔕 Stop Telegram reminders")
    assert "will no longer come here, but by e-mail to jo@acme.fr" in reply
    [contact] = await h.store.clients.contacts(invoice.client_id)
    assert contact.telegram_status == "off" and contact.telegram_chat_id == client.id
    assert (
        "ACME turned off Telegram reminders. They will get them by e-mail at jo@acme.fr"
        in freelancer.last.text
    )
    sent = len(client_texts(h, client.id))
    h.clock.set(utc(2026, 12, 4, 8, 30))
    await h.dispatch()
    assert len(client_texts(h, client.id)) == sent  # no more reminders in Telegram


async def test_stop_telegram_reminders_without_email_warns_the_freelancer(h: Harness) -> None:
    freelancer, client, _invoice = await bound_client(h)
    await first_reminder(h, client)
    reply = await client.press("🔕 Stop Telegram reminders")
    assert "will no longer come here" in reply and "/start" in reply
    assert "has no e-mail address: add one on the client card" in freelancer.last.text
    told = len(h.fake.bot_messages(freelancer.id))
    await client.press("🔕 Stop Telegram reminders")  # again: the freelancer is not told twice
    assert len(h.fake.bot_messages(freelancer.id)) == told


# Who may press what ----------------------------------------------------------------------------------------
async def test_a_client_cannot_act_on_another_clients_invoice(h: Harness) -> None:
    freelancer, client, _invoice = await bound_client(h)
    other = await invoice_with_reminders(
        h, user=freelancer, number="F-2", client_name="Globex", client_chat=5002
    )
    reply = await client.send("/start")
    assert "F-1" in reply and "F-2" not in reply
    for action in ("inv", "paid", "more", "ask", "stop"):
        await client.press_data(client.last.message_id, f"cp:{action}:{other.invoice.id}")
        assert "no longer valid" in last_alert(h)
    assert await h.store.db.fetchall("SELECT id FROM client_requests") == []
    [globex_contact] = await h.store.clients.contacts(other.invoice.client_id)
    assert globex_contact.telegram_status is None


async def test_a_freelancer_pressing_client_buttons_is_refused(h: Harness) -> None:
    freelancer, _client, invoice = await bound_client(h)
    for action in ("paid", "more", "ask", "stop", "inv"):
        await freelancer.press_data(freelancer.last.message_id, f"cp:{action}:{invoice.id}")
        assert "no longer valid" in last_alert(h)
    assert await h.store.db.fetchall("SELECT id FROM client_requests") == []


async def test_a_client_pressing_freelancer_buttons_is_refused(h: Harness) -> None:
    freelancer, client, invoice = await bound_client(h)
    await report_payment(h, client, "Today")
    await client.press("Skip")
    [row] = await h.store.db.fetchall("SELECT id FROM client_requests")
    for data in (f"inv:paid:{invoice.id}", f"cl:card:{invoice.client_id}", f"cr:ok:{row['id']}",
                 f"cr:reply:{row['id']}", f"cl:invite:{invoice.client_id}"):  # fmt: skip
        await client.press_data(client.last.message_id, data)
        assert "no longer valid" in last_alert(h)
    assert (await current(h, invoice)).status == "open"
    assert freelancer.last.buttons == [["Confirm paid", "Not received yet"]]


async def test_client_start_shows_the_menu_not_the_onboarding(h: Harness) -> None:
    _freelancer, client, _invoice = await bound_client(h)
    reply = await client.send("/start")
    assert "Open invoices from Claire Martin (ACME)" in reply and reply.buttons == ["📄 F-1"]
    reply = await client.press("📄 F-1")
    assert "What would you like to tell Claire Martin?" in reply
    assert reply.buttons == ["💳 How to pay", *CLIENT_BUTTONS, "◀ My invoices"]
    assert await h.store.freelancers.by_telegram_id(client.id) is None


async def test_a_second_payment_claim_after_five_days_does_not_pause_reminders_again(h: Harness) -> None:
    _freelancer, client, invoice = await bound_client(h)
    await report_payment(h, client, "Today")
    await client.press("Skip")
    h.clock.advance(timedelta(days=5))
    assert await resume_unanswered_claims(h.services, h.app.bot) == 1
    [reminder] = [m for m in h.fake.bot_messages(client.id) if "✅ I've paid" in str(m.buttons)]
    await client.press("✅ I've paid", message_id=reminder.message_id)
    await client.press("Today")
    reply = await client.press("Skip")
    assert "paused while they check" not in reply.text and "Thank you!" in reply.text
    assert not (await current(h, invoice)).reminders_paused
