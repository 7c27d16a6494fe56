"""/templates: a freelancer reads, rewrites, previews, saves and resets the wording of reminders."""

from __future__ import annotations

import pytest

from tests.conftest import onboard
from tests.harness import Harness, TelegramUser
from tests.reminders.helpers import client_texts, invoice_with_reminders, utc

GOOD = (
    "Dear {client}, invoice {number} ({amount}) is {days_overdue} days late.\n{payment_details}\n{freelancer}"
)


async def stored(h: Harness, user: TelegramUser, tone: str, locale: str) -> str | None:
    freelancer = await h.store.freelancers.by_telegram_id(user.id)
    assert freelancer is not None
    return await h.store.templates.get(freelancer.id, tone, locale)


async def test_templates_lists_every_tone_and_shows_the_builtin_text(h: Harness) -> None:
    user = await onboard(h)
    reply = await user.send("/templates")
    assert "Friendly reminder (first one after the due date): built-in text" in reply.text
    assert reply.buttons == [
        f"{tone} · {language}"
        for tone in ("Courtesy", "Friendly", "Firm", "Final")
        for language in ("English", "Français", "Deutsch", "Nederlands", "Español", "Italiano")
    ]
    assert max(len(row) for row in reply.messages[-1].buttons) == 2  # readable on a phone
    reply = await user.press("Friendly · English")
    assert "the built-in text" in reply.text and "Unless I am mistaken, invoice {number}" in reply.text
    assert "{payment_details} — your IBAN and payment link" in reply.text
    assert "↩️ Reset to default" not in reply.buttons


@pytest.mark.parametrize(
    ("text", "complaint"),
    [
        ("Hello {client.__class__}", "{client.__class__} is not allowed"),
        ("Hello {0}", "{0} is not allowed"),
        ("Hello {client[0]}", "{client[0]} is not allowed"),
        (
            "Hello {name}, pay {number}",
            "I do not know the placeholder {name}. You can use: {client}, {number}",
        ),
        ("Hello {client, pay", "A brace is not matched near “{client, pay”"),
        ("Pay now } please", "A brace is not matched near “} please”"),
        ("x" * 1600, "The text is too long (1600 characters). Please keep it under 1500."),
    ],
)
async def test_bad_texts_are_refused_naming_the_problem(h: Harness, text: str, complaint: str) -> None:
    user = await onboard(h)
    await user.send("/templates")
    await user.press("Firm · English")
    reply = await user.send(text)
    assert "I cannot use this text" in reply.text and complaint in reply.text
    assert "💾 Save" not in reply.buttons
    assert await stored(h, user, "firm", "en") is None


async def test_preview_on_the_latest_invoice_then_save_then_the_next_reminder_uses_it(h: Harness) -> None:
    s = await invoice_with_reminders(h)
    await s.user.send("/templates")
    await s.user.press("Friendly · English")
    h.clock.set(utc(2026, 12, 4, 8, 0))
    reply = await s.user.send(GOOD)
    assert "Preview with invoice F-1 for ACME:" in reply.text
    assert "Dear ACME, invoice F-1 (€1,200.00) is 3 days late." in reply.text
    assert await stored(h, s.user, "friendly", "en") is None  # not before Save
    reply = await s.user.press("💾 Save")
    assert "Saved ✅" in reply.text
    assert await stored(h, s.user, "friendly", "en") == GOOD
    h.clock.set(utc(2026, 12, 4, 8, 30))  # the friendly reminder (the courtesy one, missed, is superseded)
    await h.dispatch()
    [text] = client_texts(h, s.client_chat or 0)
    assert text.startswith("Dear ACME, invoice F-1 (€1,200.00) is 3 days late.")
    assert "Claire Martin" in text


async def test_preview_without_invoices_uses_a_sample_and_shows_markup_literally(h: Harness) -> None:
    user = await onboard(h)
    await user.send("/templates")
    await user.press("Final · Français")
    reply = await user.send("Bonjour {client} <b>&</b> {number}")
    assert "Bonjour ACME SAS <b>&</b> F-2026-014" in reply.text
    assert "Tip: clients pay sooner when the reminder names {amount}, {payment_details}." in reply.text
    await user.press("💾 Save")
    assert await stored(h, user, "final", "fr") == "Bonjour {client} <b>&</b> {number}"
    assert await stored(h, user, "final", "en") is None


async def test_cancel_keeps_the_old_text(h: Harness) -> None:
    user = await onboard(h)
    await user.send("/templates")
    await user.press("Courtesy · English")
    await user.send(GOOD)
    reply = await user.press("Cancel")
    assert "Nothing changed." in reply.text
    assert await stored(h, user, "courtesy", "en") is None


async def test_reset_to_default(h: Harness) -> None:
    s = await invoice_with_reminders(h)
    await s.user.send("/templates")
    await s.user.press("Friendly · English")
    await s.user.send(GOOD)
    await s.user.press("💾 Save")
    reply = await s.user.press("◀ All texts")
    assert "Friendly reminder (first one after the due date): your own text in English" in reply.text
    reply = await s.user.press("Friendly · English")
    assert "your own text" in reply.text and "Dear {client}" in reply.text
    reply = await s.user.press("↩️ Reset to default")
    assert "back to the built-in text" in reply.text
    assert await stored(h, s.user, "friendly", "en") is None
    h.clock.set(utc(2026, 12, 4, 8, 30))
    await h.dispatch()
    [text] = client_texts(h, s.client_chat or 0)
    assert "Unless I am mistaken" in text


async def test_forged_template_buttons_are_refused(h: Harness) -> None:
    user = await onboard(h)
    for data in ("tp:edit:evil:en", "tp:edit:friendly:pt", "tp:reset:notice:en", "tp:edit", "rp:text:999"):
        await user.press_data(user.last.message_id, data)
    refused = [q for q in h.fake.callback_queries() if (q.data or "").startswith(("tp:", "rp:"))]
    assert len(refused) == 5 and all(q.answer_text == "This button is no longer valid." for q in refused)
    reply = await user.press_data(user.last.message_id, "tp:save")  # no text pending: a stale button
    assert reply.messages == []
