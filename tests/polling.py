"""Wait for something to become true, with a deadline, instead of sleeping a guessed time.

A test that sleeps before asserting is slow when the guess is generous and flaky when it is not;
polling returns as soon as the condition holds and fails clearly when it never does.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

POLL_INTERVAL = 0.02


def wait_until(predicate: Callable[[], object], timeout: float, *, interval: float = POLL_INTERVAL) -> bool:
    """Poll ``predicate`` (in this thread) until it is truthy or ``timeout`` seconds passed.

    For tests that watch another process or thread (the real `relance` process, the fake Telegram's
    HTTP server). Returns whether the condition was met; the caller asserts on it with its own message.
    """
    deadline = time.monotonic() + timeout
    while True:
        if predicate():
            return True
        if time.monotonic() >= deadline:
            return False
        time.sleep(interval)


async def async_wait_until(
    predicate: Callable[[], object],
    timeout: float,  # noqa: ASYNC109 - the same signature as wait_until: it returns False, never cancels
    *,
    interval: float = POLL_INTERVAL,
) -> bool:
    """Like `wait_until`, but lets the event loop run the code being waited for between polls."""
    deadline = time.monotonic() + timeout
    while True:
        if predicate():
            return True
        if time.monotonic() >= deadline:
            return False
        await asyncio.sleep(interval)
