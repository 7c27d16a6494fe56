"""What clients ask through the bot ("I've paid", "I need more time", a question) until answered.

A request is answered once: the conditional UPDATE on its status decides, so a double tap on
"Confirm paid", or the freelancer answering while the 5-day sweep resumes reminders, acts once.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import date, datetime

from bot.storage.db import Database


@dataclass(frozen=True)
class ClientRequest:
    id: int
    invoice_id: int
    contact_id: int
    chat_id: int
    kind: str  # paid | delay | question
    status: str  # pending | accepted | declined | expired | answered
    paid_on: date | None
    new_due_date: date | None
    message: str | None
    proof_file_id: str | None
    proof_is_photo: bool
    paused_reminders: bool


@dataclass(frozen=True)
class NewRequest:
    invoice_id: int
    contact_id: int
    chat_id: int
    kind: str
    paid_on: date | None = None
    new_due_date: date | None = None
    message: str | None = None
    proof_file_id: str | None = None
    proof_is_photo: bool = False
    paused_reminders: bool = False
    resume_at: datetime | None = None


_COLUMNS = (
    "r.id, r.invoice_id, r.contact_id, r.chat_id, r.kind, r.status, r.paid_on, r.new_due_date, r.message, "
    "r.proof_file_id, r.proof_is_photo, r.paused_reminders"
)


def _request(row: sqlite3.Row) -> ClientRequest:
    data = dict(row)
    for name in ("paid_on", "new_due_date"):
        data[name] = date.fromisoformat(data[name]) if data[name] else None
    data["proof_is_photo"] = bool(data["proof_is_photo"])
    data["paused_reminders"] = bool(data["paused_reminders"])
    return ClientRequest(**data)


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


class ClientRequests:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def create(self, new: NewRequest, now: datetime) -> ClientRequest:
        cursor = await self._db.execute(
            "INSERT INTO client_requests (invoice_id, contact_id, chat_id, kind, paid_on, new_due_date, message, "
            "proof_file_id, proof_is_photo, paused_reminders, resume_at, created_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                new.invoice_id, new.contact_id, new.chat_id, new.kind, _iso(new.paid_on), _iso(new.new_due_date),
                new.message, new.proof_file_id, int(new.proof_is_photo), int(new.paused_reminders),
                int(new.resume_at.timestamp()) if new.resume_at else None, int(now.timestamp()),
            ),
        )  # fmt: skip
        row = await self._db.fetchone(
            f"SELECT {_COLUMNS} FROM client_requests r WHERE r.id = ?", (cursor.lastrowid,)
        )
        assert row is not None
        return _request(row)

    async def get(self, freelancer_id: int, request_id: int) -> ClientRequest | None:
        """A request about one of the freelancer's invoices; a foreign id finds nothing."""
        row = await self._db.fetchone(
            f"SELECT {_COLUMNS} FROM client_requests r JOIN invoices i ON i.id = r.invoice_id "
            "WHERE r.id = ? AND i.freelancer_id = ?",
            (request_id, freelancer_id),
        )
        return _request(row) if row else None

    async def open_claim(self, invoice_id: int) -> ClientRequest | None:
        """The payment the client reported for this invoice and the freelancer has not answered yet."""
        row = await self._db.fetchone(
            f"SELECT {_COLUMNS} FROM client_requests r WHERE r.invoice_id = ? AND r.kind = 'paid' "
            "AND r.status = 'pending' ORDER BY r.id DESC LIMIT 1",
            (invoice_id,),
        )
        return _request(row) if row else None

    async def claimed_before(self, invoice_id: int) -> bool:
        """Whether a payment reported for this invoice already went unanswered until reminders resumed."""
        row = await self._db.fetchone(
            "SELECT 1 FROM client_requests WHERE invoice_id = ? AND kind = 'paid' AND status = 'expired' LIMIT 1",
            (invoice_id,),
        )
        return row is not None

    async def answer(self, request_id: int, status: str, now: datetime) -> bool:
        """Record the freelancer's answer; False when it was answered already.

        An expired payment claim (reminders resumed after 5 days) can still be confirmed or refused.
        """
        cursor = await self._db.execute(
            "UPDATE client_requests SET status = ?, answered_at = ? WHERE id = ? "
            "AND status IN ('pending', 'expired')",
            (status, int(now.timestamp()), request_id),
        )
        return cursor.rowcount > 0

    async def unanswered_claims(self, now: datetime) -> list[ClientRequest]:
        """Payment claims still unanswered at their `resume_at`: reminders resume for them."""
        rows = await self._db.fetchall(
            f"SELECT {_COLUMNS} FROM client_requests r WHERE r.status = 'pending' AND r.resume_at <= ? "
            "ORDER BY r.resume_at",
            (int(now.timestamp()),),
        )
        return [_request(r) for r in rows]

    async def expire(self, request_id: int) -> bool:
        """Stop waiting for the freelancer (claimed once, like a reminder row)."""
        cursor = await self._db.execute(
            "UPDATE client_requests SET status = 'expired' WHERE id = ? AND status = 'pending'", (request_id,)
        )
        return cursor.rowcount > 0
