"""Scale: the real `relance` process on 10k, 100k and 1M invoices, and the big queries' plans.

* Start-up: from spawning `python -m bot run` until its first getMe and first getUpdates reach a
  FakeTelegramServer (real HTTP, PTB's own HTTPXRequest), median of three starts per size.
* Memory: resident set after start-up, and after the process dispatched 100 due reminders (through
  its own JobQueue sweep and rate limiter, on a clock started at the data's reference instant).
* Queries on the largest database: the due-reminder query and /overdue for the freelancer with
  10,000 invoices, timed, with EXPLAIN QUERY PLAN for every statement that start-up, a dispatch and
  the busiest commands run (captured with SQLite's trace callback, so new code is covered too).
* Size: bytes per invoice, and where they go (dbstat).
"""

from __future__ import annotations

import asyncio
import gc
import os
import re
import signal
import sqlite3
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.apps import RunningApp, Statements, start_relance
from bench.common import DATA_DIR, Result, Table, TimedTelegram, mib, percentile, rss_bytes
from bench.dispatch import drop, started_fake, telegram_users, working_copy
from bench.generate import CHAT_BASE, Meta, ensure, label
from bench.updates import timed
from bot.context import engine_of
from tests.fake_telegram import FakeTelegramServer
from tests.harness import TOKEN

STARTS = 3
DISPATCHED = 100


# --- The real process -------------------------------------------------------------------------------


@dataclass
class Start:
    get_me: float
    get_updates: float
    rss_started: int
    rss_dispatched: int = 0
    rss_peak: int = 0
    dispatched: int = 0
    dispatch_seconds: float = 0.0


def _environment(db: Path, server: FakeTelegramServer, meta: Meta) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "SMTP_", "RELANCE_"))}
    env.update(
        TELEGRAM_BOT_TOKEN=TOKEN,
        TELEGRAM_API_BASE_URL=server.base_url,
        RELANCE_DB=str(db),
        LOG_LEVEL="WARNING",
        RELANCE_CLOCK_START=meta.ref_now.isoformat(),  # quiet hours: a Tuesday morning, whatever today is
    )
    return env


def _peak(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024
    return 0


def _wait(condition: Any, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError(f"timed out waiting for {what}")
        time.sleep(0.01)


def run_process(meta: Meta, db: Path, *, dispatch: int = 0) -> Start:
    """Start `relance run` on `db`; with `dispatch`, wait until it has sent that many reminders."""
    fake = TimedTelegram(token=TOKEN)
    if dispatch:
        freelancers, chats = telegram_users(db, int(meta.ref_now.timestamp()))
        for user_id, language in freelancers:
            fake.add_user(user_id, first_name="Freelancer", language_code=language)
            fake.user(user_id).started = True
        for chat in chats:
            fake.add_user(chat, first_name="Client", language_code="fr")
            fake.user(chat).started = True
    log = (DATA_DIR / f"work-relance-{label(meta.invoices)}.log").open("ab")
    with FakeTelegramServer(fake) as server:
        started = time.monotonic()
        proc = subprocess.Popen(
            [sys.executable, "-m", "bot", "run"], env=_environment(db, server, meta), cwd=DATA_DIR,
            stdout=log, stderr=log,
        )  # fmt: skip
        try:
            _wait(
                lambda: fake.first_arrival("getUpdates") is not None or proc.poll() is not None,
                60,
                "getUpdates",
            )
            if proc.poll() is not None:
                raise RuntimeError(f"relance exited with {proc.returncode}; see {log.name}")
            get_me = (fake.first_arrival("getMe") or started) - started
            get_updates = (fake.first_arrival("getUpdates") or started) - started
            time.sleep(1.5)  # the first sweep runs one second after start
            result = Start(get_me, get_updates, rss_bytes(proc.pid))
            if dispatch:
                mark = time.monotonic()

                def delivered() -> int:
                    return sum(1 for d in list(fake.deliveries) if d.chat_id >= CHAT_BASE)

                _wait(lambda: delivered() >= dispatch, 120, f"{dispatch} reminders")
                count = len(fake.deliveries)
                while True:  # then the notices to freelancers, until nothing more arrives
                    time.sleep(1.5)
                    if len(fake.deliveries) == count:
                        break
                    count = len(fake.deliveries)
                result.dispatched = delivered()
                result.dispatch_seconds = time.monotonic() - mark
                result.rss_dispatched = rss_bytes(proc.pid)
            result.rss_peak = _peak(proc.pid)
            return result
        finally:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
            log.close()


def process_runs(meta: Meta) -> tuple[list[Start], Start]:
    (DATA_DIR / f"work-relance-{label(meta.invoices)}.log").unlink(missing_ok=True)  # this run's logs only
    idle = working_copy(meta, f"process-{label(meta.invoices)}", due=0)
    try:
        starts = [run_process(meta, idle) for _ in range(STARTS)]
    finally:
        drop(idle)
    busy = working_copy(meta, f"process-{label(meta.invoices)}", due=DISPATCHED)
    try:
        dispatched = run_process(meta, busy, dispatch=DISPATCHED)
    finally:
        drop(busy)
    return starts, dispatched


# --- Query plans -----------------------------------------------------------------------------------------


_LITERALS = re.compile(r"'(?:[^']|'')*'|\b\d+(?:\.\d+)?\b")
_SKIP = re.compile(r"^\s*(BEGIN|COMMIT|ROLLBACK|PRAGMA|INSERT|SAVEPOINT|RELEASE)\b", re.IGNORECASE)
# Tables read in full on purpose: PTB persistence loads every draft once at start-up; the hourly job
# lists the freelancers' time zones.
_WHOLE_TABLE_OK = ("user_state", "conversation_state", "schema_migrations", "freelancers")


def shape(sql: str) -> str:
    return " ".join(_LITERALS.sub("?", sql).split())


@dataclass
class Plan:
    where: str
    statement: str
    plan: str
    full_scan: bool


def explain(db: Path, captured: dict[str, list[str]]) -> list[Plan]:
    plans: list[Plan] = []
    seen: set[str] = set()
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
        for where, statements in captured.items():
            for sql in statements:
                key = shape(sql)
                if _SKIP.match(sql) or key in seen:
                    continue
                seen.add(key)
                rows = conn.execute(f"EXPLAIN QUERY PLAN {sql}").fetchall()
                details = [row[3] for row in rows]
                scans = [d for d in details if d.startswith("SCAN ") and " USING " not in d]
                full = any(not any(d.startswith(f"SCAN {t}") for t in _WHOLE_TABLE_OK) for d in scans)
                plans.append(Plan(where, key, "; ".join(details), full))
    conn.close()
    return plans


# --- Queries on the big database -------------------------------------------------------------------


@dataclass
class BigQueries:
    due_ms: list[float]
    overdue_query_ms: list[float]
    overdue_first_ms: list[float]
    overdue_last_ms: list[float]
    overdue_invoices: int
    overdue_messages: int
    plans: list[Plan]


async def big_queries(meta: Meta, samples: int) -> BigQueries:
    db = working_copy(meta, f"queries-{label(meta.invoices)}", due=5)
    now = int(meta.ref_now.timestamp())
    fake = started_fake(db, now, rate_limits=False, lean=True)
    fake.add_user(meta.big_freelancer_telegram_id, first_name="Big", language_code="en")
    captured: dict[str, list[str]] = {}
    try:
        running = await start_relance(db, now=meta.ref_now, fake=fake)
        try:
            return await _big_queries(running, meta, db, samples, captured)
        finally:
            await running.stop()
    finally:
        drop(db)


async def _big_queries(
    running: RunningApp, meta: Meta, db: Path, samples: int, captured: dict[str, list[str]]
) -> BigQueries:
    store, app, fake = running.store, running.app, running.fake
    dispatcher = engine_of(running.app).dispatcher
    gc.collect()  # start clean: set-up garbage is not the queries' to pay
    due_ms = []
    for _ in range(samples * 5):
        started = time.perf_counter()
        await store.reminders.due(meta.ref_now, 500)
        due_ms.append((time.perf_counter() - started) * 1000)
    freelancer = await store.freelancers.get(meta.big_freelancer_id)
    assert freelancer is not None
    today = meta.ref_now.date()
    query_ms = []
    for _ in range(samples):
        started = time.perf_counter()
        invoices = await store.invoices.open_due_before(freelancer.id, today)
        query_ms.append((time.perf_counter() - started) * 1000)
    user = meta.big_freelancer_telegram_id
    first, last, messages = [], [], 0
    for _ in range(max(5, samples // 5)):
        timing = await timed(app, running.request, fake.message_update(user, "/overdue"))
        await running.services.drain()
        first.append(timing.first_reply * 1000)
        last.append(timing.last_reply * 1000)
        messages = timing.replies
    # Capture what start-up, a dispatch and the busiest commands run, for their query plans.
    async with Statements(store) as log:
        await dispatcher.recover()
        await dispatcher.next_wake()
        await store.persistence.get_user_data()
        await store.persistence.get_conversations("new_invoice")
    captured["start-up"] = log.sql
    async with Statements(store) as log:
        await dispatcher.run_once()
    captured["dispatch"] = log.sql
    # What the hourly job does for each freelancer at 18:00 (preview) and on Monday at 09:00 (digest).
    async with Statements(store) as log:
        await dispatcher.send_preview(freelancer, meta.ref_now.replace(hour=17))
        await dispatcher.send_digest(freelancer, meta.ref_now)
    captured["preview, digest"] = log.sql
    for command in ("/overdue", "/invoices", "/start"):
        async with Statements(store) as log:
            await timed(app, running.request, fake.message_update(user, command))
            await running.services.drain()
        captured[command] = log.sql
    message = fake.last_bot_message(user).message_id
    open_one = await store.invoices.open_page(freelancer.id, offset=0, limit=1)
    async with Statements(store) as log:
        await timed(
            app, running.request, fake.callback_update(user, message, f"inv:paid:{open_one[0][0].id}")
        )
        await running.services.drain()
    captured["mark paid"] = log.sql
    return BigQueries(due_ms, query_ms, first, last, len(invoices), messages, explain(db, captured))


# --- Size -------------------------------------------------------------------------------------------------


def sizes(meta: Meta) -> tuple[int, list[tuple[str, int]]]:
    with sqlite3.connect(f"file:{meta.path}?mode=ro", uri=True) as conn:
        total = conn.execute(
            "SELECT page_count * page_size FROM pragma_page_count, pragma_page_size"
        ).fetchone()[0]
        objects = conn.execute(
            "SELECT coalesce(m.tbl_name, s.name) AS owner, sum(s.pgsize) FROM dbstat s "
            "LEFT JOIN sqlite_master m ON m.name = s.name GROUP BY owner ORDER BY 2 DESC"
        ).fetchall()
    conn.close()
    return int(total), [(str(name), int(size)) for name, size in objects]


# --- The report -------------------------------------------------------------------------------------------


def run(quick: bool = False) -> Result:
    counts = [10_000, 100_000] if quick else [10_000, 100_000, 1_000_000]
    metas = [ensure(n) for n in counts]
    result = Result("scale", params={"sizes": counts, "starts_per_size": STARTS, "dispatched": DISPATCHED})
    startup = Table(
        "The real `relance` process (python -m bot run) against FakeTelegramServer over HTTP",
        ["invoices", "freelancers", "reminder rows", "getMe s", "first getUpdates s", "RSS started MiB",
         f"RSS after dispatching {DISPATCHED} MiB", "peak RSS MiB", "DB MiB", "bytes / invoice"],
    )  # fmt: skip
    first_updates, rss_values = [], []
    for meta in metas:
        starts, busy = process_runs(meta)
        total, _objects = sizes(meta)
        get_updates = statistics.median(s.get_updates for s in starts)
        first_updates.append(get_updates)
        rss_started = statistics.median(s.rss_started for s in starts)
        rss_values += [rss_started, busy.rss_dispatched]
        startup.add(
            f"{meta.invoices:,}", f"{meta.freelancers:,}", f"{meta.rows['reminders']:,}",
            f"{statistics.median(s.get_me for s in starts):.2f}", f"{get_updates:.2f}", mib(rss_started),
            mib(busy.rss_dispatched), mib(busy.rss_peak), mib(total), f"{total / meta.invoices:.0f}",
        )  # fmt: skip
        result.data[f"process {label(meta.invoices)}"] = {
            "get_me_s": [s.get_me for s in starts], "get_updates_s": [s.get_updates for s in starts],
            "rss_started": [s.rss_started for s in starts], "rss_dispatched": busy.rss_dispatched,
            "rss_peak": busy.rss_peak, "dispatched": busy.dispatched, "dispatch_seconds": busy.dispatch_seconds,
            "db_bytes": total,
        }  # fmt: skip
    startup.notes.append(
        f"Median of {STARTS} starts (Python start-up and imports included). 'After dispatching': the process's "
        f"own sweep sent {DISPATCHED} due reminders (and the freelancers' notices) through RelanceRateLimiter, its "
        "clock started at the data's reference instant (RELANCE_CLOCK_START). Bytes per invoice include its "
        "client, payments and reminder history."
    )
    result.tables.append(startup)
    result.target("start-up until first getUpdates", "≤ 2 s and flat",
                  " / ".join(f"{t:.2f} s" for t in first_updates),
                  max(first_updates) <= 2 and max(first_updates) - min(first_updates) < 0.5)  # fmt: skip
    result.target("resident memory after start-up and after a dispatch", "≤ 150 MB, flat",
                  f"{mib(min(rss_values))}–{mib(max(rss_values))} MiB",
                  max(rss_values) <= 150 * 10**6 and max(rss_values) - min(rss_values) < 30 * 2**20)  # fmt: skip

    big = metas[-1]
    queries = asyncio.run(big_queries(big, 10 if quick else 50))
    table = Table(
        f"Queries on {big.invoices:,} invoices (ms; in-process app, warm page cache)",
        ["what", "n", "p50", "p95", "max", "rows / messages"],
    )
    for what, values, count in (
        ("due reminders (LIMIT 500, partial index reminders_due)", queries.due_ms, big.due),
        (f"Invoices.open_due_before, freelancer with {big.big_invoices:,} invoices", queries.overdue_query_ms,
         queries.overdue_invoices),
        ("/overdue for that freelancer: first reply", queries.overdue_first_ms, queries.overdue_messages),
        ("/overdue for that freelancer: last reply", queries.overdue_last_ms, queries.overdue_messages),
    ):  # fmt: skip
        middle = percentile(values, 50)
        digits = 2 if middle < 10 else 1 if middle < 100 else 0
        cells = (f"{v:.{digits}f}" for v in (middle, percentile(values, 95), max(values)))
        table.add(what, len(values), *cells, count)
    plural = "message" if queries.overdue_messages == 1 else "messages"
    table.notes.append(
        f"{queries.overdue_invoices:,} of that freelancer's invoices are open and overdue: /overdue reads and "
        f"summarises them all, and answers with {queries.overdue_messages} {plural}."
    )
    result.tables.append(table)
    result.data["queries"] = {
        "due_ms": queries.due_ms, "overdue_query_ms": queries.overdue_query_ms,
        "overdue_first_ms": queries.overdue_first_ms, "overdue_last_ms": queries.overdue_last_ms,
        "overdue_invoices": queries.overdue_invoices, "overdue_messages": queries.overdue_messages,
    }  # fmt: skip
    plans = Table(f"EXPLAIN QUERY PLAN on {big.invoices:,} invoices (every distinct statement run)",
                  ["where", "statement", "plan"])  # fmt: skip
    for plan in queries.plans:
        flag = "⚠ full scan: " if plan.full_scan else ""
        statement = plan.statement if len(plan.statement) <= 100 else plan.statement[:99] + "…"
        plans.add(plan.where, f"`{statement}`", flag + plan.plan)
    result.tables.append(plans)
    result.data["plans"] = [p.__dict__ for p in queries.plans]
    scans = [p for p in queries.plans if p.full_scan]
    result.target("query plans", "indexes, no full scan of a large table",
                  f"{len(scans)} full scan(s)" + (": " + "; ".join(p.statement[:60] for p in scans) if scans else ""),
                  not scans)  # fmt: skip
    overdue_p99 = percentile(queries.overdue_first_ms, 99)
    result.data["overdue_p99_first_ms"] = overdue_p99
    total, objects = sizes(big)
    where = Table(f"Where the {mib(total)} MiB of the {big.invoices:,}-invoice database go",
                  ["table (with its indexes)", "MiB", "bytes / invoice", "share"])  # fmt: skip
    for owner, size in objects[:8]:
        where.add(owner, mib(size), f"{size / big.invoices:.0f}", f"{100 * size / total:.0f} %")
    result.tables.append(where)
    return result


def main(quick: bool = False) -> Result:
    result = run(quick)
    result.show()
    result.save()
    return result


if __name__ == "__main__":
    main("--quick" in sys.argv)
