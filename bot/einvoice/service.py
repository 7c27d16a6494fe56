"""Import a CSV of invoices for a freelancer: read, skip the numbers they already have, create all in one
transaction, plan the reminders. The Telegram handler and `relance import-invoices` both call it.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from datetime import date

from bot.clock import Clock
from bot.einvoice.csv_invoices import InvoiceFile, InvoiceRow, invoice_header, parse_invoices_csv
from bot.einvoice.csv_profiles import InvoiceColumns
from bot.einvoice.model import EInvoiceError
from bot.i18n import N_
from bot.storage import Freelancer, Invoice, Store
from bot.storage.invoice_import import InvoiceToImport

InvoiceChanged = Callable[[Invoice], Awaitable[None]]


class ColumnsToConfirm(Exception):
    """A layout no profile knows (or one missing a needed column): the freelancer checks the columns once."""

    def __init__(self, header: list[str], guess: InvoiceColumns) -> None:
        super().__init__("the invoice CSV columns need confirming")
        self.header, self.guess = header, guess


@dataclass(frozen=True)
class InvoiceImport:
    """What an import creates (a preview when `dry_run`), and what it leaves out."""

    file_name: str
    file: InvoiceFile
    to_create: tuple[InvoiceRow, ...]
    duplicates: tuple[tuple[int, str], ...]
    """(line, number) already among the freelancer's invoices, or repeated in the file: skipped."""
    new_clients: tuple[str, ...]
    totals: tuple[tuple[str, int], ...]
    """(currency, amount due in minor units) of what is created, by currency."""
    dry_run: bool = True
    created: tuple[int, ...] = ()


async def read_invoice_file(
    store: Store,
    freelancer: Freelancer,
    data: bytes,
    file_name: str,
    *,
    columns: InvoiceColumns | None = None,
) -> InvoiceImport:
    """The preview: nothing is written. Raises EInvoiceError / InvoiceCsvErrors, or ColumnsToConfirm."""
    header = invoice_header(data)
    if header is None:
        raise EInvoiceError(N_("the file is empty"))
    parsed = parse_invoices_csv(data, default_currency=freelancer.default_currency,
                                term_days=freelancer.payment_term_days, columns=None)  # fmt: skip
    if columns is None and parsed.columns_source == "guessed":
        remembered = await store.invoice_imports.columns(freelancer.id, parsed.header_key)
        columns = InvoiceColumns.from_dict(remembered) if remembered else None
    if columns is not None or parsed.columns_source == "guessed" or not parsed.columns.ready:
        if columns is None or not columns.ready:
            raise ColumnsToConfirm(header, columns or parsed.columns)
        parsed = parse_invoices_csv(data, default_currency=freelancer.default_currency,
                                    term_days=freelancer.payment_term_days, columns=columns)  # fmt: skip
    existing = await store.invoice_imports.existing_numbers(freelancer.id, [r.number for r in parsed.rows])
    fresh = tuple(r for r in parsed.rows if r.number.lower() not in existing)
    duplicates = sorted([(r.line, r.number) for r in parsed.rows if r.number.lower() in existing]
                        + list(parsed.repeated))  # fmt: skip
    known = await store.invoice_imports.client_names(freelancer.id)
    new_clients: dict[str, str] = {}
    for row in fresh:
        if row.client.lower() not in known:
            new_clients.setdefault(row.client.lower(), row.client)
    totals: dict[str, int] = {}
    for row in fresh:
        totals[row.amount.currency] = totals.get(row.amount.currency, 0) + row.amount.minor - row.paid_minor
    return InvoiceImport(file_name, parsed, fresh, tuple(duplicates), tuple(new_clients.values()),
                         tuple(sorted(totals.items())))  # fmt: skip


async def import_invoices(
    store: Store,
    freelancer: Freelancer,
    data: bytes,
    file_name: str,
    clock: Clock,
    *,
    today: date,
    invoice_changed: InvoiceChanged,
    columns: InvoiceColumns | None = None,
    dry_run: bool = False,
    reminders: bool = True,
) -> InvoiceImport:
    """Create every invoice of the file (all or none: DuplicateNumberError when a number appeared meanwhile),
    then plan their reminders as /new does (`invoice_changed`, the planner). Columns given are remembered
    for files with the same header."""
    plan = await read_invoice_file(store, freelancer, data, file_name, columns=columns)
    if dry_run:
        return plan
    rows = [
        InvoiceToImport(r.number, r.client, r.amount.minor, r.amount.currency, r.issue_date, r.due_date, r.email,
                        r.description, r.paid_minor, today if r.paid_minor else None)
        for r in plan.to_create
    ]  # fmt: skip
    ids = await store.invoice_imports.create_all(freelancer.id, rows, reminders=reminders, now=clock.now())
    if columns is not None and plan.file.columns_source == "given":
        await store.invoice_imports.save_columns(freelancer.id, plan.file.header_key, columns.as_dict(),
                                                 now=clock.now())  # fmt: skip
    for invoice_id in ids:
        invoice = await store.invoices.get(freelancer.id, invoice_id)
        if invoice is not None:
            await invoice_changed(invoice)
    return replace(plan, dry_run=False, created=tuple(ids))
