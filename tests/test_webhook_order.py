"""Two webhook workers on one PostgreSQL database keep each user's order.

20 users each send 20 messages (a conversation: /invoices, /new, a client's name, /cancel, five
times), every message to the other worker than the one before, as a load balancer may spread them.
The conversation only reads right if each user's updates are handled in order, whichever worker
got them, with the conversation state the other worker left. Needs PostgreSQL (skipped otherwise).
"""

from __future__ import annotations

import asyncio
import json
import socket
import subprocess
import threading
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from bot.storage import open_store
from tests.fake_telegram import FakeTelegram, FakeTelegramServer
from tests.harness import TOKEN
from tests.polling import wait_until
from tests.test_crash_restart import CLOCK_START, ZONE
from tests.test_workers_postgres import schema_url  # noqa: F401  (the fixture)

USERS = 20
ROUNDS = 5
USER_BASE = 880_000
SCRIPT = ["/invoices", "/new", "Newco {user}", "/cancel"]
EXPECTED = ["open invoice", "Which client is it for?", "New client “Newco {user}”", "Stopped."]

pytestmark = pytest.mark.sqlite_only  # picks its own PostgreSQL schema: run once, not per backend


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def _seed(url: str) -> None:
    store = await open_store(url)
    try:
        for u in range(USERS):
            freelancer = await store.freelancers.create(
                telegram_user_id=USER_BASE + u, display_name=f"Free {u}", language="en", timezone=ZONE,
                now=CLOCK_START,
            )  # fmt: skip
            await store.freelancers.update(freelancer.id, onboarded=True)
    finally:
        await store.close()


def _worker(url: str, server: FakeTelegramServer, port: int, log: Path) -> subprocess.Popen[bytes]:
    import os
    import sys

    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "SMTP_", "RELANCE_"))}
    env.update(
        TELEGRAM_BOT_TOKEN=TOKEN,
        TELEGRAM_API_BASE_URL=server.base_url,
        RELANCE_DB=url,
        LOG_LEVEL="WARNING",
        RELANCE_CLOCK_START=CLOCK_START.isoformat(),
        RELANCE_WEBHOOK_URL="https://relance.example.com/telegram",
        RELANCE_WEBHOOK_LISTEN=f"127.0.0.1:{port}",
    )
    out = log.open("ab")
    return subprocess.Popen([sys.executable, "-m", "bot", "run"], env=env, stdout=out, stderr=out)


def _post(port: int, update: object, secret: str) -> int:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/telegram", data=json.dumps(update).encode(), method="POST",
        headers={"Content-Type": "application/json", "X-Telegram-Bot-Api-Secret-Token": secret},
    )  # fmt: skip
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return int(response.status)
    except urllib.error.HTTPError as refused:
        return int(refused.code)
    except urllib.error.URLError:
        return 0


@pytest.mark.xfail(
    reason="open defect (issue 17): in about one full-suite run in two, one user's draft from /new is not seen by "
    "the other worker on the next message ('That invoice draft is gone'); root cause not found yet",
    strict=False,
)
def test_two_webhook_workers_keep_each_users_order(tmp_path: Path, schema_url: str) -> None:  # noqa: F811
    asyncio.run(_seed(schema_url))
    fake = FakeTelegram(token=TOKEN)
    for u in range(USERS):
        fake.add_user(USER_BASE + u, first_name=f"Free {u}", language_code="en")
        fake.user(USER_BASE + u).started = True
    numbering = threading.Lock()  # update ids rise in the order messages are sent, as Telegram's do
    with FakeTelegramServer(fake) as server:
        ports = [_free_port(), _free_port()]
        workers = [_worker(schema_url, server, port, tmp_path / "workers.log") for port in ports]
        try:
            assert wait_until(lambda: fake.webhook_secret != "", 30), "no worker called setWebhook"
            for port in ports:  # both listening before the load starts
                probe = fake.message_update(USER_BASE, "/help")
                assert wait_until(
                    lambda port=port, probe=probe: _post(port, probe, fake.webhook_secret) == 200, 30
                )
            assert wait_until(lambda: len(fake.bot_messages(USER_BASE)) >= 2, 30)
            before = {u: len(fake.bot_messages(USER_BASE + u)) for u in range(USERS)}

            def user_session(u: int) -> list[int]:
                statuses = []
                for n in range(ROUNDS * len(SCRIPT)):
                    text = SCRIPT[n % len(SCRIPT)].format(user=u)
                    with numbering:
                        update = fake.message_update(USER_BASE + u, text)
                    statuses.append(_post(ports[(n + u) % 2], update, fake.webhook_secret))
                return statuses

            with ThreadPoolExecutor(USERS) as pool:
                answers = list(pool.map(user_session, range(USERS)))
            assert all(status == 200 for statuses in answers for status in statuses)
            total = ROUNDS * len(SCRIPT)
            assert wait_until(
                lambda: all(len(fake.bot_messages(USER_BASE + u)) - before[u] >= total for u in range(USERS)),
                90,
            ), "some messages got no answer"
        finally:
            for worker in workers:
                worker.terminate()
            for worker in workers:
                try:
                    worker.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    worker.kill()
    out_of_order = []
    for u in range(USERS):
        replies = [m.text for m in fake.bot_messages(USER_BASE + u)][before[u] :]
        expected = [EXPECTED[n % len(EXPECTED)].format(user=u) for n in range(ROUNDS * len(SCRIPT))]
        if len(replies) != len(expected) or not all(e in r for e, r in zip(expected, replies, strict=True)):
            out_of_order.append((u, [(i, r[:70]) for i, (e, r) in enumerate(zip(expected, replies, strict=True)) if e not in r]))
    assert out_of_order == [], out_of_order[:2]
    assert all(w.returncode == 0 for w in workers), (tmp_path / "workers.log").read_text()[-3000:]
