"""A CSV of invoices exported from an invoicing tool (or Relance's own /export) → rows to create.

Any delimiter (; , tab), UTF-8 with or without BOM or Windows-1252, decimal commas, day-first or ISO
dates: the readers of bank CSV exports (bot.bank.csv_import) are shared. Every line is checked before
anything is saved: the errors name their line and column, and a file with any error creates nothing.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from bot.bank.csv_import import decode, header_key, parse_amount, parse_date
from bot.bank.csv_profiles import normalise_header
from bot.domain.money import Money, is_known_currency
from bot.einvoice.csv_profiles import (
    SETTLED_STATUSES,
    InvoiceColumns,
    find_profile,
    guess_columns,
    looks_like_invoices,
)
from bot.einvoice.model import EInvoiceError
from bot.i18n import N_

MAX_LINES = 5000
MAX_ERRORS = 10
MAX_NUMBER_LENGTH = 32
MAX_NAME_LENGTH = 80
MAX_DESCRIPTION_LENGTH = 200
DELIMITERS = (";", "\t", ",")
_FORMULA_QUOTE = ("'=", "'+", "'-", "'@")  # what bot.export.csv_cell writes: read back as it was


class InvoiceCsvErrors(EInvoiceError):
    """Several lines are wrong: nothing is created. `errors` name their line and column."""

    def __init__(self, errors: list[EInvoiceError]) -> None:
        super().__init__(errors[0].template, where=errors[0].where, **errors[0].values)
        self.errors = errors


@dataclass(frozen=True)
class InvoiceRow:
    line: int
    number: str
    client: str
    amount: Money
    issue_date: date
    due_date: date
    email: str | None = None
    description: str | None = None
    paid_minor: int = 0
    """Already paid (amount − balance): recorded as a payment with the invoice."""


@dataclass(frozen=True)
class InvoiceFile:
    tool: str | None
    """The tool whose export profile matched (None: columns guessed or given)."""
    header: tuple[str, ...]
    columns: InvoiceColumns
    columns_source: str
    """ "profile", "given" (the freelancer confirmed them) or "guessed" (to confirm)."""
    rows: tuple[InvoiceRow, ...] = ()
    settled: tuple[tuple[int, str], ...] = ()
    """(line, number) of invoices already paid or cancelled in the export: skipped."""
    repeated: tuple[tuple[int, str], ...] = ()
    """(line, number) of numbers already seen earlier in the file: skipped."""
    header_key: str = ""


def split(text: str) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """(header, [(line number, cells)…]) with the delimiter that gives the widest plausible header."""
    best: tuple[int, str] | None = None
    for delimiter in DELIMITERS:
        rows = _rows(text, delimiter, limit=1)
        width = len(rows[0][1]) if rows else 0
        score = width * (3 if rows and looks_like_invoices(_clean_header(rows[0][1])) else 1)
        if width > 1 and (best is None or score > best[0]):
            best = (score, delimiter)
    if best is None:
        raise EInvoiceError(N_("the file has no header line with columns"), where="line 1")
    rows = _rows(text, best[1])
    return _clean_header(rows[0][1]), rows[1:]


def _clean_header(cells: list[str]) -> list[str]:
    return [c.replace("\ufeff", "").strip() for c in cells]


def _rows(text: str, delimiter: str, limit: int | None = None) -> list[tuple[int, list[str]]]:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    found: list[tuple[int, list[str]]] = []
    start = 1
    try:
        for row in reader:
            if any(cell.strip() for cell in row):
                found.append((start, row))
                if limit is not None and len(found) >= limit:
                    break
            start = reader.line_num + 1
    except csv.Error as exc:
        raise EInvoiceError(N_("the CSV cannot be read ({detail})"), where=f"line {reader.line_num}",
                            detail=str(exc)) from None  # fmt: skip
    return found


def invoice_header(data: bytes) -> list[str] | None:
    """The header a CSV would be read with, or None when it has none."""
    text = decode(data)
    if not text.strip():
        return None
    try:
        return split(text)[0]
    except EInvoiceError:
        return None


def parse_invoices_csv(
    data: bytes,
    *,
    default_currency: str,
    term_days: int,
    columns: InvoiceColumns | None = None,
) -> InvoiceFile:
    """Read every line; EInvoiceError (or InvoiceCsvErrors naming each bad line) and nothing is kept.

    `columns`: what the freelancer confirmed; else a known export's profile; else the guess
    (columns_source "guessed": the caller has them confirmed before creating anything).
    `term_days`: the due date of a line without one is its issue date plus this term."""
    text = decode(data)
    if not text.strip():
        raise EInvoiceError(N_("the file is empty"))
    header, rows = split(text)
    tool = None
    if columns is not None:
        source = "given"
    elif (profile := find_profile(header)) is not None:
        tool, columns = profile
        source = "profile"
    else:
        columns, source = guess_columns(header), "guessed"
    result = InvoiceFile(tool, tuple(header), columns, source, header_key=header_key(header))
    if source == "guessed" or not columns.ready:
        return result  # the columns are confirmed first
    if len(rows) > MAX_LINES:
        raise EInvoiceError(N_("the file has more than {n} lines; split it in smaller files"), n=MAX_LINES)
    index = _indexes(header, columns)
    parsed: list[InvoiceRow] = []
    settled: list[tuple[int, str]] = []
    repeated: list[tuple[int, str]] = []
    errors: list[EInvoiceError] = []
    seen: set[str] = set()
    for number, cells in rows:
        try:
            row = _row(number, cells, index, columns, default_currency, term_days)
        except EInvoiceError as exc:
            errors.append(exc)
            if len(errors) >= MAX_ERRORS:
                break
            continue
        if row is None:
            continue
        if isinstance(row, tuple):
            settled.append(row)
        elif row.number.casefold() in seen:
            repeated.append((row.line, row.number))
        else:
            seen.add(row.number.casefold())
            parsed.append(row)
    if errors:
        raise InvoiceCsvErrors(errors)
    return InvoiceFile(tool, tuple(header), columns, source, tuple(parsed), tuple(settled), tuple(repeated),
                       header_key=result.header_key)  # fmt: skip


def _indexes(header: list[str], columns: InvoiceColumns) -> dict[str, int]:
    positions = {normalise_header(name): i for i, name in reversed(list(enumerate(header)))}
    index = {}
    for role, name in columns.as_dict().items():
        if not name:
            continue
        position = positions.get(normalise_header(name))
        if position is None:
            raise EInvoiceError(N_("the column {name!r} is not in the file"), where="header", name=name)
        index[role] = position
    return index


def _row(
    line: int,
    cells: list[str],
    index: dict[str, int],
    columns: InvoiceColumns,
    default_currency: str,
    term_days: int,
) -> InvoiceRow | tuple[int, str] | None:
    def cell(role: str) -> str:
        position = index.get(role)
        value = cells[position].strip() if position is not None and position < len(cells) else ""
        return value[1:] if value.startswith(_FORMULA_QUOTE) else value

    def where(role: str) -> str:
        return f"line {line}, column {getattr(columns, role)!r}"

    number, client = " ".join(cell("number").split()), " ".join(cell("client").split())
    if not number and not client and not cell("amount"):
        return None  # a total or a note under the invoices
    if not number or len(number) > MAX_NUMBER_LENGTH:
        raise EInvoiceError(N_("an invoice number of 1 to 32 characters is needed, for example F-2026-014"),
                            where=where("number"))  # fmt: skip
    if cell("status") and normalise_header(cell("status")) in SETTLED_STATUSES:
        return (line, number)
    if not client or len(client) > MAX_NAME_LENGTH:
        raise EInvoiceError(N_("a client name of 1 to 80 characters is needed, for example ACME"),
                            where=where("client"))  # fmt: skip
    currency = (cell("currency") or default_currency).upper()
    if len(currency) != 3 or not is_known_currency(currency):
        raise EInvoiceError(N_("unknown currency {currency!r} (expected a code such as EUR)"),
                            where=where("currency"), currency=currency[:12])  # fmt: skip
    amount = _money(cell("amount"), currency, where("amount"))
    if amount.minor <= 0:
        raise EInvoiceError(N_("{value!r} is not an amount to be paid (expected 1 234,56 or 1200.00)"),
                            where=where("amount"), value=cell("amount")[:40])  # fmt: skip
    paid = 0
    if columns.balance and cell("balance"):
        balance = _money(cell("balance"), currency, where("balance"))
        if balance.minor <= 0:
            return (line, number)
        paid = max(amount.minor - balance.minor, 0)
    issued = _date(cell("issue_date"), where("issue_date"))
    due = (
        _date(cell("due_date"), where("due_date")) if cell("due_date") else issued + timedelta(days=term_days)
    )
    if due < issued:
        raise EInvoiceError(N_("the due date {due} is before the issue date {issue}"), where=where("due_date"),
                            due=due.isoformat(), issue=issued.isoformat())  # fmt: skip
    email = cell("email") or None
    if email and ("@" not in email or " " in email or len(email) > 254):
        raise EInvoiceError(N_("{value!r} is not an e-mail address (expected compta@acme.fr)"),
                            where=where("email"), value=email[:60])  # fmt: skip
    description = " ".join(cell("description").split())[:MAX_DESCRIPTION_LENGTH] or None
    return InvoiceRow(line, number, client, amount, issued, due, email, description, paid)


def _money(text: str, currency: str, where: str) -> Money:
    try:
        value = parse_amount(text)
        if value is None:
            raise ValueError(text)
        return Money.from_decimal(Decimal(value), currency)
    except (ValueError, ArithmeticError):
        raise EInvoiceError(N_("{value!r} is not an amount (expected 1 234,56 or 1200.00)"), where=where,
                            value=text[:40] or "(empty)") from None  # fmt: skip


def _date(text: str, where: str) -> date:
    try:
        return parse_date(text)
    except ValueError:
        raise EInvoiceError(N_("{value!r} is not a date (expected 05/03/2026 or 2026-03-05)"), where=where,
                            value=text[:40] or "(empty)") from None  # fmt: skip


def csv_kind(data: bytes) -> str | None:
    """ "invoices", "bank" or "unsure" (ask the freelancer) for a CSV file, told by its header; None when
    the header says neither (the bank import's column check takes it)."""
    from bot.bank.csv_profiles import find_profile as bank_profile
    from bot.bank.csv_profiles import guess_mapping

    try:
        header = invoice_header(data)
    except (EInvoiceError, UnicodeError, ValueError):
        return None
    if not header:
        return None
    if looks_like_invoices(header) and bank_profile(header) is None:
        return "invoices"
    if bank_profile(header) is not None:
        return "bank"
    guess = guess_columns(header)
    if any((guess.number, guess.client, guess.due_date, guess.balance)):
        return "unsure"  # an invoice column or two, not enough to be sure
    return "bank" if guess_mapping(header) is not None else None
