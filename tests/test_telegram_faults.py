"""Telegram faults: 5xx and 429 storms, timeouts, an outage. The bot survives and sends nothing twice."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest

from tests.harness import Harness, start_harness, stop_harness
from tests.reminders.helpers import client_texts, invoice_with_reminders, utc


@pytest.fixture
async def slow_h(tmp_path: Path) -> AsyncIterator[Harness]:
    """A harness whose requests time out after 0.2 s, like a short HTTP read timeout."""
    harness = await start_harness(tmp_path / "relance.sqlite3", read_timeout=0.2)
    try:
        yield harness
    finally:
        await stop_harness(harness)


async def test_500_and_502_storm_then_recovery_sends_once(h: Harness) -> None:
    s = await invoice_with_reminders(h)
    h.allow_error("Internal Server Error")
    h.allow_error("Bad Gateway")
    h.fake.fail_next("sendMessage", status=500, times=2)
    h.fake.fail_next("sendMessage", status=502, description="Bad Gateway", times=1)
    h.clock.set(utc(2026, 11, 30, 8, 30))
    for _ in range(4):
        await h.dispatch()
        h.clock.advance(timedelta(minutes=10))
    assert len(client_texts(h, s.client_chat or 0)) == 1
    [row] = [r for r in await h.store.reminders.for_invoice(s.invoice.id) if r.tone == "courtesy"]
    assert row.status == "sent" and row.attempts == 4


async def test_429_storm_honours_retry_after_and_gives_up_cleanly(h: Harness) -> None:
    s = await invoice_with_reminders(h)
    h.allow_error("Too Many Requests")
    h.fake.fail_next("sendMessage", status=429, description="Too Many Requests: retry after 30", retry_after=30,
                     times=50)  # fmt: skip
    h.clock.set(utc(2026, 11, 30, 8, 30))
    for _ in range(8):
        await h.dispatch()
        h.clock.advance(timedelta(hours=2))
    [row] = [r for r in await h.store.reminders.for_invoice(s.invoice.id) if r.tone == "courtesy"]
    assert row.status == "failed" and "retry" in (row.last_error or "").lower()
    assert client_texts(h, s.client_chat or 0) == []


async def test_timeout_after_sending_is_uncertain_not_resent(slow_h: Harness) -> None:
    h = slow_h
    s = await invoice_with_reminders(h)
    h.fake.delay("sendMessage", 0.5)  # Telegram got it, but the answer comes too late
    h.clock.set(utc(2026, 11, 30, 8, 30))
    await h.dispatch()
    h.fake.delay("sendMessage", 0)
    [row] = [r for r in await h.store.reminders.for_invoice(s.invoice.id) if r.tone == "courtesy"]
    assert row.status == "uncertain"
    assert len(client_texts(h, s.client_chat or 0)) == 1  # delivered once by the fake
    h.clock.advance(timedelta(hours=1))
    await h.dispatch()
    assert len(client_texts(h, s.client_chat or 0)) == 1  # and never again by itself
    assert any("may not have been delivered" in t for t in client_texts(h, s.user.id))


async def test_outage_then_recovery(h: Harness) -> None:
    s = await invoice_with_reminders(h)
    h.fake.set_down(True)
    h.clock.set(utc(2026, 11, 30, 8, 30))
    await h.dispatch()
    reply = await s.user.send("/invoices")  # the bot cannot answer, but must not crash
    assert reply.messages == []
    h.fake.set_down(False)
    h.clock.advance(timedelta(minutes=5))
    await h.dispatch()
    assert len(client_texts(h, s.client_chat or 0)) == 1
    reply = await s.user.send("/invoices")
    assert "F-1" in reply.text
