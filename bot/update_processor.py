"""Updates of different users run concurrently; one user's updates stay strictly in order.

PTB's default processor is fully sequential (one slow database call blocks everybody) and its
`concurrent_updates=True` reorders a user's messages, which breaks conversations. A lock per
user gives both: asyncio locks wake waiters in FIFO order.

With several webhook workers, a user's consecutive updates may reach different processes: the
webhook server writes each one to `inbound_updates` before answering Telegram (bot.webhook), and
an update waits here until it is its user's oldest one left there, then deletes its row when done.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor

if TYPE_CHECKING:
    from bot.clock import Clock
    from bot.storage.inbound import Inbound

log = logging.getLogger(__name__)

ABANDONED_AFTER = timedelta(seconds=30)
"""An older row is a dead worker's (received, never handled): the user's next updates go on.
Generous, since a busy live worker must never be taken for a dead one (that reorders a user)."""
FIRST_POLL_SECONDS = 0.005
MAX_POLL_SECONDS = 0.1
"""A waiting update looks again soon, then less often: many waiting users must not load the database."""


def update_key(update: object) -> int | None:
    """Whose order an update belongs to: its user, else its chat."""
    if not isinstance(update, Update):
        return None
    if update.effective_user:
        return update.effective_user.id
    return update.effective_chat.id if update.effective_chat else None


class PerUserUpdateProcessor(BaseUpdateProcessor):
    def __init__(
        self,
        max_concurrent_updates: int = 256,
        *,
        across_workers: Inbound | None = None,
        clock: Clock | None = None,
        abandoned_after: timedelta = ABANDONED_AFTER,
    ) -> None:
        """`across_workers`: keep each user's order with the other webhook workers too."""
        super().__init__(max_concurrent_updates)
        self._abandoned_after = abandoned_after
        self._locks: dict[int, asyncio.Lock] = {}
        self._waiting: dict[int, int] = {}
        self._inbound, self._clock = across_workers, clock
        self._before: Callable[[Update], Awaitable[Any]] | None = None
        self._after: Callable[[Update], Awaitable[Any]] | None = None

    def around(
        self, *, before: Callable[[Update], Awaitable[Any]], after: Callable[[Update], Awaitable[Any]]
    ) -> None:
        """Several workers: `before` reloads the user's state, `after` writes it at once."""
        self._before, self._after = before, after

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        key = update_key(update)
        if key is None:
            await coroutine
            return
        if self._inbound is not None and isinstance(update, Update):
            await self._wait_for_older(key, update.update_id)
            try:
                if self._before is not None:
                    await self._before(update)
                try:
                    await self._in_order(key, coroutine)
                finally:
                    if self._after is not None:
                        await self._after(update)
            finally:
                await self._inbound.handled(update.update_id)
            return
        await self._in_order(key, coroutine)

    async def _wait_for_older(self, key: int, update_id: int) -> None:
        """Until the user's older updates (received by any worker) are handled."""
        assert self._inbound is not None and self._clock is not None
        give_up = time.monotonic() + self._abandoned_after.total_seconds()
        pause = FIRST_POLL_SECONDS
        while True:
            oldest = await self._inbound.oldest_pending(key, self._clock.now(), self._abandoned_after)
            if oldest is None or oldest >= update_id:
                return
            if time.monotonic() > give_up:
                # The older rows' worker died: forget them, so the user's next updates don't wait too.
                dropped = await self._inbound.forget_older(key, update_id)
                log.warning(
                    "update %s: %s older update(s) of its user never handled; going on", update_id, dropped
                )
                return
            await asyncio.sleep(pause)
            pause = min(pause * 2, MAX_POLL_SECONDS)

    async def _in_order(self, key: int, coroutine: Awaitable[Any]) -> None:
        lock = self._locks.setdefault(key, asyncio.Lock())
        self._waiting[key] = self._waiting.get(key, 0) + 1
        try:
            async with lock:
                await coroutine
        finally:
            self._waiting[key] -= 1
            if not self._waiting[key]:
                del self._waiting[key]
                del self._locks[key]

    async def initialize(self) -> None:
        return None

    async def shutdown(self) -> None:
        return None
