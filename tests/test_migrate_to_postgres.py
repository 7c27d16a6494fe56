"""`relance migrate-to-postgres`: a real SQLite installation copied into a fresh PostgreSQL schema.

Runs when a PostgreSQL server answers (RELANCE_TEST_DATABASE_URL, or the machines' 127.0.0.1:5432);
skipped with the reason otherwise, so `make test` passes on a machine without one.
"""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.storage import open_store
from tests.conftest import onboard
from tests.databases import with_schema
from tests.harness import START, start_harness, stop_harness
from tests.reminders.helpers import invoice_with_reminders

URL = os.environ.get("RELANCE_TEST_DATABASE_URL", "").strip() or "postgresql://postgres@127.0.0.1:5432/test"

pytestmark = pytest.mark.sqlite_only  # the source is a SQLite file by definition


def _server_answers() -> bool:
    try:
        socket.create_connection(("127.0.0.1", 5432), timeout=1).close()
    except OSError:
        return False
    return True


@pytest.fixture
def schema_url() -> Iterator[str]:
    if not _server_answers():
        pytest.skip("no PostgreSQL server on 127.0.0.1:5432")
    asyncpg = pytest.importorskip("asyncpg")
    schema = "copy_" + uuid.uuid4().hex[:12]

    async def run(sql: str) -> None:
        conn = await asyncpg.connect(URL)
        try:
            await conn.execute(sql)
        finally:
            await conn.close()

    asyncio.run(run(f'CREATE SCHEMA "{schema}"'))
    try:
        yield with_schema(URL, schema)
    finally:
        asyncio.run(run(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))


def relance(*args: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "RELANCE_"))}
    return subprocess.run(
        [sys.executable, "-m", "bot", *args], env=clean, capture_output=True, text=True, timeout=120
    )


async def _installation(path: Path) -> dict[str, int]:
    """A freelancer with clients, invoices, reminders and a payment, as the bot leaves them."""
    h = await start_harness(path)
    try:
        user = await onboard(h)
        first = await invoice_with_reminders(h, user=user, number="F-1", client_chat=5001)
        await invoice_with_reminders(h, user=user, number="F-2", client_chat=None, client_name="Zoé Études")
        invoice = first.invoice
        await h.store.invoices.add_payment(
            invoice.freelancer_id,
            invoice.id,
            amount_minor=20_000,
            paid_on=h.clock.now().date(),
            now=h.clock.now(),
        )
    finally:
        await stop_harness(h)
    counts = {}
    store = await open_store(path)
    try:
        for table in ("freelancers", "clients", "invoices", "reminders", "payments"):
            row = await store.db.fetchone(f"SELECT COUNT(*) AS n FROM {table}")
            counts[table] = row["n"]
    finally:
        await store.close()
    return counts


def test_copies_and_verifies_then_the_bot_runs_on_the_copy(tmp_path: Path, schema_url: str) -> None:
    path = tmp_path / "relance.sqlite3"
    counts = asyncio.run(_installation(path))
    assert counts["reminders"] > 0 and counts["payments"] == 1

    done = relance("migrate-to-postgres", str(path), schema_url)
    assert done.returncode == 0, done.stderr
    assert "copied and verified" in done.stdout
    for table, n in counts.items():
        assert any(line.split()[:2] == [table, str(n)] for line in done.stdout.splitlines()), table

    async def check() -> None:
        store = await open_store(schema_url)
        try:
            for table, n in counts.items():
                row = await store.db.fetchone(f"SELECT COUNT(*) AS n FROM {table}")
                assert row["n"] == n, table
            # New rows continue after the copied ids (identity sequences moved on).
            freelancer = (await store.db.fetchone("SELECT id FROM freelancers"))["id"]
            copied = [r["id"] for r in await store.db.fetchall("SELECT id FROM clients")]
            client = await store.clients.create(freelancer, "New client", now=START)
            assert client.id > max(copied)
        finally:
            await store.close()

    asyncio.run(check())

    again = relance("migrate-to-postgres", str(path), schema_url)
    assert again.returncode == 2
    assert "not empty" in again.stderr and "Traceback" not in again.stderr


def test_bad_arguments_get_one_clear_line(tmp_path: Path) -> None:
    wrong = relance(
        "migrate-to-postgres", str(tmp_path / "missing.sqlite3"), "postgresql://postgres@127.0.0.1/test"
    )
    assert wrong.returncode == 2 and "no SQLite database at" in wrong.stderr
    not_url = relance("migrate-to-postgres", str(tmp_path / "x.sqlite3"), "mysql://db/relance")
    assert not_url.returncode == 2 and "expected a postgresql:// URL" in not_url.stderr
    for result in (wrong, not_url):
        assert "Traceback" not in result.stderr and result.stderr.strip().count("\n") == 0
