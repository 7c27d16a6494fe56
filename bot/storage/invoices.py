"""Invoices and their payments.

The balance is derived from the payments (never stored twice). Every read by id also names the
freelancer, so a forged id from another account finds nothing.
"""

from __future__ import annotations

import re
import secrets
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass, fields
from datetime import date, datetime

from bot.storage.clients import insert_client
from bot.storage.db import Database, Tx


class DuplicateNumberError(Exception):
    pass


class OverpaymentError(Exception):
    def __init__(self, balance_minor: int) -> None:
        super().__init__(balance_minor)
        self.balance_minor = balance_minor


class NotOpenError(Exception):
    """A payment for an invoice that is already paid or cancelled."""


@dataclass(frozen=True)
class Invoice:
    id: int
    freelancer_id: int
    client_id: int
    client_name: str
    number: str
    amount_minor: int
    currency: str
    paid_minor: int
    issue_date: date
    due_date: date
    description: str | None
    file_id: str | None
    file_name: str | None
    status: str
    reminders_enabled: bool
    reminders_paused: bool
    plan: str | None
    created_at: int
    disputed: bool = False
    """A client disputes it: no reminder goes out until the freelancer resolves the dispute."""

    @property
    def balance_minor(self) -> int:
        return self.amount_minor - self.paid_minor

    @property
    def is_open(self) -> bool:
        return self.status == "open"

    def days_overdue(self, today: date) -> int:
        """Days past the due date (negative: days left)."""
        return (today - self.due_date).days


@dataclass(frozen=True)
class Payment:
    id: int
    invoice_id: int
    amount_minor: int
    paid_on: date
    created_at: int


@dataclass(frozen=True)
class NewInvoice:
    client_id: int
    number: str
    amount_minor: int
    currency: str
    issue_date: date
    due_date: date
    description: str | None = None
    file_id: str | None = None
    file_name: str | None = None
    reminders_enabled: bool = False
    plan: str | None = None
    new_client_name: str | None = None  # create this client with the invoice, in one transaction
    new_client_email: str | None = None


_SELECT = (
    "SELECT i.id, i.freelancer_id, i.client_id, c.name AS client_name, i.number, i.amount_minor, i.currency, "
    "(SELECT COALESCE(SUM(p.amount_minor), 0) FROM payments p WHERE p.invoice_id = i.id) AS paid_minor, "
    "i.issue_date, i.due_date, i.description, i.file_id, i.file_name, i.status, i.reminders_enabled, "
    "i.reminders_paused, i.plan, i.created_at, i.disputed "
    "FROM invoices i JOIN clients c ON c.id = i.client_id "
)
EDITABLE = frozenset(
    {
        "client_id", "number", "amount_minor", "currency", "issue_date", "due_date", "description",
        "file_id", "file_name", "reminders_enabled", "reminders_paused", "plan", "status", "disputed",
    }
)  # fmt: skip


_FIELDS = [f.name for f in fields(Invoice)]
_ISSUE, _DUE = _FIELDS.index("issue_date"), _FIELDS.index("due_date")
_ENABLED, _PAUSED = _FIELDS.index("reminders_enabled"), _FIELDS.index("reminders_paused")
_DISPUTED = _FIELDS.index("disputed")


def _invoice(row: sqlite3.Row) -> Invoice:
    # By position when the query's columns are exactly the dataclass's fields, in order (_SELECT):
    # dict(row) alone costs more than everything else here, and /overdue converts thousands of rows.
    if row.keys() != _FIELDS:
        data = dict(row)
        values = [data[name] for name in _FIELDS]
    else:
        values = list(row)
    values[_ISSUE] = date.fromisoformat(values[_ISSUE])
    values[_DUE] = date.fromisoformat(values[_DUE])
    values[_ENABLED] = bool(values[_ENABLED])
    values[_PAUSED] = bool(values[_PAUSED])
    values[_DISPUTED] = bool(values[_DISPUTED])
    return Invoice(*values)


def next_number(previous: str | None, year: int) -> str:
    """The number after the freelancer's last one: F-2026-014 → F-2026-015; none yet → F-2026-001."""
    if previous:
        match = re.search(r"(\d+)(\D*)$", previous)
        if match:
            digits = match[1]
            bumped = str(int(digits) + 1).zfill(len(digits))
            return previous[: match.start(1)] + bumped + match[2]
    return f"F-{year}-001"


class Invoices:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def create(self, freelancer_id: int, new: NewInvoice, *, now: datetime) -> Invoice:
        """Insert the invoice (and its new client, if any) in one transaction: never half-saved."""
        try:
            async with self._db.transaction() as tx:
                client_id = new.client_id
                if new.new_client_name:
                    client_id = await insert_client(
                        tx, freelancer_id, new.new_client_name, email=new.new_client_email, now=now
                    )
                cursor = await tx.execute(
                    "INSERT INTO invoices (freelancer_id, client_id, number, amount_minor, currency, issue_date, "
                    "due_date, description, file_id, file_name, reminders_enabled, plan, created_at) "
                    "SELECT ?, c.id, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ? FROM clients c "
                    "WHERE c.id = ? AND c.freelancer_id = ?",
                    (
                        freelancer_id, new.number, new.amount_minor, new.currency, new.issue_date.isoformat(),
                        new.due_date.isoformat(), new.description, new.file_id, new.file_name,
                        int(new.reminders_enabled), new.plan, int(now.timestamp()), client_id, freelancer_id,
                    ),
                )  # fmt: skip
                if cursor.rowcount != 1:
                    raise LookupError("the client does not belong to this freelancer")
                await tx.execute(
                    "UPDATE clients SET last_used_at = ? WHERE id = ?", (int(now.timestamp()), client_id)
                )
        except sqlite3.IntegrityError as exc:
            if "UNIQUE" in str(exc):
                raise DuplicateNumberError(new.number) from None
            raise
        invoice = await self.get(freelancer_id, int(cursor.lastrowid or 0))
        assert invoice is not None
        return invoice

    async def get(self, freelancer_id: int, invoice_id: int) -> Invoice | None:
        row = await self._db.fetchone(
            _SELECT + "WHERE i.id = ? AND i.freelancer_id = ?", (invoice_id, freelancer_id)
        )
        return _invoice(row) if row else None

    async def get_any(self, invoice_id: int) -> Invoice | None:
        """By id alone: for the dispatcher, which acts for whoever owns the invoice."""
        row = await self._db.fetchone(_SELECT + "WHERE i.id = ?", (invoice_id,))
        return _invoice(row) if row else None

    async def get_many_any(self, invoice_ids: Sequence[int]) -> dict[int, Invoice]:
        """By ids alone, in one query: the dispatcher's batch."""
        if not invoice_ids:
            return {}
        rows = await self._db.fetchall(
            _SELECT + f"WHERE i.id IN ({', '.join('?' * len(invoice_ids))})", tuple(invoice_ids)
        )
        return {invoice.id: invoice for invoice in map(_invoice, rows)}

    async def wanting_reminders(self, invoice_ids: Sequence[int]) -> set[int]:
        """Of these, the invoices still open with reminders on and not paused (one query)."""
        if not invoice_ids:
            return set()
        rows = await self._db.fetchall(
            f"SELECT id FROM invoices WHERE id IN ({', '.join('?' * len(invoice_ids))}) AND status = 'open' "
            "AND reminders_enabled = 1 AND reminders_paused = 0 AND disputed = 0",
            tuple(invoice_ids),
        )
        return {int(row["id"]) for row in rows}

    async def wants_reminders(self, invoice_id: int) -> bool:
        """Open, reminders on and not paused: checked again right before a reminder goes out."""
        row = await self._db.fetchone(
            "SELECT 1 FROM invoices WHERE id = ? AND status = 'open' AND reminders_enabled = 1 "
            "AND reminders_paused = 0 AND disputed = 0",
            (invoice_id,),
        )
        return row is not None

    async def by_number(self, freelancer_id: int, number: str) -> Invoice | None:
        row = await self._db.fetchone(
            _SELECT + "WHERE i.freelancer_id = ? AND lower(i.number) = lower(?)",
            (freelancer_id, number.strip()),
        )
        return _invoice(row) if row else None

    async def last_number(self, freelancer_id: int) -> str | None:
        row = await self._db.fetchone(
            "SELECT number FROM invoices WHERE freelancer_id = ? ORDER BY created_at DESC, id DESC LIMIT 1",
            (freelancer_id,),
        )
        return str(row["number"]) if row else None

    async def open_page(
        self, freelancer_id: int, *, offset: int, limit: int, client_id: int | None = None
    ) -> tuple[list[Invoice], int]:
        """Open invoices, soonest due first, one page, with the total count."""
        where = "WHERE i.freelancer_id = ? AND i.status = 'open'"
        params: list[object] = [freelancer_id]
        if client_id is not None:
            where += " AND i.client_id = ?"
            params.append(client_id)
        rows = await self._db.fetchall(
            _SELECT + where + " ORDER BY i.due_date, i.id LIMIT ? OFFSET ?", (*params, limit, offset)
        )
        total = await self._db.fetchone(f"SELECT count(*) AS n FROM invoices i {where}", params)
        return [_invoice(r) for r in rows], int(total["n"]) if total else 0

    async def open_due_before(self, freelancer_id: int, until: date) -> list[Invoice]:
        """Open invoices due on or before `until`, oldest due first (the overdue summary)."""
        rows = await self._db.fetchall(
            _SELECT + "WHERE i.freelancer_id = ? AND i.status = 'open' AND i.due_date <= ? "
            "ORDER BY i.due_date, i.id",
            (freelancer_id, until.isoformat()),
        )
        return [_invoice(r) for r in rows]

    async def latest_open(self, freelancer_id: int) -> Invoice | None:
        """The most recently registered open invoice (a realistic sample for template previews)."""
        row = await self._db.fetchone(
            _SELECT + "WHERE i.freelancer_id = ? AND i.status = 'open' ORDER BY i.created_at DESC, i.id DESC "
            "LIMIT 1",
            (freelancer_id,),
        )
        return _invoice(row) if row else None

    async def open_with_reminders(self, freelancer_id: int) -> list[Invoice]:
        """Open invoices whose reminders are on: to re-plan when the freelancer's calendar changes."""
        rows = await self._db.fetchall(
            _SELECT
            + "WHERE i.freelancer_id = ? AND i.status = 'open' AND i.reminders_enabled = 1 ORDER BY i.id",
            (freelancer_id,),
        )
        return [_invoice(r) for r in rows]

    async def open_following_plan(self, freelancer_id: int, client_id: int | None = None) -> list[Invoice]:
        """Open invoices without a plan of their own: those of `client_id`, which follow the client's
        plan, or (no client_id) those whose client has no plan either, which follow the default.
        """
        where, params = "AND c.plan IS NULL", [freelancer_id]
        if client_id is not None:
            where, params = "AND i.client_id = ?", [freelancer_id, client_id]
        rows = await self._db.fetchall(
            _SELECT + f"WHERE i.freelancer_id = ? AND i.status = 'open' AND i.plan IS NULL {where} "
            "ORDER BY i.due_date, i.id",
            params,
        )
        return [_invoice(r) for r in rows]

    async def for_client(self, freelancer_id: int, client_id: int, *, status: str = "open") -> list[Invoice]:
        rows = await self._db.fetchall(
            _SELECT
            + "WHERE i.freelancer_id = ? AND i.client_id = ? AND i.status = ? ORDER BY i.due_date, i.id",
            (freelancer_id, client_id, status),
        )
        return [_invoice(r) for r in rows]

    async def thread_token(self, invoice_id: int) -> str:
        """The invoice's random e-mail thread token, created on first use.

        Random so that Message-IDs reveal nothing and differ between installations sharing a domain.
        """
        await self._db.execute(
            "UPDATE invoices SET thread_token = ? WHERE id = ? AND thread_token IS NULL",
            (secrets.token_hex(8), invoice_id),
        )
        row = await self._db.fetchone("SELECT thread_token FROM invoices WHERE id = ?", (invoice_id,))
        assert row is not None and row["thread_token"], f"invoice {invoice_id} not found"
        return str(row["thread_token"])

    async def all_for_export(self, freelancer_id: int) -> list[Invoice]:
        rows = await self._db.fetchall(
            _SELECT + "WHERE i.freelancer_id = ? ORDER BY i.issue_date, i.id", (freelancer_id,)
        )
        return [_invoice(r) for r in rows]

    async def update(self, freelancer_id: int, invoice_id: int, **values: object) -> Invoice | None:
        unknown = set(values) - EDITABLE
        if unknown:
            raise ValueError(f"not editable: {sorted(unknown)}")
        params = [v.isoformat() if isinstance(v, date) else v for v in values.values()]
        assignments = ", ".join(f"{name} = ?" for name in values)  # names from the EDITABLE whitelist
        try:
            await self._db.execute(
                f"UPDATE invoices SET {assignments} WHERE id = ? AND freelancer_id = ?",
                (*params, invoice_id, freelancer_id),
            )
        except sqlite3.IntegrityError as exc:
            if "UNIQUE" in str(exc):
                raise DuplicateNumberError(str(values.get("number"))) from None
            raise
        return await self.get(freelancer_id, invoice_id)

    # Payments --------------------------------------------------------------------------
    async def add_payment(
        self, freelancer_id: int, invoice_id: int, *, amount_minor: int | None, paid_on: date, now: datetime
    ) -> tuple[int, Invoice]:
        """Record a payment (None: the whole balance); a full payment marks the invoice paid.

        Checked and written in one transaction, so two taps on "Mark paid" cannot pay twice.
        """
        async with self._db.transaction() as tx:
            row = await tx.fetchone(
                _SELECT + "WHERE i.id = ? AND i.freelancer_id = ?", (invoice_id, freelancer_id)
            )
            if row is None:
                raise LookupError(invoice_id)
            invoice = _invoice(row)
            if not invoice.is_open or invoice.balance_minor <= 0:
                raise NotOpenError(invoice_id)
            amount = invoice.balance_minor if amount_minor is None else amount_minor
            if amount > invoice.balance_minor:
                raise OverpaymentError(invoice.balance_minor)
            cursor = await tx.execute(
                "INSERT INTO payments (invoice_id, amount_minor, paid_on, created_at) VALUES (?, ?, ?, ?)",
                (invoice_id, amount, paid_on.isoformat(), int(now.timestamp())),
            )
            if amount == invoice.balance_minor:
                await _set_status(tx, invoice_id, "paid")
        updated = await self.get(freelancer_id, invoice_id)
        assert updated is not None
        return int(cursor.lastrowid or 0), updated

    async def undo_payment(
        self, freelancer_id: int, payment_id: int, *, not_before: datetime
    ) -> Invoice | None:
        """Remove a payment recorded after `not_before`; the invoice is open again. None if too late or foreign."""
        async with self._db.transaction() as tx:
            row = await tx.fetchone(
                "SELECT p.invoice_id FROM payments p JOIN invoices i ON i.id = p.invoice_id "
                "WHERE p.id = ? AND i.freelancer_id = ? AND p.created_at >= ? AND i.status != 'cancelled'",
                (payment_id, freelancer_id, int(not_before.timestamp())),
            )
            if row is None:
                return None
            await tx.execute("DELETE FROM payments WHERE id = ?", (payment_id,))
            await _set_status(tx, row["invoice_id"], "open")
        return await self.get(freelancer_id, row["invoice_id"])

    async def payments(self, invoice_id: int) -> list[Payment]:
        rows = await self._db.fetchall(
            "SELECT id, invoice_id, amount_minor, paid_on, created_at FROM payments WHERE invoice_id = ? "
            "ORDER BY paid_on, id",
            (invoice_id,),
        )
        return [
            Payment(
                r["id"], r["invoice_id"], r["amount_minor"], date.fromisoformat(r["paid_on"]), r["created_at"]
            )
            for r in rows
        ]

    async def payments_for_export(self, freelancer_id: int) -> list[tuple[str, Payment, str]]:
        """(invoice number, payment, currency) for every payment of the freelancer."""
        rows = await self._db.fetchall(
            "SELECT i.number, i.currency, p.id, p.invoice_id, p.amount_minor, p.paid_on, p.created_at "
            "FROM payments p JOIN invoices i ON i.id = p.invoice_id WHERE i.freelancer_id = ? ORDER BY p.paid_on, p.id",
            (freelancer_id,),
        )
        return [
            (
                r["number"],
                Payment(
                    r["id"],
                    r["invoice_id"],
                    r["amount_minor"],
                    date.fromisoformat(r["paid_on"]),
                    r["created_at"],
                ),
                r["currency"],
            )
            for r in rows
        ]


async def _set_status(tx: Tx, invoice_id: int, status: str) -> None:
    await tx.execute("UPDATE invoices SET status = ? WHERE id = ?", (status, invoice_id))
