"""Bank reconciliation: imported statement lines and the payments they recorded.

A line is stored once per freelancer (UNIQUE line_key), so the same or an overlapping statement
imported again records nothing twice. Applying a line records payments linked to it
(payments.bank_line_id), checked against the balances inside the same transaction; undoing it
deletes exactly those payments and reopens the invoices.
"""

from __future__ import annotations

import json
import sqlite3
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from bot.bank.matching import Allocation, Candidate, OpenInvoice
from bot.bank.model import BankLine, CsvMapping
from bot.storage.db import Database, Tx

STATUSES = ("applied", "to_confirm", "unmatched", "ignored")
_CHUNK = 500  # keys per IN (...) query, well under every database's parameter limit


@dataclass(frozen=True)
class StoredLine:
    id: int
    import_id: int
    line: BankLine
    status: str
    candidates: tuple[Candidate, ...]


@dataclass(frozen=True)
class LineToRecord:
    line: BankLine
    status: str  # applied (allocations recorded) | to_confirm | unmatched
    candidates: tuple[Candidate, ...] = ()
    allocations: tuple[Allocation, ...] = ()


@dataclass(frozen=True)
class RecordedImport:
    import_id: int
    line_ids: dict[str, int]
    """line_key → bank_lines.id for every line this import stored."""
    applied: dict[str, tuple[Allocation, ...]]
    """line_key → the payments recorded (lines whose balances changed meanwhile are left to confirm)."""
    duplicates: frozenset[str]
    """Keys another import stored first (a concurrent import of the same statement)."""
    changed_invoices: tuple[int, ...]


class AllocationError(Exception):
    """A chosen match cannot be recorded: an invoice is not open, foreign, in another currency, or
    the amounts exceed the balance or the transfer."""


def candidates_json(candidates: Iterable[Candidate]) -> str:
    return json.dumps(
        [{"score": c.score, "reasons": list(c.reasons),
          "allocations": [[a.invoice_id, a.amount_minor] for a in c.allocations]} for c in candidates]
    )  # fmt: skip


def candidates_from_json(text: str | None) -> tuple[Candidate, ...]:
    if not text:
        return ()
    return tuple(
        Candidate(
            tuple(Allocation(int(i), int(a)) for i, a in c["allocations"]),
            int(c["score"]),
            tuple(c["reasons"]),
        )
        for c in json.loads(text)
    )


_LINE_COLUMNS = (
    "id, import_id, line_key, transaction_id, booking_date, amount_minor, currency, counterparty, remittance, "
    "status, proposals"
)


def _stored(row: sqlite3.Row) -> StoredLine:
    line = BankLine(
        row["transaction_id"],
        date.fromisoformat(row["booking_date"]),
        row["amount_minor"],
        row["currency"],
        row["counterparty"],
        row["remittance"],
        row["line_key"],
    )
    return StoredLine(
        row["id"], row["import_id"], line, row["status"], candidates_from_json(row["proposals"])
    )


class Bank:
    def __init__(self, db: Database) -> None:
        self._db = db

    # Reading -------------------------------------------------------------------------------
    async def open_invoices(self, freelancer_id: int) -> list[OpenInvoice]:
        """Every open invoice with a balance, its client's name and its contacts' names."""
        rows = await self._db.fetchall(
            "SELECT i.id, i.client_id, i.number, i.amount_minor - COALESCE(p.paid, 0) AS balance, i.currency, "
            "i.issue_date, i.due_date, c.name AS client_name FROM invoices i JOIN clients c ON c.id = i.client_id "
            "LEFT JOIN (SELECT invoice_id, SUM(amount_minor) AS paid FROM payments GROUP BY invoice_id) p "
            "ON p.invoice_id = i.id WHERE i.freelancer_id = ? AND i.status = 'open'",
            (freelancer_id,),
        )
        contacts: dict[int, list[str]] = defaultdict(list)
        for row in await self._db.fetchall(
            "SELECT k.client_id, k.name FROM contacts k JOIN clients c ON c.id = k.client_id "
            "WHERE c.freelancer_id = ? AND k.name != ''",
            (freelancer_id,),
        ):
            contacts[row["client_id"]].append(row["name"])
        return [
            OpenInvoice(
                r["id"],
                r["client_id"],
                r["number"],
                r["balance"],
                r["currency"],
                date.fromisoformat(r["issue_date"]),
                date.fromisoformat(r["due_date"]),
                r["client_name"],
                tuple(contacts.get(r["client_id"], ())),
            )  # fmt: skip
            for r in rows
            if r["balance"] > 0
        ]

    async def known_keys(self, freelancer_id: int, keys: Sequence[str]) -> set[str]:
        """Which of these line keys an earlier import already stored."""
        known: set[str] = set()
        for start in range(0, len(keys), _CHUNK):
            chunk = list(keys[start : start + _CHUNK])
            marks = ", ".join("?" * len(chunk))
            rows = await self._db.fetchall(
                f"SELECT line_key FROM bank_lines WHERE freelancer_id = ? AND line_key IN ({marks})",
                (freelancer_id, *chunk),
            )
            known.update(row["line_key"] for row in rows)
        return known

    async def get_line(self, freelancer_id: int, line_id: int) -> StoredLine | None:
        row = await self._db.fetchone(
            f"SELECT {_LINE_COLUMNS} FROM bank_lines WHERE id = ? AND freelancer_id = ?",
            (line_id, freelancer_id),
        )
        return _stored(row) if row else None

    async def lines(self, freelancer_id: int, status: str, *, limit: int = 100) -> list[StoredLine]:
        rows = await self._db.fetchall(
            f"SELECT {_LINE_COLUMNS} FROM bank_lines WHERE freelancer_id = ? AND status = ? "
            "ORDER BY booking_date, id LIMIT ?",
            (freelancer_id, status, limit),
        )
        return [_stored(r) for r in rows]

    async def count_waiting(self, freelancer_id: int) -> int:
        """Lines waiting for the freelancer: to confirm, or not matched."""
        row = await self._db.fetchone(
            "SELECT COUNT(*) AS n FROM bank_lines WHERE freelancer_id = ? AND status IN ('to_confirm', 'unmatched')",
            (freelancer_id,),
        )
        return int(row["n"]) if row else 0

    async def payments_of_line(self, line_id: int) -> list[tuple[int, int, int]]:
        """(payment id, invoice id, amount) recorded by a line."""
        rows = await self._db.fetchall(
            "SELECT id, invoice_id, amount_minor FROM payments WHERE bank_line_id = ? ORDER BY id", (line_id,)
        )
        return [(r["id"], r["invoice_id"], r["amount_minor"]) for r in rows]

    # Writing -------------------------------------------------------------------------------
    async def record_import(
        self, freelancer_id: int, *, file_name: str, fmt: str, bank: str | None, lines_read: int,
        credits: int, lines: Sequence[LineToRecord], now: datetime,
    ) -> RecordedImport:  # fmt: skip
        """Store the import, its new lines and their payments in one transaction: all or nothing."""
        stamp = int(now.timestamp())
        async with self._db.transaction() as tx:
            cursor = await tx.execute(
                "INSERT INTO bank_imports (freelancer_id, file_name, format, bank, lines_read, credits, created_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                (freelancer_id, file_name[:200], fmt, bank, lines_read, credits, stamp),
            )
            import_id = int(cursor.lastrowid or 0)
            balances = await _balances(tx, freelancer_id)
            reserved = dict(balances)
            statuses: dict[str, str] = {}
            payable: dict[str, tuple[Allocation, ...]] = {}
            for item in lines:
                status = item.status
                if status == "applied":
                    if _fits(item.line, item.allocations, reserved):
                        payable[item.line.raw_hash] = item.allocations
                    else:
                        status = "to_confirm"  # a payment recorded meanwhile: let the freelancer look
                statuses[item.line.raw_hash] = status
            await tx.executemany(
                "INSERT INTO bank_lines (freelancer_id, import_id, line_key, transaction_id, booking_date, amount_minor, "
                "currency, counterparty, remittance, status, proposals, created_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (freelancer_id, line_key) DO NOTHING",
                [
                    (freelancer_id, import_id, i.line.raw_hash, i.line.transaction_id, i.line.booking_date.isoformat(),
                     i.line.amount_minor, i.line.currency, i.line.counterparty[:500], i.line.remittance[:1000],
                     statuses[i.line.raw_hash], candidates_json(i.candidates) if i.candidates else None, stamp)
                    for i in lines
                ],
            )  # fmt: skip
            rows = await tx.fetchall("SELECT id, line_key FROM bank_lines WHERE import_id = ?", (import_id,))
            line_ids = {r["line_key"]: r["id"] for r in rows}
            duplicates = frozenset(i.line.raw_hash for i in lines) - line_ids.keys()
            applied = {key: allocations for key, allocations in payable.items() if key in line_ids}
            lines_by_key = {i.line.raw_hash: i.line for i in lines}
            for key, allocations in applied.items():  # reserve again without the duplicates' shares
                _fits(lines_by_key[key], allocations, balances)
            changed = await _record_payments(
                tx,
                [(line_ids[k], lines_by_key[k].booking_date, a) for k, a in applied.items()],
                balances,
                stamp,
            )
        return RecordedImport(import_id, line_ids, applied, duplicates, changed)

    async def apply_line(
        self, freelancer_id: int, line_id: int, allocations: Sequence[Allocation], *, now: datetime
    ) -> tuple[int, ...]:
        """Record a proposal the freelancer confirmed (or chose); the invoices changed."""
        async with self._db.transaction() as tx:
            row = await tx.fetchone(
                f"SELECT {_LINE_COLUMNS} FROM bank_lines WHERE id = ? AND freelancer_id = ?",
                (line_id, freelancer_id),
            )
            if row is None:
                raise LookupError(line_id)
            stored = _stored(row)
            if stored.status == "applied":
                raise AllocationError("this bank line is already applied")
            balances = await _balances(tx, freelancer_id)
            currencies = await _currencies(tx, freelancer_id, [a.invoice_id for a in allocations])
            if not allocations or any(
                currencies.get(a.invoice_id) != stored.line.currency for a in allocations
            ):
                raise AllocationError("an invoice is not open, not yours, or in another currency")
            if not _fits(stored.line, tuple(allocations), balances):
                raise AllocationError("the amounts exceed the balance or the transfer")
            changed = await _record_payments(
                tx, [(line_id, stored.line.booking_date, tuple(allocations))], balances, int(now.timestamp())
            )
            await tx.execute("UPDATE bank_lines SET status = 'applied' WHERE id = ?", (line_id,))
        return changed

    async def undo_line(self, freelancer_id: int, line_id: int) -> tuple[int, ...] | None:
        """Remove the payments an applied line recorded; the invoices are open again. None if not applied."""
        async with self._db.transaction() as tx:
            row = await tx.fetchone(
                "SELECT proposals FROM bank_lines WHERE id = ? AND freelancer_id = ? AND status = 'applied'",
                (line_id, freelancer_id),
            )
            if row is None:
                return None
            payments = await tx.fetchall(
                "SELECT p.invoice_id FROM payments p JOIN invoices i ON i.id = p.invoice_id "
                "WHERE p.bank_line_id = ? AND i.freelancer_id = ?",
                (line_id, freelancer_id),
            )
            invoices = tuple(sorted({r["invoice_id"] for r in payments}))
            await tx.execute("DELETE FROM payments WHERE bank_line_id = ?", (line_id,))
            await tx.executemany(
                "UPDATE invoices SET status = 'open' WHERE id = ? AND status = 'paid'",
                [(i,) for i in invoices],
            )
            status = "to_confirm" if row["proposals"] else "unmatched"
            await tx.execute("UPDATE bank_lines SET status = ? WHERE id = ?", (status, line_id))
        return invoices

    async def set_ignored(self, freelancer_id: int, line_id: int, ignored: bool = True) -> bool:
        """ "Not an invoice": the line leaves the list to confirm (or comes back). False if applied or foreign."""
        cursor = await self._db.execute(
            "UPDATE bank_lines SET status = CASE WHEN ? = 1 THEN 'ignored' WHEN proposals IS NULL THEN 'unmatched' "
            "ELSE 'to_confirm' END WHERE id = ? AND freelancer_id = ? AND status != 'applied'",
            (int(ignored), line_id, freelancer_id),
        )
        return cursor.rowcount == 1

    # CSV layouts -----------------------------------------------------------------------------
    async def csv_mapping(self, freelancer_id: int, header_key: str) -> CsvMapping | None:
        row = await self._db.fetchone(
            "SELECT mapping FROM bank_csv_mappings WHERE freelancer_id = ? AND header_key = ?",
            (freelancer_id, header_key),
        )
        return CsvMapping.from_dict(json.loads(row["mapping"])) if row else None

    async def save_csv_mapping(
        self, freelancer_id: int, header_key: str, mapping: CsvMapping, *, now: datetime
    ) -> None:
        await self._db.execute(
            "INSERT INTO bank_csv_mappings (freelancer_id, header_key, mapping, created_at) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (freelancer_id, header_key) DO UPDATE SET mapping = excluded.mapping",
            (freelancer_id, header_key, json.dumps(mapping.as_dict()), int(now.timestamp())),
        )


async def _balances(tx: Tx, freelancer_id: int) -> dict[int, int]:
    """Open invoices' balances, read inside the writing transaction."""
    rows = await tx.fetchall(
        "SELECT i.id, i.amount_minor - COALESCE(p.paid, 0) AS balance FROM invoices i "
        "LEFT JOIN (SELECT invoice_id, SUM(amount_minor) AS paid FROM payments GROUP BY invoice_id) p "
        "ON p.invoice_id = i.id WHERE i.freelancer_id = ? AND i.status = 'open'",
        (freelancer_id,),
    )
    return {r["id"]: r["balance"] for r in rows}


async def _currencies(tx: Tx, freelancer_id: int, invoice_ids: Sequence[int]) -> dict[int, str]:
    found: dict[int, str] = {}
    for start in range(0, len(invoice_ids), _CHUNK):
        chunk = list(invoice_ids[start : start + _CHUNK])
        rows = await tx.fetchall(
            f"SELECT id, currency FROM invoices WHERE freelancer_id = ? AND id IN ({', '.join('?' * len(chunk))})",
            (freelancer_id, *chunk),
        )
        found.update((r["id"], r["currency"]) for r in rows)
    return found


def _fits(line: BankLine, allocations: tuple[Allocation, ...], balances: dict[int, int]) -> bool:
    """Every share positive and within its invoice's balance, the total within the transfer; reserves them."""
    wanted: dict[int, int] = defaultdict(int)
    for a in allocations:
        if a.amount_minor <= 0:
            return False
        wanted[a.invoice_id] += a.amount_minor
    if not wanted or sum(wanted.values()) > line.amount_minor:
        return False
    if any(balances.get(i, 0) < amount for i, amount in wanted.items()):
        return False
    for i, amount in wanted.items():
        balances[i] -= amount
    return True


async def _record_payments(
    tx: Tx, items: Sequence[tuple[int, date, tuple[Allocation, ...]]], balances: dict[int, int], stamp: int
) -> tuple[int, ...]:
    """Insert the payments (balances already reserved by `_fits`); mark fully paid invoices paid."""
    await tx.executemany(
        "INSERT INTO payments (invoice_id, amount_minor, paid_on, created_at, bank_line_id) VALUES (?, ?, ?, ?, ?)",
        [(a.invoice_id, a.amount_minor, paid_on.isoformat(), stamp, line_id)
         for line_id, paid_on, allocations in items for a in allocations],
    )  # fmt: skip
    changed = sorted({a.invoice_id for _, _, allocations in items for a in allocations})
    await tx.executemany(
        "UPDATE invoices SET status = 'paid' WHERE id = ?", [(i,) for i in changed if balances.get(i, 0) <= 0]
    )
    return tuple(changed)
