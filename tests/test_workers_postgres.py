"""Three `relance` workers on one PostgreSQL database, one SIGKILLed at random moments and restarted.

The workers receive updates by webhook (as behind a load balancer) and share the reminder schedule
in the database. Afterwards every reminder is sent or uncertain (reported to the freelancer), and
no client ever received the same reminder twice. `make test` kills 3 times over 300 reminders;
`make soak` kills 10 times over 2,000. Needs a PostgreSQL server (RELANCE_TEST_DATABASE_URL or
127.0.0.1:5432); skipped with the reason otherwise.
"""

from __future__ import annotations

import asyncio
import os
import random
import signal
import socket
import subprocess
import sys
import uuid
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from tests.databases import with_schema
from tests.fake_telegram import FakeTelegram, FakeTelegramServer
from tests.harness import TOKEN
from tests.polling import wait_until
from tests.test_crash_restart import CLIENT_BASE, CLOCK_START, FREELANCER_BASE, FREELANCERS, ZONE
from tests.test_crash_restart import seed as seed_reminders

URL = os.environ.get("RELANCE_TEST_DATABASE_URL", "").strip() or "postgresql://postgres@127.0.0.1:5432/test"
WORKERS = 3
FINAL = {"sent", "failed", "skipped", "uncertain"}

pytestmark = pytest.mark.sqlite_only  # it picks its own PostgreSQL schema; run once, not per backend


def _server_answers() -> bool:
    try:
        socket.create_connection(("127.0.0.1", 5432), timeout=1).close()
    except OSError:
        return False
    return True


async def _sql(url: str, query: str) -> list[tuple[object, ...]]:
    import asyncpg

    conn = await asyncpg.connect(url)
    try:
        return [tuple(r) for r in await conn.fetch(query)]
    finally:
        await conn.close()


@pytest.fixture
def schema_url() -> Iterator[str]:
    if not _server_answers():
        pytest.skip("no PostgreSQL server on 127.0.0.1:5432")
    pytest.importorskip("asyncpg")
    schema = "workers_" + uuid.uuid4().hex[:12]
    asyncio.run(_sql(URL, f'CREATE SCHEMA "{schema}"'))
    try:
        yield with_schema(URL, schema)
    finally:
        asyncio.run(_sql(URL, f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def start_worker(
    url: str, server: FakeTelegramServer, tmp: Path, *, later: timedelta = timedelta(0)
) -> subprocess.Popen[bytes]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "SMTP_", "RELANCE_"))}
    env.update(
        TELEGRAM_BOT_TOKEN=TOKEN,
        TELEGRAM_API_BASE_URL=server.base_url,
        RELANCE_DB=url,
        LOG_LEVEL="WARNING",
        RELANCE_CLOCK_START=(CLOCK_START + later).isoformat(),
        RELANCE_WEBHOOK_URL="https://relance.example.com/telegram",
        RELANCE_WEBHOOK_LISTEN=f"127.0.0.1:{_free_port()}",
    )
    log = (tmp / "workers.log").open("ab")
    return subprocess.Popen([sys.executable, "-m", "bot", "run"], env=env, cwd=tmp, stdout=log, stderr=log)


def statuses(url: str) -> dict[str, int]:
    rows = asyncio.run(_sql(url, "SELECT status, count(*) FROM reminders GROUP BY status"))
    return {str(status): int(str(n)) for status, n in rows}


def uncertain_numbers(url: str) -> list[str]:
    rows = asyncio.run(
        _sql(
            url,
            "SELECT i.number FROM reminders r JOIN invoices i ON i.id = r.invoice_id WHERE r.status = 'uncertain'",
        )
    )
    return [str(number) for (number,) in rows]


def client_deliveries(fake: FakeTelegram) -> int:
    return sum(1 for d in fake.deliveries if d.chat_id >= CLIENT_BASE)


def run_workers(tmp_path: Path, url: str, *, reminders: int, kills: int) -> None:
    import tests.test_crash_restart as crash

    crash_reminders, crash.REMINDERS = crash.REMINDERS, reminders
    try:
        asyncio.run(seed_reminders(url, ZONE))  # type: ignore[arg-type]
    finally:
        crash.REMINDERS = crash_reminders
    fake = FakeTelegram(token=TOKEN)
    for f in range(FREELANCERS):
        fake.add_user(FREELANCER_BASE + f, language_code="en")
        fake.user(FREELANCER_BASE + f).started = True
    for i in range(reminders):
        fake.add_user(CLIENT_BASE + i, language_code="en")
        fake.user(CLIENT_BASE + i).started = True
    rng = random.Random(kills)
    with FakeTelegramServer(fake) as server:
        workers = [start_worker(url, server, tmp_path) for _ in range(WORKERS)]
        try:
            for _ in range(kills):
                target = client_deliveries(fake) + rng.randint(1, max(1, reminders // (kills + 2)))
                wait_until(
                    lambda target=target: (
                        client_deliveries(fake) >= target or statuses(url).get("planned", 0) == 0
                    ),
                    60,
                )
                victim = rng.randrange(WORKERS)
                workers[victim].send_signal(signal.SIGKILL)
                workers[victim].wait(timeout=10)
                workers[victim] = start_worker(url, server, tmp_path)
            # Later on (past the claim lease), the live workers settle what the killed ones held.
            for n, worker in enumerate(workers):
                worker.send_signal(signal.SIGTERM)
                worker.wait(timeout=15)
                workers[n] = start_worker(url, server, tmp_path, later=timedelta(minutes=5))
            finished = wait_until(lambda: set(statuses(url)) <= FINAL, 180)
            assert finished, f"reminders still pending: {statuses(url)}"
            uncertain = uncertain_numbers(url)
            told = wait_until(
                lambda: all(any(n in d.text and "may not have been delivered" in d.text for d in fake.deliveries)
                            for n in uncertain), 30)  # fmt: skip
            assert told, "uncertain reminders never reported to their freelancer"
        finally:
            for worker in workers:
                worker.send_signal(signal.SIGTERM)
            for worker in workers:
                try:
                    worker.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    worker.kill()

    per_client: dict[int, int] = {}
    for d in fake.deliveries:
        if d.chat_id >= CLIENT_BASE:
            per_client[d.chat_id] = per_client.get(d.chat_id, 0) + 1
    twice = {chat: n for chat, n in per_client.items() if n > 1}
    assert twice == {}, f"clients reminded more than once: {twice}"
    counts = statuses(url)
    reasons = asyncio.run(
        _sql(url, "SELECT status, last_error FROM reminders WHERE status NOT IN ('sent', 'uncertain')")
    )
    assert counts.get("sent", 0) + counts.get("uncertain", 0) == reminders, (counts, reasons[:5])
    delivered_uncertain = sum(
        1 for d in fake.deliveries if d.chat_id >= CLIENT_BASE and any(n in d.text for n in uncertain)
    )
    assert counts.get("sent", 0) == client_deliveries(fake) - delivered_uncertain  # every delivery recorded


def test_three_workers_on_postgres_three_kills(tmp_path: Path, schema_url: str) -> None:
    run_workers(tmp_path, schema_url, reminders=300, kills=3)


@pytest.mark.soak
def test_three_workers_on_postgres_ten_kills_two_thousand_reminders(tmp_path: Path, schema_url: str) -> None:
    run_workers(tmp_path, schema_url, reminders=2000, kills=10)
