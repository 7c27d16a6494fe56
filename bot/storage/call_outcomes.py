"""What the freelancer's courtesy calls gave, per invoice: a promised date, no answer, or paid.

A promise carries `resume_at`, the moment the pause it made ends; `take_resume` clears it with a
conditional UPDATE, so the reminder job and a second process resume an invoice once.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import UTC, date, datetime

from bot.storage.db import Database

OUTCOMES = ("promised", "no_answer", "paid")


@dataclass(frozen=True)
class CallOutcome:
    id: int
    invoice_id: int
    outcome: str  # promised | no_answer | paid
    promised_on: date | None
    resume_at: datetime | None
    created_at: datetime
    source: str = "call"  # call | client | freelancer: who recorded the promise
    kept: bool | None = None  # a promise: None until its date has passed, then kept or broken


_COLUMNS = "c.id, c.invoice_id, c.outcome, c.promised_on, c.resume_at, c.created_at, c.source, c.kept"


def _outcome(row: sqlite3.Row) -> CallOutcome:
    data = dict(row)
    data["promised_on"] = date.fromisoformat(data["promised_on"]) if data["promised_on"] else None
    data["resume_at"] = None if data["resume_at"] is None else datetime.fromtimestamp(data["resume_at"], UTC)
    data["created_at"] = datetime.fromtimestamp(data["created_at"], UTC)
    data["kept"] = None if data["kept"] is None else bool(data["kept"])
    return CallOutcome(**data)


class CallOutcomes:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def record(
        self,
        invoice_id: int,
        outcome: str,
        *,
        now: datetime,
        promised_on: date | None = None,
        resume_at: datetime | None = None,
        source: str = "call",
    ) -> CallOutcome:
        """Record one outcome; a new promise replaces the pause of an earlier one (only the last resumes)."""
        if outcome not in OUTCOMES:
            raise ValueError(f"unknown call outcome {outcome!r}")
        async with self._db.transaction() as tx:
            if resume_at is not None:
                await tx.execute(
                    "UPDATE call_outcomes SET resume_at = NULL WHERE invoice_id = ? AND resume_at IS NOT NULL",
                    (invoice_id,),
                )
            cursor = await tx.execute(
                "INSERT INTO call_outcomes (invoice_id, outcome, promised_on, resume_at, created_at, source) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (
                    invoice_id,
                    outcome,
                    promised_on.isoformat() if promised_on else None,
                    int(resume_at.timestamp()) if resume_at else None,
                    int(now.timestamp()),
                    source,
                ),
            )
            new_id = cursor.lastrowid
        row = await self._db.fetchone(f"SELECT {_COLUMNS} FROM call_outcomes c WHERE c.id = ?", (new_id,))
        assert row is not None
        return _outcome(row)

    async def for_invoice(self, invoice_id: int) -> list[CallOutcome]:
        rows = await self._db.fetchall(
            f"SELECT {_COLUMNS} FROM call_outcomes c WHERE c.invoice_id = ? ORDER BY c.created_at, c.id",
            (invoice_id,),
        )
        return [_outcome(r) for r in rows]

    async def pausing(self, invoice_id: int) -> CallOutcome | None:
        """The promise whose pause is still on for this invoice, if any."""
        row = await self._db.fetchone(
            f"SELECT {_COLUMNS} FROM call_outcomes c WHERE c.invoice_id = ? AND c.resume_at IS NOT NULL "
            "ORDER BY c.id DESC LIMIT 1",
            (invoice_id,),
        )
        return _outcome(row) if row else None

    async def due_to_resume(self, now: datetime) -> list[CallOutcome]:
        rows = await self._db.fetchall(
            f"SELECT {_COLUMNS} FROM call_outcomes c WHERE c.resume_at IS NOT NULL AND c.resume_at <= ? "
            "ORDER BY c.resume_at",
            (int(now.timestamp()),),
        )
        return [_outcome(r) for r in rows]

    async def take_resume(self, outcome_id: int) -> bool:
        """End a promise's pause (claimed once, like a reminder row); False when it was ended already."""
        cursor = await self._db.execute(
            "UPDATE call_outcomes SET resume_at = NULL WHERE id = ? AND resume_at IS NOT NULL", (outcome_id,)
        )
        return cursor.rowcount > 0

    async def settle(self, outcome_id: int, *, kept: bool) -> bool:
        """A promise's date has passed: kept (the invoice was paid) or broken; decided once."""
        cursor = await self._db.execute(
            "UPDATE call_outcomes SET kept = ? WHERE id = ? AND kept IS NULL AND outcome = 'promised'",
            (int(kept), outcome_id),
        )
        return cursor.rowcount > 0

    async def withdraw(self, invoice_id: int) -> int:
        """End the pause of the invoice's open promise without judging it (the freelancer declined it)."""
        cursor = await self._db.execute(
            "UPDATE call_outcomes SET resume_at = NULL WHERE invoice_id = ? AND resume_at IS NOT NULL",
            (invoice_id,),
        )
        return cursor.rowcount

    async def promise_record(self, client_id: int) -> tuple[int, int]:
        """(kept, broken) promises to pay of a client's invoices."""
        row = await self._db.fetchone(
            "SELECT COALESCE(SUM(CASE WHEN c.kept = 1 THEN 1 ELSE 0 END), 0) AS kept, "
            "COALESCE(SUM(CASE WHEN c.kept = 0 THEN 1 ELSE 0 END), 0) AS broken "
            "FROM call_outcomes c JOIN invoices i ON i.id = c.invoice_id "
            "WHERE i.client_id = ? AND c.outcome = 'promised'",
            (client_id,),
        )
        return (int(row["kept"]), int(row["broken"])) if row else (0, 0)
