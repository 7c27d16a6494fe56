"""ISO 20022 CAMT.053 (statement) and CAMT.054 (notification) XML, any version from 001.02 on.

Parsed with the standard library's ElementTree behind defusedxml (no entity expansion, no external
entities). Namespaces differ between versions, so elements are found by their local names.
An entry that carries several transactions (a batch) becomes one line per transaction.
"""

from __future__ import annotations

import re
from datetime import date
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

from bot.bank.model import RawLine, StatementError, checked_currency, to_minor
from bot.i18n import N_

_NS = re.compile(r"^\{[^}]*\}")


def _strip_namespaces(root: Element) -> None:
    for element in root.iter():
        if isinstance(element.tag, str):
            element.tag = _NS.sub("", element.tag)


def _text(element: Element | None, path: str) -> str | None:
    if element is None:
        return None
    found = element.find(path)
    if found is None or found.text is None:
        return None
    return found.text.strip() or None


def _texts(element: Element, path: str) -> list[str]:
    return [e.text.strip() for e in element.findall(path) if e.text and e.text.strip()]


def parse_camt(data: bytes) -> tuple[str, str | None, list[RawLine]]:
    """(format, account IBAN, lines) of a CAMT.053 or CAMT.054 document."""
    try:
        root = fromstring(data)
    except ParseError as exc:
        line, column = exc.position
        raise StatementError(N_("the XML is malformed ({detail})"), where=f"line {line}, column {column}",
                             detail=exc.msg if hasattr(exc, "msg") else str(exc)) from None  # fmt: skip
    except DefusedXmlException:
        raise StatementError(N_("the XML uses entities or a DTD, which bank statements never need")) from None
    _strip_namespaces(root)
    if root.tag != "Document":
        raise StatementError(
            N_("expected a CAMT <Document>, found <{tag}>"), where="root element", tag=root.tag
        )
    if root.find("BkToCstmrStmt") is not None:
        kind, reports = "camt.053", root.findall("BkToCstmrStmt/Stmt")
    elif root.find("BkToCstmrDbtCdtNtfctn") is not None:
        kind, reports = "camt.054", root.findall("BkToCstmrDbtCdtNtfctn/Ntfctn")
    elif root.find("BkToCstmrAcctRpt") is not None:
        kind, reports = "camt.052", root.findall("BkToCstmrAcctRpt/Rpt")
    else:
        raise StatementError(N_("expected <BkToCstmrStmt> (camt.053) or <BkToCstmrDbtCdtNtfctn> (camt.054)"),
                             where="<Document>")  # fmt: skip
    if not reports:
        raise StatementError(N_("the document holds no statement"), where="<Document>")
    account = None
    lines: list[RawLine] = []
    for s_index, report in enumerate(reports, start=1):
        account = account or _text(report, "Acct/Id/IBAN") or _text(report, "Acct/Id/Othr/Id")
        statement_currency = _text(report, "Acct/Ccy")
        for e_index, entry in enumerate(report.findall("Ntry"), start=1):
            where = f"statement {s_index}, <Ntry> {e_index}"
            ref = _text(entry, "NtryRef") or _text(entry, "AcctSvcrRef")
            if ref:
                where += f" ({ref})"
            lines += _entry_lines(entry, where, statement_currency)
    return kind, account, lines


def _amount(element: Element, path: str, where: str, default_currency: str | None) -> tuple[int, str] | None:
    found = element.find(path)
    if found is None:
        return None
    currency = checked_currency(found.get("Ccy"), where=f"{where} <{path}>", default=default_currency)
    return to_minor((found.text or "").strip(), currency, where=f"{where} <{path}>"), currency


def _entry_lines(entry: Element, where: str, default_currency: str | None) -> list[RawLine]:
    status = _text(entry, "Sts/Cd") or _text(entry, "Sts")
    if status and status.upper() not in ("BOOK", "BOOKED"):
        return []  # pending or informational entries are not money received yet
    amount = _amount(entry, "Amt", where, default_currency)
    if amount is None:
        raise StatementError(N_("the entry has no <Amt>"), where=where)
    indicator = _text(entry, "CdtDbtInd")
    if indicator not in ("CRDT", "DBIT"):
        raise StatementError(N_("<CdtDbtInd> must be CRDT or DBIT"), where=where)
    reversal = (_text(entry, "RvslInd") or "").lower() == "true"
    sign = 1 if (indicator == "CRDT") != reversal else -1
    booked = _date(entry, "BookgDt", where) or _date(entry, "ValDt", where)
    if booked is None:
        raise StatementError(N_("the entry has no <BookgDt> or <ValDt>"), where=where)
    entry_ref = _text(entry, "AcctSvcrRef")
    details = entry.findall("NtryDtls/TxDtls")
    if not details:
        info = _text(entry, "AddtlNtryInf") or ""
        return [RawLine(entry_ref, booked, sign * amount[0], amount[1], "", info)]
    lines = []
    for t_index, tx in enumerate(details, start=1):
        tx_where = f"{where} <TxDtls> {t_index}"
        tx_amount = (
            _amount(tx, "Amt", tx_where, amount[1])
            or _amount(tx, "AmtDtls/TxAmt/Amt", tx_where, amount[1])
            or (amount if len(details) == 1 else None)
        )
        if tx_amount is None:
            raise StatementError(N_("a transaction of a batch entry has no amount"), where=tx_where)
        tx_indicator = _text(tx, "CdtDbtInd")
        tx_sign = sign if tx_indicator is None else (1 if (tx_indicator == "CRDT") != reversal else -1)
        tx_id = (
            _text(tx, "Refs/AcctSvcrRef") or _text(tx, "Refs/TxId")
            or (_text(tx, "Refs/EndToEndId") if _text(tx, "Refs/EndToEndId") != "NOTPROVIDED" else None)
        )  # fmt: skip
        if tx_id is None and entry_ref:
            tx_id = f"{entry_ref}/{t_index}" if len(details) > 1 else entry_ref
        party = "Dbtr" if tx_sign > 0 else "Cdtr"
        name = (
            _text(tx, f"RltdPties/{party}/Pty/Nm") or _text(tx, f"RltdPties/{party}/Nm")
            or _text(tx, f"RltdPties/Ultmt{party}/Pty/Nm") or _text(tx, f"RltdPties/Ultmt{party}/Nm") or ""
        )  # fmt: skip
        remittance = _texts(tx, "RmtInf/Ustrd")
        remittance += _texts(tx, "RmtInf/Strd/CdtrRefInf/Ref")
        remittance += _texts(tx, "RmtInf/Strd/RfrdDocInf/Nb")
        remittance += _texts(tx, "AddtlTxInf")
        if not remittance and len(details) == 1:
            remittance = _texts(entry, "AddtlNtryInf")
        lines.append(RawLine(tx_id, booked, tx_sign * tx_amount[0], tx_amount[1], name, " ".join(remittance)))
    return lines


def _date(entry: Element, name: str, where: str) -> date | None:
    value = _text(entry, f"{name}/Dt") or _text(entry, f"{name}/DtTm")
    if value is None:
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        raise StatementError(
            N_("{value!r} is not a date (expected 2026-03-05)"), where=f"{where} <{name}>", value=value
        ) from None
