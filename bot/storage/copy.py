"""`relance migrate-to-postgres`: copy a SQLite installation into an empty PostgreSQL database.

Both sides are brought to the same schema by the migrations first; then every table is copied in
foreign-key order (parents first), in one PostgreSQL transaction, identity sequences are moved past
the copied ids, and the copy is verified table by table: same row count and same SHA-256 over the
rows in primary-key order. The SQLite file is only brought up to date by the migrations, as the bot
itself would do at start.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.storage.db import SqliteDatabase, StorageError
from bot.storage.migrate import migrate
from bot.storage.postgres import PostgresDatabase, redacted

BATCH_ROWS = 1000
SKIPPED_TABLES = frozenset({"schema_migrations"})


@dataclass(frozen=True)
class TableCopy:
    table: str
    rows: int
    checksum: str


@dataclass(frozen=True)
class CopyReport:
    tables: tuple[TableCopy, ...]

    @property
    def rows(self) -> int:
        return sum(t.rows for t in self.tables)


@dataclass(frozen=True)
class _Table:
    name: str
    columns: tuple[str, ...]
    key: tuple[str, ...]
    parents: frozenset[str]


async def _sqlite_tables(db: SqliteDatabase) -> list[_Table]:
    names = [
        str(r["name"])
        for r in await db.fetchall(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY rowid"
        )
        if str(r["name"]) not in SKIPPED_TABLES
    ]
    tables = []
    for name in names:
        info = await db.fetchall(f'PRAGMA table_info("{name}")')
        columns = tuple(str(r["name"]) for r in info)
        key = tuple(str(r["name"]) for r in sorted((r for r in info if r["pk"]), key=lambda r: r["pk"]))
        parents = {str(r["table"]) for r in await db.fetchall(f'PRAGMA foreign_key_list("{name}")')}
        tables.append(_Table(name, columns, key or columns, frozenset(parents - {name})))
    return _parents_first(tables)


def _parents_first(tables: list[_Table]) -> list[_Table]:
    """Tables ordered so that every referenced table comes before the tables referencing it."""
    by_name = {t.name: t for t in tables}
    ordered: list[_Table] = []
    done: set[str] = set()

    def visit(table: _Table, path: tuple[str, ...]) -> None:
        if table.name in done:
            return
        if table.name in path:
            raise StorageError(f"foreign keys form a cycle through {table.name}: cannot order the copy")
        for parent in sorted(table.parents):
            if parent in by_name:
                visit(by_name[parent], (*path, table.name))
        done.add(table.name)
        ordered.append(table)

    for table in tables:
        visit(table, ())
    return ordered


def _normal(value: Any) -> str:
    """One cell as text that reads the same from both engines (bool/int, float, bytes, memoryview)."""
    if value is None:
        return "\x00"
    if isinstance(value, bool):
        return str(int(value))
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, memoryview | bytearray | bytes):
        return bytes(value).hex()
    return str(value)


def _by_key(rows: Sequence[Any], key: Sequence[str]) -> list[Any]:
    return sorted(rows, key=lambda row: [_normal(row[k]) for k in key])


def _digest(rows: Sequence[Any], columns: Sequence[str]) -> str:
    sha = hashlib.sha256()
    for row in rows:
        sha.update("\x1f".join(_normal(row[c]) for c in columns).encode())
        sha.update(b"\x1e")
    return sha.hexdigest()


async def _target_columns(target: PostgresDatabase, table: str) -> set[str]:
    rows = await target.fetchall(
        "SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema() "
        "AND table_name = ?",
        (table,),
    )
    return {str(r["column_name"]) for r in rows}


async def _check_target(source: SqliteDatabase, target: PostgresDatabase, tables: list[_Table]) -> None:
    versions = []
    for db in (source, target):
        row = await db.fetchone("SELECT MAX(version) AS v FROM schema_migrations")
        versions.append(row["v"] if row else None)
    if versions[0] != versions[1]:
        raise StorageError(f"schema versions differ (SQLite {versions[0]}, PostgreSQL {versions[1]})")
    for table in tables:
        missing = set(table.columns) - await _target_columns(target, table.name)
        if missing:
            raise StorageError(f"PostgreSQL table {table.name} lacks columns {', '.join(sorted(missing))}")
        row = await target.fetchone(f'SELECT COUNT(*) AS n FROM "{table.name}"')
        if row and row["n"]:
            raise StorageError(
                f"the PostgreSQL database is not empty ({table.name} has {row['n']} rows): "
                "copy into a new database or schema"
            )


async def copy_sqlite_to_postgres(source: SqliteDatabase, target: PostgresDatabase) -> CopyReport:
    """Copy every table, then verify counts and checksums; raises StorageError on any difference."""
    await migrate(source)
    await migrate(target)
    tables = await _sqlite_tables(source)
    await _check_target(source, target, tables)
    async with target.transaction() as tx:
        for table in tables:
            cols = ", ".join(f'"{c}"' for c in table.columns)
            marks = ", ".join("?" for _ in table.columns)
            insert = f'INSERT INTO "{table.name}" ({cols}) VALUES ({marks})'
            order = ", ".join(f'"{c}"' for c in table.key)
            offset = 0
            while True:
                rows = await source.fetchall(
                    f'SELECT {cols} FROM "{table.name}" ORDER BY {order} LIMIT ? OFFSET ?',
                    (BATCH_ROWS, offset),
                )
                if not rows:
                    break
                await tx.executemany(insert, [tuple(row) for row in rows])
                offset += len(rows)
            if "id" in table.columns:
                await tx.fetchone(
                    f"SELECT setval(pg_get_serial_sequence('\"{table.name}\"', 'id'), "
                    f'COALESCE((SELECT MAX(id) FROM "{table.name}"), 0) + 1, false)'
                )
    copied = []
    for table in tables:
        cols = ", ".join(f'"{c}"' for c in table.columns)
        query = f'SELECT {cols} FROM "{table.name}"'
        # Sorted here: the two engines' collations may order text keys differently.
        before = _by_key(await source.fetchall(query), table.key)
        after = _by_key(await target.fetchall(query), table.key)
        mine, theirs = _digest(before, table.columns), _digest(after, table.columns)
        if len(before) != len(after) or mine != theirs:
            raise StorageError(
                f"verification failed for {table.name}: {len(before)} rows in SQLite, {len(after)} in PostgreSQL"
            )
        copied.append(TableCopy(table.name, len(before), mine))
    return CopyReport(tuple(copied))


async def migrate_to_postgres(sqlite_path: Path, url: str) -> CopyReport:
    """Open both, copy, verify; the caller checked that `sqlite_path` is a file."""
    source = await SqliteDatabase.open(sqlite_path)
    try:
        target = await PostgresDatabase.open(url)
        try:
            return await copy_sqlite_to_postgres(source, target)
        finally:
            await target.close()
    except StorageError:
        raise
    except Exception as exc:  # a driver error: one line for the operator, the URL without password
        raise StorageError(f"copy to {redacted(url)} failed: {type(exc).__name__}: {exc}") from None
    finally:
        await source.close()
