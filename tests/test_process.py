"""The real `relance` process against the fake Telegram over HTTP: start, answer, stop cleanly."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import IO

import pytest

from tests.fake_telegram import FakeTelegram, FakeTelegramServer
from tests.harness import TOKEN
from tests.polling import wait_until


@pytest.fixture
def server() -> Iterator[FakeTelegramServer]:
    with FakeTelegramServer(FakeTelegram(token=TOKEN)) as running:
        yield running


def relance(
    tmp_path: Path, env: dict[str, str], *args: str, log: IO[str] | None = None
) -> subprocess.Popen[str]:
    """Start `relance`; a long-running process logs to `log` (a file): a pipe nobody reads
    while it runs fills up at DEBUG level and blocks the process on its next log line."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "SMTP_", "RELANCE_"))}
    return subprocess.Popen(
        [sys.executable, "-m", "bot", *args],
        env={**clean, **env},
        cwd=tmp_path,
        stdout=subprocess.PIPE if log is None else subprocess.DEVNULL,
        stderr=subprocess.PIPE if log is None else log,
        text=True,
    )


def test_process_answers_start_in_french_and_stops_on_sigterm(
    tmp_path: Path, server: FakeTelegramServer
) -> None:
    env = {
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "TELEGRAM_API_BASE_URL": server.base_url,
        "RELANCE_DB": str(tmp_path / "data" / "relance.sqlite3"),
        "LOG_LEVEL": "DEBUG",
    }
    log_path = tmp_path / "relance.log"
    with log_path.open("w") as log:
        proc = relance(tmp_path, env, "run", log=log)
    try:
        fake = server.fake
        fake.add_user(42, first_name="Zoé", language_code="fr")
        fake.message_update(42, "/start")
        assert wait_until(lambda: len(fake.bot_messages(42)) >= 2, 20), "timed out waiting for the bot"
        assert "Bonjour" in fake.bot_messages(42)[0].text
        assert [c["command"] for c in fake.commands(language_code="fr")][:2] == ["new", "invoices"]
        started = time.monotonic()
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=15)
    finally:
        proc.kill()
    logs = log_path.read_text()
    assert proc.returncode == 0
    assert time.monotonic() - started < 10
    assert "Relance is running" in logs
    assert TOKEN not in logs, "the bot token leaked into the logs"
    assert (tmp_path / "data" / "relance.sqlite3").exists()


def test_missing_token_gives_one_clear_line_and_exit_code_2(tmp_path: Path) -> None:
    proc = relance(tmp_path, {}, "run")
    out, err = proc.communicate(timeout=30)
    assert proc.returncode == 2
    assert err.strip().count("\n") == 0
    assert "TELEGRAM_BOT_TOKEN" in err and "@BotFather" in err
    assert "Traceback" not in err + out


def test_refused_token_is_reported_without_traceback(tmp_path: Path, server: FakeTelegramServer) -> None:
    other = "999999:WRONG-TOKEN-abcdefghijklmnopqrstuv"
    proc = relance(tmp_path, {"TELEGRAM_BOT_TOKEN": other, "TELEGRAM_API_BASE_URL": server.base_url}, "run")
    _out, err = proc.communicate(timeout=30)
    assert proc.returncode == 2
    assert "refused by Telegram" in err
    assert "Traceback" not in err
    assert other not in err


def test_backup_makes_a_consistent_copy(tmp_path: Path) -> None:
    env = {"TELEGRAM_BOT_TOKEN": TOKEN, "RELANCE_DB": str(tmp_path / "relance.sqlite3")}
    assert relance(tmp_path, env, "migrate").wait(timeout=30) == 0
    proc = relance(tmp_path, env, "backup", str(tmp_path / "copy.sqlite3"))
    out, err = proc.communicate(timeout=30)
    assert proc.returncode == 0, err
    import sqlite3

    with sqlite3.connect(tmp_path / "copy.sqlite3") as copy:
        assert copy.execute("SELECT count(*) FROM schema_migrations").fetchone()[0] >= 1


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _post(port: int, update: dict[str, object], secret: str | None) -> int:
    headers = {"Content-Type": "application/json"}
    if secret is not None:
        headers["X-Telegram-Bot-Api-Secret-Token"] = secret
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/telegram", data=json.dumps(update).encode(), headers=headers, method="POST"
    )
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return int(response.status)
    except urllib.error.HTTPError as refused:
        return int(refused.code)
    except urllib.error.URLError:
        return 0  # not listening (yet): PTB may call setWebhook before its server accepts connections


def test_webhook_mode_answers_what_telegram_pushes_and_refuses_a_wrong_secret(
    tmp_path: Path, server: FakeTelegramServer
) -> None:
    port = _free_port()
    env = {
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "TELEGRAM_API_BASE_URL": server.base_url,
        "RELANCE_DB": str(tmp_path / "relance.sqlite3"),
        "RELANCE_WEBHOOK_URL": "https://relance.example.com/telegram",
        "RELANCE_WEBHOOK_LISTEN": f"127.0.0.1:{port}",
    }
    log_path = tmp_path / "relance.log"
    with log_path.open("w") as log:
        proc = relance(tmp_path, env, "run", log=log)
    fake = server.fake
    try:
        assert wait_until(lambda: fake.webhook_url != "", 20), "the bot never called setWebhook"
        assert fake.webhook_url == "https://relance.example.com/telegram"
        secret = fake.webhook_secret
        assert len(secret) >= 16 and TOKEN not in secret
        fake.add_user(42, first_name="Zoé", language_code="fr")
        update = fake.message_update(42, "/start")
        assert wait_until(lambda: _post(port, update, secret) == 200, 20)
        assert wait_until(lambda: len(fake.bot_messages(42)) >= 1, 20), "the pushed /start got no answer"
        assert "Bonjour" in fake.bot_messages(42)[0].text
        forged = fake.message_update(42, "/help")
        assert _post(port, forged, "not-the-secret-at-all") == 403
        assert _post(port, forged, None) == 403
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=15)
    finally:
        proc.kill()
    assert proc.returncode == 0, log_path.read_text()[-2000:]
    logs = log_path.read_text()
    assert "receiving updates by webhook at https://relance.example.com/telegram" in logs
    assert secret not in logs and TOKEN not in logs


def test_a_webhook_url_that_is_not_https_is_refused_in_one_line(tmp_path: Path) -> None:
    env = {"TELEGRAM_BOT_TOKEN": TOKEN, "RELANCE_WEBHOOK_URL": "http://relance.example.com/telegram"}
    proc = relance(tmp_path, env, "run")
    _out, err = proc.communicate(timeout=30)
    assert proc.returncode == 2
    assert "RELANCE_WEBHOOK_URL" in err and "https" in err and "Traceback" not in err
