"""Invoices created in bulk (a CSV from another tool) and the legal ids an e-invoice gives a client.

`create_all` writes every invoice, its new clients and its part payments in one transaction: all or none.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from bot.storage.clients import insert_client
from bot.storage.db import Database
from bot.storage.invoices import DuplicateNumberError

_CHUNK = 400
MAPPING_PREFIX = "invoices:"
"""Invoice-CSV layouts share bank_csv_mappings with bank CSV layouts, under their own key prefix."""


@dataclass(frozen=True)
class InvoiceToImport:
    number: str
    client: str
    amount_minor: int
    currency: str
    issue_date: date
    due_date: date
    email: str | None = None
    description: str | None = None
    paid_minor: int = 0
    paid_on: date | None = None


class InvoiceImports:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def existing_numbers(self, freelancer_id: int, numbers: Sequence[str]) -> set[str]:
        """Which of these numbers the freelancer already has (case-folded, as by_number compares them)."""
        found: set[str] = set()
        folded = sorted({n.lower() for n in numbers})
        for start in range(0, len(folded), _CHUNK):
            chunk = folded[start : start + _CHUNK]
            rows = await self._db.fetchall(
                f"SELECT number FROM invoices WHERE freelancer_id = ? "
                f"AND lower(number) IN ({', '.join(['lower(?)'] * len(chunk))})",
                (freelancer_id, *chunk),
            )
            found.update(str(r["number"]).lower() for r in rows)
        return found

    async def client_names(self, freelancer_id: int) -> dict[str, int]:
        """name.lower() → id of the freelancer's clients (the most recently used one for a repeated name);
        lowered in Python, since SQLite's lower() leaves accented capitals as they are."""
        rows = await self._db.fetchall(
            "SELECT id, name FROM clients WHERE freelancer_id = ? ORDER BY last_used_at, id", (freelancer_id,)
        )
        return {str(r["name"]).lower(): int(r["id"]) for r in rows}

    async def create_all(
        self, freelancer_id: int, invoices: Sequence[InvoiceToImport], *, reminders: bool, now: datetime
    ) -> list[int]:
        """Create the invoices (and the clients not known yet) in one transaction; their ids, in order.

        DuplicateNumberError (nothing saved) if a number appeared meanwhile."""
        stamp = int(now.timestamp())
        ids: list[int] = []
        try:
            async with self._db.transaction() as tx:
                rows = await tx.fetchall(
                    "SELECT id, name FROM clients WHERE freelancer_id = ? ORDER BY last_used_at, id", (freelancer_id,)
                )
                clients = {str(r["name"]).lower(): int(r["id"]) for r in rows}
                for new in invoices:
                    key = new.client.lower()
                    if key not in clients:
                        clients[key] = await insert_client(
                            tx, freelancer_id, new.client, email=new.email, now=now
                        )
                    cursor = await tx.execute(
                        "INSERT INTO invoices (freelancer_id, client_id, number, amount_minor, currency, issue_date, "
                        "due_date, description, reminders_enabled, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                        (freelancer_id, clients[key], new.number, new.amount_minor, new.currency,
                         new.issue_date.isoformat(), new.due_date.isoformat(), new.description, int(reminders), stamp),
                    )  # fmt: skip
                    invoice_id = int(cursor.lastrowid or 0)
                    ids.append(invoice_id)
                    if new.paid_minor > 0:
                        await tx.execute(
                            "INSERT INTO payments (invoice_id, amount_minor, paid_on, created_at) VALUES (?, ?, ?, ?)",
                            (invoice_id, new.paid_minor, (new.paid_on or now.date()).isoformat(), stamp),
                        )
                used = sorted(set(clients[new.client.lower()] for new in invoices))
                for start in range(0, len(used), _CHUNK):
                    chunk = used[start : start + _CHUNK]
                    await tx.execute(
                        f"UPDATE clients SET last_used_at = ? WHERE freelancer_id = ? "
                        f"AND id IN ({', '.join('?' * len(chunk))})",
                        (stamp, freelancer_id, *chunk),
                    )
        except Exception as exc:  # sqlite3.IntegrityError, asyncpg.UniqueViolationError
            unique = isinstance(exc, sqlite3.IntegrityError) and "UNIQUE" in str(exc)
            if unique or type(exc).__name__ == "UniqueViolationError":
                raise DuplicateNumberError(str(exc)) from None
            raise
        return ids

    async def columns(self, freelancer_id: int, header_key: str) -> dict[str, object] | None:
        """The invoice-CSV columns the freelancer confirmed for this header."""
        row = await self._db.fetchone(
            "SELECT mapping FROM bank_csv_mappings WHERE freelancer_id = ? AND header_key = ?",
            (freelancer_id, MAPPING_PREFIX + header_key),
        )
        return dict(json.loads(row["mapping"])) if row else None

    async def save_columns(
        self, freelancer_id: int, header_key: str, columns: Mapping[str, object], *, now: datetime
    ) -> None:
        await self._db.execute(
            "INSERT INTO bank_csv_mappings (freelancer_id, header_key, mapping, created_at) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (freelancer_id, header_key) DO UPDATE SET mapping = excluded.mapping",
            (freelancer_id, MAPPING_PREFIX + header_key, json.dumps(columns), int(now.timestamp())),
        )

    async def set_legal_ids(
        self, freelancer_id: int, client_id: int, *, siren: str | None, siret: str | None, vat: str | None
    ) -> None:
        """Fill the client's ids the freelancer has not given yet (never overwrites one)."""
        await self._db.execute(
            "UPDATE clients SET siren = COALESCE(siren, ?), siret = COALESCE(siret, ?), "
            "vat_number = COALESCE(vat_number, ?) WHERE id = ? AND freelancer_id = ?",
            (siren, siret, vat, client_id, freelancer_id),
        )
