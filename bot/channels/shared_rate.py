"""Telegram's limits shared by several bot processes, through Redis (RELANCE_REDIS_URL).

Telegram counts messages per bot, not per process: three workers each pacing themselves to 28.6
messages/s would send 86. With Redis, every new message first *reserves* its slot in two shared
schedules, atomically in one Lua script (GCRA, the generic cell rate algorithm): the bot's overall
schedule (26/s evenly spaced: more margin than one process's 28.6/s, since a slot reserved
in Redis reaches Telegram after one more round trip and each process's own pacing) and the chat's (one message per 1.05 s). The
script answers how long to wait; the caller sleeps that long and sends. Reservations use Redis's own
clock, so the workers' clocks need not agree. If Redis is unreachable, the process falls back to its
own pacing and says so once in the log: a reminder is never lost because the limiter is down.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from bot.channels.ratelimit import CHAT_INTERVAL_SECONDS

log = logging.getLogger(__name__)

# KEYS[1]: the bot's overall schedule; KEYS[2]: the chat's ("" for none).
# ARGV: overall interval µs, overall tolerance µs, chat interval µs, key time-to-live ms.
# A schedule's value is its theoretical arrival time (TAT) in µs of Redis time.
_RESERVE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local g_interval, g_tolerance = tonumber(ARGV[1]), tonumber(ARGV[2])
local c_interval, ttl = tonumber(ARGV[3]), tonumber(ARGV[4])
local slot = now
local c_tat = 0
if KEYS[2] ~= '' then
  c_tat = tonumber(redis.call('GET', KEYS[2]) or '0')
  if c_tat > slot then slot = c_tat end
end
local g_tat = tonumber(redis.call('GET', KEYS[1]) or '0')
if g_tat - g_tolerance > slot then slot = g_tat - g_tolerance end
if g_tat < slot then g_tat = slot end
redis.call('SET', KEYS[1], tostring(g_tat + g_interval), 'PX', ttl)
if KEYS[2] ~= '' then
  redis.call('SET', KEYS[2], tostring(slot + c_interval), 'PX', ttl)
end
return slot - now
"""

_KEY_TTL_MS = 60_000


SHARED_PER_SECOND = 26
SHARED_BURST = 1
SHARED_CHAT_INTERVAL_SECONDS = CHAT_INTERVAL_SECONDS + 0.2
"""Several workers: a slot reserved in Redis reaches Telegram after one more round trip and the
process's own (faster) pacing, so the shared schedule keeps more room under Telegram's limits (30/s
overall, a chat's slot counted from its reservation rather than from the previous answer)."""

class SharedSchedule:
    """Slots in the bot's overall and per-chat schedules, reserved in Redis."""

    def __init__(
        self,
        client: Any,
        bot_key: str,
        *,
        overall_per_second: float = SHARED_PER_SECOND,
        burst: int = SHARED_BURST,
        chat_interval: float = SHARED_CHAT_INTERVAL_SECONDS,
    ) -> None:
        self._client = client
        self._prefix = f"relance:rate:{bot_key}"
        interval = round(1_000_000 / overall_per_second)
        self._args = (interval, interval * (burst - 1), round(chat_interval * 1_000_000), _KEY_TTL_MS)
        self._script = client.register_script(_RESERVE)
        self._down_logged = False

    @classmethod
    def from_url(cls, url: str, bot_key: str, **limits: Any) -> SharedSchedule:
        from redis import asyncio as redis_asyncio

        return cls(redis_asyncio.from_url(url, socket_timeout=2, socket_connect_timeout=2), bot_key, **limits)

    async def reserve(self, chat_id: int | None) -> float | None:
        """Seconds to wait before sending; None when Redis cannot be reached (pace locally)."""
        keys = [f"{self._prefix}:all", f"{self._prefix}:chat:{chat_id}" if chat_id is not None else ""]
        try:
            wait_us = await self._script(keys=keys, args=list(self._args))
        except Exception as exc:  # redis.ConnectionError, TimeoutError, a failover: fall back
            if not self._down_logged:
                log.warning("shared rate limit unavailable (%s): pacing this process alone", exc)
                self._down_logged = True
            return None
        if self._down_logged:
            log.info("shared rate limit reachable again")
            self._down_logged = False
        return max(0.0, int(wait_us) / 1_000_000)

    async def wait_turn(self, chat_id: int | None) -> bool:
        """Sleep until this message's slot; False when the shared schedule is unavailable."""
        wait = await self.reserve(chat_id)
        if wait is None:
            return False
        if wait > 0:
            await asyncio.sleep(wait)
        return True

    async def close(self) -> None:
        await self._client.aclose()
