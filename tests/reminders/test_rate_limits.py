"""Many reminders due at once go out within Telegram's limits: zero 429, never two in a second to a chat.

The fake Telegram enforces the real limits (30 messages/s overall, 1 message/s per private chat) on
the real clock. `make test` sends 100 reminders, enough to need the overall limit for four seconds and
to pace one chat that several clients share; `make soak` sends 1,000 (about 40 s).
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest

from bot.channels.ratelimit import RelanceRateLimiter
from bot.storage.reminders import PlannedRow
from tests.fake_telegram import FakeTelegram
from tests.harness import TOKEN, start_harness, stop_harness
from tests.seed import register_invoice

FREELANCERS = 20
SHARED_CHAT = 100_000


async def send_due_reminders(tmp_path: Path, *, due: int, shared: int) -> None:
    """``due`` reminders due a minute ago, the first ``shared`` of them to one chat (one person in several
    client organisations); all go out in one dispatch through the production rate limiter."""
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
        for i in range(due):
            freelancer_id = 1 + i % FREELANCERS
            invoice = await register_invoice(
                h, freelancer_id, f"R-{i}", 5_000, client=f"Client {i}", due=date(2026, 11, 1),
                issued=date(2026, 10, 1), reminders_enabled=True,
            )  # fmt: skip
            contact = await h.store.clients.add_contact(invoice.client_id, name="", email=None, now=now)
            chat = SHARED_CHAT + (i if i >= shared else 0)
            await h.store.clients.link_telegram(contact.id, chat)
            fake.add_user(chat)
            fake.user(chat).started = True
            await h.store.reminders.replace_plan(
                invoice.id, [PlannedRow(1, 3, "friendly", "client", now - timedelta(minutes=1))]
            )
        await h.dispatch()
    finally:
        await stop_harness(h)
    delivered_to_clients = [d for d in fake.deliveries if d.chat_id >= SHARED_CHAT]
    assert len(delivered_to_clients) == due
    assert len(fake.delivery_times(SHARED_CHAT)) == shared
    assert fake.rate_limited_count == 0
    assert fake.chats_with_bursts(window=1.0) == []
    assert h.unexpected_errors() == []


async def test_hundred_due_reminders_stay_within_telegram_limits(tmp_path: Path) -> None:
    await send_due_reminders(tmp_path, due=100, shared=4)


@pytest.mark.soak
async def test_thousand_due_reminders_stay_within_telegram_limits(tmp_path: Path) -> None:
    await send_due_reminders(tmp_path, due=1000, shared=8)
