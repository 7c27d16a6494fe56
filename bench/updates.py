"""Update handling: reply latency per command against a bare PTB echo bot, and burst throughput.

Both bots run the real PTB `Application`, started, fed through `app.update_queue` (what the Updater
does with getUpdates results), answering into the in-process fake Telegram with no network delay
and no rate limits. A sample runs from the moment the raw update JSON is handed to the bot until
its reply request (sendMessage / editMessageText) reaches the fake.
"""

from __future__ import annotations

import asyncio
import gc
import tempfile
import time
from collections import defaultdict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

from telegram import Update
from telegram.ext import (
    Application,
    ApplicationBuilder,
    BaseUpdateProcessor,
    ContextTypes,
    MessageHandler,
    SimpleUpdateProcessor,
    filters,
)

from bench.apps import RunningApp, start_relance
from bench.common import DATA_DIR, LeanTelegram, Result, Table, TimedFakeRequest, ms, percentile, rate
from bot.storage import open_store
from bot.storage.invoices import NewInvoice
from bot.update_processor import PerUserUpdateProcessor
from tests.harness import START, TOKEN

USER = 4242
Json = dict[str, Any]


def _scratch() -> tempfile.TemporaryDirectory[str]:
    """A throw-away folder for a database, on the same real disk as the generated ones."""
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    return tempfile.TemporaryDirectory(dir=DATA_DIR, prefix="work-")


# --- Timing one update ------------------------------------------------------------------------------


@dataclass
class Timing:
    first_reply: float
    last_reply: float
    handled: float
    replies: int


@dataclass
class Case:
    name: str
    samples: list[Timing] = field(default_factory=list)

    def column(self, attr: str) -> list[float]:
        return [getattr(s, attr) for s in self.samples]


async def timed(
    app: Application[Any, Any, Any, Any, Any, Any], request: TimedFakeRequest, update: Json
) -> Timing:
    """Hand one raw update to the running application and wait until it is completely handled."""
    mark = len(request.arrivals)
    started = time.perf_counter()
    await app.update_queue.put(Update.de_json(update, app.bot))
    await app.update_queue.join()  # PTB marks the update done once its handlers have returned
    handled = time.perf_counter() - started
    replies = request.arrivals[mark:]
    if not replies:
        raise AssertionError(f"no reply to {update}")
    return Timing(replies[0][0] - started, replies[-1][0] - started, handled, len(replies))


async def measure(
    name: str,
    count: int,
    warmup: int,
    app: Application[Any, Any, Any, Any, Any, Any],
    request: TimedFakeRequest,
    make: Callable[[int], Json],
    before: Callable[[int], Awaitable[None]] | None = None,
    after: Callable[[int], Awaitable[None]] | None = None,
    drain: Callable[[], Awaitable[None]] | None = None,
) -> Case:
    case = Case(name)
    gc.collect()  # start from a clean heap: earlier cases' garbage is not this one's to pay
    for i in range(warmup + count):
        if before is not None:
            await before(i)
        timing = await timed(app, request, make(i))
        if drain is not None:
            await drain()
        if after is not None:
            await after(i)
        if i >= warmup:
            case.samples.append(timing)
    return case


# --- The baseline: a bare PTB echo bot -------------------------------------------------------------------


async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.message is not None and update.message.text is not None
    await update.message.reply_text(update.message.text)


async def echo_case(count: int, warmup: int, *, with_store: bool = False) -> Case:
    """The bare echo bot; with `with_store`, it first reads the user's row through Relance's store (the
    floor for any command that touches the database)."""
    fake = LeanTelegram(token=TOKEN)
    request = TimedFakeRequest(fake)
    app = ApplicationBuilder().token(TOKEN).request(request).get_updates_request(request).build()
    fake.add_user(USER, first_name="Claire", language_code="en")
    with _scratch() as folder:
        store = await open_store(Path(folder) / "relance.sqlite3")
        await store.freelancers.create(
            telegram_user_id=USER, display_name="Claire", language="en", timezone="Europe/Paris", now=START
        )

        async def echo_after_read(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
            await store.freelancers.by_telegram_id(USER)
            await echo(update, context)

        app.add_handler(
            MessageHandler(filters.TEXT & ~filters.COMMAND, echo_after_read if with_store else echo)
        )
        await app.initialize()
        await app.start()
        name = "echo bot + one Relance DB read (yardstick)" if with_store else "echo bot (PTB baseline)"
        try:
            return await measure(
                name, count, warmup, app, request, lambda i: fake.message_update(USER, f"hello {i}")
            )
        finally:
            await app.stop()
            await app.shutdown()
            await store.close()


# --- Relance --------------------------------------------------------------------------------------------


async def seed_freelancer(
    running: RunningApp, telegram_id: int, *, invoices: int, clients: int, plan_reminders: bool = True
) -> list[int]:
    """An onboarded freelancer with open invoices, most of them overdue; returns the invoice ids."""
    store, now = running.store, running.clock.now()
    freelancer = await store.freelancers.create(
        telegram_user_id=telegram_id,
        display_name="Claire Martin",
        language="en",
        timezone="Europe/Paris",
        now=now,
    )
    await store.freelancers.update(
        freelancer.id, onboarded=True, iban="FR7630006000011234567890189", business_name="Studio Martin"
    )
    client_ids = [
        (await store.clients.create(freelancer.id, f"Client {k:03d}", now=now)).id for k in range(clients)
    ]
    today = now.date()
    ids = []
    for i in range(invoices):
        due = today - timedelta(days=(i * 7) % 120 - 5)  # from 5 days ahead to 114 days late
        new = NewInvoice(
            client_ids[i % clients], f"F-2026-{i:04d}", 10_000 + 137 * i, "EUR", due - timedelta(days=30), due,
            reminders_enabled=True,
        )  # fmt: skip
        invoice = await store.invoices.create(freelancer.id, new, now=now)
        if plan_reminders:
            await running.services.invoice_changed(invoice)
        ids.append(invoice.id)
    running.fake.add_user(telegram_id, first_name="Claire", language_code="en")
    return ids


async def relance_cases(count: int, warmup: int, open_invoices: int) -> tuple[list[Case], float]:
    """The cases, and how long one full garbage collection of this process takes (seconds)."""
    with _scratch() as folder:
        running = await start_relance(
            Path(folder) / "relance.sqlite3", now=START, fake=LeanTelegram(token=TOKEN)
        )
        try:
            cases = await _relance_cases(running, count, warmup, open_invoices)
            gc.collect()  # the garbage first; then time a pass over what lives
            started = time.perf_counter()
            gc.collect()
            return cases, time.perf_counter() - started
        finally:
            await running.stop()


async def _relance_cases(running: RunningApp, count: int, warmup: int, open_invoices: int) -> list[Case]:
    app, request, fake = running.app, running.request, running.fake
    invoice_ids = await seed_freelancer(running, USER, invoices=open_invoices, clients=25)
    drain = running.services.drain

    async def say(text: str) -> None:
        await timed(app, request, fake.message_update(USER, text))
        await drain()

    def text(message: str) -> Callable[[int], Json]:
        return lambda i: fake.message_update(USER, message)

    cases = [
        await measure("/start (known user)", count, warmup, app, request, text("/start"), drain=drain),
        await measure("/new (opens the draft)", count, warmup, app, request, text("/new"),
                      after=lambda i: say("/cancel"), drain=drain),
        await measure("/new step (types a new client's name)", count, warmup, app, request,
                      lambda i: fake.message_update(USER, f"Newco {i}"),
                      before=lambda i: say("/new"), after=lambda i: say("/cancel"), drain=drain),
        await measure(f"/invoices ({open_invoices} open)", count, warmup, app, request, text("/invoices"), drain=drain),
    ]  # fmt: skip
    overdue_count = max(20, count // 3)
    cases.append(
        await measure(f"/overdue ({open_invoices} open invoices)", overdue_count, min(warmup, 10), app, request,
                      text("/overdue"), drain=drain)
    )  # fmt: skip
    # What-if: the objects alive after start-up moved out of the collector's way (gc.freeze), so that a
    # full collection only walks what came after. Not what Relance does today: a labelled comparison.
    gc.collect()
    gc.freeze()
    try:
        frozen = await measure(f"/overdue ({open_invoices} open), gc.freeze() after start-up (what-if)",
                               overdue_count, min(warmup, 10), app, request, text("/overdue"), drain=drain)  # fmt: skip
    finally:
        gc.unfreeze()
    cases.append(frozen)
    # "✅ Mark paid" on the card: pays one invoice (replans its reminders), edits the message in place.
    message_id = fake.last_bot_message(USER).message_id
    presses = min(count, len(invoice_ids) - warmup)
    cases.append(
        await measure("✅ Mark paid button", presses, warmup, app, request,
                      lambda i: fake.callback_update(USER, message_id, f"inv:paid:{invoice_ids[i]}"), drain=drain)
    )  # fmt: skip
    return cases


# --- Throughput: many users at once ---------------------------------------------------------------------


class ObservedProcessor(BaseUpdateProcessor):
    """Wraps an update processor to see, per user, in which order updates start and whether they overlap."""

    def __init__(self, inner: BaseUpdateProcessor) -> None:
        super().__init__(inner.max_concurrent_updates)
        self.inner = inner
        self.started: dict[int, list[int]] = defaultdict(list)
        self._running: dict[int, int] = defaultdict(int)
        self.overlaps = 0

    async def _observed(self, update: object, coroutine: Awaitable[Any]) -> None:
        assert isinstance(update, Update) and update.effective_user is not None
        user = update.effective_user.id
        self.started[user].append(update.update_id)
        self._running[user] += 1
        self.overlaps += self._running[user] > 1
        try:
            await coroutine
        finally:
            self._running[user] -= 1

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        # PTB's process_update (final) holds this processor's semaphore, as large as the inner one's.
        await self.inner.do_process_update(update, self._observed(update, coroutine))

    async def initialize(self) -> None:
        await self.inner.initialize()

    async def shutdown(self) -> None:
        await self.inner.shutdown()


SCRIPT = ["/invoices", "/new", "Newco {user}", "/cancel"]
EXPECTED = ["open invoices", "Which client is it for?", "New client “Newco {user}”", "Stopped."]
"""What each message of SCRIPT must get back, in this order, when the user's updates stay in order."""


@dataclass
class Burst:
    processor: str
    delay: float
    updates: int
    seconds: float
    reply_times: list[float]
    disordered_users: int
    overlapping: int


async def burst(
    processor_name: str, make: Callable[[], BaseUpdateProcessor], users: int, delay: float
) -> Burst:
    with _scratch() as folder:
        observed = ObservedProcessor(make())
        running = await start_relance(Path(folder) / "relance.sqlite3", now=START, processor=observed)
        try:
            user_ids = [100_000 + u for u in range(users)]
            for user in user_ids:
                await seed_freelancer(running, user, invoices=5, clients=2, plan_reminders=False)
            running.fake.delay("*", delay)
            app, fake = running.app, running.fake
            updates = [
                Update.de_json(fake.message_update(user, message.format(user=user)), app.bot)
                for message in SCRIPT
                for user in user_ids
            ]
            mark = len(running.request.arrivals)
            started = time.perf_counter()
            for update in updates:
                app.update_queue.put_nowait(update)
            await app.update_queue.join()
            await running.services.drain()
            seconds = time.perf_counter() - started
            arrivals = running.request.arrivals[mark:]
            disordered = 0
            for user in user_ids:
                texts = [m.text or "" for m in fake.bot_messages(user)]
                expected = [e.format(user=user) for e in EXPECTED]
                in_order = len(texts) == len(expected) and all(
                    e in t for e, t in zip(expected, texts, strict=True)
                )
                ids = observed.started[user]
                disordered += not in_order or ids != sorted(ids)
            return Burst(
                processor_name, delay, len(updates), seconds, [t - started for t, _m, _c in arrivals],
                disordered, observed.overlaps,
            )  # fmt: skip
        finally:
            running.fake.delay("*", 0)
            await running.stop()


# --- The report -------------------------------------------------------------------------------------------


async def run(quick: bool = False) -> Result:
    count, warmup, invoices = (150, 20, 500) if quick else (600, 50, 500)
    users = 50 if quick else 200
    result = Result("update_handling", params={"samples": count, "warmup": warmup, "open_invoices": invoices,
                                               "burst_users": users, "burst_script": SCRIPT})  # fmt: skip
    baseline = await echo_case(count, warmup)
    yardstick = await echo_case(count, warmup, with_store=True)
    cases, full_gc = await relance_cases(count, warmup, invoices)
    result.data["full_gc_ms"] = full_gc * 1000
    base_p50 = percentile(baseline.column("first_reply"), 50)
    latency = Table(
        "Update → reply request at the fake (ms; in-process fake, no network delay, no rate limits)",
        ["update", "n", "p50", "p95", "p99", "p50 ÷ echo p50", "all replies p99", "replies"],
    )
    for case in [baseline, yardstick, *cases]:
        first, last = case.column("first_reply"), case.column("last_reply")
        p50 = percentile(first, 50)
        latency.add(
            case.name, len(case.samples), ms(p50), ms(percentile(first, 95)), ms(percentile(first, 99)),
            f"{p50 / base_p50:.1f}×", ms(percentile(last, 99)), max(s.replies for s in case.samples),
        )  # fmt: skip
        result.data[case.name] = {
            "first_reply_ms": {p: percentile(first, p) * 1000 for p in (50, 95, 99)},
            "last_reply_ms": {p: percentile(last, p) * 1000 for p in (50, 95, 99)},
            "handled_ms": {p: percentile(case.column("handled"), p) * 1000 for p in (50, 95, 99)},
        }
    latency.notes.append(
        "p50/p95/p99: until the first reply request arrives; 'all replies': until the last one, when an "
        "update is answered with several messages. The "
        "yardstick is the echo bot reading one row through Relance's store first: one round trip to "
        f"aiosqlite's thread. A full garbage collection of this process takes {full_gc * 1000:.0f} ms; when "
        "Python runs one during a sample, it lands in p99."
    )
    result.tables.append(latency)
    simple = [c for c in cases if not c.name.startswith("/overdue")]
    ratios = {c.name.split(" (")[0]: percentile(c.column("first_reply"), 50) / base_p50 for c in simple}
    floor = percentile(yardstick.column("first_reply"), 50) / base_p50
    result.target(
        "commands p50 vs echo p50",
        "≤ 1.5×",
        ", ".join(f"{name} {ratio:.1f}×" for name, ratio in ratios.items())
        + f" (echo + 1 DB read: {floor:.1f}×)",
        max(ratios.values()) <= 1.5,
    )
    overdue, frozen = [c for c in cases if c.name.startswith("/overdue")]
    p99 = percentile(overdue.column("first_reply"), 99)
    measured = (
        f"{ms(p99)} ms (p95 {ms(percentile(overdue.column('first_reply'), 95))} ms; with gc.freeze(): "
        f"p99 {ms(percentile(frozen.column('first_reply'), 99))} ms)"
    )
    result.target(f"/overdue ({invoices} invoices) p99", "≤ 50 ms", measured, p99 <= 0.050)

    processors: list[tuple[str, Callable[[], BaseUpdateProcessor]]] = [
        ("PTB default (sequential)", lambda: SimpleUpdateProcessor(1)),
        ("PTB concurrent_updates=True", lambda: SimpleUpdateProcessor(256)),
        ("PerUserUpdateProcessor (Relance)", PerUserUpdateProcessor),
    ]
    bursts = [await burst(name, make, users, delay) for delay in (0.0, 0.020) for name, make in processors]
    table = Table(
        f"{users} users send {len(SCRIPT)} messages each at once ({users * len(SCRIPT)} updates through app.update_queue)",
        ["processor", "Bot API delay", "seconds", "updates/s", "reply p50 ms", "reply p99 ms",
         "users out of order", "same-user overlaps"],
    )  # fmt: skip
    for b in bursts:
        table.add(
            b.processor, f"{b.delay * 1000:.0f} ms", f"{b.seconds:.2f}", rate(b.updates / b.seconds),
            ms(percentile(b.reply_times, 50)), ms(percentile(b.reply_times, 99)), b.disordered_users, b.overlapping,
        )  # fmt: skip
        result.data[f"burst {b.processor} {b.delay * 1000:.0f}ms"] = {
            "updates": b.updates, "seconds": b.seconds, "updates_per_s": b.updates / b.seconds,
            "disordered_users": b.disordered_users, "overlaps": b.overlapping,
        }  # fmt: skip
    table.notes.append(
        "Reply times count from the moment the whole burst was queued. 'Out of order': a user whose replies "
        f"were not {EXPECTED!r} in that order, or whose updates started out of order; 'overlaps': a user's "
        "update starting while another of theirs was still running. Bot API delay: every request answered "
        "that much later (a network round trip)."
    )
    result.tables.append(table)
    per_user = [b for b in bursts if b.processor.startswith("PerUser")]
    sequential = [b for b in bursts if b.processor.startswith("PTB default")]
    slow_seq, slow_per = sequential[-1], per_user[-1]
    speedup = (slow_per.updates / slow_per.seconds) / (slow_seq.updates / slow_seq.seconds)
    result.target("PerUserUpdateProcessor keeps each user's order", "0 users out of order, 0 overlaps",
                  f"{sum(b.disordered_users for b in per_user)} / {sum(b.overlapping for b in per_user)}",
                  all(b.disordered_users == 0 and b.overlapping == 0 for b in per_user))  # fmt: skip
    result.target("users do not wait behind each other (20 ms API delay)", "throughput ≫ sequential",
                  f"{speedup:.0f}× sequential", speedup > 5)  # fmt: skip
    return result


def main(quick: bool = False) -> Result:
    result = asyncio.run(run(quick))
    result.show()
    result.save()
    return result


if __name__ == "__main__":
    import sys

    main("--quick" in sys.argv)
