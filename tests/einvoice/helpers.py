"""Invoices as the storage layer returns them, for /export round trips."""

from __future__ import annotations

from datetime import date

from bot.storage import Invoice


def exported_invoices() -> list[Invoice]:
    def invoice(number: str, client: str, amount: int, paid: int, currency: str, status: str) -> Invoice:
        return Invoice(1, 1, 1, client, number, amount, currency, paid, date(2026, 11, 1), date(2026, 12, 1),
                       "Mission", None, None, status, True, False, None, 0)  # fmt: skip

    return [
        invoice("F-1", "ACME", 120_000, 20_000, "EUR", "open"),
        invoice("=SUM(A1)", "Zoë & Co", 5_000, 0, "USD", "open"),
        invoice("F-3", "ACME", 10_000, 10_000, "EUR", "paid"),
    ]
