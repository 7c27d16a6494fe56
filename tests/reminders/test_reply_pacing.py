"""A fast user: the bot's own replies are paced per chat, so Telegram never answers 429.

Time is virtual: the fake Telegram measures its flood limits and the rate limiter waits on the same
clock, which moves only when the limiter waits. The user's taps come back to back, with no time
between them, and the test takes well under a second of real time.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from bot.channels.ratelimit import CHAT_INTERVAL_SECONDS, RelanceRateLimiter
from tests.fake_telegram import FakeTelegram
from tests.harness import TOKEN, start_harness, stop_harness


class VirtualTime:
    def __init__(self) -> None:
        self.now = 1_000.0
        self.waited = 0.0

    def monotonic(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.now += max(0.0, seconds)
        self.waited += max(0.0, seconds)
        await asyncio.sleep(0)


async def test_fast_user_through_new_and_the_invoice_card_gets_no_429(tmp_path: Path) -> None:
    time = VirtualTime()
    fake = FakeTelegram(token=TOKEN, rate_limits=True, monotonic=time.monotonic)
    limiter = RelanceRateLimiter(monotonic=time.monotonic, sleep=time.sleep)
    h = await start_harness(tmp_path / "relance.sqlite3", fake=fake, rate_limiter=limiter)
    try:
        user = h.user(1001)
        for step in ("/start", "Claire Martin"):
            await user.send(step)
        for label in ("Skip", "EUR", "Paris", "English"):
            await user.press(label)
        await user.send("/new")
        await user.send("ACME Corp")
        await user.press("Skip")
        await user.press("F-2026-001")
        await user.send("1200 €")
        await user.send("15/11/2026")
        await user.send("30 days")
        await user.press("Skip")
        await user.press("Skip")
        await user.press("Reminders: Standard (default)")
        reply = await user.press("✅ Confirm")
        assert "Saved ✅" in reply.text
        card = user.last.message_id
        for label in ("⏸ Pause reminders", "▶️ Resume reminders", "✅ Mark paid", "↩️ Undo"):
            await user.press(label, message_id=card)
        await user.send("/invoices")
        await user.press("📄 F-2026-001")
        await user.send("/help")
    finally:
        await stop_harness(h)
    assert fake.rate_limited_count == 0
    assert fake.chats_with_bursts(window=1.0) == []
    assert h.unexpected_errors() == []
    card_message = next(m for m in fake.bot_messages(1001) if m.message_id == card)
    assert card_message.edited == 4  # the card's buttons redraw the card instead of sending new ones
    new_messages = len(fake.delivery_times(1001))
    assert time.waited >= (new_messages - 1) * CHAT_INTERVAL_SECONDS - 1.0  # replies were spaced, not refused
