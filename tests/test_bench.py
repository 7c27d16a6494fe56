"""The benchmarks keep working as the code changes: a small generated database, dispatched end to end."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

from bench.dispatch import dispatch
from bench.generate import generate


def test_a_generated_database_follows_the_schema_and_its_due_reminders_all_go_out(tmp_path: Path) -> None:
    meta = generate(2_000, tmp_path / "relance-2k.sqlite3", quiet=True)
    assert meta.rows["invoices"] == 2_000 and meta.due == 20
    with sqlite3.connect(meta.path) as conn:
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
    conn.close()

    run = asyncio.run(dispatch(meta, due=None, limited=False))

    assert run.due == 20 and run.sent == 20 and run.reminders == 20
    assert run.notices == 5  # four reminders per freelancer, one notice each
    assert not list(tmp_path.glob("work-*")), "the working copy is removed"
