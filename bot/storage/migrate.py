"""The migration runner: numbered `.sql` files, each applied in its own transaction.

Applied versions are recorded inside the database; pending = declared − applied.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from pathlib import Path

from bot.storage.db import AnyDatabase, StorageError

MIGRATIONS_DIR = Path(__file__).resolve().parents[2] / "migrations"
_NAME_RE = re.compile(r"^(\d{4})_([a-z0-9_]+)\.sql$")


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    sql: str


class SchemaTooNewError(StorageError):
    pass


def declared_migrations(folder: Path = MIGRATIONS_DIR) -> list[Migration]:
    found = []
    for path in sorted(folder.glob("*.sql")):
        match = _NAME_RE.match(path.name)
        if not match:
            raise StorageError(f"migration file {path.name} must be named NNNN_name.sql")
        found.append(Migration(int(match[1]), match[2], path.read_text(encoding="utf-8")))
    versions = [m.version for m in found]
    if len(set(versions)) != len(versions):
        raise StorageError("two migration files share a version number")
    return found


async def applied_versions(db: AnyDatabase) -> set[int]:
    await db.execute(
        "CREATE TABLE IF NOT EXISTS schema_migrations ("
        " version INTEGER NOT NULL PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)"
    )
    rows = await db.fetchall("SELECT version FROM schema_migrations")
    return {row["version"] for row in rows}


async def migrate(db: AnyDatabase, folder: Path = MIGRATIONS_DIR) -> list[int]:
    """Apply pending migrations in order; return the versions applied (empty when up to date)."""
    declared = declared_migrations(folder)
    applied = await applied_versions(db)
    newest_known = max((m.version for m in declared), default=0)
    if applied and max(applied) > newest_known:
        raise SchemaTooNewError(
            f"the database {db.path} has schema version {max(applied)} but this Relance knows "
            f"only up to {newest_known}: upgrade Relance, or restore a backup"
        )
    done = []
    for migration in declared:
        if migration.version in applied:
            continue
        try:
            await db.apply_migration(migration.version, migration.name, migration.sql, int(time.time()))
        except StorageError:
            raise
        except Exception as exc:  # sqlite3.Error or asyncpg.PostgresError: the migration was rolled back
            raise StorageError(f"migration {migration.version:04d}_{migration.name} failed: {exc}") from None
        done.append(migration.version)
    return done
