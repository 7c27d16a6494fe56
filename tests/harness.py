"""Drive the real Relance application against the fake Telegram, as users would.

`Harness` builds the very same Application as production (`build_application`) with a
`FakeRequest`, a real SQLite file and a frozen clock. `TelegramUser` sends text, presses
buttons by their label and reads what the bot answered.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from telegram import Update

from bot.app import after_start, build_application
from bot.channels.email import SmtpSettings
from bot.clock import FrozenClock
from bot.config import Config
from bot.context import RelanceApp, Services, engine_of
from bot.engine.dispatcher import Dispatcher
from bot.storage import Store, open_store
from tests.databases import database_for
from tests.fake_telegram import FakeMessage, FakeRequest, FakeTelegram

TOKEN = "123456:TEST-TOKEN-abcdefghijklmnopqrstuvwxyz"
START = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)  # a Monday morning


def make_config(db_path: Path, **overrides: Any) -> Config:
    values: dict[str, Any] = dict(
        token=TOKEN,
        base_url="http://fake-telegram.invalid/bot",
        base_file_url="http://fake-telegram.invalid/file/bot",
        db_path=db_path,
        default_locale="en",
        log_level="DEBUG",
        smtp=None,
        secrets=(TOKEN,),
    )
    values.update(overrides)
    return Config(**values)


@dataclass
class Reply:
    """What the bot sent or edited in one chat in answer to one action."""

    messages: list[FakeMessage]

    @property
    def text(self) -> str:
        return "\n\n".join(m.text for m in self.messages)

    @property
    def buttons(self) -> list[str]:
        return [label for m in self.messages for row in m.buttons for label in row]

    def __contains__(self, fragment: str) -> bool:
        return fragment in self.text


@dataclass
class Harness:
    fake: FakeTelegram
    app: RelanceApp
    services: Services
    clock: FrozenClock
    store: Store
    allowed_errors: list[str] = field(default_factory=list)

    @property
    def dispatcher(self) -> Dispatcher:
        return engine_of(self.app).dispatcher

    async def dispatch(self) -> int:
        """What the JobQueue would do when reminders are due at the (frozen) current time."""
        handled = await self.dispatcher.run_once()
        await self.services.drain()
        return handled

    async def process(self, update_json: dict[str, Any]) -> None:
        await self.app.process_update(Update.de_json(update_json, self.app.bot))
        await self.services.drain()

    def user(
        self, user_id: int = 1001, *, first_name: str = "Claire", language_code: str = "en"
    ) -> TelegramUser:
        self.fake.add_user(user_id, first_name=first_name, language_code=language_code)
        return TelegramUser(self, user_id)

    def allow_error(self, fragment: str) -> None:
        """Declare a Telegram error this test provokes on purpose."""
        self.allowed_errors.append(fragment)

    def unexpected_errors(self) -> list[str]:
        errors = [
            f"{method}: {response.get('description')}" for method, _p, _s, response in self.fake.errors()
        ]
        return [e for e in errors if not any(fragment in e for fragment in self.allowed_errors)]


class TelegramUser:
    def __init__(self, harness: Harness, user_id: int) -> None:
        self.h = harness
        self.id = user_id

    def _snapshot(self) -> dict[int, tuple[int, str]]:
        return {m.message_id: (m.edited, m.text) for m in self.h.fake.bot_messages(self.id)}

    def _changes(self, before: dict[int, tuple[int, str]]) -> Reply:
        return Reply(
            [m for m in self.h.fake.bot_messages(self.id) if before.get(m.message_id) != (m.edited, m.text)]
        )

    async def send(self, text: str) -> Reply:
        before = self._snapshot()
        await self.h.process(self.h.fake.message_update(self.id, text))
        return self._changes(before)

    async def send_document(
        self, file_name: str, content: bytes, mime_type: str, caption: str | None = None
    ) -> Reply:
        before = self._snapshot()
        document = {"file_name": file_name, "mime_type": mime_type, "content": content}
        await self.h.process(self.h.fake.message_update(self.id, None, document=document, caption=caption))
        return self._changes(before)

    async def press(self, label: str, *, message_id: int | None = None) -> Reply:
        before = self._snapshot()
        await self.h.process(self.h.fake.press(self.id, label, message_id=message_id))
        return self._changes(before)

    async def press_data(self, message_id: int, data: str) -> Reply:
        """Press a button whose data is forged or replayed (not necessarily on screen)."""
        before = self._snapshot()
        await self.h.process(self.h.fake.callback_update(self.id, message_id, data))
        return self._changes(before)

    @property
    def last(self) -> FakeMessage:
        message = self.h.fake.last_bot_message(self.id)
        assert message is not None, "the bot never wrote to this user"
        return message


async def start_harness(
    db_path: Path,
    *,
    fake: FakeTelegram | None = None,
    smtp: SmtpSettings | None = None,
    read_timeout: float = 5.0,
    rate_limiter: Any = None,
    **config: Any,
) -> Harness:
    """``smtp``: e-mail settings (e.g. a test SMTP server's), the operator's SMTP_* settings in the config.
    ``read_timeout``: how long a Bot API call may take before PTB raises TimedOut."""
    fake = fake or FakeTelegram(token=TOKEN)
    store = await open_store(await database_for(db_path))
    clock = FrozenClock(START)
    services = Services(config=make_config(db_path, **{"smtp": smtp, **config}), store=store, clock=clock)
    app = build_application(
        services,
        request=FakeRequest(fake, read_timeout=read_timeout),
        rate_limiter=rate_limiter,
        background_jobs=False,
    )
    await app.initialize()
    await app.start()
    await after_start(app)
    return Harness(fake=fake, app=app, services=services, clock=clock, store=store)


async def stop_harness(h: Harness) -> None:
    await h.services.drain()
    await h.app.stop()
    await h.app.shutdown()
    await h.store.close()
