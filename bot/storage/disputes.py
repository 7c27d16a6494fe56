"""Disputes clients open about an invoice, until the freelancer resolves them.

Opening one sets `invoices.disputed` in the same transaction, so no reminder can go out after the
client pressed "Send"; resolving clears it. A dispute is resolved once (conditional UPDATE).
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime

from bot.storage.db import Database

REASONS = ("amount", "not_delivered", "already_paid", "other")
RESOLUTIONS = ("corrected", "resumed", "cancelled")


@dataclass(frozen=True)
class Dispute:
    id: int
    invoice_id: int
    contact_id: int | None
    chat_id: int | None
    reason: str
    details: str | None
    file_id: str | None
    file_is_photo: bool
    status: str  # open | corrected | resumed | cancelled
    resolution: str | None
    created_at: datetime
    resolved_at: datetime | None

    @property
    def is_open(self) -> bool:
        return self.status == "open"


_COLUMNS = (
    "d.id, d.invoice_id, d.contact_id, d.chat_id, d.reason, d.details, d.file_id, d.file_is_photo, d.status, "
    "d.resolution, d.created_at, d.resolved_at"
)


def _dispute(row: sqlite3.Row) -> Dispute:
    data = dict(row)
    data["file_is_photo"] = bool(data["file_is_photo"])
    data["created_at"] = datetime.fromtimestamp(data["created_at"], UTC)
    data["resolved_at"] = (
        None if data["resolved_at"] is None else datetime.fromtimestamp(data["resolved_at"], UTC)
    )
    return Dispute(**data)


class Disputes:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def open(
        self,
        invoice_id: int,
        *,
        reason: str,
        details: str | None,
        contact_id: int | None,
        chat_id: int | None,
        file_id: str | None,
        file_is_photo: bool,
        now: datetime,
    ) -> Dispute:
        if reason not in REASONS:
            raise ValueError(f"unknown dispute reason {reason!r}")
        async with self._db.transaction() as tx:
            cursor = await tx.execute(
                "INSERT INTO disputes (invoice_id, contact_id, chat_id, reason, details, file_id, file_is_photo, "
                "created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    invoice_id,
                    contact_id,
                    chat_id,
                    reason,
                    details,
                    file_id,
                    int(file_is_photo),
                    int(now.timestamp()),
                ),
            )
            new_id = cursor.lastrowid
            await tx.execute("UPDATE invoices SET disputed = 1 WHERE id = ?", (invoice_id,))
        row = await self._db.fetchone(f"SELECT {_COLUMNS} FROM disputes d WHERE d.id = ?", (new_id,))
        assert row is not None
        return _dispute(row)

    async def get_owned(self, freelancer_id: int, dispute_id: int) -> Dispute | None:
        """A dispute about one of the freelancer's invoices; a foreign id finds nothing."""
        row = await self._db.fetchone(
            f"SELECT {_COLUMNS} FROM disputes d JOIN invoices i ON i.id = d.invoice_id "
            "WHERE d.id = ? AND i.freelancer_id = ?",
            (dispute_id, freelancer_id),
        )
        return _dispute(row) if row else None

    async def current(self, invoice_id: int) -> Dispute | None:
        """The invoice's open dispute, if any."""
        row = await self._db.fetchone(
            f"SELECT {_COLUMNS} FROM disputes d WHERE d.invoice_id = ? AND d.status = 'open' "
            "ORDER BY d.id DESC LIMIT 1",
            (invoice_id,),
        )
        return _dispute(row) if row else None

    async def for_invoice(self, invoice_id: int) -> list[Dispute]:
        rows = await self._db.fetchall(
            f"SELECT {_COLUMNS} FROM disputes d WHERE d.invoice_id = ? ORDER BY d.id", (invoice_id,)
        )
        return [_dispute(r) for r in rows]

    async def for_client(self, client_id: int) -> list[Dispute]:
        rows = await self._db.fetchall(
            f"SELECT {_COLUMNS} FROM disputes d JOIN invoices i ON i.id = d.invoice_id "
            "WHERE i.client_id = ? ORDER BY d.id DESC",
            (client_id,),
        )
        return [_dispute(r) for r in rows]

    async def resolve(self, dispute_id: int, status: str, resolution: str | None, now: datetime) -> bool:
        """Close an open dispute (and lift the invoice's hold); False when it was resolved already."""
        if status not in RESOLUTIONS:
            raise ValueError(f"unknown resolution {status!r}")
        async with self._db.transaction() as tx:
            cursor = await tx.execute(
                "UPDATE disputes SET status = ?, resolution = ?, resolved_at = ? WHERE id = ? AND status = 'open'",
                (status, resolution, int(now.timestamp()), dispute_id),
            )
            if cursor.rowcount == 0:
                return False
            row = await tx.fetchone("SELECT invoice_id FROM disputes WHERE id = ?", (dispute_id,))
            assert row is not None
            await tx.execute(
                "UPDATE invoices SET disputed = 0 WHERE id = ? AND NOT EXISTS "
                "(SELECT 1 FROM disputes WHERE invoice_id = ? AND status = 'open')",
                (row["invoice_id"], row["invoice_id"]),
            )
        return True
