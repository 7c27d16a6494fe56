"""Several workers, one bot: Telegram's limits are shared through Redis (RELANCE_REDIS_URL).

Two Relance applications (two "workers") send through the same fake Telegram, which enforces the
real limits on the real clock. Each paces itself perfectly on its own, yet together they flood it;
with the shared schedule in Redis they stay at zero 429. Needs the machines' Redis on 127.0.0.1:6379
(skipped with the reason otherwise).
"""

from __future__ import annotations

import asyncio
import socket
import time
import uuid
from pathlib import Path

import pytest

from bot.channels.ratelimit import RelanceRateLimiter
from bot.channels.shared_rate import SHARED_PER_SECOND, SharedSchedule
from tests.fake_telegram import FakeTelegram
from tests.harness import TOKEN, Harness, start_harness, stop_harness

REDIS_URL = "redis://127.0.0.1:6379/0"
CHATS_PER_WORKER = 30
SAME_CHAT = 77_000


def _redis_answers() -> bool:
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=1).close()
    except OSError:
        return False
    return True


pytestmark = pytest.mark.skipif(not _redis_answers(), reason="no Redis server on 127.0.0.1:6379")


async def _workers(tmp_path: Path, fake: FakeTelegram, *, shared: bool) -> list[Harness]:
    key = uuid.uuid4().hex  # a bot of its own in Redis: tests never share schedules
    workers = []
    for n in range(2):
        schedule = SharedSchedule.from_url(REDIS_URL, key) if shared else None
        limiter = RelanceRateLimiter(shared=schedule)
        workers.append(await start_harness(tmp_path / f"worker{n}.sqlite3", fake=fake, rate_limiter=limiter))
    return workers


async def _send(h: Harness, chats: list[int]) -> None:
    await asyncio.gather(*(h.app.bot.send_message(chat, f"Reminder for {chat}") for chat in chats))


def _fake_with_users(chats: list[int]) -> FakeTelegram:
    fake = FakeTelegram(token=TOKEN, rate_limits=True)
    for chat in chats:
        fake.add_user(chat)
        fake.user(chat).started = True
    return fake


async def _run(tmp_path: Path, *, shared: bool) -> tuple[FakeTelegram, float]:
    chats = [[50_000 + 1000 * n + i for i in range(CHATS_PER_WORKER)] for n in range(2)]
    fake = _fake_with_users([*chats[0], *chats[1], SAME_CHAT])
    workers = await _workers(tmp_path, fake, shared=shared)
    started = time.monotonic()
    try:
        await asyncio.gather(
            *(_send(h, batch + [SAME_CHAT, SAME_CHAT]) for h, batch in zip(workers, chats, strict=True))
        )
    finally:
        for h in workers:
            await stop_harness(h)
    return fake, time.monotonic() - started


async def test_two_workers_sharing_the_schedule_never_hit_a_429(tmp_path: Path) -> None:
    fake, elapsed = await _run(tmp_path, shared=True)
    assert len([d for d in fake.deliveries if d.chat_id >= 50_000]) == 2 * (CHATS_PER_WORKER + 2)
    assert fake.rate_limited_count == 0
    assert fake.chats_with_bursts(window=1.0) == []
    assert len(fake.delivery_times(SAME_CHAT)) == 4  # one chat, two workers: one per second
    assert elapsed >= (2 * (CHATS_PER_WORKER + 2) - 2) / SHARED_PER_SECOND - 0.2  # the overall limit was applied


async def test_without_the_shared_schedule_two_workers_flood_telegram(tmp_path: Path) -> None:
    """The control: the same load paced per process only draws 429s (so the test above can fail)."""
    fake, _elapsed = await _run(tmp_path, shared=False)
    assert fake.rate_limited_count > 0


async def test_an_unreachable_redis_falls_back_to_local_pacing(tmp_path: Path) -> None:
    fake = _fake_with_users([SAME_CHAT])
    down = SharedSchedule.from_url("redis://127.0.0.1:1/0", "down")
    h = await start_harness(
        tmp_path / "relance.sqlite3", fake=fake, rate_limiter=RelanceRateLimiter(shared=down)
    )
    try:
        await _send(h, [SAME_CHAT, SAME_CHAT, SAME_CHAT])
    finally:
        await stop_harness(h)
    assert len(fake.delivery_times(SAME_CHAT)) == 3
    assert fake.rate_limited_count == 0 and fake.chats_with_bursts(window=1.0) == []
