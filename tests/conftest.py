from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.storage import Store, open_store
from tests.databases import ON_POSTGRES, database_for, drop_test_schemas
from tests.harness import Harness, TelegramUser, start_harness, stop_harness


@pytest.fixture
async def h(tmp_path: Path) -> AsyncIterator[Harness]:
    """The real application on a fresh database; fails the test if Telegram refused anything unexpected."""
    harness = await start_harness(tmp_path / "relance.sqlite3")
    try:
        yield harness
    finally:
        await stop_harness(harness)
    assert harness.unexpected_errors() == [], "Telegram refused what the bot sent"
    assert harness.fake.unanswered_callback_queries() == [], "a button press was never answered"


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[Store]:
    """The storage alone, migrated, on a fresh database (SQLite, or a schema of its own on PostgreSQL)."""
    opened = await open_store(await database_for(tmp_path / "relance.sqlite3"))
    try:
        yield opened
    finally:
        await opened.close()


async def onboard(
    h: Harness, user_id: int = 1001, language_code: str = "en", name: str = "Claire Martin"
) -> TelegramUser:
    """A freelancer who went through /start with typical answers."""
    user = h.user(user_id, first_name=name.split()[0], language_code=language_code)
    await user.send("/start")
    await user.send(name)
    await user.press("Passer" if language_code.startswith("fr") else "Skip")
    await user.press("EUR")
    await user.press("Paris")
    await user.press("Français" if language_code.startswith("fr") else "English")
    return user


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """On PostgreSQL, tests of what only SQLite has (its files, backup API, page limits) are skipped."""
    if not ON_POSTGRES:
        return
    skip = pytest.mark.skip(reason="SQLite-specific (RELANCE_TEST_DATABASE_URL runs the suite on PostgreSQL)")
    for item in items:
        if item.get_closest_marker("sqlite_only"):
            item.add_marker(skip)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    drop_test_schemas()
