"""What every statement format is read into: dataclasses only, no I/O."""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal, InvalidOperation

from bot.domain.money import currency_decimals, is_known_currency
from bot.i18n import N_

MAX_FILE_BYTES = 20 * 1024 * 1024


class StatementError(ValueError):
    """The file cannot be read as a statement; `where` names the line or element (for the user).

    `message` is an English template (marked with N_ so it is translated) filled with `values`:
    `bot.bank.service.describe_error` shows it in the freelancer's language.
    """

    def __init__(self, message: str, *, where: str | None = None, **values: object) -> None:
        text = message.format(**values) if values else message
        super().__init__(f"{where}: {text}" if where else text)
        self.template, self.values = message, values
        self.message = text
        self.where = where


@dataclass(frozen=True)
class BankLine:
    """One booked movement. Credits have a positive amount, debits a negative one."""

    transaction_id: str | None
    booking_date: date
    amount_minor: int
    currency: str
    counterparty: str
    remittance: str
    raw_hash: str
    """The line's identity for idempotent imports: the bank's transaction id when it has one, else a
    hash of date, amount, currency, counterparty, remittance and its occurrence in the file."""

    @property
    def is_credit(self) -> bool:
        return self.amount_minor > 0


@dataclass(frozen=True)
class CsvMapping:
    """Which CSV column holds what. Column names as in the file's header."""

    date: str
    amount: str | None = None
    credit: str | None = None
    debit: str | None = None
    counterparty: tuple[str, ...] = ()
    remittance: tuple[str, ...] = ()
    currency: str | None = None
    transaction_id: str | None = None

    def as_dict(self) -> dict[str, object]:
        return {
            "date": self.date, "amount": self.amount, "credit": self.credit, "debit": self.debit,
            "counterparty": list(self.counterparty), "remittance": list(self.remittance),
            "currency": self.currency, "transaction_id": self.transaction_id,
        }  # fmt: skip

    @classmethod
    def from_dict(cls, data: dict[str, object]) -> CsvMapping:
        def text(key: str) -> str | None:
            value = data.get(key)
            return str(value) if value else None

        def names(key: str) -> tuple[str, ...]:
            value = data.get(key) or ()
            return (str(value),) if isinstance(value, str) else tuple(str(v) for v in value)  # type: ignore[attr-defined]

        if not data.get("date"):
            raise ValueError("a CSV mapping needs the date column")
        mapping = cls(
            date=str(data["date"]), amount=text("amount"), credit=text("credit"), debit=text("debit"),
            counterparty=names("counterparty"), remittance=names("remittance"), currency=text("currency"),
            transaction_id=text("transaction_id"),
        )  # fmt: skip
        if not mapping.amount and not mapping.credit:
            raise ValueError("a CSV mapping needs an amount column, or a credit column")
        return mapping


@dataclass(frozen=True)
class Statement:
    format: str
    """camt.053, camt.054, ofx, mt940 or csv."""
    lines: tuple[BankLine, ...]
    account: str | None = None
    bank: str | None = None
    """The bank whose export layout was recognised (CSV profiles), if any."""
    csv_header: tuple[str, ...] = ()
    csv_mapping: CsvMapping | None = None
    mapping_source: str | None = None
    """CSV only: "profile" (a shipped bank layout), "given" (confirmed by the freelancer), "guessed"."""
    warnings: tuple[str, ...] = field(default=())

    @property
    def credits(self) -> tuple[BankLine, ...]:
        return tuple(line for line in self.lines if line.is_credit)


def to_minor(value: Decimal | str, currency: str, *, where: str) -> int:
    """An amount in major units as integer minor units, refusing more decimals than the currency has."""
    try:
        amount = value if isinstance(value, Decimal) else Decimal(value)
    except InvalidOperation:
        raise StatementError(N_("{value!r} is not an amount"), where=where, value=value) from None
    if not amount.is_finite():
        raise StatementError(N_("{value!r} is not an amount"), where=where, value=value)
    decimals = currency_decimals(currency)
    scaled = amount.scaleb(decimals)
    if scaled != scaled.to_integral_value():
        raise StatementError(
            N_("{value} has more decimals than {currency} allows ({decimals})"),
            where=where, value=str(value), currency=currency, decimals=decimals,
        )  # fmt: skip
    return int(scaled)


def checked_currency(code: str | None, *, where: str, default: str | None = None) -> str:
    currency = (code or default or "").strip().upper()
    if not currency:
        raise StatementError(N_("no currency given"), where=where)
    if len(currency) != 3 or not is_known_currency(currency):
        raise StatementError(N_("unknown currency {currency!r}"), where=where, currency=currency)
    return currency


def _digest(*parts: object) -> str:
    text = "\x1f".join(" ".join(str(p).split()).casefold() for p in parts)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


@dataclass(frozen=True)
class RawLine:
    """A movement before its identity is known (the parsers build these)."""

    transaction_id: str | None
    booking_date: date
    amount_minor: int
    currency: str
    counterparty: str
    remittance: str


def identify(raw_lines: Iterable[RawLine], *, account: str | None = None) -> tuple[BankLine, ...]:
    """Give each line its key. Identical lines without a bank id (two equal transfers the same day)
    are told apart by their rank in the file, so re-importing the same or an overlapping statement
    yields the same keys, and two genuine twins still count twice."""
    seen: Counter[str] = Counter()
    lines = []
    for raw in raw_lines:
        counterparty = " ".join(raw.counterparty.split())
        remittance = " ".join(raw.remittance.split())
        if raw.transaction_id:
            key = _digest("id", account or "", raw.transaction_id, raw.booking_date, raw.amount_minor)
        else:
            base = _digest(raw.booking_date, raw.amount_minor, raw.currency, counterparty, remittance)
            seen[base] += 1
            key = _digest(base, seen[base])
        line = BankLine(raw.transaction_id, raw.booking_date, raw.amount_minor, raw.currency,
                        counterparty, remittance, key)  # fmt: skip
        lines.append(line)
    return tuple(lines)


def with_lines(statement: Statement, lines: Iterable[BankLine]) -> Statement:
    return replace(statement, lines=tuple(lines))
