"""/invoices, the invoice card, payments and /paid."""

from __future__ import annotations

from datetime import date, timedelta

from bot.storage import Invoice
from tests.conftest import onboard
from tests.harness import Harness, TelegramUser
from tests.seed import register_invoice


async def make_invoice(
    h: Harness, user: TelegramUser, number: str, amount: int = 100_000, due: date = date(2026, 11, 10),
    client: str = "ACME", currency: str = "EUR",
) -> Invoice:  # fmt: skip
    return await register_invoice(
        h, user, number, amount, client=client, currency=currency, due=due, reminders_enabled=True
    )


async def reload(h: Harness, invoice: Invoice) -> Invoice:
    fresh = await h.store.invoices.get(invoice.freelancer_id, invoice.id)
    assert fresh is not None
    return fresh


async def test_list_is_paginated_with_due_phrases(h: Harness) -> None:
    user = await onboard(h)
    for i in range(23):
        await make_invoice(h, user, f"F-{i:03d}", due=date(2026, 11, 1) + timedelta(days=i * 2))
    reply = await user.send("/invoices")
    assert "23 open invoices" in reply.text and "page 1 of 3" in reply.text
    assert "22 days overdue" in reply.text  # F-000 due 1 Nov, today is 23 Nov
    assert "▶" in reply.buttons and "◀" not in reply.buttons
    reply = await user.press("▶")
    assert "page 2 of 3" in reply.text and "F-010" in reply.text and "F-000" not in reply.text
    reply = await user.press("▶")
    assert "F-022" in reply.text and "due in 22 days" in reply.text
    assert "▶" not in reply.buttons


async def test_filter_by_client(h: Harness) -> None:
    user = await onboard(h)
    await make_invoice(h, user, "A-1", client="Alpha")
    await make_invoice(h, user, "B-1", client="Beta")
    await user.send("/invoices")
    await user.press("Filter by client")
    reply = await user.press("Beta")
    assert "B-1" in reply.text and "A-1" not in reply.text


async def test_mark_paid_then_undo(h: Harness) -> None:
    user = await onboard(h)
    invoice = await make_invoice(h, user, "F-1")
    await user.send("/invoices")
    reply = await user.press("📄 F-1")
    assert "Invoice F-1" in reply.text
    reply = await user.press("✅ Mark paid")
    assert "Marked paid ✅" in reply.text and "✅ Paid" in reply.text
    assert (await reload(h, invoice)).status == "paid"
    reply = await user.send("/invoices")
    assert "No open invoice" in reply.text
    await user.press("↩️ Undo")
    assert (await reload(h, invoice)).status == "open"


async def test_undo_expires(h: Harness) -> None:
    user = await onboard(h)
    invoice = await make_invoice(h, user, "F-1")
    await user.send("/paid F-1")
    h.clock.advance(timedelta(minutes=11))
    await user.press("↩️ Undo")
    assert (await reload(h, invoice)).status == "paid"
    assert "no longer valid" in str(h.fake.requests[-1].params)


async def test_partial_payment_then_overpayment_refused(h: Harness) -> None:
    user = await onboard(h)
    invoice = await make_invoice(h, user, "F-2", amount=100_000)
    await user.send("/invoices")
    await user.press("📄 F-2")
    reply = await user.press("Partial payment")
    assert "How much did you receive" in reply.text
    reply = await user.send("abc")
    assert "could not read that amount" in reply.text
    reply = await user.send("400")
    assert "When was it paid" in reply.text
    reply = await user.send("31/02/2026")
    assert "does not exist" in reply.text
    reply = await user.send("01/01/2030")
    assert "cannot be in the future" in reply.text
    reply = await user.press("Yesterday")
    assert "Payment recorded" in reply.text and "Still due: €600.00" in reply.text
    fresh = await reload(h, invoice)
    assert (fresh.status, fresh.balance_minor) == ("open", 60_000)
    payments = await h.store.invoices.payments(invoice.id)
    assert payments[0].paid_on == date(2026, 11, 22)

    await user.press("Partial payment")
    reply = await user.send("700")
    assert "more than what is still due (€600.00)" in reply.text
    await user.press("The whole balance (€600.00)")
    reply = await user.press("Today")
    assert "Marked paid" in reply.text
    assert (await reload(h, invoice)).status == "paid"


async def test_paid_command(h: Harness) -> None:
    user = await onboard(h)
    invoice = await make_invoice(h, user, "F-2026-014")
    reply = await user.send("/paid")
    assert "/paid F-2026-014" in reply.text
    reply = await user.send("/paid F-404")
    assert "no invoice numbered “F-404”" in reply.text
    reply = await user.send("/paid f-2026-014")
    assert "Marked paid" in reply.text
    reply = await user.send("/paid F-2026-014")
    assert "already paid" in reply.text
    assert len(await h.store.invoices.payments(invoice.id)) == 1


async def test_pause_resume_and_cancel(h: Harness) -> None:
    user = await onboard(h)
    invoice = await make_invoice(h, user, "F-3")
    await user.send("/invoices")
    await user.press("📄 F-3")
    reply = await user.press("⏸ Pause reminders")
    assert "Reminders: paused" in reply.text
    reply = await user.press("▶️ Resume reminders")
    assert "Reminders: on" in reply.text
    reply = await user.press("Cancel invoice")
    assert "Cancel invoice F-3?" in reply.text
    await user.press("Yes, cancel it")
    assert (await reload(h, invoice)).status == "cancelled"


async def test_edit_amount_and_due_date(h: Harness) -> None:
    user = await onboard(h)
    invoice = await make_invoice(h, user, "F-4")
    await user.send("/invoices")
    await user.press("📄 F-4")
    await user.press("✏️ Edit")
    await user.press("Due date")
    reply = await user.send("01/01/2020")
    assert "cannot be before the issue date" in reply.text
    reply = await user.send("15/01/2027")
    assert "Saved." in reply.text
    await user.press("✏️ Edit")
    await user.press("Amount")
    await user.send("1 500")
    fresh = await reload(h, invoice)
    assert (fresh.due_date, fresh.amount_minor) == (date(2027, 1, 15), 150_000)


async def test_forged_callbacks_for_another_freelancer_are_refused(h: Harness) -> None:
    alice = await onboard(h, 2001)
    bob = await onboard(h, 2002, name="Bob Stone")
    invoice = await make_invoice(h, alice, "ALICE-1")
    reply = await bob.send("/help")
    message_id = reply.messages[-1].message_id
    for data in (f"inv:paid:{invoice.id}", f"inv:card:{invoice.id}", f"inv:cancelok:{invoice.id}",
                 f"inv:pause:{invoice.id}", "inv:paid:notanumber", "inv:undo:1", f"inv:part:{invoice.id}"):  # fmt: skip
        await bob.press_data(message_id, data)
    fresh = await reload(h, invoice)
    assert (fresh.status, fresh.reminders_paused, fresh.paid_minor) == ("open", False, 0)
    assert all("ALICE-1" not in m.text for m in h.fake.bot_messages(bob.id))


async def test_amount_edited_to_what_was_paid_is_refused(h: Harness) -> None:
    user = await onboard(h)
    invoice = await make_invoice(h, user, "F-5", amount=120_000)
    await user.send("/invoices")
    await user.press("📄 F-5")
    await user.press("Partial payment")
    await user.send("400")
    await user.press("Today")
    await user.press("✏️ Edit")
    await user.press("Amount")
    reply = await user.send("400")
    assert "use ✅ Mark paid instead" in reply.text
    assert (await reload(h, invoice)).amount_minor == 120_000


async def test_stale_cancel_button_does_not_cancel_a_paid_invoice(h: Harness) -> None:
    user = await onboard(h)
    invoice = await make_invoice(h, user, "F-6")
    await user.send("/invoices")
    await user.press("📄 F-6")
    await user.press("Cancel invoice")
    await user.send("/paid F-6")
    await user.press("Yes, cancel it")
    assert (await reload(h, invoice)).status == "paid"


async def test_partial_payment_in_dinars_asks_which_amount_was_meant(h: Harness) -> None:
    from bot.i18n import translator

    user = await onboard(h)
    invoice = await make_invoice(h, user, "T-1", amount=5_000_000, currency="TND")
    await user.send("/invoices")
    await user.press("📄 T-1")
    await user.press("Partial payment")
    reply = await user.send("1.234")
    units = translator("en").money(1_234, "TND")
    assert units in reply.buttons and "Did you mean" in reply.text
    reply = await user.press(units)
    assert "When was it paid" in reply.text
    await user.press("Yesterday")
    assert (await reload(h, invoice)).balance_minor == 5_000_000 - 1_234
