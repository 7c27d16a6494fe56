"""The real Relance application, in-process against the fake Telegram, on a given database file."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from telegram import Update
from telegram.ext import BaseRateLimiter, BaseUpdateProcessor

from bench.common import TimedFakeRequest
from bot.app import build_application
from bot.clock import FrozenClock
from bot.context import RelanceApp, Services
from bot.storage import Store, open_store
from tests.fake_telegram import FakeTelegram
from tests.harness import TOKEN, make_config


@dataclass
class RunningApp:
    app: RelanceApp
    services: Services
    store: Store
    fake: FakeTelegram
    request: TimedFakeRequest
    clock: FrozenClock

    async def stop(self) -> None:
        await self.services.drain()
        if self.app.running:
            await self.app.stop()
        await self.app.shutdown()
        await self.store.close()

    async def process(self, update_json: dict[str, Any]) -> None:
        """As the test harness does: process one update to the end, background work included."""
        await self.app.process_update(Update.de_json(update_json, self.app.bot))
        await self.services.drain()


def use_update_processor(app: RelanceApp, processor: BaseUpdateProcessor) -> None:
    """Swap the update processor build_application chose (PTB offers no public setter after build)."""
    app._update_processor = processor


async def start_relance(
    db_path: Path,
    *,
    now: datetime,
    fake: FakeTelegram | None = None,
    rate_limiter: BaseRateLimiter[Any] | None = None,
    processor: BaseUpdateProcessor | None = None,
    start: bool = True,
) -> RunningApp:
    """build_application() exactly as production wires it, with the fake's request and a frozen clock."""
    fake = fake or FakeTelegram(token=TOKEN)
    store = await open_store(db_path)
    clock = FrozenClock(now)
    services = Services(config=make_config(db_path), store=store, clock=clock)
    request = TimedFakeRequest(fake)
    app = build_application(services, request=request, rate_limiter=rate_limiter, background_jobs=False)
    if processor is not None:
        use_update_processor(app, processor)
    await app.initialize()
    if start:
        await app.start()
    return RunningApp(app, services, store, fake, request, clock)


class Statements:
    """Every SQL statement the store runs while the block is active (SQLite's trace callback)."""

    def __init__(self, store: Store) -> None:
        self._conn = store.db._conn  # the aiosqlite connection: bench-only introspection
        self.sql: list[str] = []

    async def __aenter__(self) -> Statements:
        await self._conn.set_trace_callback(self.sql.append)
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self._conn.set_trace_callback(None)  # type: ignore[arg-type]
