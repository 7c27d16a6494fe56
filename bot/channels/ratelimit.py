"""Stay under Telegram's limits: 30 messages/s overall, and about 1 message/s to one private chat.

PTB's AIORateLimiter handles the overall limit and `retry_after`, but does not limit private chats.
Messages the bot starts itself (reminders, notices) pass `rate_limit_args=PER_CHAT` and are paced
to one per second per chat; direct replies to a user's own action are not delayed.
"""

from __future__ import annotations

import asyncio
import time
from collections import OrderedDict
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from typing import Any

from telegram._utils.types import JSONDict
from telegram.ext import AIORateLimiter

PER_CHAT = {"per_chat": True}
_MAX_TRACKED_CHATS = 10_000


OVERALL_PER_SECOND = 26
OVERALL_BURST = 2  # 2 + 26 per second: 2 messages of margin under Telegram's 30 for scheduling jitter
CHAT_INTERVAL_SECONDS = 1.05


@dataclass
class _ChatPace:
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    last_done: float = float("-inf")


class RelanceRateLimiter(AIORateLimiter):
    """Even spacing overall, and one message per second per chat counted from the previous answer.

    The overall bucket holds two messages at 26 per second: a sliding second holds at most 28, leaving
    room for the jitter between taking a slot and reaching Telegram under load (a bucket of 30 per
    second would allow bursts of up to 60 in one second), yet a send delayed by a
    busy event loop can be caught up instead of being lost. A chat's next message waits
    until a full interval after its previous one was *answered*: pacing from the previous start
    would let a message delayed by the overall limit land less than a second before the next.
    """

    def __init__(self, *, overall_per_second: float = OVERALL_PER_SECOND, max_retries: int = 3) -> None:
        super().__init__(
            overall_max_rate=OVERALL_BURST,
            overall_time_period=OVERALL_BURST / overall_per_second,
            max_retries=max_retries,
        )
        self._chats: OrderedDict[int, _ChatPace] = OrderedDict()

    def _pace(self, chat_id: int) -> _ChatPace:
        pace = self._chats.pop(chat_id, None) or _ChatPace()
        self._chats[chat_id] = pace
        while len(self._chats) > _MAX_TRACKED_CHATS:
            self._chats.popitem(last=False)
        return pace

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, bool | JSONDict | list[JSONDict]]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: Any,
    ) -> bool | JSONDict | list[JSONDict]:
        chat_id = data.get("chat_id")
        if rate_limit_args == PER_CHAT and isinstance(chat_id, int) and chat_id > 0:
            pace = self._pace(chat_id)
            async with pace.lock:
                wait = pace.last_done + CHAT_INTERVAL_SECONDS - time.monotonic()
                if wait > 0:
                    await asyncio.sleep(wait)
                try:
                    return await super().process_request(callback, args, kwargs, endpoint, data, None)
                finally:
                    pace.last_done = time.monotonic()
        retries = rate_limit_args if isinstance(rate_limit_args, int) else None
        return await super().process_request(callback, args, kwargs, endpoint, data, retries)
