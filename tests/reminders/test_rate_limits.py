"""1,000 reminders due at once go out within Telegram's limits: zero 429, never two in a second to a chat."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from bot.channels.ratelimit import RelanceRateLimiter
from bot.storage.invoices import NewInvoice
from bot.storage.reminders import PlannedRow
from tests.fake_telegram import FakeTelegram
from tests.harness import TOKEN, start_harness, stop_harness

DUE = 1000
FREELANCERS = 20
SHARED = 8  # reminders to one chat (one person in several client organisations): paced 1 s apart


async def test_thousand_due_reminders_stay_within_telegram_limits(tmp_path: Path) -> None:
    fake = FakeTelegram(token=TOKEN, rate_limits=True)
    h = await start_harness(tmp_path / "relance.sqlite3", fake=fake, rate_limiter=RelanceRateLimiter())
    try:
        now = h.clock.now()  # Monday 10:00 in Paris: within sending hours
        for f in range(FREELANCERS):
            fake.add_user(9000 + f)
            fake.user(9000 + f).started = True
            await h.store.freelancers.create(
                telegram_user_id=9000 + f,
                display_name=f"F{f}",
                language="en",
                timezone="Europe/Paris",
                now=now,
            )
        for i in range(DUE):
            freelancer_id = 1 + i % FREELANCERS
            client = await h.store.clients.create(freelancer_id, f"Client {i}", now=now)
            contact = await h.store.clients.add_contact(client.id, name="", email=None, now=now)
            chat = 100_000 + (i if i >= SHARED else 0)  # the first few contacts share one chat
            await h.store.clients.link_telegram(contact.id, chat)
            fake.add_user(chat)
            fake.user(chat).started = True
            new = NewInvoice(client.id, f"R-{i}", 5_000, "EUR", date(2026, 10, 1), date(2026, 11, 1),
                             reminders_enabled=True)  # fmt: skip
            invoice = await h.store.invoices.create(freelancer_id, new, now=now)
            await h.store.reminders.replace_plan(
                invoice.id, [PlannedRow(1, 3, "friendly", "client", now - timedelta(minutes=1))]
            )
        await h.dispatch()
    finally:
        await stop_harness(h)
    delivered_to_clients = [d for d in fake.deliveries if d.chat_id >= 100_000]
    assert len(delivered_to_clients) == DUE
    assert fake.rate_limited_count == 0
    assert fake.chats_with_bursts(window=1.0) == []
    assert h.unexpected_errors() == []
