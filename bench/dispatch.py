"""Reminder dispatch on the generated database: end-to-end rate, then Telegram's limits respected.

Each run works on a fresh copy of the generated database (on real disk, bench/data/) with the real
application's Dispatcher (`run_once`, what the JobQueue calls): select due rows, claim, read the
invoice again, render in the client's language, send to the in-process fake Telegram, record the
outcome, then tell each freelancer what went out. The clock is frozen at the data's reference
instant (a Tuesday 10:00 UTC), so quiet hours and "one per day" behave as on a working morning.
"""

from __future__ import annotations

import asyncio
import cProfile
import io
import pstats
import shutil
import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path

from bench.apps import Statements, start_relance
from bench.common import LeanTelegram, Result, Table, rate
from bench.generate import CHAT_BASE, REF_NOW, Meta, ensure, label
from bot.channels.ratelimit import RelanceRateLimiter
from bot.context import engine_of
from tests.fake_telegram import FakeTelegram
from tests.harness import TOKEN


def working_copy(meta: Meta, name: str, *, due: int | None = None) -> Path:
    """A copy of the generated database, beside it; with `due`, only that many (the oldest) are due."""
    target = meta.path.parent / f"work-{name}.sqlite3"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{target}{suffix}").unlink(missing_ok=True)
    shutil.copyfile(meta.path, target)
    if due is not None:
        now = int(meta.ref_now.timestamp())
        with sqlite3.connect(target) as conn:
            conn.execute(
                "UPDATE reminders SET scheduled_at = ? WHERE status = 'planned' AND scheduled_at <= ? AND id NOT IN "
                "(SELECT id FROM reminders WHERE status = 'planned' AND scheduled_at <= ? "
                " ORDER BY scheduled_at, id LIMIT ?)",
                (now + 2 * 86_400, now, now, due),
            )
        conn.close()
    return target


def drop(path: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def telegram_users(db: Path, now: int) -> tuple[list[tuple[int, str]], list[int]]:
    """Who the due reminders will write to: (freelancer user id, language) and client chats."""
    with sqlite3.connect(db) as conn:
        freelancers = conn.execute(
            "SELECT DISTINCT f.telegram_user_id, f.language FROM reminders r JOIN invoices i ON i.id = r.invoice_id "
            "JOIN freelancers f ON f.id = i.freelancer_id WHERE r.status = 'planned' AND r.scheduled_at <= ?",
            (now,),
        ).fetchall()
        chats = conn.execute(
            "SELECT DISTINCT k.telegram_chat_id FROM reminders r JOIN invoices i ON i.id = r.invoice_id "
            "JOIN contacts k ON k.client_id = i.client_id "
            "WHERE r.status = 'planned' AND r.scheduled_at <= ? AND k.telegram_chat_id IS NOT NULL",
            (now,),
        ).fetchall()
    conn.close()
    return [(row[0], row[1]) for row in freelancers], [row[0] for row in chats]


def started_fake(db: Path, now: int, *, rate_limits: bool, lean: bool = False) -> FakeTelegram:
    """The fake, knowing every user the due reminders will write to (as if they had started the bot)."""
    fake = (LeanTelegram if lean else FakeTelegram)(token=TOKEN, rate_limits=rate_limits)
    freelancers, chats = telegram_users(db, now)
    for user_id, language in freelancers:
        fake.add_user(user_id, first_name="Freelancer", language_code=language)
        fake.user(user_id).started = True
    for chat in chats:
        fake.add_user(chat, first_name="Client", language_code="fr")
        fake.user(chat).started = True
    return fake


@dataclass
class DispatchRun:
    due: int
    seconds: float
    statuses: dict[str, int]
    reminders: int  # client messages delivered
    notices: int  # messages to freelancers
    reminder_seconds: float  # from the start until the last client message arrived
    rate_limited: int
    bursts: int
    busiest_second: int
    slowest_5s: float  # client messages per second in the slowest 5-second window
    cpu_seconds: float  # the event loop's thread
    statements: int  # SQL statements run
    profile: str = ""

    @property
    def sent(self) -> int:
        return self.statuses.get("sent", 0)


async def dispatch(meta: Meta, *, due: int | None, limited: bool, profile: bool = False) -> DispatchRun:
    db = working_copy(meta, f"dispatch-{label(meta.invoices)}", due=due)
    try:
        now = int(meta.ref_now.timestamp())
        fake = started_fake(db, now, rate_limits=limited)
        with sqlite3.connect(db) as conn:
            due_ids = [r[0] for r in conn.execute(
                "SELECT id FROM reminders WHERE status = 'planned' AND scheduled_at <= ?", (now,))]  # fmt: skip
        conn.close()
        limiter = RelanceRateLimiter() if limited else None
        running = await start_relance(db, now=meta.ref_now, fake=fake, rate_limiter=limiter, start=False)
        dispatcher = engine_of(running.app).dispatcher
        profiler = cProfile.Profile() if profile else None
        statements = Statements(running.store)
        try:
            if limited:  # rate-bound anyway: count the SQL it runs (the trace callback costs a little)
                await statements.__aenter__()
            mark, cpu = time.monotonic(), time.thread_time()
            if profiler:
                profiler.enable()
            await dispatcher.run_once()
            await running.services.drain()
            if profiler:
                profiler.disable()
            seconds, cpu = time.monotonic() - mark, time.thread_time() - cpu
            if limited:
                await statements.__aexit__()
            placeholders = ",".join("?" * len(due_ids))
            rows = await running.store.db.fetchall(
                f"SELECT status, count(*) AS n FROM reminders WHERE id IN ({placeholders}) GROUP BY status",
                due_ids,
            )
        finally:
            await running.stop()
        statuses = {row["status"]: row["n"] for row in rows}
        client = [d.at for d in fake.deliveries if d.chat_id >= CHAT_BASE]
        notices = sum(1 for d in fake.deliveries if d.chat_id < CHAT_BASE)
        window = _busiest_window([d.at for d in fake.deliveries])
        text = ""
        if profiler:
            out = io.StringIO()
            pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(25)
            text = out.getvalue()
        return DispatchRun(
            len(due_ids), seconds, statuses, len(client), notices, (max(client) - mark) if client else seconds,
            fake.rate_limited_count, len(fake.chats_with_bursts()), window, _slowest(client, 5.0), cpu,
            len(statements.sql), text,
        )  # fmt: skip
    finally:
        drop(db)


def _slowest(times: list[float], window: float) -> float:
    """The lowest rate over any `window` seconds between the first and the last message."""
    times = sorted(times)
    if not times or times[-1] - times[0] < window:
        return len(times) / max(window, 1e-9)
    lowest, end = len(times), 0
    for start, at in enumerate(times):
        if at + window > times[-1]:
            break
        while end < len(times) and times[end] < at + window:
            end += 1
        lowest = min(lowest, end - start)
    return lowest / window


def _busiest_window(times: list[float]) -> int:
    """The most messages the fake received within any one second."""
    times = sorted(times)
    best, start = 0, 0
    for end, at in enumerate(times):
        while at - times[start] >= 1.0:
            start += 1
        best = max(best, end - start + 1)
    return best


async def run_all(meta: Meta, *, limited_due: int, profile: bool) -> Result:
    result = Result("reminder_dispatch", params={"database": meta.path.name, "invoices": meta.invoices,
                                                 "due": meta.due, "ref_now": REF_NOW.isoformat()})  # fmt: skip
    fast = await dispatch(meta, due=None, limited=False, profile=profile)
    limited = await dispatch(meta, due=limited_due, limited=True)
    table = Table(
        f"Reminder dispatch on {meta.invoices:,} invoices / {meta.freelancers:,} freelancers (Dispatcher.run_once)",
        ["run", "due", "sent", "seconds", "reminders/s", "slowest 5 s", "notices", "429s",
         "chats with 2 in 1 s", "busiest second"],
    )  # fmt: skip
    table.add("rate limits off (fake and app)", fast.due, fast.sent, f"{fast.seconds:.1f}",
              rate(fast.sent / fast.seconds), "–", fast.notices, fast.rate_limited, "–", fast.busiest_second)  # fmt: skip
    table.add("Telegram's limits on (fake) + RelanceRateLimiter (app)", limited.due, limited.sent,
              f"{limited.seconds:.1f}", rate(limited.reminders / limited.reminder_seconds),
              f"{limited.slowest_5s:.1f}/s", limited.notices, limited.rate_limited, limited.bursts,
              limited.busiest_second)  # fmt: skip
    per = fast.sent or 1
    table.notes.append(
        "End to end: select due rows, claim, re-read the invoice, render in the client's language, sendMessage "
        "to the fake, record; then one notice per freelancer. Rate-limited runs: reminders/s counts client "
        "messages from the start to the last one; the notices follow. Four reminders are due per freelancer, so "
        "one client chat gets two in a run (to be paced a second apart). Busiest second: most messages the fake "
        "received within any one second (Telegram allows 30)."
    )
    table.notes.append(
        f"Where the time goes (rate limits off): the event loop's thread was busy {fast.cpu_seconds:.1f} s of "
        f"{fast.seconds:.1f} s, {1000 * fast.cpu_seconds / per:.2f} ms per reminder; each reminder runs "
        f"{limited.statements / max(1, limited.sent):.0f} SQL statements, each a round trip to aiosqlite's thread."
    )
    result.tables.append(table)
    for name, run in (("fast", fast), ("limited", limited)):
        result.data[name] = {
            "due": run.due, "sent": run.sent, "statuses": run.statuses, "seconds": run.seconds,
            "reminders": run.reminders, "notices": run.notices, "reminder_seconds": run.reminder_seconds,
            "rate_limited": run.rate_limited, "bursts": run.bursts, "busiest_second": run.busiest_second,
            "loop_cpu_seconds": run.cpu_seconds, "statements": run.statements, "slowest_5s": run.slowest_5s,
        }  # fmt: skip
    fast_rate = fast.sent / fast.seconds
    limited_rate = limited.reminders / limited.reminder_seconds
    result.target(
        "dispatch, rate limits off", "≥ 1,000 reminders/s", f"{rate(fast_rate)}/s", fast_rate >= 1000
    )
    result.target(f"dispatch with Telegram's limits ({limited.due} reminders)", "≥ 28/s, no 429, no burst",
                  f"{limited_rate:.1f}/s (slowest 5 s: {limited.slowest_5s:.1f}/s), {limited.rate_limited} × 429, "
                  f"{limited.bursts} bursts",
                  limited_rate >= 28 and limited.rate_limited == 0 and limited.bursts == 0)  # fmt: skip
    if fast.sent != fast.due:
        table.notes.append(f"Not sent in the fast run: {fast.statuses}.")
    if profile:
        print(fast.profile)
    return result


def main(quick: bool = False, profile: bool = False) -> Result:
    meta = ensure(100_000 if quick else 1_000_000)
    result = asyncio.run(run_all(meta, limited_due=150 if quick else 600, profile=profile))
    result.show()
    result.save()
    return result


if __name__ == "__main__":
    import sys

    main("--quick" in sys.argv, "--profile" in sys.argv)
