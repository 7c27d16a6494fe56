"""Stay under Telegram's limits: 30 messages/s overall, and about 1 message/s to one private chat.

PTB's AIORateLimiter handles the overall limit and `retry_after`, but does not limit private chats.
Messages the bot starts itself (reminders, notices) pass `rate_limit_args=PER_CHAT` and are paced
to one per second per chat; direct replies to a user's own action are not delayed.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Coroutine
from typing import Any

from aiolimiter import AsyncLimiter
from telegram._utils.types import JSONDict
from telegram.ext import AIORateLimiter

PER_CHAT = {"per_chat": True}
_MAX_TRACKED_CHATS = 10_000


OVERALL_PER_SECOND = 29
CHAT_INTERVAL_SECONDS = 1.05


class RelanceRateLimiter(AIORateLimiter):
    """A leaky bucket of capacity one: messages are spaced evenly, so no sliding second ever holds
    more than 30 (a bucket of 30 per second would allow bursts of up to 60 in one second)."""

    def __init__(self, *, overall_per_second: float = OVERALL_PER_SECOND, max_retries: int = 3) -> None:
        super().__init__(
            overall_max_rate=1, overall_time_period=1 / overall_per_second, max_retries=max_retries
        )
        self._chats: OrderedDict[int, AsyncLimiter] = OrderedDict()

    def _chat_limiter(self, chat_id: int) -> AsyncLimiter:
        limiter = self._chats.pop(chat_id, None) or AsyncLimiter(1, CHAT_INTERVAL_SECONDS)
        self._chats[chat_id] = limiter
        while len(self._chats) > _MAX_TRACKED_CHATS:
            self._chats.popitem(last=False)
        return limiter

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
            async with self._chat_limiter(chat_id):
                return await super().process_request(callback, args, kwargs, endpoint, data, None)
        retries = rate_limit_args if isinstance(rate_limit_args, int) else None
        return await super().process_request(callback, args, kwargs, endpoint, data, retries)
