"""Clients and their contacts. Every read by id also names the freelancer: a foreign id finds nothing."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from bot.storage.db import Database, Tx


@dataclass(frozen=True)
class Client:
    id: int
    freelancer_id: int
    name: str
    language: str | None
    is_b2b: bool
    notes: str | None
    created_at: int
    last_used_at: int
    plan: str | None = None
    postal_address: str | None = None
    """Lines separated by LF, printed on a formal notice; None: not given yet."""
    siren: str | None = None
    siret: str | None = None
    vat_number: str | None = None
    """Legal identifiers read from an e-invoice (checked), compact; None: not known."""


@dataclass(frozen=True)
class Contact:
    id: int
    client_id: int
    name: str
    email: str | None
    telegram_chat_id: int | None
    remind: bool
    channel: str = "auto"
    """auto (Telegram when linked and reachable, else e-mail), telegram, email or both."""
    telegram_status: str | None = None
    """None when reachable; "blocked" (the bot got a 403) or "off" (the contact turned Telegram off)."""
    phone: str | None = None
    """E.164 (+33612345678), checked by bot.domain.contact_details.parse_phone."""


@dataclass(frozen=True)
class PaymentHistory:
    """How a client pays: from its settled invoices."""

    paid_on_time: int
    paid_late: int
    average_days_late: float | None


_CLIENT = (
    "id, freelancer_id, name, language, is_b2b, notes, created_at, last_used_at, plan, postal_address, siren, "
    "siret, vat_number"
)
_CONTACT = "id, client_id, name, email, telegram_chat_id, remind, channel, telegram_status, phone"
EDITABLE = frozenset(
    {"name", "language", "is_b2b", "notes", "plan", "postal_address", "siren", "siret", "vat_number"}
)
CONTACT_EDITABLE = frozenset({"name", "email", "remind", "channel", "phone"})
CHANNELS = ("auto", "telegram", "email", "both")


def _client(row: sqlite3.Row) -> Client:
    data = dict(row)
    data["is_b2b"] = bool(data["is_b2b"])
    return Client(**data)


def _contact(row: sqlite3.Row) -> Contact:
    data = dict(row)
    data["remind"] = bool(data["remind"])
    return Contact(**data)


async def insert_client(
    tx: Tx, freelancer_id: int, name: str, *, email: str | None, now: datetime, is_b2b: bool = True
) -> int:
    """A client and, when an e-mail is given, its first contact; inside the caller's transaction."""
    stamp = int(now.timestamp())
    cursor = await tx.execute(
        "INSERT INTO clients (freelancer_id, name, is_b2b, created_at, last_used_at) VALUES (?, ?, ?, ?, ?)",
        (freelancer_id, name, int(is_b2b), stamp, stamp),
    )
    client_id = int(cursor.lastrowid or 0)
    if email:
        await tx.execute(
            "INSERT INTO contacts (client_id, name, email, created_at) VALUES (?, '', ?, ?)",
            (client_id, email, stamp),
        )
    return client_id


class Clients:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def create(
        self, freelancer_id: int, name: str, *, now: datetime, email: str | None = None, is_b2b: bool = True
    ) -> Client:
        async with self._db.transaction() as tx:
            client_id = await insert_client(tx, freelancer_id, name, email=email, now=now, is_b2b=is_b2b)
        client = await self.get(freelancer_id, client_id)
        assert client is not None
        return client

    async def get(self, freelancer_id: int, client_id: int) -> Client | None:
        row = await self._db.fetchone(
            f"SELECT {_CLIENT} FROM clients WHERE id = ? AND freelancer_id = ?", (client_id, freelancer_id)
        )
        return _client(row) if row else None

    async def get_many_any(self, client_ids: Sequence[int]) -> dict[int, Client]:
        """By ids alone, in one query: the dispatcher's batch (it acts for whoever owns them)."""
        if not client_ids:
            return {}
        rows = await self._db.fetchall(
            f"SELECT {_CLIENT} FROM clients WHERE id IN ({', '.join('?' * len(client_ids))})",
            tuple(client_ids),
        )
        return {client.id: client for client in map(_client, rows)}

    async def contacts_of(self, client_ids: Sequence[int]) -> dict[int, list[Contact]]:
        """Every contact of these clients, per client, in one query."""
        found: dict[int, list[Contact]] = {client_id: [] for client_id in client_ids}
        if not client_ids:
            return found
        rows = await self._db.fetchall(
            f"SELECT {_CONTACT} FROM contacts WHERE client_id IN ({', '.join('?' * len(client_ids))}) "
            "ORDER BY id",
            tuple(client_ids),
        )
        for row in rows:
            found[row["client_id"]].append(_contact(row))
        return found

    async def find_by_name(self, freelancer_id: int, name: str) -> Client | None:
        row = await self._db.fetchone(
            f"SELECT {_CLIENT} FROM clients WHERE freelancer_id = ? AND lower(name) = lower(?) "
            "ORDER BY last_used_at DESC LIMIT 1",
            (freelancer_id, name),
        )
        return _client(row) if row else None

    async def recent(self, freelancer_id: int, limit: int = 6) -> list[Client]:
        rows = await self._db.fetchall(
            f"SELECT {_CLIENT} FROM clients WHERE freelancer_id = ? ORDER BY last_used_at DESC, id DESC LIMIT ?",
            (freelancer_id, limit),
        )
        return [_client(r) for r in rows]

    async def page(self, freelancer_id: int, offset: int, limit: int) -> tuple[list[Client], int]:
        """Clients by name, one page, with the total count."""
        rows = await self._db.fetchall(
            f"SELECT {_CLIENT} FROM clients WHERE freelancer_id = ? ORDER BY lower(name), id "
            "LIMIT ? OFFSET ?",
            (freelancer_id, limit, offset),
        )
        total = await self._db.fetchone(
            "SELECT count(*) AS n FROM clients WHERE freelancer_id = ?", (freelancer_id,)
        )
        return [_client(r) for r in rows], int(total["n"]) if total else 0

    async def open_balances(self, freelancer_id: int) -> dict[int, dict[str, int]]:
        """Open balance per client and currency (never summed across currencies)."""
        rows = await self._db.fetchall(
            "SELECT i.client_id, i.currency, SUM(i.amount_minor - "
            "  (SELECT COALESCE(SUM(p.amount_minor), 0) FROM payments p WHERE p.invoice_id = i.id)) AS balance "
            "FROM invoices i WHERE i.freelancer_id = ? AND i.status = 'open' GROUP BY i.client_id, i.currency",
            (freelancer_id,),
        )
        balances: dict[int, dict[str, int]] = {}
        for row in rows:
            balances.setdefault(row["client_id"], {})[row["currency"]] = int(row["balance"])
        return balances

    async def update(self, freelancer_id: int, client_id: int, **values: object) -> Client | None:
        unknown = set(values) - EDITABLE
        if unknown:
            raise ValueError(f"not editable: {sorted(unknown)}")
        assignments = ", ".join(f"{name} = ?" for name in values)  # names from the EDITABLE whitelist
        await self._db.execute(
            f"UPDATE clients SET {assignments} WHERE id = ? AND freelancer_id = ?",
            (*values.values(), client_id, freelancer_id),
        )
        return await self.get(freelancer_id, client_id)

    async def touch(self, client_id: int, now: datetime) -> None:
        await self._db.execute(
            "UPDATE clients SET last_used_at = ? WHERE id = ?", (int(now.timestamp()), client_id)
        )

    async def delete(self, freelancer_id: int, client_id: int) -> bool:
        cursor = await self._db.execute(
            "DELETE FROM clients WHERE id = ? AND freelancer_id = ?", (client_id, freelancer_id)
        )
        return cursor.rowcount > 0

    async def open_invoice_count(self, client_id: int) -> int:
        row = await self._db.fetchone(
            "SELECT count(*) AS n FROM invoices WHERE client_id = ? AND status = 'open'", (client_id,)
        )
        return int(row["n"]) if row else 0

    async def history(self, client_id: int) -> PaymentHistory:
        """On time / late counts and average lateness of the client's paid invoices."""
        rows = await self._db.fetchall(
            "SELECT MAX(p.paid_on) AS paid_on, i.due_date AS due_date "
            "FROM invoices i JOIN payments p ON p.invoice_id = i.id "
            "WHERE i.client_id = ? AND i.status = 'paid' GROUP BY i.id, i.due_date",
            (client_id,),
        )
        lateness = [
            max(0.0, float((date.fromisoformat(r["paid_on"]) - date.fromisoformat(r["due_date"])).days))
            for r in rows
        ]
        late = [d for d in lateness if d > 0]
        return PaymentHistory(
            paid_on_time=len(lateness) - len(late),
            paid_late=len(late),
            average_days_late=sum(lateness) / len(lateness) if lateness else None,
        )

    # Contacts -------------------------------------------------------------------------
    async def contacts(self, client_id: int) -> list[Contact]:
        rows = await self._db.fetchall(
            f"SELECT {_CONTACT} FROM contacts WHERE client_id = ? ORDER BY id", (client_id,)
        )
        return [_contact(r) for r in rows]

    async def add_contact(self, client_id: int, *, name: str, email: str | None, now: datetime) -> Contact:
        cursor = await self._db.execute(
            "INSERT INTO contacts (client_id, name, email, created_at) VALUES (?, ?, ?, ?)",
            (client_id, name, email, int(now.timestamp())),
        )
        row = await self._db.fetchone(f"SELECT {_CONTACT} FROM contacts WHERE id = ?", (cursor.lastrowid,))
        assert row is not None
        return _contact(row)

    async def contact(self, freelancer_id: int, contact_id: int) -> Contact | None:
        row = await self._db.fetchone(
            f"SELECT {', '.join('k.' + c.strip() for c in _CONTACT.split(','))} FROM contacts k "
            "JOIN clients c ON c.id = k.client_id WHERE k.id = ? AND c.freelancer_id = ?",
            (contact_id, freelancer_id),
        )
        return _contact(row) if row else None

    async def update_contact(self, contact_id: int, **values: object) -> None:
        unknown = set(values) - CONTACT_EDITABLE
        if unknown:
            raise ValueError(f"not editable: {sorted(unknown)}")
        assignments = ", ".join(f"{name} = ?" for name in values)  # names from the whitelist
        await self._db.execute(
            f"UPDATE contacts SET {assignments} WHERE id = ?",
            (*values.values(), contact_id),
        )

    async def link_telegram(self, contact_id: int, chat_id: int | None) -> None:
        """Bind (or unbind, with None) the Telegram chat where this contact receives reminders."""
        await self._db.execute(
            "UPDATE contacts SET telegram_chat_id = ?, telegram_status = NULL WHERE id = ?",
            (chat_id, contact_id),
        )

    async def set_telegram_status(self, contact_id: int, status: str | None) -> bool:
        """Mark the contact unreachable in Telegram ("blocked", "off") or reachable again (None).

        Returns whether the status changed, so that the freelancer is told only once.
        """
        cursor = await self._db.execute(
            "UPDATE contacts SET telegram_status = ? WHERE id = ? AND telegram_status IS NOT ?",
            (status, contact_id, status),
        )
        return cursor.rowcount > 0

    async def delete_contact(self, contact_id: int) -> None:
        await self._db.execute("DELETE FROM contacts WHERE id = ?", (contact_id,))

    async def edit_contact(self, freelancer_id: int, contact_id: int, **values: object) -> Contact | None:
        """Change a contact of one of the freelancer's clients; None when the id is not theirs."""
        unknown = set(values) - CONTACT_EDITABLE
        if unknown:
            raise ValueError(f"not editable: {sorted(unknown)}")
        assignments = ", ".join(f"{name} = ?" for name in values)  # names from the whitelist
        await self._db.execute(
            f"UPDATE contacts SET {assignments} WHERE id = ? "
            "AND client_id IN (SELECT id FROM clients WHERE freelancer_id = ?)",
            (*values.values(), contact_id, freelancer_id),
        )
        return await self.contact(freelancer_id, contact_id)

    async def remove_contact(self, freelancer_id: int, contact_id: int) -> bool:
        """Delete a contact of one of the freelancer's clients; False when the id is not theirs."""
        cursor = await self._db.execute(
            "DELETE FROM contacts WHERE id = ? AND client_id IN (SELECT id FROM clients WHERE freelancer_id = ?)",
            (contact_id, freelancer_id),
        )
        return cursor.rowcount > 0
