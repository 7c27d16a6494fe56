"""The connection helper: the `Database` API every storage module uses, and its SQLite backend.

SQLite (the embedded default) is one aiosqlite connection, serialised, with explicit transactions:
handlers of different users run concurrently, so every statement goes through one lock and a
coroutine's statements can never land inside another coroutine's open transaction. The PostgreSQL
backend (`bot.storage.postgres`) offers the same API over a connection pool.
"""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3
from collections.abc import AsyncIterator, Iterable, Sequence
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from pathlib import Path
from typing import Any, Protocol

import aiosqlite

Params = Sequence[Any] | dict[str, Any]


class StorageError(Exception):
    """The database cannot be used; the message is meant for the operator."""


class Result(Protocol):
    """What `execute` returns: a sqlite3 cursor, or the PostgreSQL backend's equivalent."""

    @property
    def rowcount(self) -> int: ...

    @property
    def lastrowid(self) -> int | None: ...


class Tx(Protocol):
    """Statements inside one transaction."""

    async def execute(self, sql: str, params: Params = ()) -> Result: ...
    async def executemany(self, sql: str, rows: Iterable[Params]) -> None: ...
    async def fetchone(self, sql: str, params: Params = ()) -> Any: ...
    async def fetchall(self, sql: str, params: Params = ()) -> list[Any]: ...


class Database(Protocol):
    """One database, whichever the engine: portable SQL with `?` placeholders goes in, rows that
    read like mappings (`row["column"]`) come out."""

    dialect: str
    path: Any

    def transaction(self) -> AbstractAsyncContextManager[Tx]: ...
    async def execute(self, sql: str, params: Params = ()) -> Result: ...
    async def executemany(self, sql: str, rows: Iterable[Params]) -> None: ...
    async def fetchone(self, sql: str, params: Params = ()) -> Any: ...
    async def fetchall(self, sql: str, params: Params = ()) -> list[Any]: ...
    async def apply_migration(self, version: int, name: str, sql: str, applied_at: int) -> None: ...
    async def backup_to(self, target: Path) -> None: ...
    async def close(self) -> None: ...


AnyDatabase = Database


class SqliteTx:
    """Statements inside one transaction (the lock is held by the caller)."""

    def __init__(self, conn: aiosqlite.Connection) -> None:
        self._conn = conn

    async def execute(self, sql: str, params: Params = ()) -> sqlite3.Cursor:
        cursor = await self._conn.execute(sql, params)
        return cursor  # type: ignore[return-value]

    async def executemany(self, sql: str, rows: Iterable[Params]) -> None:
        await self._conn.executemany(sql, rows)

    # Reads make one trip to aiosqlite's thread (execute_fetchall) instead of three (execute, fetch,
    # close a cursor): each trip costs ~40 µs of thread hand-over, more than a point query itself.
    async def fetchone(self, sql: str, params: Params = ()) -> sqlite3.Row | None:
        """The first row; meant for queries that return one row or a few (by id, LIMIT 1, aggregates)."""
        rows = await self._conn.execute_fetchall(sql, params)
        return next(iter(rows), None)

    async def fetchall(self, sql: str, params: Params = ()) -> list[sqlite3.Row]:
        return list(await self._conn.execute_fetchall(sql, params))


class SqliteDatabase:
    dialect = "sqlite"

    def __init__(self, conn: aiosqlite.Connection, path: Path) -> None:
        self._conn = conn
        self._lock = asyncio.Lock()
        self.path = path

    @classmethod
    async def open(cls, path: Path) -> SqliteDatabase:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            conn = await aiosqlite.connect(path, isolation_level=None)
        except (OSError, sqlite3.Error) as exc:
            raise StorageError(f"cannot open the database {path}: {exc}") from None
        conn.row_factory = sqlite3.Row
        try:
            await conn.execute("PRAGMA journal_mode=WAL")
            await conn.execute("PRAGMA foreign_keys=ON")
            await conn.execute("PRAGMA busy_timeout=5000")
            await conn.execute("PRAGMA synchronous=NORMAL")
        except sqlite3.Error as exc:
            await conn.close()
            raise StorageError(f"cannot use the database {path}: {exc}") from None
        return cls(conn, path)

    @property
    def in_transaction(self) -> bool:
        return bool(self._conn.in_transaction)

    async def close(self) -> None:
        async with self._lock:
            await self._conn.close()

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[SqliteTx]:
        """`BEGIN IMMEDIATE` … `COMMIT`, rolled back on any error."""
        async with self._lock:
            await self._conn.execute("BEGIN IMMEDIATE")
            try:
                yield SqliteTx(self._conn)
            except BaseException:
                await self._conn.execute("ROLLBACK")
                raise
            await self._conn.execute("COMMIT")

    async def execute(self, sql: str, params: Params = ()) -> sqlite3.Cursor:
        """One statement in its own (implicit) transaction."""
        async with self._lock:
            cursor = await self._conn.execute(sql, params)
            return cursor  # type: ignore[return-value]

    async def fetchone(self, sql: str, params: Params = ()) -> sqlite3.Row | None:
        async with self._lock:
            return await SqliteTx(self._conn).fetchone(sql, params)

    async def fetchall(self, sql: str, params: Params = ()) -> list[sqlite3.Row]:
        async with self._lock:
            return await SqliteTx(self._conn).fetchall(sql, params)

    async def executemany(self, sql: str, rows: Iterable[Params]) -> None:
        async with self.transaction() as tx:
            await tx.executemany(sql, rows)

    async def executescript(self, script: str) -> None:
        async with self._lock:
            await self._conn.executescript(script)

    async def apply_migration(self, version: int, name: str, sql: str, applied_at: int) -> None:
        """The migration's script and its record in one transaction (executescript takes no
        parameters: version and name come from a strict file-name regex)."""
        record = (
            "INSERT INTO schema_migrations (version, name, applied_at) "
            f"VALUES ({int(version)}, '{name}', {int(applied_at)});"
        )
        try:
            await self.executescript(f"BEGIN IMMEDIATE;\n{sql}\n;{record}\nCOMMIT;")
        except sqlite3.Error:
            with contextlib.suppress(sqlite3.OperationalError):  # (executescript would COMMIT first)
                await self.execute("ROLLBACK")
            raise

    async def backup_to(self, target: Path) -> None:
        """A consistent online copy through SQLite's backup API."""
        async with self._lock:
            dest = await aiosqlite.connect(target)
            try:
                await self._conn.backup(dest)
            finally:
                await dest.close()
