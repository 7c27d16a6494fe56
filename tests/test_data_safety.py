"""Data safety: erase my data, export from the command line, backups while running, full disks."""

from __future__ import annotations

import csv
import io
import sqlite3
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from tests.conftest import onboard
from tests.harness import TOKEN, Harness
from tests.reminders.helpers import invoice_with_reminders
from tests.seed import register_invoice


async def test_deletemydata_erases_everything_after_confirmation(h: Harness) -> None:
    s = await invoice_with_reminders(h)
    reply = await s.user.send("/deletemydata")
    assert "permanently deletes" in reply.text
    reply = await s.user.press("No, keep it")
    assert "Nothing was deleted" in reply.text
    assert await h.store.freelancers.by_telegram_id(s.user.id) is not None

    await s.user.send("/deletemydata")
    reply = await s.user.press("Yes, delete everything")
    assert "All your data has been deleted" in reply.text
    assert await h.store.freelancers.by_telegram_id(s.user.id) is None
    for table in ("clients", "contacts", "invoices", "payments", "reminders"):
        row = await h.store.db.fetchone(f"SELECT count(*) AS n FROM {table}")  # noqa: S608 - fixed names
        assert row is not None and row["n"] == 0, table
    reply = await s.user.send("/invoices")
    assert "Send /start first" in reply.text


def test_cli_export_writes_both_csv_files(tmp_path: Path) -> None:
    db = tmp_path / "relance.sqlite3"
    env = {"TELEGRAM_BOT_TOKEN": TOKEN, "RELANCE_DB": str(db), "PATH": "/usr/bin:/bin"}
    assert subprocess.run([sys.executable, "-m", "bot", "migrate"], env=env, cwd=tmp_path).returncode == 0
    with sqlite3.connect(db) as conn:
        conn.execute(
            "INSERT INTO freelancers (telegram_user_id, language, timezone, created_at) VALUES (77, 'fr', 'Europe/Paris', 0)"
        )
        conn.execute(
            "INSERT INTO clients (freelancer_id, name, created_at, last_used_at) VALUES (1, '=ACME', 0, 0)"
        )
        conn.execute(
            "INSERT INTO invoices (freelancer_id, client_id, number, amount_minor, currency, issue_date, due_date, created_at) "
            "VALUES (1, 1, 'F-1', 123456, 'EUR', '2026-11-01', '2026-12-01', 0)"
        )
    result = subprocess.run(
        [sys.executable, "-m", "bot", "export", "77", "--out", str(tmp_path / "out")],
        env=env, cwd=tmp_path, capture_output=True, text=True,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    rows = list(csv.DictReader(io.StringIO((tmp_path / "out" / "relance-invoices-77.csv").read_text())))
    assert rows[0]["number"] == "F-1" and rows[0]["amount"] == "1234.56" and rows[0]["client"] == "'=ACME"
    missing = subprocess.run([sys.executable, "-m", "bot", "export", "78"], env=env, cwd=tmp_path,
                             capture_output=True, text=True)  # fmt: skip
    assert missing.returncode == 2 and "no freelancer" in missing.stderr and "Traceback" not in missing.stderr


@pytest.mark.sqlite_only
async def test_online_backup_is_consistent_while_the_bot_runs(h: Harness, tmp_path: Path) -> None:
    await invoice_with_reminders(h)
    await h.store.db.backup_to(tmp_path / "copy.sqlite3")
    with sqlite3.connect(tmp_path / "copy.sqlite3") as copy:
        assert copy.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert copy.execute("SELECT count(*) FROM invoices").fetchone()[0] == 1


@pytest.mark.sqlite_only
async def test_full_disk_gives_an_apology_and_no_corruption(h: Harness) -> None:
    user = await onboard(h)
    freelancer = await h.store.freelancers.by_telegram_id(user.id)
    assert freelancer is not None
    client = await h.store.clients.create(freelancer.id, "ACME", now=h.clock.now())
    pages = await h.store.db.fetchone("PRAGMA page_count")
    assert pages is not None
    await h.store.db.execute(f"PRAGMA max_page_count = {pages[0]}")  # the "disk" is now full
    big = "x" * 200
    for i in range(200):
        try:
            await register_invoice(
                h, freelancer.id, f"F-{i}", 100, client=client.id, due=date(2026, 12, 1), description=big
            )
        except sqlite3.OperationalError as exc:
            assert "full" in str(exc)
            break
    else:
        raise AssertionError("the database never filled up")
    reply = await user.send("/paid F-0")
    assert "Marked paid" in reply.text or "something went wrong on my side" in reply.text
    check = await h.store.db.fetchone("PRAGMA integrity_check")
    assert check is not None and check[0] == "ok"
