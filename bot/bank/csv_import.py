"""CSV exports: any delimiter (; , tab), UTF-8 (with or without BOM) or Windows-1252, decimal commas,
dd/mm/yyyy or ISO dates, one signed amount column or separate debit and credit columns.

Day-first dates only: French and Belgian banks never write month first.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from datetime import date, datetime

from bot.bank.csv_profiles import find_profile, guess_mapping, normalise_header
from bot.bank.model import CsvMapping, RawLine, StatementError, checked_currency, to_minor
from bot.i18n import N_

DELIMITERS = (";", "\t", ",")
HEADER_SEARCH_LINES = 40


class MappingNeeded(StatementError):
    """The CSV columns cannot be told apart by their names: the freelancer must say which is which."""

    def __init__(self, header: list[str]) -> None:
        super().__init__(
            N_("cannot tell which columns hold the date and the amount; columns are: {columns}"),
            where="header",
            columns=", ".join(header),
        )
        self.header = header


def decode(data: bytes) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        return data.decode("latin-1")  # cp1252 leaves five bytes undefined; latin-1 reads anything


def header_key(header: list[str]) -> str:
    """Identifies a bank's layout, to remember the columns the freelancer confirmed for it."""
    text = "|".join(normalise_header(h) for h in header)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:24]


def _read_rows(text: str, delimiter: str, limit: int | None = None) -> list[tuple[int, list[str]]]:
    """(line number where the row starts, cells); quoted cells may span lines."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows: list[tuple[int, list[str]]] = []
    start = 1
    try:
        for row in reader:
            rows.append((start, row))
            start = reader.line_num + 1
            if limit is not None and len(rows) >= limit:
                break
    except csv.Error as exc:
        raise StatementError(
            N_("the CSV cannot be read ({detail})"), where=f"line {reader.line_num}", detail=str(exc)
        ) from None
    return rows


def split_rows(text: str) -> tuple[str, int, list[tuple[int, list[str]]]]:
    """(delimiter, index of the header row, rows): the delimiter that makes a plausible header."""
    best: tuple[int, str, int] | None = None
    for delimiter in DELIMITERS:
        rows = _read_rows(text, delimiter, HEADER_SEARCH_LINES)
        for index, (_, row) in enumerate(rows):
            if len(row) < 2:
                continue
            score = len(row) * (3 if find_profile(row) else 2 if guess_mapping(row) else 0)
            if score and (best is None or score > best[0]):
                best = (score, delimiter, index)
            if score:
                break
    if best is None:
        # No header we can read: still split on the most frequent delimiter, so the user sees the columns.
        sample = "\n".join(text.splitlines()[:HEADER_SEARCH_LINES])
        delimiter = max(DELIMITERS, key=sample.count)
        rows = _read_rows(text, delimiter)
        first = next((i for i, (_, row) in enumerate(rows) if len(row) > 1), 0)
        return delimiter, first, rows
    _, delimiter, index = best
    return delimiter, index, _read_rows(text, delimiter)


_DATE_FORMATS = (
    "%d/%m/%Y",
    "%d-%m-%Y",
    "%d.%m.%Y",
    "%Y-%m-%d",
    "%Y/%m/%d",
    "%d/%m/%y",
    "%d-%m-%y",
    "%d.%m.%y",
)


def parse_date(value: str) -> date:
    text = value.strip()
    head = re.split(r"[ T]", text, maxsplit=1)[0]  # "2026-03-05 10:21:00" or "2026-03-05T10:21:00Z"
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(head, fmt).date()
        except ValueError:
            continue
    raise ValueError(value)


_AMOUNT_JUNK = re.compile(r"[^\d,.\-+()]")


def parse_amount(value: str) -> str | None:
    """ "1 234,56" / "-1.234,56" / "1,234.56" / "+1200" / "(12,00)" → a Decimal-ready string; "" → None."""
    text = value.strip().replace("\u2212", "-")
    if not text:
        return None
    negative = text.startswith("(") and text.endswith(")")
    text = _AMOUNT_JUNK.sub("", text).strip("()")
    if text.endswith("-"):  # "120,00-" as some exports write debits
        negative, text = True, text[:-1]
    if text.startswith(("-", "+")):
        negative, text = negative or text[0] == "-", text[1:]
    if not text or not re.fullmatch(r"[\d.,]+", text) or not re.search(r"\d", text):
        raise ValueError(value)
    last_comma, last_dot = text.rfind(","), text.rfind(".")
    if last_comma >= 0 and last_dot >= 0:
        decimal_mark = "," if last_comma > last_dot else "."
    elif last_comma >= 0:
        decimal_mark = ","
    elif text.count(".") > 1:
        decimal_mark = ""  # "1.234.567": dots group thousands
    else:
        decimal_mark = "."
    grouping = "." if decimal_mark == "," else ","
    text = text.replace(grouping, "")
    if decimal_mark == ",":
        text = text.replace(",", ".")
    elif decimal_mark == "":
        text = text.replace(".", "")
    if text.count(".") > 1:
        raise ValueError(value)
    return ("-" if negative else "") + text


def parse_csv(
    data: bytes, *, default_currency: str, mapping: CsvMapping | None = None
) -> tuple[str | None, list[str], CsvMapping, str, list[RawLine]]:
    """(bank, header, mapping, mapping source, lines). `mapping`: columns the freelancer confirmed."""
    text = decode(data)
    if not text.strip():
        raise StatementError(N_("the file is empty"))
    _, header_index, rows = split_rows(text)
    if not rows:
        raise StatementError(N_("the file is empty"))
    header = [h.replace("\ufeff", "").strip() for h in rows[header_index][1]]
    profile = find_profile(header)
    bank = profile.bank if profile else None
    if mapping is not None:
        source = "given"
    elif profile is not None:
        mapping, source = profile.mapping, "profile"
    else:
        mapping, source = guess_mapping(header), "guessed"
        if mapping is None:
            raise MappingNeeded(header)
    currency_default = (profile.default_currency if profile else None) or default_currency
    index = _column_indexes(header, mapping)
    lines: list[RawLine] = []
    for number, row in rows[header_index + 1 :]:
        if not any(cell.strip() for cell in row):
            continue
        line = _row_line(row, index, mapping, currency_default, where=f"line {number}")
        if line is not None:
            lines.append(line)
    return bank, header, mapping, source, lines


def _column_indexes(header: list[str], mapping: CsvMapping) -> dict[str, int]:
    positions = {normalise_header(name): i for i, name in reversed(list(enumerate(header)))}
    wanted = [mapping.date, mapping.amount, mapping.credit, mapping.debit, mapping.currency,
              mapping.transaction_id, *mapping.counterparty, *mapping.remittance]  # fmt: skip
    index = {}
    for name in wanted:
        if not name:
            continue
        position = positions.get(normalise_header(name))
        if position is None:
            raise StatementError(N_("the column {name!r} is not in the file"), where="header", name=name)
        index[name] = position
    return index


def _row_line(
    row: list[str], index: dict[str, int], mapping: CsvMapping, default_currency: str, *, where: str
) -> RawLine | None:
    def cell(name: str | None) -> str:
        if not name:
            return ""
        position = index[name]
        return row[position].strip() if position < len(row) else ""

    date_text = cell(mapping.date)
    if not date_text:
        return None  # a total, a balance or a note line under the movements
    try:
        booked = parse_date(date_text)
    except ValueError:
        raise StatementError(N_("{value!r} is not a date (expected 05/03/2026 or 2026-03-05)"),
                             where=f"{where}, column {mapping.date!r}", value=date_text) from None  # fmt: skip
    currency = checked_currency(cell(mapping.currency) or None, where=where, default=default_currency)
    amount = 0
    try:
        if mapping.amount:
            value = parse_amount(cell(mapping.amount))
            if value is None:
                raise ValueError("")
            amount = to_minor(value, currency, where=where)
        else:
            credit, debit = parse_amount(cell(mapping.credit)), parse_amount(cell(mapping.debit))
            if credit is None and debit is None:
                raise ValueError("")
            amount = abs(to_minor(credit, currency, where=where)) if credit else 0
            amount -= abs(to_minor(debit, currency, where=where)) if debit else 0
    except ValueError as exc:
        if isinstance(exc, StatementError):
            raise
        columns = mapping.amount or f"{mapping.credit}/{mapping.debit}"
        shown = str(exc) or "(empty)"
        raise StatementError(N_("{value!r} is not an amount (expected 1 234,56 or -45.90)"),
                             where=f"{where}, column {columns!r}", value=shown) from None  # fmt: skip
    counterparty = " ".join(" ".join(cell(name).split()) for name in mapping.counterparty if cell(name))
    remittance = " ".join(" ".join(cell(name).split()) for name in mapping.remittance if cell(name))
    return RawLine(cell(mapping.transaction_id) or None, booked, amount, currency, counterparty, remittance)


def csv_header(data: bytes) -> list[str] | None:
    """The header row a CSV file would be read with (to look up a layout the freelancer confirmed)."""
    text = decode(data)
    if not text.strip():
        return None
    _, index, rows = split_rows(text)
    return [h.replace("\ufeff", "").strip() for h in rows[index][1]] if rows else None
