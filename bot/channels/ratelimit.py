"""Stay under Telegram's limits: 30 messages/s overall, and about 1 message/s to one private chat.

PTB's AIORateLimiter handles the overall limit and `retry_after`, but does not limit private chats.
Every new message to a private chat (a reply, a reminder, a notice, a photo) is paced here to one
per second per chat, so a user tapping fast waits a little instead of the bot hitting a 429 and PTB
retrying; edits of a message in place are not new messages and are not delayed.
`rate_limit_args=PER_CHAT` is kept for callers that say so explicitly (the reminder channel).
"""

from __future__ import annotations

import asyncio
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass, field
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from telegram.error import RetryAfter
from telegram.ext import AIORateLimiter

if TYPE_CHECKING:
    from bot.channels.shared_rate import SharedSchedule

PER_CHAT = {"per_chat": True}
#: Bot API methods that put a new message in a chat (Telegram's "one message per second per chat").
NEW_MESSAGE_METHODS = frozenset(
    {
        "sendMessage", "sendPhoto", "sendDocument", "sendAudio", "sendVideo", "sendAnimation",
        "sendVoice", "sendVideoNote", "sendMediaGroup", "sendLocation", "sendVenue", "sendContact",
        "sendPoll", "sendDice", "sendSticker", "sendInvoice", "copyMessage", "forwardMessage",
    }
)  # fmt: skip
_MAX_TRACKED_CHATS = 10_000

JSONDict = dict[str, Any]  # what a Bot API call returns (PTB keeps its alias private)


OVERALL_PER_SECOND = 28.6
OVERALL_BURST = 1  # evenly spaced: no burst on top of the rate
CHAT_INTERVAL_SECONDS = 1.05


@dataclass
class _ChatPace:
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    last_done: float = float("-inf")


class RelanceRateLimiter(AIORateLimiter):
    """Even spacing overall, and one message per second per chat counted from the previous answer.

    Overall, one message every 1/28.6 s (a bucket of one): a sliding second holds at most 29, leaving
    one message of room under Telegram's 30 for the jitter between taking a slot and reaching
    Telegram under load (a bucket of 30 per second would allow bursts of up to 60 in one second). A chat's next message waits
    until a full interval after its previous one was *answered*: pacing from the previous start
    would let a message delayed by the overall limit land less than a second before the next.
    """

    def __init__(
        self,
        *,
        overall_per_second: float = OVERALL_PER_SECOND,
        max_retries: int = 3,
        monotonic: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[object]] = asyncio.sleep,
        shared: SharedSchedule | None = None,
    ) -> None:
        """`monotonic` and `sleep` measure and wait between a chat's messages (a test passes virtual ones).

        `shared`: the limits kept in Redis for every worker of this bot (bot.channels.shared_rate);
        when it cannot be reached, this process paces itself as without it."""
        super().__init__(
            overall_max_rate=OVERALL_BURST,
            overall_time_period=OVERALL_BURST / overall_per_second,
            max_retries=max_retries,
        )
        self._chats: OrderedDict[int, _ChatPace] = OrderedDict()
        self._monotonic = monotonic
        self._sleep = sleep
        self._shared = shared
        self._shared_retries = max_retries

    async def shutdown(self) -> None:
        if self._shared is not None:
            await self._shared.close()
        await super().shutdown()

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
        retries = rate_limit_args if isinstance(rate_limit_args, int) else None
        chat_id = _as_chat_id(data.get("chat_id"))
        paced = rate_limit_args == PER_CHAT or endpoint in NEW_MESSAGE_METHODS
        if self._shared is not None and chat_id is not None:
            private = paced and chat_id > 0
            attempt = 0
            # The shared schedule paces this send overall and per chat: this process's own limiter
            # is not applied on top (its queue would delay a reserved slot into the next one's).
            while await self._shared.wait_turn(chat_id if private else None):
                try:
                    return await callback(*args, **kwargs)
                except RetryAfter as exc:
                    attempt += 1
                    if attempt > (retries if retries is not None else self._shared_retries):
                        raise
                    await self._sleep(_seconds(exc.retry_after) + 0.1)
        if paced and chat_id is not None and chat_id > 0:
            pace = self._pace(chat_id)
            async with pace.lock:
                wait = pace.last_done + CHAT_INTERVAL_SECONDS - self._monotonic()
                if wait > 0:
                    await self._sleep(wait)
                try:
                    return await super().process_request(callback, args, kwargs, endpoint, data, retries)
                finally:
                    pace.last_done = self._monotonic()
        return await super().process_request(callback, args, kwargs, endpoint, data, retries)


def _seconds(value: float | timedelta) -> float:
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


def _as_chat_id(value: object) -> int | None:
    """A numeric chat id (PTB may pass it as a string); None for @channel names."""
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.lstrip("-").isdigit():
        return int(value)
    return None
