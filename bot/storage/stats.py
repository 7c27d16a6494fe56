"""What the insights are computed from: one row per invoice, and the payments summed per day.

Aggregated in SQL where it saves rows (payments per invoice and per day, reminders per invoice);
the figures themselves are computed in bot/domain/stats.py. Every query starts from the freelancer's
invoices through the index invoices_by_status_due (freelancer_id first) and reaches payments and
reminders through their per-invoice indexes, so the cost follows the freelancer's size, not the
installation's. Cancelled invoices are left out everywhere (their payments too).
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import date

from bot.domain.stats import DailyPayments, InvoiceFacts
from bot.storage.db import Database

_FACTS = (
    "SELECT i.id, i.client_id, c.name, i.currency, i.amount_minor, "
    "COALESCE(SUM(p.amount_minor), 0) AS paid_minor, i.issue_date, i.due_date, i.status, "
    "MAX(p.paid_on) AS settled_on, "
    # Reminders matter for paid invoices only (how many it took): skipped for open ones.
    "CASE WHEN i.status = 'paid' THEN (SELECT count(*) FROM reminders r WHERE r.invoice_id = i.id "
    "AND r.status = 'sent' AND r.audience = 'client') ELSE 0 END AS reminders_sent, "
    "CASE WHEN i.status = 'paid' THEN (SELECT r.tone FROM reminders r WHERE r.invoice_id = i.id "
    "AND r.status = 'sent' AND r.audience = 'client' ORDER BY r.step DESC LIMIT 1) END AS last_tone "
    "FROM invoices i JOIN clients c ON c.id = i.client_id "
    "LEFT JOIN payments p ON p.invoice_id = i.id "
    "WHERE i.freelancer_id = ? AND i.status IN ('open', 'paid') "
)
_GROUP = "GROUP BY i.id, i.client_id, c.name, i.currency, i.amount_minor, i.issue_date, i.due_date, i.status"


class Stats:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def invoice_facts(
        self, freelancer_id: int, client_ids: Collection[int] | None = None
    ) -> list[InvoiceFacts]:
        """The freelancer's open and paid invoices (only those of `client_ids`, when given)."""
        sql, params = _FACTS, [freelancer_id]
        if client_ids is not None:
            if not client_ids:
                return []
            ids = sorted(set(client_ids))
            sql += f"AND i.client_id IN ({', '.join('?' * len(ids))}) "
            params += ids
        rows = await self._db.fetchall(sql + _GROUP, params)
        return [
            InvoiceFacts(
                id=r[0],
                client_id=r[1],
                client_name=r[2],
                currency=r[3],
                amount_minor=r[4],
                paid_minor=r[5],
                issue_date=date.fromisoformat(r[6]),
                due_date=date.fromisoformat(r[7]),
                status=r[8],
                settled_on=date.fromisoformat(r[9]) if r[9] and r[8] == "paid" else None,
                reminders_sent=r[10],
                last_tone=r[11],
            )  # fmt: skip
            for r in rows
        ]

    async def daily_payments(self, freelancer_id: int) -> list[DailyPayments]:
        """Payments received, summed per currency and day."""
        rows = await self._db.fetchall(
            "SELECT i.currency, p.paid_on, SUM(p.amount_minor) FROM invoices i "
            "JOIN payments p ON p.invoice_id = i.id "
            "WHERE i.freelancer_id = ? AND i.status IN ('open', 'paid') "
            "GROUP BY i.currency, p.paid_on ORDER BY p.paid_on, i.currency",
            (freelancer_id,),
        )
        return [DailyPayments(r[0], date.fromisoformat(r[1]), int(r[2])) for r in rows]
