"""Payment plans in instalments, end to end through the fake Telegram: proposed by the client or the
freelancer, accepted or declined, reminded per instalment, paid (partly, across instalments), missed
then resumed or given more time — and across a restart."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from bot.engine.commitments import sweep_plans
from bot.storage import Invoice
from tests.channels.client_helpers import bound_client, last_alert
from tests.harness import Harness, TelegramUser, start_harness, stop_harness
from tests.reminders.helpers import client_texts, utc


async def planned(h: Harness, invoice_id: int) -> list[tuple[str, int | None, date]]:
    """(tone, instalment seq, day in UTC) of the rows still planned."""
    seq = {}
    plan = await h.store.payment_plans.current(invoice_id)
    if plan is not None:
        seq = {i.id: i.seq for i in plan.instalments}
    return [
        (r.tone, seq.get(r.instalment_id) if r.instalment_id else None, r.scheduled_at.date())
        for r in await h.store.reminders.for_invoice(invoice_id)
        if r.status == "planned"
    ]


async def pay(h: Harness, user: TelegramUser, amount: str, when: str = "Today") -> None:
    """The freelancer records a partial payment from the invoice card."""
    await user.send("/invoices")
    await user.press("📄 F-1")
    await user.press("Partial payment")
    await user.send(amount)
    reply = await user.press(when)
    assert "Payment recorded" in reply.text or "Marked paid" in reply.text, reply.text


async def client_proposes(
    h: Harness, client: TelegramUser, *, count: str = "3", first: str = "14 Dec 2026"
) -> None:
    """From the courtesy reminder: 📅 I need more time → 📆 Pay in instalments → 3, monthly, 14 Dec, equal."""
    h.clock.set(utc(2026, 11, 30, 8, 30))
    await h.dispatch()
    await client.press("📅 I need more time")
    reply = await client.press("📆 Pay in instalments")
    assert "Pay €1,200.00 (invoice F-1) in how many instalments?" in reply.text
    assert reply.buttons == ["2", "3", "4", "6", "10", "12"]
    reply = await client.press(count)
    assert "Weekly or monthly" in reply.text
    reply = await client.press("Monthly")
    assert reply.buttons == ["7 Dec 2026", "14 Dec 2026", "30 Dec 2026"]
    reply = await client.press(first)
    assert "Equal instalments (3 × about €400.00)" in reply.text
    reply = await client.press("Equal amounts")
    assert (
        "1/3 · €400.00 · 14 Dec 2026\n2/3 · €400.00 · 14 Jan 2027\n3/3 · €400.00 · 14 Feb 2027" in reply.text
    )
    reply = await client.press("📨 Send the proposal")
    assert "I sent your proposal to Claire Martin" in reply.text


async def accepted_plan(h: Harness) -> tuple[TelegramUser, TelegramUser, Invoice]:
    freelancer, client, invoice = await bound_client(h)
    await client_proposes(h, client)
    proposal = freelancer.last
    assert "ACME proposes to pay in instalments" in proposal.text and "3 monthly instalments" in proposal.text
    assert await planned(h, invoice.id) == []  # on hold while the freelancer decides
    reply = await freelancer.press("✅ Accept the plan")
    assert "Payment plan started for F-1" in reply.text
    assert "Claire Martin accepted your payment plan for invoice F-1" in client.last.text
    return freelancer, client, invoice


async def test_a_three_instalment_plan_paid_on_time(h: Harness) -> None:
    freelancer, client, invoice = await accepted_plan(h)
    assert await planned(h, invoice.id) == [
        ("courtesy", 1, date(2026, 12, 11)), ("friendly", 1, date(2026, 12, 17)),
        ("courtesy", 2, date(2027, 1, 11)), ("friendly", 2, date(2027, 1, 18)),
        ("courtesy", 3, date(2027, 2, 11)), ("friendly", 3, date(2027, 2, 17)),
    ]  # fmt: skip
    h.clock.set(utc(2026, 12, 11, 8, 30))
    await h.dispatch()
    heads_up = client.last
    assert (
        "instalment 1 of 3 of our payment plan for invoice F-1, €400.00, is due on 14 December 2026"
        in heads_up.text
    )
    assert "💳 How to pay" in heads_up.buttons[0]
    await pay(h, freelancer, "400")
    assert ("friendly", 1, date(2026, 12, 17)) not in await planned(h, invoice.id)  # paid: no reminder for it
    h.clock.set(utc(2026, 12, 17, 8, 30))
    before = len(client_texts(h, client.id))
    await h.dispatch()
    assert len(client_texts(h, client.id)) == before
    h.clock.set(utc(2027, 1, 11, 8, 30))
    await h.dispatch()
    assert "instalment 2 of 3" in client.last.text
    await pay(h, freelancer, "400")
    h.clock.set(utc(2027, 2, 11, 8, 30))
    await h.dispatch()
    assert "instalment 3 of 3" in client.last.text and "€400.00" in client.last.text
    await pay(h, freelancer, "400")
    paid = await h.store.invoices.get_any(invoice.id)
    assert paid is not None and paid.status == "paid" and await planned(h, invoice.id) == []
    await freelancer.send("/history F-1")
    assert (
        "Payment plan of 3 instalments (€1,200.00) proposed by the client: accepted" in freelancer.last.text
    )


async def test_a_partial_payment_covers_the_oldest_instalment_then_the_next(h: Harness) -> None:
    freelancer, client, invoice = await accepted_plan(h)
    await pay(h, freelancer, "600")  # instalment 1 and half of 2
    rows = await planned(h, invoice.id)
    assert {seq for _tone, seq, _day in rows} == {2, 3}
    await freelancer.send("/invoices")
    card = await freelancer.press("📄 F-1")
    assert (
        "1/3 · €400.00 · 14 Dec 2026 ✅" in card.text
        and "2/3 · €400.00 · 14 Jan 2027 ⏳ €200.00 paid" in card.text
    )
    h.clock.set(utc(2027, 1, 11, 8, 30))
    await h.dispatch()
    assert (
        "instalment 2 of 3 of our payment plan for invoice F-1, €200.00, is due on 14 January 2027"
        in client.last.text
    )


async def test_a_missed_instalment_is_reminded_once_then_the_freelancer_resumes_the_escalation(
    h: Harness,
) -> None:
    freelancer, client, invoice = await accepted_plan(h)
    h.clock.set(utc(2026, 12, 17, 8, 30))
    await h.dispatch()
    assert (
        "instalment 1 of 3 of our payment plan for invoice F-1, €400.00, was due on 14 December 2026"
        in client.last.text
    )
    assert await sweep_plans(h.services, h.app.bot) == 0  # the client gets a few days after the reminder
    h.clock.set(utc(2026, 12, 20, 9, 0))
    assert await sweep_plans(h.services, h.app.bot) == 1
    assert await sweep_plans(h.services, h.app.bot) == 0  # asked once
    ask = freelancer.last
    assert (
        "ACME missed instalment 1 of 3 for F-1: €400.00 was due on 14 Dec 2026. They were reminded once."
        in ask.text
    )
    assert ask.buttons == [["▶️ Resume reminders on the whole balance"], ["+7 days", "+14 days", "+30 days"]]
    assert await planned(h, invoice.id) == []  # nothing goes out while the freelancer decides
    resume = ask.inline_keyboard[0][0]["callback_data"]
    reply = await freelancer.press("▶️ Resume reminders on the whole balance")
    assert "the usual reminders resume on the whole balance (€1,200.00)" in reply.text
    rows = await planned(h, invoice.id)
    assert rows and all(seq is None for _tone, seq, _day in rows)
    assert rows[0][:2] == ("final", None) and rows[0][2] == date(2026, 12, 21)  # the plan's next step
    await freelancer.press_data(ask.message_id, resume)  # a second tap
    assert "answered already" in last_alert(h)


async def test_a_missed_instalment_given_more_time_moves_it_and_the_later_ones(h: Harness) -> None:
    freelancer, client, invoice = await accepted_plan(h)
    h.clock.set(utc(2026, 12, 17, 8, 30))
    await h.dispatch()
    h.clock.set(utc(2026, 12, 21, 9, 0))
    await sweep_plans(h.services, h.app.bot)
    reply = await freelancer.press("+14 days")
    assert "14 more days for ACME" in reply.text and "1/3 · €400.00 · 28 Dec 2026" in reply.text
    assert "2/3 · €400.00 · 28 Jan 2027" in reply.text
    assert "Claire Martin gives you more time" in client.last.text and "28 Dec 2026" in client.last.text
    rows = await planned(h, invoice.id)
    assert ("friendly", 1, date(2026, 12, 31)) in rows and ("courtesy", 2, date(2027, 1, 25)) in rows


async def test_the_freelancer_proposes_a_plan_and_the_client_accepts_it(h: Harness) -> None:
    freelancer, client, invoice = await bound_client(h)
    await freelancer.send("/invoices")
    await freelancer.press("📄 F-1")
    await freelancer.press("📆 Instalments")
    await freelancer.send("1")
    assert "from 2 to 12" in freelancer.last.text  # bad input: what is expected, with an example
    await freelancer.send("2")
    await freelancer.press("Weekly")
    reply = await freelancer.send("yesterday")
    assert "after today and within a year" in reply.text
    await freelancer.send("07/12/2026")
    await freelancer.press("✏️ Type the amounts")
    reply = await freelancer.send("500; 600")
    assert "must add up to €1,200.00 exactly" in reply.text and "For example: €600.00; €600.00." in reply.text
    reply = await freelancer.send("500; 700")
    assert "1/2 · €500.00 · 7 Dec 2026\n2/2 · €700.00 · 14 Dec 2026" in reply.text
    reply = await freelancer.press("📨 Send the proposal")
    assert "Proposal sent to ACME in Telegram" in reply.text
    proposal = client.last
    assert "Claire Martin proposes that you pay in instalments" in proposal.text
    assert len(await planned(h, invoice.id)) == 6  # the usual reminders go on until the client accepts
    reply = await client.press("✅ Accept the plan")
    assert "The payment plan for invoice F-1 is agreed" in reply.text
    assert "ACME accepted your payment plan for F-1" in freelancer.last.text
    assert [(t, s) for t, s, _d in await planned(h, invoice.id)] == [
        ("courtesy", 1), ("friendly", 1), ("courtesy", 2), ("friendly", 2)
    ]  # fmt: skip


async def test_a_declined_plan_keeps_the_usual_reminders(h: Harness) -> None:
    freelancer, client, invoice = await bound_client(h)
    await client_proposes(h, client)
    reply = await freelancer.press("✖️ Decline")
    assert "You declined the payment plan for F-1" in reply.text
    assert "Claire Martin declined the payment plan for invoice F-1" in client.last.text
    assert [t for t, _s, _d in await planned(h, invoice.id)][:2] == ["friendly", "firm"]


async def test_plan_buttons_of_someone_else_are_refused(h: Harness) -> None:
    freelancer, client, invoice = await bound_client(h)
    await client_proposes(h, client)
    accept = freelancer.last.inline_keyboard[0][0]["callback_data"]
    stranger = h.user(4242, first_name="Eve")
    await stranger.send("/help")
    await stranger.press_data(stranger.last.message_id, accept)
    await client.press_data(client.last.message_id, accept)  # the client cannot accept their own proposal
    plan = await h.store.payment_plans.current(invoice.id)
    assert plan is not None and plan.status == "proposed"
    await stranger.press_data(
        stranger.last.message_id, f"cq:ok:{invoice.id}:{plan.id}"
    )  # nor forge the freelancer-side answer
    assert (await h.store.payment_plans.current(invoice.id)).status == "proposed"  # type: ignore[union-attr]
    assert all("no longer valid" in (q.answer_text or "") for q in h.fake.callback_queries()[-3:])


async def test_a_plan_survives_a_restart_in_the_middle(tmp_path: Path) -> None:
    db = tmp_path / "relance.sqlite3"
    h = await start_harness(db)
    freelancer, client, invoice = await bound_client(h)
    h.clock.set(utc(2026, 11, 30, 8, 30))
    await h.dispatch()
    await client.press("📅 I need more time")
    await client.press("📆 Pay in instalments")
    await client.press("2")
    await stop_harness(h)  # the bot restarts in the middle of the proposal
    h = await start_harness(db, fake=h.fake)
    h.clock.set(utc(2026, 11, 30, 8, 35))
    client, freelancer = TelegramUser(h, client.id), TelegramUser(h, freelancer.id)
    await client.press("Weekly")
    await client.press("7 Dec 2026")
    await client.press("Equal amounts")
    await client.press("📨 Send the proposal")
    await freelancer.press("✅ Accept the plan")
    await stop_harness(h)  # and again while the plan runs
    h = await start_harness(db, fake=h.fake)
    try:
        h.clock.set(utc(2026, 12, 4, 8, 30))
        await h.dispatch()
        assert (
            "instalment 1 of 2 of our payment plan for invoice F-1, €600.00, is due on 7 December 2026"
            in (
                h.fake.last_bot_message(client.id).text  # type: ignore[union-attr]
            )
        )
    finally:
        await stop_harness(h)
    assert h.unexpected_errors() == []


async def test_a_french_client_proposes_a_plan_in_french(h: Harness) -> None:
    freelancer, client, invoice = await bound_client(h)
    await h.store.clients.update(1, invoice.client_id, language="fr")
    h.clock.set(utc(2026, 11, 30, 8, 30))
    await h.dispatch()
    await client.press("📅 J'ai besoin d'un délai")
    reply = await client.press("📆 Payer en plusieurs fois")
    assert "Payer 1\u202f200,00\u00a0€ (facture F-1) en combien d'échéances\u00a0?" in reply.text
    await client.press("2")
    await client.press("Mensuelles")
    reply = await client.send("14/12/2026")
    assert "Des échéances égales (2 × environ 600,00\u00a0€)" in reply.text
    await client.press("✏️ Saisir les montants")
    reply = await client.send("500 ; 600")
    assert "La somme des montants doit faire exactement 1\u202f200,00\u00a0€" in reply.text
    reply = await client.send("500 ; 700")
    assert "1/2 · 500,00\u00a0€ · 14 déc. 2026\n2/2 · 700,00\u00a0€ · 14 janv. 2027" in reply.text
    await client.press("📨 Envoyer la proposition")
    assert "ACME proposes to pay in instalments" in freelancer.last.text
    await freelancer.press("✅ Accept the plan")
    assert "Claire Martin a accepté votre échéancier pour la facture F-1" in client.last.text
    h.clock.set(utc(2026, 12, 11, 8, 30))
    await h.dispatch()
    assert (
        "l'échéance 1 sur 2 de notre échéancier pour la facture F-1, soit 500,00\u00a0€, arrive le 14 décembre 2026"
        in (client.last.text)
    )


async def test_nothing_waits_forever_for_the_freelancer(h: Harness) -> None:
    freelancer, client, invoice = await bound_client(h)
    await client_proposes(h, client)  # on 30 Nov 08:30; the freelancer does not answer
    h.clock.set(utc(2026, 12, 5, 8, 29))
    await sweep_plans(h.services, h.app.bot)
    assert await planned(h, invoice.id) == []
    h.clock.set(
        utc(2026, 12, 5, 8, 31)
    )  # 5 days later the reminders resume; the proposal can still be accepted
    await sweep_plans(h.services, h.app.bot)
    assert [t for t, _s, _d in await planned(h, invoice.id)][:2] == ["friendly", "firm"]
    await freelancer.press("✅ Accept the plan")
    assert {s for _t, s, _d in await planned(h, invoice.id)} == {1, 2, 3}
    h.clock.set(utc(2026, 12, 17, 8, 30))
    await h.dispatch()  # instalment 1 missed: reminded once
    h.clock.set(utc(2026, 12, 20, 9, 0))
    await sweep_plans(h.services, h.app.bot)  # the freelancer is asked… and does not decide
    h.clock.set(utc(2026, 12, 27, 9, 1))
    await sweep_plans(h.services, h.app.bot)
    assert "No decision for a week about the missed instalment of F-1" in freelancer.last.text
    rows = await planned(h, invoice.id)
    assert rows and all(s is None for _t, s, _d in rows)
