"""Formal notices (mises en demeure) drafted for an invoice: when, which deadline, and whether they were
e-mailed to the client. Every read by id also names the freelancer: a foreign id finds nothing."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import UTC, date, datetime

from bot.storage.db import Database


@dataclass(frozen=True)
class FormalNoticeRecord:
    id: int
    invoice_id: int
    letter_date: date
    deadline_days: int
    language: str
    amount_minor: int
    created_at: datetime
    emailed_to: str | None
    emailed_at: datetime | None


_COLUMNS = (
    "n.id, n.invoice_id, n.letter_date, n.deadline_days, n.language, n.amount_minor, n.created_at, "
    "n.emailed_to, n.emailed_at"
)


def _record(row: sqlite3.Row) -> FormalNoticeRecord:
    data = dict(row)
    data["letter_date"] = date.fromisoformat(data["letter_date"])
    data["created_at"] = datetime.fromtimestamp(data["created_at"], UTC)
    data["emailed_at"] = (
        None if data["emailed_at"] is None else datetime.fromtimestamp(data["emailed_at"], UTC)
    )
    return FormalNoticeRecord(**data)


class FormalNotices:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def record(
        self,
        invoice_id: int,
        *,
        letter_date: date,
        deadline_days: int,
        language: str,
        amount_minor: int,
        now: datetime,
    ) -> FormalNoticeRecord:
        cursor = await self._db.execute(
            "INSERT INTO formal_notices (invoice_id, letter_date, deadline_days, language, amount_minor, "
            "created_at) VALUES (?, ?, ?, ?, ?, ?)",
            (
                invoice_id,
                letter_date.isoformat(),
                deadline_days,
                language,
                amount_minor,
                int(now.timestamp()),
            ),
        )
        row = await self._db.fetchone(
            f"SELECT {_COLUMNS} FROM formal_notices n WHERE n.id = ?", (cursor.lastrowid,)
        )
        assert row is not None
        return _record(row)

    async def get(self, freelancer_id: int, notice_id: int) -> FormalNoticeRecord | None:
        row = await self._db.fetchone(
            f"SELECT {_COLUMNS} FROM formal_notices n JOIN invoices i ON i.id = n.invoice_id "
            "WHERE n.id = ? AND i.freelancer_id = ?",
            (notice_id, freelancer_id),
        )
        return _record(row) if row else None

    async def for_invoice(self, invoice_id: int) -> list[FormalNoticeRecord]:
        rows = await self._db.fetchall(
            f"SELECT {_COLUMNS} FROM formal_notices n WHERE n.invoice_id = ? ORDER BY n.created_at, n.id",
            (invoice_id,),
        )
        return [_record(r) for r in rows]

    async def mark_emailed(self, notice_id: int, recipient: str, now: datetime) -> bool:
        """Record the sending once; False when it was already e-mailed (a second press sends nothing)."""
        cursor = await self._db.execute(
            "UPDATE formal_notices SET emailed_to = ?, emailed_at = ? WHERE id = ? AND emailed_at IS NULL",
            (recipient, int(now.timestamp()), notice_id),
        )
        return cursor.rowcount == 1

    async def unmark_emailed(self, notice_id: int) -> None:
        """The e-mail failed after all: the notice may be sent again."""
        await self._db.execute(
            "UPDATE formal_notices SET emailed_to = NULL, emailed_at = NULL WHERE id = ?", (notice_id,)
        )
