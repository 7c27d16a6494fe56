"""The reminder schedule: one row per planned step. The database, not memory, decides what is due."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from bot.storage.db import Database

FINISHED = ("sent", "failed", "skipped", "uncertain")
MANUAL_STEP = -1
"""The step of a reminder sent on the freelancer's request rather than by the plan."""


@dataclass(frozen=True)
class Reminder:
    id: int
    invoice_id: int
    step: int
    offset_days: int
    tone: str
    audience: str
    scheduled_at: datetime
    status: str
    approved: bool
    attempts: int
    last_error: str | None
    channel: str | None
    recipient: str | None
    message_ids: list[str]
    sent_at: datetime | None
    instalment_id: int | None = None
    """A reminder about one instalment of a payment plan (None: about the whole invoice)."""


@dataclass(frozen=True)
class PlannedRow:
    step: int
    offset_days: int
    tone: str
    audience: str
    scheduled_at: datetime
    instalment_id: int | None = None


@dataclass(frozen=True)
class SentRecord:
    """A send to record (see `Reminders.mark_sent_many`)."""

    reminder_id: int
    at: datetime
    channel: str
    recipient: str
    message_ids: Sequence[str]


_COLUMNS = (
    "id, invoice_id, step, offset_days, tone, audience, scheduled_at, status, approved, attempts, last_error, "
    "channel, recipient, message_ids, sent_at, instalment_id"
)


def _stamp(when: datetime) -> int:
    return int(when.timestamp())


def _instant(stamp: int | None) -> datetime | None:
    return None if stamp is None else datetime.fromtimestamp(stamp, UTC)


def _reminder(row: sqlite3.Row) -> Reminder:
    data = dict(row)
    data["scheduled_at"] = _instant(data["scheduled_at"])
    data["sent_at"] = _instant(data["sent_at"])
    data["approved"] = bool(data["approved"])
    data["message_ids"] = json.loads(data["message_ids"]) if data["message_ids"] else []
    return Reminder(**data)


class Reminders:
    def __init__(self, db: Database) -> None:
        self._db = db

    # Planning ----------------------------------------------------------------------------------
    async def replace_plan(self, invoice_id: int, rows: Sequence[PlannedRow]) -> None:
        """Swap the invoice's planned rows for `rows`; finished rows (the history) and rows held for
        the freelancer's decision stay."""
        async with self._db.transaction() as tx:
            await tx.execute(
                "DELETE FROM reminders WHERE invoice_id = ? AND status IN ('planned', 'cancelled')",
                (invoice_id,),
            )
            await tx.executemany(
                "INSERT INTO reminders (invoice_id, step, offset_days, tone, audience, scheduled_at, instalment_id) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                [
                    (invoice_id, r.step, r.offset_days, r.tone, r.audience, _stamp(r.scheduled_at), r.instalment_id)
                    for r in rows
                ],
            )

    async def cancel_pending(self, invoice_id: int, reason: str) -> int:
        """Paid, cancelled or paused: no planned row may remain."""
        cursor = await self._db.execute(
            "UPDATE reminders SET status = 'cancelled', last_error = ? "
            "WHERE invoice_id = ? AND status IN ('planned', 'held')",
            (reason, invoice_id),
        )
        return cursor.rowcount

    async def last_sent_at(self, invoice_id: int) -> datetime | None:
        row = await self._db.fetchone(
            "SELECT MAX(COALESCE(sent_at, scheduled_at)) AS last FROM reminders "
            "WHERE invoice_id = ? AND status IN ('sent', 'uncertain', 'sending')",
            (invoice_id,),
        )
        return _instant(row["last"]) if row and row["last"] is not None else None

    async def emails_sent(self, invoice_id: int) -> int:
        """How many reminders of this invoice went out by e-mail (the next one continues the thread)."""
        row = await self._db.fetchone(
            "SELECT count(*) AS n FROM reminders WHERE invoice_id = ? AND status = 'sent' "
            "AND channel LIKE '%email%'",
            (invoice_id,),
        )
        return int(row["n"]) if row else 0

    # Dispatch ----------------------------------------------------------------------------------
    async def due(self, now: datetime, limit: int) -> list[Reminder]:
        """Planned rows whose time has come, oldest first (served by the partial index)."""
        rows = await self._db.fetchall(
            f"SELECT {_COLUMNS} FROM reminders WHERE status = 'planned' AND scheduled_at <= ? "
            "ORDER BY scheduled_at, id LIMIT ?",
            (_stamp(now), limit),
        )
        return [_reminder(r) for r in rows]

    async def next_due_at(self) -> datetime | None:
        row = await self._db.fetchone(
            "SELECT MIN(scheduled_at) AS next FROM reminders WHERE status = 'planned'"
        )
        return _instant(row["next"]) if row and row["next"] is not None else None

    async def claim(self, reminder_id: int, now: datetime) -> bool:
        """planned → sending, only if nobody else did it first (checked by rowcount).

        One conditional UPDATE is its own transaction in SQLite, taking the write lock at once
        (what BEGIN IMMEDIATE would do) and committing before this returns.
        """
        cursor = await self._db.execute(
            "UPDATE reminders SET status = 'sending', claimed_at = ?, attempts = attempts + 1 "
            "WHERE id = ? AND status = 'planned'",
            (_stamp(now), reminder_id),
        )
        return cursor.rowcount == 1

    async def claim_many(self, reminder_ids: Sequence[int], now: datetime) -> set[int]:
        """Claim a batch in one statement: the ids this worker got (planned → sending).

        On PostgreSQL the rows are locked with `FOR UPDATE SKIP LOCKED`, so workers claiming the
        same batch at once split it instead of waiting on each other; on SQLite the write lock
        makes the conditional UPDATE … RETURNING atomic.
        """
        if not reminder_ids:
            return set()
        marks = ", ".join("?" * len(reminder_ids))
        if self._db.dialect == "postgres":
            sql = (
                "UPDATE reminders SET status = 'sending', claimed_at = ?, attempts = attempts + 1 "
                f"WHERE id IN (SELECT id FROM reminders WHERE id IN ({marks}) AND status = 'planned' "
                "FOR UPDATE SKIP LOCKED) RETURNING id"
            )
        else:
            sql = (
                "UPDATE reminders SET status = 'sending', claimed_at = ?, attempts = attempts + 1 "
                f"WHERE id IN ({marks}) AND status = 'planned' RETURNING id"
            )
        rows = await self._db.fetchall(sql, (_stamp(now), *reminder_ids))
        return {int(row["id"]) for row in rows}

    async def unclaim(self, reminder_id: int) -> None:
        """A claimed row that was not sent after all (shutdown before its turn): planned again."""
        await self._db.execute(
            "UPDATE reminders SET status = 'planned', claimed_at = NULL, attempts = attempts - 1 "
            "WHERE id = ? AND status = 'sending'",
            (reminder_id,),
        )

    async def mark_sent_many(self, sent: Sequence[SentRecord]) -> None:
        """Record a batch of sends in one transaction (one round trip per batch)."""
        if sent:
            await self._db.executemany(
                "UPDATE reminders SET status = 'sent', sent_at = ?, channel = ?, recipient = ?, message_ids = ?, "
                "last_error = NULL WHERE id = ?",
                [(_stamp(s.at), s.channel, s.recipient, json.dumps(list(s.message_ids)), s.reminder_id)
                 for s in sent],
            )  # fmt: skip

    async def client_history(self, invoice_ids: Sequence[int]) -> dict[int, list[Reminder]]:
        """Per invoice, the client reminders already sent (or perhaps sent): what catch-up looks at."""
        history: dict[int, list[Reminder]] = {invoice_id: [] for invoice_id in invoice_ids}
        if not invoice_ids:
            return history
        rows = await self._db.fetchall(
            f"SELECT {_COLUMNS} FROM reminders WHERE invoice_id IN ({', '.join('?' * len(invoice_ids))}) "
            "AND audience = 'client' AND status IN ('sent', 'uncertain') ORDER BY scheduled_at, id",
            tuple(invoice_ids),
        )
        for row in rows:
            history[row["invoice_id"]].append(_reminder(row))
        return history

    async def mark_sent(
        self, reminder_id: int, *, now: datetime, channel: str, recipient: str, message_ids: Sequence[str]
    ) -> None:
        await self._db.execute(
            "UPDATE reminders SET status = 'sent', sent_at = ?, channel = ?, recipient = ?, message_ids = ?, "
            "last_error = NULL WHERE id = ?",
            (_stamp(now), channel, recipient, json.dumps(list(message_ids)), reminder_id),
        )

    async def finish(
        self, reminder_id: int, status: str, reason: str | None, channel: str | None = None
    ) -> None:
        """End a row as failed, skipped, cancelled or uncertain, with the reason kept for the history."""
        await self._db.execute(
            "UPDATE reminders SET status = ?, last_error = ?, channel = COALESCE(?, channel) WHERE id = ?",
            (status, reason, channel, reminder_id),
        )

    async def settle_planned(self, reminder_id: int, status: str, reason: str) -> bool:
        """A planned row the dispatcher decided not to send (skipped, cancelled): only while it is
        still planned, so a row another worker claimed meanwhile keeps that worker's outcome."""
        cursor = await self._db.execute(
            "UPDATE reminders SET status = ?, last_error = ? WHERE id = ? AND status = 'planned'",
            (status, reason, reminder_id),
        )
        return cursor.rowcount == 1

    async def postpone_planned(self, reminder_id: int, when: datetime, reason: str | None = None) -> bool:
        """A planned row moved later (quiet hours, one per day), only while nobody has claimed it."""
        cursor = await self._db.execute(
            "UPDATE reminders SET scheduled_at = ?, last_error = COALESCE(?, last_error) "
            "WHERE id = ? AND status = 'planned'",
            (_stamp(when), reason, reminder_id),
        )
        return cursor.rowcount == 1

    async def reschedule(self, reminder_id: int, when: datetime, reason: str | None = None) -> None:
        """Back to planned at a later time (quiet hours, one per day, a transient error)."""
        await self._db.execute(
            "UPDATE reminders SET status = 'planned', scheduled_at = ?, last_error = COALESCE(?, last_error) "
            "WHERE id = ? AND status IN ('planned', 'sending', 'held', 'uncertain')",
            (_stamp(when), reason, reminder_id),
        )

    async def hold(self, reminder_id: int, reason: str) -> bool:
        cursor = await self._db.execute(
            "UPDATE reminders SET status = 'held', last_error = ? WHERE id = ? AND status = 'planned'",
            (reason, reminder_id),
        )
        return cursor.rowcount == 1

    async def release_interrupted(self, claimed_before: datetime | None = None) -> list[Reminder]:
        """Rows left `sending` by a crash become `uncertain`: maybe delivered, never resent blindly.

        `claimed_before`: only rows claimed before then (another live worker may be sending the
        newer ones); None: every `sending` row (one process, at its start). Each row is moved by
        a conditional UPDATE, so a row another worker finished meanwhile is left alone.
        """
        if claimed_before is None:
            rows = await self._db.fetchall(f"SELECT {_COLUMNS} FROM reminders WHERE status = 'sending'")
        else:
            rows = await self._db.fetchall(
                f"SELECT {_COLUMNS} FROM reminders WHERE status = 'sending' AND claimed_at < ?",
                (_stamp(claimed_before),),
            )
        released = []
        for row in rows:
            cursor = await self._db.execute(
                "UPDATE reminders SET status = 'uncertain', last_error = 'interrupted while sending' "
                "WHERE id = ? AND status = 'sending'",
                (row["id"],),
            )
            if cursor.rowcount == 1:
                released.append(_reminder(row))
        return released

    async def approve(self, reminder_id: int) -> None:
        await self._db.execute("UPDATE reminders SET approved = 1 WHERE id = ?", (reminder_id,))

    async def add_manual(self, invoice_id: int, *, tone: str, offset_days: int, at: datetime) -> int:
        """A one-off client reminder the freelancer asked for ("Remind now"), planned at `at`.

        Its step is MANUAL_STEP: it belongs to no plan, so a later re-plan simply drops it if unsent.
        It is pre-approved: the freelancer asked for it, even in manual approval mode.
        """
        cursor = await self._db.execute(
            "INSERT INTO reminders (invoice_id, step, offset_days, tone, audience, scheduled_at, approved) "
            "VALUES (?, ?, ?, ?, 'client', ?, 1)",
            (invoice_id, MANUAL_STEP, offset_days, tone, _stamp(at)),
        )
        return int(cursor.lastrowid or 0)

    async def postpone(self, reminder_id: int, when: datetime, reason: str) -> bool:
        """Move a still-planned row to `when`; False when it was sent, skipped or cancelled meanwhile."""
        cursor = await self._db.execute(
            "UPDATE reminders SET scheduled_at = ?, last_error = ? WHERE id = ? AND status = 'planned'",
            (_stamp(when), reason, reminder_id),
        )
        return cursor.rowcount == 1

    async def skip(self, reminder_id: int, reason: str) -> bool:
        """planned or held → skipped, only if it still is (checked by rowcount)."""
        cursor = await self._db.execute(
            "UPDATE reminders SET status = 'skipped', last_error = ? WHERE id = ? AND status IN ('planned', 'held')",
            (reason, reminder_id),
        )
        return cursor.rowcount == 1

    # Reading -----------------------------------------------------------------------------------
    async def get(self, freelancer_id: int, reminder_id: int) -> Reminder | None:
        row = await self._db.fetchone(
            f"SELECT {', '.join('r.' + c.strip() for c in _COLUMNS.split(','))} FROM reminders r "
            "JOIN invoices i ON i.id = r.invoice_id WHERE r.id = ? AND i.freelancer_id = ?",
            (reminder_id, freelancer_id),
        )
        return _reminder(row) if row else None

    async def for_invoice(self, invoice_id: int) -> list[Reminder]:
        rows = await self._db.fetchall(
            f"SELECT {_COLUMNS} FROM reminders WHERE invoice_id = ? ORDER BY scheduled_at, id", (invoice_id,)
        )
        return [_reminder(r) for r in rows]

    async def planned_between(self, freelancer_id: int, start: datetime, end: datetime) -> list[Reminder]:
        rows = await self._db.fetchall(
            f"SELECT {', '.join('r.' + c.strip() for c in _COLUMNS.split(','))} FROM reminders r "
            "JOIN invoices i ON i.id = r.invoice_id WHERE i.freelancer_id = ? AND r.status = 'planned' "
            "AND r.scheduled_at >= ? AND r.scheduled_at < ? ORDER BY r.scheduled_at",
            (freelancer_id, _stamp(start), _stamp(end)),
        )
        return [_reminder(r) for r in rows]

    async def sent_between(self, freelancer_id: int, start: datetime, end: datetime) -> list[Reminder]:
        rows = await self._db.fetchall(
            f"SELECT {', '.join('r.' + c.strip() for c in _COLUMNS.split(','))} FROM reminders r "
            "JOIN invoices i ON i.id = r.invoice_id WHERE i.freelancer_id = ? AND r.status = 'sent' "
            "AND r.sent_at >= ? AND r.sent_at < ? ORDER BY r.sent_at",
            (freelancer_id, _stamp(start), _stamp(end)),
        )
        return [_reminder(r) for r in rows]


class Templates:
    """A freelancer's own wording for a tone, per language of the client."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def get(self, freelancer_id: int, tone: str, locale: str) -> str | None:
        row = await self._db.fetchone(
            "SELECT body FROM templates WHERE freelancer_id = ? AND tone = ? AND locale = ?",
            (freelancer_id, tone, locale),
        )
        return str(row["body"]) if row else None

    async def save(self, freelancer_id: int, tone: str, locale: str, body: str) -> None:
        await self._db.execute(
            "INSERT INTO templates (freelancer_id, tone, locale, body) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (freelancer_id, tone, locale) DO UPDATE SET body = excluded.body",
            (freelancer_id, tone, locale, body),
        )

    async def customised(self, freelancer_id: int) -> set[tuple[str, str]]:
        """The (tone, locale) pairs for which the freelancer wrote their own text."""
        rows = await self._db.fetchall(
            "SELECT tone, locale FROM templates WHERE freelancer_id = ?", (freelancer_id,)
        )
        return {(str(r["tone"]), str(r["locale"])) for r in rows}

    async def reset(self, freelancer_id: int, tone: str, locale: str) -> None:
        await self._db.execute(
            "DELETE FROM templates WHERE freelancer_id = ? AND tone = ? AND locale = ?",
            (freelancer_id, tone, locale),
        )
