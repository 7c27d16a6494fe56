"""The freelancer's books as CSV: used by /export and by `relance export`.

UTF-8, a header row, ISO dates, amounts in major units with the currency in its own column, and no
cell a spreadsheet would run as a formula.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence

from bot.domain.money import Money, format_major
from bot.storage import Invoice, Payment

INVOICE_COLUMNS = (
    "number", "client", "issue_date", "due_date", "amount", "currency", "paid", "balance", "status", "description",
)  # fmt: skip
PAYMENT_COLUMNS = ("invoice_number", "date", "amount", "currency")
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: object) -> str:
    """A cell a spreadsheet will not run: text starting like a formula gets a leading quote."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


def _major(minor: int, currency: str) -> str:
    return format_major(Money(minor, currency))


def invoices_csv(invoices: Iterable[Invoice]) -> bytes:
    """One line per invoice: ISO dates, amounts in major units, the currency in its own column."""
    return _csv(
        INVOICE_COLUMNS,
        (
            (
                i.number,
                i.client_name,
                i.issue_date.isoformat(),
                i.due_date.isoformat(),
                _major(i.amount_minor, i.currency),
                i.currency,
                _major(i.paid_minor, i.currency),
                _major(i.balance_minor, i.currency),
                i.status,
                i.description,
            )  # fmt: skip
            for i in invoices
        ),
    )


def payments_csv(payments: Iterable[tuple[str, Payment, str]]) -> bytes:
    """One line per payment: (invoice number, payment, currency) as `payments_for_export` gives them."""
    return _csv(
        PAYMENT_COLUMNS,
        (
            (number, p.paid_on.isoformat(), _major(p.amount_minor, currency), currency)
            for number, p, currency in payments
        ),
    )


def _csv(header: Sequence[str], rows: Iterable[Sequence[object]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows([csv_cell(value) for value in row] for row in rows)
    return buffer.getvalue().encode("utf-8")
