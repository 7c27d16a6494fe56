"""Databases created by every earlier schema version upgrade in place and keep working."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot.storage.migrate import declared_migrations
from tests.fixtures.make_schema_fixtures import fixture_path
from tests.harness import TelegramUser, start_harness, stop_harness

VERSIONS = [m.version for m in declared_migrations()]


def test_every_released_schema_version_has_a_fixture() -> None:
    missing = [v for v in VERSIONS if not fixture_path(v).exists()]
    assert missing == [], "run: .venv/bin/python -m tests.fixtures.make_schema_fixtures"


@pytest.mark.sqlite_only
@pytest.mark.parametrize("version", VERSIONS)
async def test_old_database_upgrades_and_the_bot_still_works(version: int, tmp_path: Path) -> None:
    db = tmp_path / "relance.sqlite3"
    shutil.copy(fixture_path(version), db)
    h = await start_harness(db)
    try:
        applied = await h.store.db.fetchall("SELECT version FROM schema_migrations ORDER BY version")
        assert [row["version"] for row in applied] == VERSIONS
        freelancer = await h.store.freelancers.by_telegram_id(1001)
        assert freelancer is not None and freelancer.display_name == "Claire Martin"
        user = TelegramUser(h, 1001)
        h.fake.add_user(1001, first_name="Claire", language_code="fr")
        reply = await user.send("/invoices")
        if version >= 2:
            assert (
                "F-2026-001" in reply.text and "1\u202f000,00\u00a0€" in reply.text
            )  # balance after payment
        else:
            assert "Aucune facture" in reply.text
        check = await h.store.db.fetchone("PRAGMA integrity_check")
        assert check is not None and check[0] == "ok"
    finally:
        await stop_harness(h)
    assert h.unexpected_errors() == []
