"""The dispatcher: right moment, right tone, never twice, never after payment."""

from __future__ import annotations

from datetime import date, timedelta

from bot.engine.dispatcher import CLAIM_LEASE
from tests.harness import Harness
from tests.reminders.helpers import client_texts, invoice_with_reminders, utc


async def statuses(h: Harness, invoice_id: int) -> list[tuple[str, str]]:
    return [(r.tone, r.status) for r in await h.store.reminders.for_invoice(invoice_id)]


async def test_standard_plan_rows_are_planned_on_business_days_at_send_time(h: Harness) -> None:
    s = await invoice_with_reminders(h)  # due Tuesday 1 Dec 2026
    rows = await h.store.reminders.for_invoice(s.invoice.id)
    assert [(r.tone, r.audience) for r in rows] == [
        ("courtesy", "client"), ("friendly", "client"), ("firm", "client"), ("call", "freelancer"),
        ("final", "client"), ("notice", "freelancer"),
    ]  # fmt: skip
    # courtesy −3 falls on Saturday 28 Nov → Monday 30 Nov, 09:30 Paris = 08:30 UTC
    assert rows[0].scheduled_at == utc(2026, 11, 30, 8, 30)
    assert rows[1].scheduled_at == utc(2026, 12, 4, 8, 30)
    assert rows[3].scheduled_at == utc(2026, 12, 16, 8, 30)  # the call script, Wednesday 16 Dec
    assert rows[4].scheduled_at == utc(2026, 12, 21, 8, 30)


async def test_nothing_goes_out_before_its_time_then_the_courtesy_note_does(h: Harness) -> None:
    s = await invoice_with_reminders(h)
    h.clock.set(utc(2026, 11, 30, 8, 29))
    await h.dispatch()
    assert client_texts(h, s.client_chat or 0) == []
    h.clock.set(utc(2026, 11, 30, 8, 30))
    await h.dispatch()
    [text] = client_texts(h, s.client_chat or 0)
    assert "F-1" in text and "€1,200.00" in text and "is due on 1 December 2026" in text
    assert "Claire Martin" in text
    notice = h.fake.last_bot_message(s.user.id)
    assert "1 reminder sent" in notice.text and "✅ Mark paid" in notice.buttons[0]
    assert (await statuses(h, s.invoice.id))[0] == ("courtesy", "sent")
    await h.dispatch()  # running again sends nothing twice
    assert len(client_texts(h, s.client_chat or 0)) == 1


async def test_paid_invoice_cancels_planned_reminders(h: Harness) -> None:
    s = await invoice_with_reminders(h)
    await s.user.send("/paid F-1")
    assert {status for _tone, status in await statuses(h, s.invoice.id)} == {"cancelled"}
    h.clock.set(utc(2026, 12, 30, 9, 0))
    await h.dispatch()
    assert client_texts(h, s.client_chat or 0) == []


async def test_paid_between_claim_and_send_wins(h: Harness) -> None:
    s = await invoice_with_reminders(h)
    h.clock.set(utc(2026, 11, 30, 9, 0))
    [row] = await h.store.reminders.due(h.clock.now(), 10)
    assert await h.store.reminders.claim(row.id, h.clock.now())
    await h.store.invoices.add_payment(s.invoice.freelancer_id, s.invoice.id, amount_minor=None,
                                       paid_on=date(2026, 11, 30), now=h.clock.now())  # fmt: skip
    await h.dispatcher.send_claimed(row)
    assert client_texts(h, s.client_chat or 0) == []
    assert (await statuses(h, s.invoice.id))[0] == ("courtesy", "cancelled")


async def test_crash_after_claim_leaves_uncertain_reported_and_not_resent(h: Harness) -> None:
    s = await invoice_with_reminders(h)
    h.clock.set(utc(2026, 11, 30, 9, 0))
    [row] = await h.store.reminders.due(h.clock.now(), 10)
    assert await h.store.reminders.claim(row.id, h.clock.now())  # then the process dies
    # What start-up does once the claim's lease has run out (on PostgreSQL, a younger claim may be
    # another worker's send in progress and is left alone).
    h.clock.advance(CLAIM_LEASE + timedelta(seconds=1))
    await h.dispatcher.recover()
    assert (await statuses(h, s.invoice.id))[0] == ("courtesy", "uncertain")
    warning = h.fake.last_bot_message(s.user.id)
    assert "may not have been delivered" in warning.text and "Send again" in warning.buttons[0]
    await h.dispatch()
    assert client_texts(h, s.client_chat or 0) == []


async def test_catch_up_after_ten_days_down_sends_only_the_latest(h: Harness) -> None:
    s = await invoice_with_reminders(h)
    h.clock.set(utc(2026, 12, 11, 9, 0))  # courtesy, friendly and firm all came due meanwhile
    await h.dispatch()
    texts = client_texts(h, s.client_chat or 0)
    assert len(texts) == 1 and "days overdue" in texts[0]  # the firm one
    assert await statuses(h, s.invoice.id) == [
        ("courtesy", "skipped"), ("friendly", "skipped"), ("firm", "sent"), ("call", "planned"),
        ("final", "planned"), ("notice", "planned"),
    ]  # fmt: skip


async def test_stale_reminder_waits_for_the_freelancer(h: Harness) -> None:
    s = await invoice_with_reminders(h, plan="once")  # one reminder on Tuesday 1 Dec
    h.clock.set(utc(2026, 12, 7, 9, 0))  # six days late
    await h.dispatch()
    assert client_texts(h, s.client_chat or 0) == []
    question = h.fake.last_bot_message(s.user.id)
    assert "was not sent. Send it now?" in question.text
    await s.user.press("Send now")
    assert len(client_texts(h, s.client_chat or 0)) == 1


async def test_quiet_hours_and_sunday_move_the_send(h: Harness) -> None:
    s = await invoice_with_reminders(h, plan="once", due=date(2026, 12, 5))  # Saturday → Monday 7 Dec
    rows = await h.store.reminders.for_invoice(s.invoice.id)
    assert rows[0].scheduled_at == utc(2026, 12, 7, 8, 30)
    await h.store.reminders.reschedule(rows[0].id, utc(2026, 12, 5, 21, 0))  # Saturday 22:00 Paris
    h.clock.set(utc(2026, 12, 5, 21, 0))
    await h.dispatch()
    assert client_texts(h, s.client_chat or 0) == []
    [row] = await h.store.reminders.for_invoice(s.invoice.id)
    assert row.scheduled_at == utc(2026, 12, 7, 7, 0)  # Monday 08:00 Paris, Sunday skipped


async def test_one_reminder_per_invoice_per_day(h: Harness) -> None:
    s = await invoice_with_reminders(h)
    h.clock.set(utc(2026, 11, 30, 8, 30))
    await h.dispatch()
    rows = await h.store.reminders.for_invoice(s.invoice.id)
    await h.store.reminders.reschedule(rows[1].id, utc(2026, 11, 30, 10, 0))  # force a second one today
    h.clock.set(utc(2026, 11, 30, 10, 0))
    await h.dispatch()
    assert len(client_texts(h, s.client_chat or 0)) == 1
    dropped = (await h.store.reminders.for_invoice(s.invoice.id))[1]
    assert dropped.status == "skipped" and dropped.last_error == "a reminder already went out today"


async def test_429_is_retried_after_retry_after(h: Harness) -> None:
    s = await invoice_with_reminders(h)
    h.fake.fail_next("sendMessage", status=429, description="Too Many Requests: retry after 5", retry_after=5)
    h.allow_error("Too Many Requests")
    h.clock.set(utc(2026, 11, 30, 8, 30))
    await h.dispatch()
    assert client_texts(h, s.client_chat or 0) == []
    h.clock.advance(timedelta(seconds=61))
    await h.dispatch()
    assert len(client_texts(h, s.client_chat or 0)) == 1


async def test_blocked_client_fails_with_reason_and_freelancer_is_told(h: Harness) -> None:
    s = await invoice_with_reminders(h)
    h.fake.block(s.client_chat or 0)
    h.allow_error("blocked by the user")
    h.clock.set(utc(2026, 11, 30, 8, 30))
    await h.dispatch()
    assert (await statuses(h, s.invoice.id))[0] == ("courtesy", "failed")
    assert "could not send the reminder for F-1" in h.fake.last_bot_message(s.user.id).text


async def test_client_without_channel_is_reported_not_dropped(h: Harness) -> None:
    s = await invoice_with_reminders(h, client_chat=None)
    h.clock.set(utc(2026, 11, 30, 8, 30))
    await h.dispatch()
    [row] = [r for r in await h.store.reminders.for_invoice(s.invoice.id) if r.status != "planned"]
    assert row.status == "failed" and "no channel" in (row.last_error or "")
    assert "No contact of this client is linked" in h.fake.last_bot_message(s.user.id).text


async def test_notice_step_goes_to_the_freelancer(h: Harness) -> None:
    s = await invoice_with_reminders(h)
    for when in (utc(2026, 11, 30, 8, 30), utc(2026, 12, 4, 8, 30), utc(2026, 12, 11, 8, 30),
                 utc(2026, 12, 21, 8, 30), utc(2026, 12, 31, 8, 30)):  # fmt: skip
        h.clock.set(when)
        await h.dispatch()
    assert len(client_texts(h, s.client_chat or 0)) == 4
    assert "formal notice" in h.fake.last_bot_message(s.user.id).text


async def test_changing_the_sending_time_moves_planned_reminders(h: Harness) -> None:
    s = await invoice_with_reminders(h)
    await s.user.send("/settings")
    await s.user.press("Sending time")
    await s.user.send("14:00")
    rows = await h.store.reminders.for_invoice(s.invoice.id)
    assert rows[0].scheduled_at == utc(2026, 11, 30, 13, 0)  # 14:00 Paris


async def test_a_skipped_step_stays_skipped_when_the_invoice_is_replanned(h: Harness) -> None:
    s = await invoice_with_reminders(h)
    rows = await h.store.reminders.for_invoice(s.invoice.id)
    await h.store.reminders.finish(rows[0].id, "skipped", "skipped by the freelancer")
    await h.services.invoice_changed(s.invoice)
    after = [(r.tone, r.status) for r in await h.store.reminders.for_invoice(s.invoice.id)]
    assert after.count(("courtesy", "skipped")) == 1 and ("courtesy", "planned") not in after


async def test_a_stale_reminder_moved_by_quiet_hours_still_waits_for_the_freelancer(h: Harness) -> None:
    s = await invoice_with_reminders(h, plan="once")  # due Tuesday 1 Dec
    h.clock.set(utc(2026, 12, 10, 21, 0))  # back nine days later, at night
    await h.dispatch()
    h.clock.set(utc(2026, 12, 11, 7, 0))
    await h.dispatch()
    assert client_texts(h, s.client_chat or 0) == []
    assert any("was not sent. Send it now?" in t for t in client_texts(h, s.user.id))


async def test_a_held_reminder_stays_held_when_the_invoice_changes(h: Harness) -> None:
    s = await invoice_with_reminders(h, plan="once")
    h.clock.set(utc(2026, 12, 7, 9, 0))
    await h.dispatch()
    await h.services.invoice_changed(s.invoice)  # e.g. the description was edited
    await h.dispatch()
    assert client_texts(h, s.client_chat or 0) == []
    assert [r.status for r in await h.store.reminders.for_invoice(s.invoice.id)] == ["held"]


async def test_non_text_messages_get_an_answer(h: Harness) -> None:
    s = await invoice_with_reminders(h)
    update = h.fake.message_update(s.user.id, None, photo=b"\x89PNG\r\n\x1a\n" + b"0" * 64)
    await h.process(update)
    assert "I can only read text" in h.fake.last_bot_message(s.user.id).text


async def test_back_after_downtime_the_first_reminder_never_claims_earlier_ones(h: Harness) -> None:
    s = await invoice_with_reminders(h, due=date(2027, 3, 1))  # final step on Monday 22 March
    h.clock.set(utc(2027, 3, 22, 9, 0))  # courtesy, friendly, firm and final all came due meanwhile
    await h.dispatch()
    [text] = client_texts(h, s.client_chat or 0)
    assert "Despite my previous reminders" not in text and "days overdue" in text
    assert (await statuses(h, s.invoice.id))[3:5] == [("call", "sent"), ("final", "sent")]


async def test_the_notice_alert_does_not_swallow_the_client_reminders(h: Harness) -> None:
    s = await invoice_with_reminders(h, due=date(2027, 3, 1))
    h.clock.set(utc(2027, 3, 31, 9, 0))  # even the formal-notice alert (31 March) came due
    await h.dispatch()
    assert client_texts(h, s.client_chat or 0) == []
    freelancer_texts = client_texts(h, s.user.id)
    assert any("formal notice" in t for t in freelancer_texts)
    assert any("was not sent. Send it now?" in t for t in freelancer_texts)  # the final client step
    await s.user.press("Send now")
    [text] = client_texts(h, s.client_chat or 0)
    assert "Despite my previous reminders" not in text and "days overdue" in text


async def test_french_client_first_reminder_after_downtime_is_not_the_final_wording(h: Harness) -> None:
    s = await invoice_with_reminders(h, due=date(2027, 3, 1))
    client = await h.store.clients.get(s.invoice.freelancer_id, s.invoice.client_id)
    assert client is not None
    await h.store.clients.update(client.freelancer_id, client.id, language="fr")
    h.clock.set(utc(2027, 3, 22, 9, 0))
    await h.dispatch()
    [text] = client_texts(h, s.client_chat or 0)
    assert "Malgré mes précédentes relances" not in text and "en retard de 21" in text
