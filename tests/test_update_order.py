"""A user's updates across workers: each waits for the user's older ones, a dead worker's are given up.

The processor runs against a real database (`inbound_updates`), as in webhook mode; "another worker"
is a row written in that table and handled (deleted) later, as the other process would.
"""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime, timedelta

from telegram import Chat, Message, Update, User

from bot.clock import FrozenClock
from bot.storage import Store
from bot.update_processor import PerUserUpdateProcessor

NOW = datetime(2027, 3, 1, 9, 0, tzinfo=UTC)
USER = 4242


def _update(update_id: int, user_id: int = USER) -> Update:
    user = User(user_id, "Claire", is_bot=False)
    chat = Chat(user_id, Chat.PRIVATE)
    return Update(update_id, message=Message(update_id, NOW, chat, from_user=user, text="/help"))


async def _record(done: list[int], update_id: int) -> None:
    done.append(update_id)


async def test_an_update_waits_for_its_users_older_one_handled_by_another_worker(store: Store) -> None:
    clock = FrozenClock(NOW)
    processor = PerUserUpdateProcessor(across_workers=store.inbound, clock=clock)
    await store.inbound.receive(10, USER, NOW)  # received by the other worker, still being handled
    await store.inbound.receive(11, USER, NOW)
    await store.inbound.receive(12, USER + 1, NOW)  # another user: never waits for this one
    done: list[int] = []
    mine = asyncio.create_task(processor.do_process_update(_update(11), _record(done, 11)))
    await processor.do_process_update(_update(12, USER + 1), _record(done, 12))
    await asyncio.sleep(0.2)
    assert done == [12], "update 11 went ahead of its user's update 10"
    await store.inbound.handled(10)  # the other worker is done with it
    await asyncio.wait_for(mine, 5)
    assert done == [12, 11]
    assert await store.inbound.oldest_pending(USER, NOW, timedelta(minutes=1)) is None


async def test_a_dead_workers_update_is_given_up_once_not_for_every_next_update(store: Store) -> None:
    clock = FrozenClock(NOW)
    processor = PerUserUpdateProcessor(
        across_workers=store.inbound, clock=clock, abandoned_after=timedelta(seconds=0.3)
    )
    await store.inbound.receive(20, USER, NOW)  # its worker died: never handled
    done: list[int] = []
    for update_id in (21, 22):
        await store.inbound.receive(update_id, USER, NOW)
    started = time.monotonic()
    await processor.do_process_update(_update(21), _record(done, 21))
    waited = time.monotonic() - started
    assert 0.3 <= waited < 3, waited
    assert await store.inbound.oldest_pending(USER, NOW, timedelta(minutes=1)) == 22, "the dead row is kept"
    started = time.monotonic()
    await processor.do_process_update(_update(22), _record(done, 22))
    assert time.monotonic() - started < 0.3, "the next update waited for the dead row again"
    assert done == [21, 22]
    assert await store.inbound.oldest_pending(USER, NOW, timedelta(minutes=1)) is None


async def test_rows_older_than_the_abandon_delay_by_the_clock_are_not_waited_for(store: Store) -> None:
    clock = FrozenClock(NOW)
    processor = PerUserUpdateProcessor(across_workers=store.inbound, clock=clock)
    await store.inbound.receive(30, USER, NOW - timedelta(minutes=5))  # left by a worker long dead
    await store.inbound.receive(31, USER, NOW)
    done: list[int] = []
    await asyncio.wait_for(processor.do_process_update(_update(31), _record(done, 31)), 2)
    assert done == [31]
