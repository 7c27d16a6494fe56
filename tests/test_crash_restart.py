"""Crash and restart: the real `relance` process, 500 reminders due, killed with SIGKILL mid-dispatch.

Afterwards every reminder is sent, failed, skipped or uncertain (and uncertain ones are reported to
the freelancer), and no client ever received the same reminder twice. `make soak` runs 20 kills.
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from datetime import UTC, date, datetime, timedelta
from functools import partial
from pathlib import Path

import pytest

from bot.storage import open_store
from bot.storage.invoices import NewInvoice
from bot.storage.reminders import PlannedRow
from tests.fake_telegram import FakeTelegram, FakeTelegramServer
from tests.harness import TOKEN
from tests.polling import wait_until

REMINDERS = 500
FREELANCERS = 25
FREELANCER_BASE, CLIENT_BASE = 10_000, 20_000


CLOCK_START = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)  # a Tuesday morning: within quiet-hour rules
ZONE = "Europe/Paris"


async def seed(db: Path, zone: str) -> None:
    """Freelancers, clients linked in Telegram, invoices, and one reminder each, due a minute ago."""
    store = await open_store(db)
    now = CLOCK_START
    try:
        for f in range(FREELANCERS):
            freelancer = await store.freelancers.create(
                telegram_user_id=FREELANCER_BASE + f,
                display_name=f"Free {f}",
                language="en",
                timezone=zone,
                now=now,
            )
            await store.freelancers.update(freelancer.id, onboarded=True)
        for i in range(REMINDERS):
            freelancer_id = 1 + i % FREELANCERS
            client = await store.clients.create(freelancer_id, f"Client {i}", now=now)
            contact = await store.clients.add_contact(client.id, name="", email=None, now=now)
            await store.clients.link_telegram(contact.id, CLIENT_BASE + i)
            new = NewInvoice(client.id, f"INV-{i:05d}", 10_000 + i, "EUR", date(2026, 1, 1), date(2026, 2, 1),
                             reminders_enabled=True)  # fmt: skip
            invoice = await store.invoices.create(freelancer_id, new, now=now)
            row = PlannedRow(1, 3, "friendly", "client", now - timedelta(minutes=1))
            await store.reminders.replace_plan(invoice.id, [row])
    finally:
        await store.close()


def start(db: Path, server: FakeTelegramServer, tmp: Path) -> subprocess.Popen[bytes]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "SMTP_", "RELANCE_"))}
    env.update(
        TELEGRAM_BOT_TOKEN=TOKEN,
        TELEGRAM_API_BASE_URL=server.base_url,
        RELANCE_DB=str(db),
        LOG_LEVEL="WARNING",
        RELANCE_CLOCK_START=CLOCK_START.isoformat(),
    )
    log = (tmp / "relance.log").open("ab")
    return subprocess.Popen([sys.executable, "-m", "bot", "run"], env=env, cwd=tmp, stdout=log, stderr=log)


def statuses(db: Path) -> dict[str, int]:
    with sqlite3.connect(db) as conn:
        return dict(conn.execute("SELECT status, count(*) FROM reminders GROUP BY status").fetchall())


def client_deliveries(fake: FakeTelegram) -> int:
    return sum(1 for d in fake.deliveries if d.chat_id >= CLIENT_BASE)


def kill_moment(fake: FakeTelegram, db: Path, target: int) -> bool:
    return client_deliveries(fake) >= target or statuses(db).get("planned", 0) == 0


def run_trials(tmp_path: Path, kills: int) -> None:
    db = tmp_path / "relance.sqlite3"
    asyncio.run(seed(db, ZONE))
    fake = FakeTelegram(token=TOKEN)
    for f in range(FREELANCERS):
        fake.add_user(FREELANCER_BASE + f, language_code="en")
        fake.user(FREELANCER_BASE + f).started = True
    for i in range(REMINDERS):
        fake.add_user(CLIENT_BASE + i, language_code="en")
        fake.user(CLIENT_BASE + i).started = True
    rng = random.Random(kills)
    with FakeTelegramServer(fake) as server:
        for _ in range(kills):
            proc = start(db, server, tmp_path)
            target = client_deliveries(fake) + rng.randint(1, max(1, REMINDERS // (kills + 1)))
            # Whether or not the target is reached in time, this is when the process gets killed.
            wait_until(partial(kill_moment, fake, db, target), 60)
            proc.send_signal(signal.SIGKILL)
            proc.wait(timeout=10)
        proc = start(db, server, tmp_path)
        try:
            finished = wait_until(
                lambda: set(statuses(db)) <= {"sent", "failed", "skipped", "uncertain"}, 120
            )
            assert finished, f"reminders still pending: {statuses(db)}"
            # The freelancers are told about uncertain reminders right after they are marked so.
            told = wait_until(lambda: untold_uncertain(db, fake) == [], 30)
            assert told, f"uncertain reminders never reported: {untold_uncertain(db, fake)}"
        finally:
            proc.send_signal(signal.SIGTERM)
            proc.wait(timeout=15)

    for i in range(REMINDERS):
        to_client = [d for d in fake.deliveries if d.chat_id == CLIENT_BASE + i]
        assert len(to_client) <= 1, f"INV-{i:05d} delivered {len(to_client)} times"
    counts = statuses(db)
    assert counts.get("sent", 0) + counts.get("uncertain", 0) == REMINDERS, counts
    uncertain = uncertain_numbers(db)
    delivered_uncertain = sum(
        1 for d in fake.deliveries if d.chat_id >= CLIENT_BASE and any(n in d.text for n in uncertain)
    )
    assert (
        counts.get("sent", 0) == client_deliveries(fake) - delivered_uncertain
    )  # every delivery is recorded
    for number in uncertain:
        assert any(number in d.text and "may not have been delivered" in d.text for d in fake.deliveries), (
            number
        )


def untold_uncertain(db: Path, fake: FakeTelegram) -> list[str]:
    """Invoice numbers of uncertain reminders whose freelancer has not yet been told."""
    return [
        number
        for number in uncertain_numbers(db)
        if not any(number in d.text and "may not have been delivered" in d.text for d in fake.deliveries)
    ]


def uncertain_numbers(db: Path) -> list[str]:
    with sqlite3.connect(db) as conn:
        rows = conn.execute(
            "SELECT i.number FROM reminders r JOIN invoices i ON i.id = r.invoice_id WHERE r.status = 'uncertain'"
        )
        return [number for (number,) in rows]


def test_three_kills_during_dispatch_lose_nothing_and_send_nothing_twice(tmp_path: Path) -> None:
    run_trials(tmp_path, kills=3)


@pytest.mark.soak
def test_twenty_kills_during_dispatch(tmp_path: Path) -> None:
    run_trials(tmp_path, kills=20)


def test_sigterm_during_dispatch_exits_quickly_and_leaves_nothing_sending(tmp_path: Path) -> None:
    db = tmp_path / "relance.sqlite3"
    asyncio.run(seed(db, ZONE))
    fake = FakeTelegram(token=TOKEN)
    for i in range(REMINDERS):
        fake.add_user(CLIENT_BASE + i, language_code="en")
        fake.user(CLIENT_BASE + i).started = True
    for f in range(FREELANCERS):
        fake.add_user(FREELANCER_BASE + f, language_code="en")
        fake.user(FREELANCER_BASE + f).started = True
    with FakeTelegramServer(fake) as server:
        proc = start(db, server, tmp_path)
        try:
            assert wait_until(lambda: client_deliveries(fake) >= 20, 60)
            started = time.monotonic()
            proc.send_signal(signal.SIGTERM)
            assert proc.wait(timeout=15) == 0
            assert time.monotonic() - started < 10
        finally:
            proc.kill()
    assert statuses(db).get("sending", 0) == 0


def test_half_finished_new_invoice_resumes_after_sigkill(tmp_path: Path) -> None:
    db = tmp_path / "relance.sqlite3"
    asyncio.run(seed_freelancer(db))
    fake = FakeTelegram(token=TOKEN)
    fake.add_user(FREELANCER_BASE, language_code="en")
    user = FREELANCER_BASE

    def bot_says(fragment: str) -> bool:
        return any(fragment in m.text for m in fake.bot_messages(user))

    with FakeTelegramServer(fake) as server:
        proc = start(db, server, tmp_path)
        fake.message_update(user, "/new")
        assert wait_until(lambda: bot_says("Which client"), 30)
        fake.message_update(user, "ACME")
        assert wait_until(lambda: bot_says("New client"), 30)
        # PTB flushes the conversation and the draft to SQLite every second: kill only once they are there.
        assert wait_until(lambda: draft_is_saved(db, user, "ACME"), 30), "the draft never reached SQLite"
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)

        proc = start(db, server, tmp_path)
        try:
            fake.press(user, "Skip")
            assert wait_until(lambda: bot_says("Invoice number?"), 30), [
                m.text for m in fake.bot_messages(user)
            ]
        finally:
            proc.send_signal(signal.SIGTERM)
            proc.wait(timeout=15)


def draft_is_saved(db: Path, user_id: int, client_name: str) -> bool:
    """The user's conversation state and a draft naming ``client_name`` are both in the database."""
    with sqlite3.connect(db) as conn:
        drafts = conn.execute("SELECT data FROM user_state WHERE user_id = ?", (user_id,)).fetchall()
        keys = [json.loads(key) for (key,) in conn.execute("SELECT key FROM conversation_state")]
    return any(user_id in key for key in keys) and any(client_name in data for (data,) in drafts)


async def seed_freelancer(db: Path) -> None:
    store = await open_store(db)
    try:
        freelancer = await store.freelancers.create(
            telegram_user_id=FREELANCER_BASE,
            display_name="Claire",
            language="en",
            timezone=ZONE,
            now=CLOCK_START,
        )
        await store.freelancers.update(freelancer.id, onboarded=True)
    finally:
        await store.close()
