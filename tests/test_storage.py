"""The database: migrations recorded inside it, idempotent, refusing a newer schema."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from bot.storage import StorageError, open_store
from bot.storage.db import SqliteDatabase
from bot.storage.migrate import SchemaTooNewError, declared_migrations, migrate


async def test_fresh_database_gets_every_migration_and_pragmas(tmp_path: Path) -> None:
    store = await open_store(tmp_path / "sub" / "relance.sqlite3")
    try:
        rows = await store.db.fetchall("SELECT version FROM schema_migrations ORDER BY version")
        assert [r["version"] for r in rows] == [m.version for m in declared_migrations()]
        mode = await store.db.fetchone("PRAGMA journal_mode")
        keys = await store.db.fetchone("PRAGMA foreign_keys")
        assert mode is not None and mode[0] == "wal"
        assert keys is not None and keys[0] == 1
        assert await migrate(store.db) == []  # running again is a no-op
    finally:
        await store.close()


async def test_newer_schema_is_refused_with_a_clear_message(tmp_path: Path) -> None:
    path = tmp_path / "relance.sqlite3"
    store = await open_store(path)
    await store.db.execute("INSERT INTO schema_migrations VALUES (9999, 'from_the_future', 0)")
    await store.close()
    with pytest.raises(SchemaTooNewError, match="schema version 9999.*upgrade Relance"):
        await open_store(path)


async def test_failed_migration_leaves_nothing_half_applied(tmp_path: Path) -> None:
    folder = tmp_path / "migrations"
    folder.mkdir()
    (folder / "0001_good.sql").write_text("CREATE TABLE a (x INTEGER);")
    (folder / "0002_bad.sql").write_text("CREATE TABLE b (x INTEGER);\nTHIS IS NOT SQL;")
    db = await SqliteDatabase.open(tmp_path / "db.sqlite3")
    try:
        with pytest.raises(StorageError, match="0002_bad failed"):
            await migrate(db, folder)
        tables = {r["name"] for r in await db.fetchall("SELECT name FROM sqlite_master WHERE type = 'table'")}
        assert "a" in tables and "b" not in tables
        versions = {r["version"] for r in await db.fetchall("SELECT version FROM schema_migrations")}
        assert versions == {1}
    finally:
        await db.close()


async def test_unopenable_path_gives_a_storage_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    with pytest.raises(StorageError, match="cannot open the database"):
        await open_store(blocker / "relance.sqlite3")


async def test_not_a_database_gives_a_storage_error(tmp_path: Path) -> None:
    path = tmp_path / "garbage.sqlite3"
    path.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises((StorageError, sqlite3.DatabaseError)):
        await open_store(path)
