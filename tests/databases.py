"""Which database the tests run on: SQLite files always; PostgreSQL too when RELANCE_TEST_DATABASE_URL is set.

With a PostgreSQL URL, every SQLite path a test asks for is mapped to a schema of its own in that
database (the same path gives the same schema, so restart tests reopen their data), and the schemas
are dropped at the end of the session.
"""

from __future__ import annotations

import asyncio
import os
import uuid
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

TEST_DATABASE_URL = os.environ.get("RELANCE_TEST_DATABASE_URL", "").strip() or None
ON_POSTGRES = TEST_DATABASE_URL is not None

_schemas: dict[str, str] = {}


def with_schema(url: str, schema: str) -> str:
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query) if k != "search_path"] + [("search_path", schema)]
    return urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(query), parts.fragment))


async def _create_schema(schema: str) -> None:
    import asyncpg

    assert TEST_DATABASE_URL is not None
    conn = await asyncpg.connect(TEST_DATABASE_URL)
    try:
        await conn.execute(f'CREATE SCHEMA IF NOT EXISTS "{schema}"')
    finally:
        await conn.close()


async def database_for(path: Path | str) -> Path | str:
    """The database a test uses for `path`: the path itself on SQLite, a schema's URL on PostgreSQL."""
    if not ON_POSTGRES or not isinstance(path, Path):
        return path
    key = str(path)
    if key not in _schemas:
        _schemas[key] = "t_" + uuid.uuid4().hex[:16]
        await _create_schema(_schemas[key])
    assert TEST_DATABASE_URL is not None
    return with_schema(TEST_DATABASE_URL, _schemas[key])


def drop_test_schemas() -> None:
    if not ON_POSTGRES or not _schemas:
        return

    async def drop() -> None:
        import asyncpg

        conn = await asyncpg.connect(TEST_DATABASE_URL)
        try:
            for schema in _schemas.values():
                await conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
        finally:
            await conn.close()

    asyncio.run(drop())
    _schemas.clear()
