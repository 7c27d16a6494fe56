"""Reminder dispatch on PostgreSQL with 1 and 3 workers, beside SQLite, in the same run.

The generated database (100,000 invoices) is copied into a fresh PostgreSQL schema with
`relance migrate-to-postgres`'s code (its rate is reported too). Each worker is a whole Relance
application in a process of its own, with its own connection pool, Dispatcher and in-process fake
Telegram; the three run `run_once` from the same instant on the same schema, sharing the due rows
through the batched claims (rate limits off: this measures the engine and the database). The SQLite baseline is the
same dispatch on the same data. Needs a server at RELANCE_BENCH_POSTGRES_URL (default
postgresql://postgres@127.0.0.1:5432/test); skipped with a note otherwise.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import sqlite3
import time
import uuid
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from dataclasses import replace
from typing import Any

from bench.apps import start_relance
from bench.common import Result, Table, rate
from bench.dispatch import CHAT_BASE, dispatch, drop, telegram_users, working_copy
from bench.generate import Meta, ensure
from bot.context import engine_of
from bot.storage import open_store
from bot.storage.copy import copy_sqlite_to_postgres
from bot.storage.db import SqliteDatabase
from bot.storage.postgres import PostgresDatabase
from tests.databases import with_schema

URL = os.environ.get("RELANCE_BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")


async def _sql(query: str) -> None:
    import asyncpg

    conn = await asyncpg.connect(URL)
    try:
        await conn.execute(query)
    finally:
        await conn.close()


async def _copy(meta: Meta, schema: str) -> tuple[str, int, float]:
    await _sql(f'CREATE SCHEMA "{schema}"')
    url = with_schema(URL, schema)
    db = working_copy(meta, "pg-source")
    try:
        source = await SqliteDatabase.open(db)
        target = await PostgresDatabase.open(url)
        try:
            began = time.monotonic()
            report = await copy_sqlite_to_postgres(source, target)
            seconds = time.monotonic() - began
        finally:
            await target.close()
            await source.close()
    finally:
        drop(db)
    return url, report.rows, seconds


def _worker_process(url: str, ref_now: str, freelancers: list[tuple[int, str]], chats: list[int],
                    start_at: float) -> tuple[float, float, list[str]]:  # fmt: skip
    """One worker in a process of its own (its event loop, its pool): run_once from `start_at` (a
    shared wall-clock instant), return when it began and ended and the client texts it delivered."""
    from datetime import datetime

    from bench.common import LeanTelegram
    from tests.harness import TOKEN

    async def go() -> tuple[float, float, list[str]]:
        fake = LeanTelegram(token=TOKEN, rate_limits=False)
        for user_id, language in freelancers:
            fake.add_user(user_id, first_name="Freelancer", language_code=language)
            fake.user(user_id).started = True
        for chat in chats:
            fake.add_user(chat, first_name="Client", language_code="fr")
            fake.user(chat).started = True
        running = await start_relance(url, now=datetime.fromisoformat(ref_now), fake=fake, start=False)  # type: ignore[arg-type]
        try:
            await asyncio.sleep(max(0.0, start_at - time.time()))
            began = time.time()
            await engine_of(running.app).dispatcher.run_once()
            await running.services.drain()
            ended = time.time()
        finally:
            await running.stop()
        return began, ended, [d.text for d in fake.deliveries if d.chat_id >= CHAT_BASE]

    return asyncio.run(go())


async def _workers(meta: Meta, url: str, workers: int) -> dict[str, Any]:
    db = working_copy(meta, "pg-users")  # who the due reminders write to, read from the SQLite copy
    try:
        now = int(meta.ref_now.timestamp())
        freelancers, chats = telegram_users(db, now)
        with sqlite3.connect(db) as conn:
            due = conn.execute(
                "SELECT count(*) FROM reminders WHERE status = 'planned' AND scheduled_at <= ?", (now,)
            ).fetchone()[0]
        conn.close()
    finally:
        drop(db)
    store = await open_store(url)
    try:
        before = await store.db.fetchone("SELECT count(*) AS n FROM reminders WHERE status = 'sent'")
        start_at = time.time() + 4.0  # every process imported and connected by then
        loop = asyncio.get_running_loop()
        with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn")) as pool:
            runs = await asyncio.gather(*(
                loop.run_in_executor(pool, _worker_process, url, meta.ref_now.isoformat(), freelancers, chats,
                                     start_at)
                for _ in range(workers)
            ))  # fmt: skip
        rows = await store.db.fetchall("SELECT status, count(*) AS n FROM reminders GROUP BY status")
    finally:
        await store.close()
    seconds = max(ended for _b, ended, _t in runs) - min(began for began, _e, _t in runs)
    statuses = {str(r["status"]): int(r["n"]) for r in rows}
    per_text = Counter(text for _b, _e, texts in runs for text in texts)
    return {
        "workers": workers, "due": due, "seconds": seconds, "statuses": statuses,
        "delivered": sum(per_text.values()), "sent": statuses.get("sent", 0) - int(before["n"]),
        "duplicates": sum(n - 1 for n in per_text.values() if n > 1),
    }  # fmt: skip


EXTRA_DUE = 9_000


def widened(meta: Meta, extra: int = EXTRA_DUE) -> Meta:
    """The generated database with `extra` more invoices due (their first planned client step moved
    to a minute before the reference instant): enough rows for a steady rate, not start-up cost."""
    db = working_copy(meta, "pg-widened")
    now = int(meta.ref_now.timestamp())
    with sqlite3.connect(db) as conn:
        conn.execute(
            "UPDATE reminders SET scheduled_at = ? WHERE id IN (SELECT MIN(id) FROM reminders r "
            "WHERE r.status = 'planned' AND r.audience = 'client' AND NOT EXISTS (SELECT 1 FROM reminders d "
            "WHERE d.invoice_id = r.invoice_id AND d.status = 'planned' AND d.scheduled_at <= ?) "
            "GROUP BY r.invoice_id LIMIT ?)",
            (now - 60, now, extra),
        )
        due = conn.execute(
            "SELECT count(*) FROM reminders WHERE status = 'planned' AND scheduled_at <= ?", (now,)
        ).fetchone()[0]
    conn.close()
    return replace(meta, path=db, due=int(due))


async def run_all(meta: Meta) -> Result:
    meta = widened(meta)
    result = Result("postgres_dispatch", params={"invoices": meta.invoices, "due": meta.due, "url": URL})
    table = Table(
        f"Reminder dispatch on {meta.invoices:,} invoices: SQLite and PostgreSQL (rate limits off)",
        ["database", "workers", "due", "sent", "seconds", "reminders/s", "sent twice"],
    )
    sqlite_run = await dispatch(meta, due=None, limited=False)
    table.add("SQLite (baseline)", 1, sqlite_run.due, sqlite_run.sent, f"{sqlite_run.seconds:.1f}",
              rate(sqlite_run.sent / sqlite_run.seconds), 0)  # fmt: skip
    result.data["sqlite"] = {"due": sqlite_run.due, "sent": sqlite_run.sent, "seconds": sqlite_run.seconds}
    try:
        await _sql("SELECT 1")
    except Exception as exc:  # no server: say so in the table instead of failing the whole bench
        table.notes.append(f"PostgreSQL rows skipped: no server at {URL} ({type(exc).__name__}).")
        result.tables.append(table)
        drop(meta.path)
        return result
    for workers in (1, 3):
        schema = "bench_" + uuid.uuid4().hex[:10]
        try:
            url, copied, copy_seconds = await _copy(meta, schema)
            run = await _workers(meta, url, workers)
        finally:
            await _sql(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
        table.add("PostgreSQL", workers, run["due"], run["sent"], f"{run['seconds']:.1f}",
                  rate(run["sent"] / run["seconds"]), run["duplicates"])  # fmt: skip
        result.data[f"postgres_{workers}"] = {**run, "copied_rows": copied, "copy_seconds": copy_seconds}
    copy = result.data["postgres_1"]
    table.notes.append(
        f"Each PostgreSQL run starts from a copy made by migrate-to-postgres: {copy['copied_rows']:,} rows "
        f"copied and verified in {copy['copy_seconds']:.0f} s ({rate(copy['copied_rows'] / copy['copy_seconds'])} "
        "rows/s). Each worker is a process of its own (event loop, connection pool, fake Telegram), all "
        "started at one instant; seconds run from the first start to the last finish, and the server shares "
        "the machine's cores with them. 'Sent twice': the same reminder text delivered more than once."
    )
    result.tables.append(table)
    drop(meta.path)
    three = result.data["postgres_3"]
    pg3 = three["sent"] / three["seconds"]
    result.target("dispatch on PostgreSQL, 3 workers, limits off", "≥ 1,500 reminders/s, none twice",
                  f"{rate(pg3)}/s, {three['duplicates']} twice", pg3 >= 1500 and three["duplicates"] == 0)  # fmt: skip
    return result


def main(quick: bool = False) -> Result:
    meta = ensure(100_000)
    result = asyncio.run(run_all(meta))
    result.show()
    result.save()
    return result


if __name__ == "__main__":
    import sys

    main("--quick" in sys.argv)
