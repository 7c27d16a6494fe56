"""Payment plans in instalments and their instalments.

A plan is decided once: the conditional UPDATE on its status makes a double tap on "Accept" (or the
two sides answering at once) act once. At most one plan per invoice is proposed or running.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from bot.storage.db import Database

LIVE = ("proposed", "accepted", "missed")
"""A plan in one of these states is the invoice's current one; a new proposal replaces a proposed one."""


@dataclass(frozen=True)
class Instalment:
    id: int
    plan_id: int
    seq: int
    due_date: date
    amount_minor: int


@dataclass(frozen=True)
class PaymentPlan:
    id: int
    invoice_id: int
    proposed_by: str  # client | freelancer
    chat_id: int | None
    status: str  # proposed | accepted | declined | missed | ended | withdrawn
    frequency: str  # weekly | monthly
    base_paid_minor: int
    missed_seq: int | None
    created_at: int
    decided_at: int | None
    instalments: tuple[Instalment, ...] = ()

    @property
    def count(self) -> int:
        return len(self.instalments)

    @property
    def total_minor(self) -> int:
        return sum(i.amount_minor for i in self.instalments)


_PLAN_COLUMNS = (
    "p.id, p.invoice_id, p.proposed_by, p.chat_id, p.status, p.frequency, p.base_paid_minor, p.missed_seq, "
    "p.created_at, p.decided_at"
)


def _instalment(row: sqlite3.Row) -> Instalment:
    data = dict(row)
    data["due_date"] = date.fromisoformat(data["due_date"])
    return Instalment(**data)


class PaymentPlans:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def _with_instalments(self, rows: Sequence[sqlite3.Row]) -> list[PaymentPlan]:
        if not rows:
            return []
        ids = [int(r["id"]) for r in rows]
        found = await self._db.fetchall(
            f"SELECT id, plan_id, seq, due_date, amount_minor FROM instalments "
            f"WHERE plan_id IN ({', '.join('?' * len(ids))}) ORDER BY plan_id, seq",
            tuple(ids),
        )
        by_plan: dict[int, list[Instalment]] = {}
        for row in found:
            by_plan.setdefault(int(row["plan_id"]), []).append(_instalment(row))
        return [PaymentPlan(**dict(r), instalments=tuple(by_plan.get(int(r["id"]), []))) for r in rows]

    async def propose(
        self,
        invoice_id: int,
        *,
        proposed_by: str,
        frequency: str,
        schedule: Sequence[tuple[date, int]],
        chat_id: int | None,
        now: datetime,
    ) -> PaymentPlan:
        """A new proposal (instalments as (due date, amount)); an earlier unanswered one is withdrawn."""
        async with self._db.transaction() as tx:
            await tx.execute(
                "UPDATE payment_plans SET status = 'withdrawn', decided_at = ? "
                "WHERE invoice_id = ? AND status = 'proposed'",
                (int(now.timestamp()), invoice_id),
            )
            cursor = await tx.execute(
                "INSERT INTO payment_plans (invoice_id, proposed_by, chat_id, frequency, created_at) "
                "VALUES (?, ?, ?, ?, ?)",
                (invoice_id, proposed_by, chat_id, frequency, int(now.timestamp())),
            )
            plan_id = cursor.lastrowid
            await tx.executemany(
                "INSERT INTO instalments (plan_id, seq, due_date, amount_minor) VALUES (?, ?, ?, ?)",
                [(plan_id, seq, due.isoformat(), amount) for seq, (due, amount) in enumerate(schedule, 1)],
            )
        assert plan_id is not None
        plan = await self.get(plan_id)
        assert plan is not None
        return plan

    async def get(self, plan_id: int) -> PaymentPlan | None:
        rows = await self._db.fetchall(
            f"SELECT {_PLAN_COLUMNS} FROM payment_plans p WHERE p.id = ?", (plan_id,)
        )
        found = await self._with_instalments(rows)
        return found[0] if found else None

    async def get_owned(self, freelancer_id: int, plan_id: int) -> PaymentPlan | None:
        """A plan of one of the freelancer's invoices; a foreign id finds nothing."""
        rows = await self._db.fetchall(
            f"SELECT {_PLAN_COLUMNS} FROM payment_plans p JOIN invoices i ON i.id = p.invoice_id "
            "WHERE p.id = ? AND i.freelancer_id = ?",
            (plan_id, freelancer_id),
        )
        found = await self._with_instalments(rows)
        return found[0] if found else None

    async def current(self, invoice_id: int) -> PaymentPlan | None:
        """The invoice's proposed, running or missed plan, if any."""
        rows = await self._db.fetchall(
            f"SELECT {_PLAN_COLUMNS} FROM payment_plans p WHERE p.invoice_id = ? "
            f"AND p.status IN ({', '.join('?' * len(LIVE))}) ORDER BY p.id DESC LIMIT 1",
            (invoice_id, *LIVE),
        )
        found = await self._with_instalments(rows)
        return found[0] if found else None

    async def for_invoice(self, invoice_id: int) -> list[PaymentPlan]:
        rows = await self._db.fetchall(
            f"SELECT {_PLAN_COLUMNS} FROM payment_plans p WHERE p.invoice_id = ? ORDER BY p.id", (invoice_id,)
        )
        return await self._with_instalments(rows)

    async def waiting_since(self, status: str, before: datetime) -> list[PaymentPlan]:
        """Plans in `status` since before `before` (created, for a proposal; decided, for a missed one)."""
        column = "created_at" if status == "proposed" else "decided_at"
        rows = await self._db.fetchall(
            f"SELECT {_PLAN_COLUMNS} FROM payment_plans p WHERE p.status = ? AND p.{column} < ? ORDER BY p.id",
            (status, int(before.timestamp())),
        )  # the column name comes from the two above, never from input
        return await self._with_instalments(rows)

    async def running(self) -> list[PaymentPlan]:
        """Every accepted plan (the sweep looks for missed instalments among them)."""
        rows = await self._db.fetchall(
            f"SELECT {_PLAN_COLUMNS} FROM payment_plans p WHERE p.status = 'accepted' ORDER BY p.id"
        )
        return await self._with_instalments(rows)

    async def decide(
        self, plan_id: int, status: str, now: datetime, *, from_status: str = "proposed",
        base_paid_minor: int | None = None, missed_seq: int | None = None,
    ) -> bool:  # fmt: skip
        """Move a plan from `from_status` to `status`; False when it was moved already (answered once)."""
        cursor = await self._db.execute(
            "UPDATE payment_plans SET status = ?, decided_at = ?, "
            "base_paid_minor = COALESCE(?, base_paid_minor), missed_seq = ? "
            "WHERE id = ? AND status = ?",
            (status, int(now.timestamp()), base_paid_minor, missed_seq, plan_id, from_status),
        )
        return cursor.rowcount > 0

    async def shift_from(self, plan_id: int, seq: int, new_dates: Sequence[date]) -> None:
        """New due dates for instalments `seq`, `seq`+1, … (giving the client more time).

        They are written as new instalment rows (same numbers and amounts): the reminders already sent
        about the old dates stay in the history, and the moved instalments get their own again."""
        async with self._db.transaction() as tx:
            rows = await tx.fetchall(
                "SELECT seq, amount_minor FROM instalments WHERE plan_id = ? AND seq >= ? ORDER BY seq",
                (plan_id, seq),
            )
            # Inserted before the old rows go (numbered -seq meanwhile), so the new rows get new ids.
            await tx.executemany(
                "INSERT INTO instalments (plan_id, seq, due_date, amount_minor) VALUES (?, ?, ?, ?)",
                [
                    (plan_id, -row["seq"], day.isoformat(), row["amount_minor"])
                    for row, day in zip(rows, new_dates, strict=True)
                ],
            )
            await tx.execute("DELETE FROM instalments WHERE plan_id = ? AND seq >= ?", (plan_id, seq))
            await tx.execute("UPDATE instalments SET seq = -seq WHERE plan_id = ? AND seq < 0", (plan_id,))

    async def instalment(self, instalment_id: int) -> tuple[PaymentPlan, Instalment] | None:
        row = await self._db.fetchone("SELECT plan_id FROM instalments WHERE id = ?", (instalment_id,))
        plan = await self.get(int(row["plan_id"])) if row else None
        if plan is None:
            return None
        return plan, next(i for i in plan.instalments if i.id == instalment_id)
