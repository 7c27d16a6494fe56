"""`parse_statement`: any supported statement file → a `Statement`, the format told by the content."""

from __future__ import annotations

import re

from bot.bank.camt import parse_camt
from bot.bank.csv_import import parse_csv
from bot.bank.model import MAX_FILE_BYTES, CsvMapping, Statement, StatementError, identify
from bot.bank.ofx import parse_ofx
from bot.bank.swift import parse_mt940
from bot.i18n import N_

FORMATS = ("camt.053", "camt.054", "ofx", "mt940", "csv")
_MT940_START = re.compile(rb"(^|\n)\s*(\{1:|:20:)")
_MT940_STATEMENT_LINE = re.compile(rb"\n:61:")


def detect_format(data: bytes, filename: str = "") -> str:
    """ "xml", "ofx", "mt940" or "csv", from the first bytes (the file name only breaks a tie)."""
    head = data[:4096].lstrip(b"\xef\xbb\xbf \t\r\n")
    upper = head[:2048].upper()
    if upper.startswith(b"OFXHEADER") or b"<OFX>" in upper or b"<?OFX" in upper:
        return "ofx"
    if head.startswith(b"<"):
        return "xml"
    if _MT940_START.search(head) and (_MT940_STATEMENT_LINE.search(data) or b":60F:" in data[:65536]):
        return "mt940"
    name = filename.lower()
    if name.endswith((".ofx", ".qfx")):
        return "ofx"
    if name.endswith((".sta", ".mt940", ".940")):
        return "mt940"
    return "csv"


def parse_statement(
    data: bytes, filename: str = "", *, default_currency: str = "EUR", csv_mapping: CsvMapping | None = None
) -> Statement:
    """Read a CAMT.053/054, OFX/QFX, MT940 or CSV statement; raise StatementError naming what is wrong.

    `default_currency` applies to CSV files without a currency column; `csv_mapping` is the column
    choice the freelancer confirmed for a CSV layout no profile knows.
    """
    if len(data) > MAX_FILE_BYTES:
        raise StatementError(N_("the file is larger than {size} MB"), size=MAX_FILE_BYTES // 2**20)
    if not data.strip():
        raise StatementError(N_("the file is empty"))
    kind = detect_format(data, filename)
    if kind == "xml":
        fmt, account, raw = parse_camt(data)
        return Statement(fmt, identify(raw, account=account), account=account)
    if kind == "ofx":
        account, raw = parse_ofx(data)
        return Statement("ofx", identify(raw, account=account), account=account)
    if kind == "mt940":
        account, raw = parse_mt940(data)
        return Statement("mt940", identify(raw, account=account), account=account)
    if b"\x00" in data[:4096]:
        raise StatementError(N_("this is not a statement file (CAMT, OFX, MT940 or CSV): it looks binary"))
    bank, header, mapping, source, raw = parse_csv(
        data, default_currency=default_currency, mapping=csv_mapping
    )
    return Statement("csv", identify(raw), bank=bank, csv_header=tuple(header), csv_mapping=mapping,
                     mapping_source=source)  # fmt: skip


_CAMT_MARKERS = (b"camt.053", b"camt.054", b"BkToCstmrStmt", b"BkToCstmrDbtCdtNtfctn")


def is_bank_statement(data: bytes, filename: str = "") -> bool:
    """Whether a sent document looks like a bank statement (so that a router can tell it from an e-invoice or an
    invoice CSV): OFX/QFX, MT940, CAMT.053/054 XML, or a CSV whose header a profile or the generic guess reads."""
    kind = detect_format(data, filename)
    if kind in ("ofx", "mt940"):
        return True
    if kind == "xml":
        return any(marker in data[:65536] for marker in _CAMT_MARKERS)
    from bot.bank.csv_import import csv_header
    from bot.bank.csv_profiles import guess_mapping

    try:
        header = csv_header(data)
    except (StatementError, UnicodeError, ValueError):
        return False
    return header is not None and guess_mapping(header) is not None
