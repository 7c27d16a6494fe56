"""The freelancer's side of reminders: plans, Remind now, tests, history, schedule, preview and digest."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from bot.engine.jobs import next_full_hour
from bot.storage import Freelancer
from tests.conftest import onboard
from tests.harness import Harness, Reply, TelegramUser
from tests.reminders.helpers import Setup, client_texts, invoice_with_reminders, utc


async def planned_offsets(h: Harness, invoice_id: int) -> list[int]:
    return [r.offset_days for r in await h.store.reminders.for_invoice(invoice_id) if r.status == "planned"]


async def statuses(h: Harness, invoice_id: int) -> list[tuple[str, str]]:
    return [(r.tone, r.status) for r in await h.store.reminders.for_invoice(invoice_id)]


async def freelancer(h: Harness, user: TelegramUser) -> Freelancer:
    found = await h.store.freelancers.by_telegram_id(user.id)
    assert found is not None
    return found


async def open_card(user: TelegramUser, number: str) -> Reply:
    await user.send("/invoices")
    return await user.press(f"📄 {number}")


async def hourly(h: Harness) -> None:
    """What the hourly job does at the (frozen) current time."""
    await h.dispatcher.hourly(h.clock.now())
    await h.services.drain()


# Plans -------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("label", "code", "offsets"),
    [
        ("✓ Standard", "standard", [-3, 3, 10, 15, 20, 30]),
        ("Gentle", "gentle", [0, 7, 14, 21, 28, 35]),
        ("Once", "once", [0]),
    ],
)
async def test_freelancer_chooses_a_builtin_default_plan_in_settings(
    h: Harness, label: str, code: str, offsets: list[int]
) -> None:
    s = await invoice_with_reminders(h, plan=None)  # follows the default
    await s.user.send("/settings")
    picker = await s.user.press("Reminder plan")
    assert "Your default reminder plan" in picker.text and "Now: Standard" in picker.text
    assert "<b>Gentle</b>" not in picker.text and "Gentle: a reminder on the due date" in picker.text
    reply = await s.user.press(label)
    assert "Saved." in reply.text and "1 open invoice follows this plan" in reply.text
    assert (await freelancer(h, s.user)).default_plan == code
    assert await planned_offsets(h, s.invoice.id) == offsets
    assert f"Reminder plan: {label.removeprefix('✓ ')}" in (await s.user.send("/settings")).text


async def test_default_plan_leaves_invoices_with_their_own_plan_alone(h: Harness) -> None:
    s = await invoice_with_reminders(h, plan="standard")
    await s.user.send("/settings")
    await s.user.press("Reminder plan")
    reply = await s.user.press("Once")
    assert "No open invoice follows this plan right now." in reply.text
    assert await planned_offsets(h, s.invoice.id) == [-3, 3, 10, 15, 20, 30]


@pytest.mark.parametrize(
    ("typed", "complaint"),
    [
        ("then", "Please type at least one day"),
        ("soon please", "I could not read that plan"),
        ("0, 200", "between -60 and 180 days"),
        ("0, 7, 7", "The same day appears twice"),
        (", ".join(str(day) for day in range(13)), "more than 12 reminders"),
        ("0 then every 200 days", "A repeat needs “every N days” (N from 1 to 90)"),
        ("0, at most 3", "at most 12 repeats"),
    ],
)
async def test_every_custom_plan_problem_is_explained_with_an_example(
    h: Harness, typed: str, complaint: str
) -> None:
    s = await invoice_with_reminders(h, plan=None)
    await s.user.send("/settings")
    await s.user.press("Reminder plan")
    prompt = await s.user.press("Custom…")
    assert "-7, 0, 7, 14, 30" in prompt.text
    reply = await s.user.send(typed)
    assert complaint in reply.text and "for example" in reply.text.lower()
    assert (await freelancer(h, s.user)).default_plan == "standard"
    reply = await s.user.send("-7, 0, 7, 14, 30 then every 7 days, at most 4")  # still asked: a good one
    assert (
        "Saved." in reply.text
        and "Custom (-7, 0, 7, 14, 30, then every 7 days, 4 more at most)" in reply.text
    )
    assert "7 days before the due date: courtesy heads-up" in reply.text
    assert (await freelancer(h, s.user)).default_plan == "custom:-7,0,7,14,30;every=7;max=4"
    assert await planned_offsets(h, s.invoice.id) == [-7, 0, 7, 14, 30, 37, 44, 51, 58]


async def test_client_override_replans_its_invoices_that_follow_it(h: Harness) -> None:
    s = await invoice_with_reminders(h, plan=None)
    own = await invoice_with_reminders(h, plan="standard", number="F-2", user=s.user, client_name="Beta")
    await s.user.send("/clients")
    card = await s.user.press("ACME")
    assert "Reminder plan: your default (Standard)" in card.text
    picker = await s.user.press("🔔 Plan")
    assert "Reminder plan for ACME" in picker.text and "✓ Use my default" in picker.buttons
    reply = await s.user.press("Once")
    assert "1 open invoice follows this plan" in reply.text
    assert await planned_offsets(h, s.invoice.id) == [0]
    assert await planned_offsets(h, own.invoice.id) == [-3, 3, 10, 15, 20, 30]
    card = await s.user.press("◀ ACME")
    assert "Reminder plan: Once" in card.text
    await s.user.press("🔔 Plan")
    await s.user.press("Use my default")
    assert await planned_offsets(h, s.invoice.id) == [-3, 3, 10, 15, 20, 30]


async def test_invoice_override_from_the_card_keeps_sent_reminders(h: Harness) -> None:
    s = await invoice_with_reminders(h, plan=None)
    h.clock.set(utc(2026, 11, 30, 8, 30))
    await h.dispatch()  # the courtesy heads-up goes out
    await open_card(s.user, "F-1")
    picker = await s.user.press("🔔 Plan")
    assert "Reminder plan of invoice F-1" in picker.text and "from the client or your default" in picker.text
    reply = await s.user.press("Gentle")
    assert "Saved." in reply.text
    assert await statuses(h, s.invoice.id) == [("courtesy", "sent")] + [("friendly", "planned")] + [
        ("firm", "planned")
    ] * 4 + [("final", "planned")]
    rows = await h.store.reminders.for_invoice(s.invoice.id)
    assert rows[1].scheduled_at == utc(2026, 12, 1, 8, 30)  # the due date, not again today
    await s.user.press("◀ Invoice F-1")
    await s.user.press("🔔 Plan")
    await s.user.press("Custom…")
    reply = await s.user.send("0, 10")
    assert "Custom (0, 10)" in reply.text
    assert await planned_offsets(h, s.invoice.id) == [0, 10]
    saved = await h.store.invoices.get(s.invoice.freelancer_id, s.invoice.id)
    assert saved is not None and saved.plan == "custom:0,10"


async def test_forged_plan_buttons_for_another_freelancers_invoice_change_nothing(h: Harness) -> None:
    s = await invoice_with_reminders(h)
    mallory = await onboard(h, user_id=2002, name="Mallory Doe")
    before = await statuses(h, s.invoice.id)
    client_id = s.invoice.client_id
    for data in (f"pl:set:i:{s.invoice.id}:once", f"pl:set:c:{client_id}:once", f"pl:show:i:{s.invoice.id}",
                 f"pl:custom:i:{s.invoice.id}", "pl:set:d:7:once", "pl:set:d:0:inherit", "pl:set:i:x:once"):  # fmt: skip
        await mallory.press_data(mallory.last.message_id, data)
    assert await statuses(h, s.invoice.id) == before
    saved = await h.store.invoices.get(s.invoice.freelancer_id, s.invoice.id)
    assert saved is not None and saved.plan == "standard"
    refused = [
        q for q in h.fake.callback_queries() if q.user_id == mallory.id and (q.data or "").startswith("pl:")
    ]
    assert len(refused) == 7 and all(q.answer_text == "This button is no longer valid." for q in refused)


# The invoice card's reminder buttons ---------------------------------------------------------------
async def test_remind_now_before_the_due_date_sends_a_courtesy_note_once_a_day(h: Harness) -> None:
    s = await invoice_with_reminders(h)
    h.clock.set(utc(2026, 11, 24, 10, 0))  # Tuesday 11:00 in Paris, a week before the due date
    await open_card(s.user, "F-1")
    await s.user.press("🔔 Remind now")
    [text] = client_texts(h, s.client_chat or 0)
    assert "A quick heads-up" in text and "F-1" in text
    rows = await h.store.reminders.for_invoice(s.invoice.id)
    manual = [r for r in rows if r.status == "sent"]
    assert [(r.tone, r.sent_at) for r in manual] == [("courtesy", utc(2026, 11, 24, 10, 0))]
    reply = await s.user.press("🔔 Remind now")
    assert "already went to ACME today at 11:00" in reply.text
    assert len(client_texts(h, s.client_chat or 0)) == 1


async def test_remind_now_after_the_due_date_is_friendly_and_waits_for_sending_hours(h: Harness) -> None:
    s = await invoice_with_reminders(h, plan="once")
    h.clock.set(utc(2026, 12, 2, 21, 0))  # Wednesday 22:00 in Paris
    await open_card(s.user, "F-1")
    reply = await s.user.press("🔔 Remind now")
    assert "It will go out on Thu 3 Dec 2026, 08:00" in reply.text
    assert client_texts(h, s.client_chat or 0) == []
    h.clock.set(utc(2026, 12, 3, 7, 0))
    await h.dispatch()
    [text] = client_texts(h, s.client_chat or 0)
    assert "Unless I am mistaken" in text  # the friendly wording


async def test_remind_now_refuses_a_paused_invoice(h: Harness) -> None:
    s = await invoice_with_reminders(h)
    await open_card(s.user, "F-1")
    await s.user.press("⏸ Pause reminders")
    reply = await s.user.press("🔔 Remind now")
    assert "Reminders are off or paused for F-1" in reply.text
    assert client_texts(h, s.client_chat or 0) == []


async def test_send_me_a_test_goes_to_the_freelancer_only(h: Harness) -> None:
    s = await invoice_with_reminders(h)
    before = await statuses(h, s.invoice.id)
    await open_card(s.user, "F-1")
    reply = await s.user.press("🧪 Send me a test")
    assert reply.text.startswith("🧪 Test — this is what ACME would receive:")
    assert "Hello ACME" in reply.text and "A quick heads-up" in reply.text  # the next one: courtesy
    assert client_texts(h, s.client_chat or 0) == []
    assert await statuses(h, s.invoice.id) == before


# History and schedule ------------------------------------------------------------------------------
async def test_history_shows_sent_failed_skipped_and_planned_rows(h: Harness) -> None:
    s = await invoice_with_reminders(h)
    h.clock.set(utc(2026, 11, 30, 8, 30))
    await h.dispatch()
    h.fake.block(s.client_chat or 0)
    h.allow_error("blocked by the user")
    h.clock.set(utc(2026, 12, 4, 8, 30))
    await h.dispatch()
    firm = (await h.store.reminders.for_invoice(s.invoice.id))[2]
    await h.store.reminders.skip(firm.id, "skipped in the evening preview")
    reply = await s.user.send("/history F-1")
    lines = reply.text.splitlines()
    assert lines[0] == "Reminders of F-1 (ACME)"
    assert lines[1] == "✅ Mon 30 Nov 2026, 09:30 — courtesy heads-up sent by telegram to telegram:5001"
    assert lines[2].startswith("❌ Fri 4 Dec 2026, 09:30 — friendly reminder failed: ")
    assert "blocked" in lines[2]
    assert lines[3] == "⏭ Fri 11 Dec 2026, 09:30 — firm reminder skipped: skipped in the evening preview"
    assert lines[4] == "🕑 Wed 16 Dec 2026, 09:30 — courtesy call script (to you) planned"
    assert lines[5] == "🕑 Mon 21 Dec 2026, 09:30 — final reminder planned"
    await open_card(s.user, "F-1")
    assert (await s.user.press("🕑 History")).text == reply.text


async def test_history_and_schedule_explain_their_usage(h: Harness) -> None:
    user = await onboard(h)
    for command in ("history", "schedule"):
        reply = await user.send(f"/{command}")
        assert f"for example: /{command} F-2026-014" in reply.text
        reply = await user.send(f"/{command} NOPE-<b>")
        assert "I have no invoice numbered “NOPE-<b>”" in reply.text


async def test_schedule_lists_upcoming_reminders_in_local_time(h: Harness) -> None:
    s = await invoice_with_reminders(h)
    reply = await s.user.send("/schedule f-1")
    assert reply.text.splitlines() == [
        "Upcoming reminders of F-1 (ACME) — plan: Standard",
        "• Mon 30 Nov 2026, 09:30 — courtesy heads-up",
        "• Fri 4 Dec 2026, 09:30 — friendly reminder",
        "• Fri 11 Dec 2026, 09:30 — firm reminder",
        "• Wed 16 Dec 2026, 09:30 — courtesy call script (to you)",
        "• Mon 21 Dec 2026, 09:30 — final reminder",
        "• Thu 31 Dec 2026, 09:30 — formal notice note (to you)",
    ]
    await s.user.send("/paid F-1")
    assert "is paid or cancelled: no more reminders" in (await s.user.send("/schedule F-1")).text


# Evening preview -----------------------------------------------------------------------------------
async def evening_before_courtesy(h: Harness) -> Setup:
    s = await invoice_with_reminders(h)  # the courtesy heads-up goes out Monday 30 Nov, 09:30 Paris
    h.clock.set(utc(2026, 11, 29, 17, 0))  # Sunday 18:00 in Paris (winter: UTC+1)
    await hourly(h)
    return s


async def test_evening_preview_lists_tomorrow_once(h: Harness) -> None:
    s = await evening_before_courtesy(h)
    preview = h.fake.last_bot_message(s.user.id)
    assert "Tomorrow, Monday, 30 November 2026, 1 reminder is planned:" in preview.text
    assert "09:30 — F-1 · ACME · €1,200.00 — courtesy heads-up" in preview.text
    assert "They will go out unless you skip them." in preview.text
    labels = [label for row in preview.buttons for label in row]
    assert labels == ["⏭ Skip F-1", "📅 +7 days F-1", "✏️ Text F-1"]
    assert (await freelancer(h, s.user)).last_preview_on == "2026-11-29"
    count = len(h.fake.bot_messages(s.user.id))
    h.clock.set(utc(2026, 11, 29, 17, 30))
    await hourly(h)  # a second run in the same hour
    assert len(h.fake.bot_messages(s.user.id)) == count


async def test_no_preview_at_other_hours_nor_when_nothing_is_planned(h: Harness) -> None:
    s = await invoice_with_reminders(h)
    count = len(h.fake.bot_messages(s.user.id))
    h.clock.set(utc(2026, 11, 29, 16, 0))  # 17:00 in Paris
    await hourly(h)
    h.clock.set(utc(2026, 11, 30, 17, 0))  # 18:00, but nothing is planned on Tuesday 1 Dec
    await hourly(h)
    assert len(h.fake.bot_messages(s.user.id)) == count


async def test_skip_in_the_preview_means_nothing_goes_out(h: Harness) -> None:
    s = await evening_before_courtesy(h)
    reply = await s.user.press("⏭ Skip F-1")
    assert reply.messages[0].buttons == []  # its buttons are gone
    [query] = [q for q in h.fake.callback_queries() if q.user_id == s.user.id][-1:]
    assert query.answer_text == "Skipped: this reminder will not go out."
    h.clock.set(utc(2026, 11, 30, 8, 30))
    await h.dispatch()
    assert client_texts(h, s.client_chat or 0) == []
    assert (await statuses(h, s.invoice.id))[0] == ("courtesy", "skipped")


async def test_postpone_moves_the_reminder_a_week(h: Harness) -> None:
    s = await evening_before_courtesy(h)
    await s.user.press("📅 +7 days F-1")
    [row] = [r for r in await h.store.reminders.for_invoice(s.invoice.id) if r.tone == "courtesy"]
    assert (row.status, row.scheduled_at) == ("planned", utc(2026, 12, 7, 8, 30))
    h.clock.set(utc(2026, 11, 30, 8, 30))
    await h.dispatch()
    assert client_texts(h, s.client_chat or 0) == []


async def test_edit_text_from_the_preview_opens_that_tone(h: Harness) -> None:
    s = await evening_before_courtesy(h)
    reply = await s.user.press("✏️ Text F-1")
    assert "Courtesy heads-up (before the due date) · English — the built-in text" in reply.text
    reply = await s.user.send("Hi {client}, {number} ({amount}) is due on {due_date}. {payment_details}")
    await s.user.press("💾 Save")
    h.clock.set(utc(2026, 11, 30, 8, 30))
    await h.dispatch()
    [text] = client_texts(h, s.client_chat or 0)
    assert text.startswith("Hi ACME, F-1 (€1,200.00) is due on 1 December 2026.")


async def test_manual_approval_sends_only_what_was_approved(h: Harness) -> None:
    s = await invoice_with_reminders(h)
    other = await invoice_with_reminders(h, number="F-2", user=s.user, client_name="Beta", client_chat=5002)
    await s.user.send("/settings")
    await s.user.press("Approval")
    reply = await s.user.press("Send only what I approve")
    assert "Approval: Send only what I approve" in reply.text
    h.clock.set(utc(2026, 11, 29, 17, 0))
    await hourly(h)
    preview = h.fake.last_bot_message(s.user.id)
    assert "Only the reminders you approve will go out." in preview.text
    await s.user.press("✅ Approve F-1")
    assert "✅ Approve F-1" not in h.fake.last_bot_message(s.user.id).buttons[0]
    row = next(r for r in await h.store.reminders.for_invoice(s.invoice.id) if r.tone == "courtesy")
    await s.user.press_data(preview.message_id, f"rp:ok:{row.id}")  # again, from an old screen: harmless
    h.clock.set(utc(2026, 11, 30, 8, 30))
    await h.dispatch()
    assert len(client_texts(h, s.client_chat or 0)) == 1
    assert client_texts(h, 5002) == []
    assert (await statuses(h, other.invoice.id))[0] == (
        "courtesy",
        "held",
    )  # not lost: the freelancer is asked
    [question] = [m for m in h.fake.bot_messages(s.user.id) if "waits for your approval" in m.text]
    assert "F-2" in question.text
    await s.user.press("Send now", message_id=question.message_id)
    assert len(client_texts(h, 5002)) == 1


async def test_daily_summary_mode_lists_what_went_out_today(h: Harness) -> None:
    s = await invoice_with_reminders(h)
    await s.user.send("/settings")
    await s.user.press("Sending notices")
    await s.user.press("One daily summary")
    count = len(h.fake.bot_messages(s.user.id))
    h.clock.set(utc(2026, 11, 30, 8, 30))
    await h.dispatch()
    assert len(h.fake.bot_messages(s.user.id)) == count  # no notice after each sending
    h.clock.set(utc(2026, 11, 30, 17, 0))
    await hourly(h)
    summary = h.fake.last_bot_message(s.user.id)
    assert (
        "1 reminder sent today:" in summary.text and "09:30 — F-1 · ACME — courtesy heads-up" in summary.text
    )


async def test_forged_preview_buttons_are_refused(h: Harness) -> None:
    s = await evening_before_courtesy(h)
    mallory = await onboard(h, user_id=2002, name="Mallory Doe")
    row = (await h.store.reminders.for_invoice(s.invoice.id))[0]
    for action in ("skip", "later", "ok", "text"):
        await mallory.press_data(mallory.last.message_id, f"rp:{action}:{row.id}")
    assert (await h.store.reminders.for_invoice(s.invoice.id))[0] == row
    refused = [
        q for q in h.fake.callback_queries() if q.user_id == mallory.id and (q.data or "").startswith("rp:")
    ]
    assert len(refused) == 4 and all(q.answer_text == "This button is no longer valid." for q in refused)


# Weekly digest -------------------------------------------------------------------------------------
async def digest_setup(h: Harness) -> Setup:
    s = await invoice_with_reminders(h)  # F-1, due Tuesday 1 Dec: due this week
    await invoice_with_reminders(h, number="F-0", plan="once", due=date(2026, 11, 16), user=s.user,
                                 client_name="Beta", client_chat=5002)  # fmt: skip
    h.clock.set(utc(2026, 11, 24, 8, 30))
    await h.dispatch()  # F-0's reminder goes out on Tuesday 24 Nov
    return s


async def test_weekly_digest_on_monday_morning(h: Harness) -> None:
    s = await digest_setup(h)
    h.clock.set(utc(2026, 11, 30, 8, 0))  # Monday 09:00 in Paris
    await hourly(h)
    digest = h.fake.last_bot_message(s.user.id).text
    assert "Your week — Monday, 30 November 2026" in digest
    overdue, _, rest = digest.partition("Sent last week")
    assert "€1,200.00 on 1 invoice" in overdue
    sent, _, due = rest.partition("Due this week")
    assert "Tue 24 Nov — F-0 · Beta — friendly reminder" in sent
    assert "F-1 · ACME · €1,200.00" in due and "F-0" not in due
    assert (await freelancer(h, s.user)).last_digest_on == "2026-11-30"


async def test_no_digest_when_turned_off(h: Harness) -> None:
    s = await digest_setup(h)
    await s.user.send("/settings")
    await s.user.press("Weekly digest")
    reply = await s.user.press("Off")
    assert "Weekly digest: Off" in reply.text
    count = len(h.fake.bot_messages(s.user.id))
    h.clock.set(utc(2026, 11, 30, 8, 0))
    await hourly(h)
    assert len(h.fake.bot_messages(s.user.id)) == count
    assert (await freelancer(h, s.user)).last_digest_on is None


async def test_a_long_history_is_split_into_valid_messages(h: Harness) -> None:
    s = await invoice_with_reminders(h)
    for day in range(80):  # months of daily "Remind now"
        at = utc(2026, 12, 1, 9, 0) + timedelta(days=day)
        rid = await h.store.reminders.add_manual(s.invoice.id, tone="friendly", offset_days=day, at=at)
        await h.store.reminders.mark_sent(
            rid, now=at, channel="telegram", recipient="telegram:5001", message_ids=[]
        )
    reply = await s.user.send("/history F-1")
    assert len(reply.messages) > 1 and all(len(m.text) < 4096 for m in reply.messages)
    assert reply.text.count("friendly reminder sent by telegram") == 80


def test_the_hourly_job_starts_on_the_hour() -> None:
    assert next_full_hour(utc(2026, 11, 23, 17, 42, 10)) == utc(2026, 11, 23, 18, 0)
    assert next_full_hour(utc(2026, 11, 23, 23, 0, 1)) == utc(2026, 11, 24, 0, 0)
