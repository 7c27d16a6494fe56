"""What handlers get: a typed CallbackContext whose properties carry the injected services."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from telegram.ext import Application, CallbackContext, ExtBot

from bot.clock import Clock
from bot.config import Config
from bot.storage import Invoice, Store

if TYPE_CHECKING:
    from bot.channels.email import SmtpSettings
    from bot.engine.dispatcher import Dispatcher

SERVICES_KEY = "relance.services"
ENGINE_KEY = "relance.engine"


@dataclass(frozen=True)
class Services:
    """What the entry point builds before the application: settings, storage, time.

    Frozen: nothing is attached after the build. Parts that need the built application (the
    dispatcher, which sends with its bot) live in `Engine`; they subscribe to invoice changes
    through `on_invoice_changed`.
    """

    config: Config
    store: Store
    clock: Clock
    tasks: set[asyncio.Task[Any]] = field(default_factory=set)
    invoice_listeners: list[Callable[[Invoice], Awaitable[None]]] = field(default_factory=list)

    @property
    def smtp(self) -> SmtpSettings | None:
        """The operator's SMTP settings; None when e-mail is off."""
        return self.config.smtp

    def on_invoice_changed(self, listener: Callable[[Invoice], Awaitable[None]]) -> None:
        self.invoice_listeners.append(listener)

    def spawn(self, coroutine: Coroutine[Any, Any, Any]) -> asyncio.Task[Any]:
        """Run work in the background, keeping a reference so shutdown (and tests) can wait for it."""
        task = asyncio.get_running_loop().create_task(coroutine)
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)
        return task

    async def invoice_changed(self, invoice: Invoice) -> None:
        """An invoice was created or changed: let the interested parts (the reminder planner) react."""
        for listener in self.invoice_listeners:
            await listener(invoice)

    async def drain(self) -> None:
        """Wait until background work, including work it spawns, is finished."""
        while self.tasks:
            await asyncio.gather(*list(self.tasks), return_exceptions=True)


@dataclass(frozen=True)
class Engine:
    """The reminder engine, built with the application (it sends through the application's bot).

    `background_jobs` False leaves the JobQueue idle: the test harness drives the dispatcher itself.
    """

    dispatcher: Dispatcher
    background_jobs: bool = True


def engine_of(app: Any) -> Engine:
    engine: Engine = app.bot_data[ENGINE_KEY]
    return engine


class RelanceContext(CallbackContext[ExtBot[None], dict[str, Any], dict[str, Any], dict[str, Any]]):
    @property
    def services(self) -> Services:
        services: Services = self.application.bot_data[SERVICES_KEY]
        return services

    @property
    def drafts(self) -> dict[str, Any]:
        """The user's persisted conversation drafts (PTB's user_data, kept in SQLite)."""
        data = self.user_data
        assert data is not None, "drafts only exist for updates that come from a user"
        return data

    @property
    def store(self) -> Store:
        return self.services.store

    @property
    def dispatcher(self) -> Dispatcher:
        return engine_of(self.application).dispatcher

    @property
    def clock(self) -> Clock:
        return self.services.clock

    @property
    def config(self) -> Config:
        return self.services.config


RelanceApp = Application[ExtBot[None], RelanceContext, dict[str, Any], dict[str, Any], dict[str, Any], Any]
