"""The freelancer's books as CSV: used by /export and by `relance export`.

UTF-8, a header row, ISO dates, amounts in major units with the currency in its own column, and no
cell a spreadsheet would run as a formula.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence

from bot.domain.money import Money, format_major
from bot.domain.stats import FORECAST_HORIZONS, Forecast, PayerScore, Report
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


STATS_COLUMNS = ("section", "period", "start", "end", "currency", "client", "metric", "value")


def _number(value: float | None, digits: int = 1) -> str:
    return "" if value is None else f"{value:.{digits}f}"


def stats_csv(
    reports: Iterable[Report], scores: Iterable[PayerScore], forecasts: Iterable[Forecast]
) -> bytes:
    """The /stats figures, one per line (long format: easy to filter and pivot in a spreadsheet).

    Sections: `figures` (per period and currency, as bot/domain/stats.py defines them), `reminders`
    (settled invoices by the tone of the last reminder, "none" without any), `payer_score` (per client)
    and `forecast` (expected receipts, cumulative within 30/60/90 days, and later)."""
    rows: list[tuple[object, ...]] = []
    for report in reports:
        where = ("figures", report.period.value, report.start.isoformat(), report.end.isoformat())
        for f in report.figures:
            c = f.currency
            rows += [
                (*where, c, "", "invoiced", _major(f.invoiced_minor, c)),
                (*where, c, "", "invoices_issued", f.invoiced_count),
                (*where, c, "", "collected", _major(f.collected_minor, c)),
                (*where, c, "", "outstanding", _major(f.outstanding_minor, c)),
                (*where, c, "", "overdue", _major(f.overdue_minor, c)),
                (*where, c, "", "dso_days", _number(f.dso_days)),
                (*where, c, "", "invoices_settled", f.settled_count),
                (*where, c, "", "paid_on_time_share", _number(f.on_time_share, 3)),
                (*where, c, "", "average_days_late", _number(f.average_days_late)),
            ]
        where = ("reminders", *where[1:])
        rows += [(*where, "", "", f"settled_after_{e.tone or 'none'}", e.invoices) for e in report.reminders]
    for s in scores:
        base = ("payer_score", "all", "", "", "", s.client_name)
        rows += [
            (*base, "grade", s.grade),
            (*base, "average_days_late", _number(s.average_days_late)),
            (*base, "paid_invoices", s.paid),
            (*base, "unpaid_overdue_invoices", s.unpaid_overdue),
        ]
    for fc in forecasts:
        base = ("forecast", "", "", "", fc.currency, "")
        rows += [
            (*base, f"within_{h}_days", _major(v, fc.currency))
            for h, v in zip(FORECAST_HORIZONS, fc.within, strict=True)
        ]
        rows.append((*base, "later", _major(fc.later, fc.currency)))
    return _csv(STATS_COLUMNS, rows)
