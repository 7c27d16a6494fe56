"""OFX 1.x (SGML) and 2.x (XML) statements, and Quicken's QFX, read with ofxtools."""

from __future__ import annotations

import io
from typing import Any

from ofxtools.Parser import OFXTree

from bot.bank.model import RawLine, StatementError, checked_currency, to_minor
from bot.i18n import N_


def parse_ofx(data: bytes) -> tuple[str | None, list[RawLine]]:
    tree = OFXTree()
    try:
        tree.parse(io.BytesIO(data))
        ofx: Any = tree.convert()
    except Exception as exc:  # ofxtools raises its own errors, ValueError and IndexError alike
        raise StatementError(N_("the OFX file cannot be read ({detail})"), detail=_short(exc)) from None
    statements = list(getattr(ofx, "statements", None) or [])
    if not statements:
        raise StatementError(N_("the OFX file holds no bank or card statement"), where="<OFX>")
    account = None
    lines: list[RawLine] = []
    for s_index, statement in enumerate(statements, start=1):
        acct = getattr(statement, "account", None)
        account = account or getattr(acct, "acctid", None)
        currency = checked_currency(getattr(statement, "curdef", None), where=f"statement {s_index} <CURDEF>")
        for t_index, tx in enumerate(getattr(statement, "banktranlist", None) or [], start=1):
            where = f"statement {s_index}, <STMTTRN> {t_index}" + (f" ({tx.fitid})" if tx.fitid else "")
            tx_currency = currency
            # A transaction in another currency names it (<CURRENCY> or <ORIGCURRENCY>, with a rate).
            foreign = getattr(tx, "currency", None)
            if foreign is not None and getattr(foreign, "cursym", None):
                tx_currency = checked_currency(foreign.cursym, where=where)
            if tx.trnamt is None or tx.dtposted is None:
                raise StatementError(N_("a transaction needs <TRNAMT> and <DTPOSTED>"), where=where)
            amount = to_minor(tx.trnamt, tx_currency, where=f"{where} <TRNAMT>")
            name = tx.name or (getattr(tx.payee, "name", None) if getattr(tx, "payee", None) else None) or ""
            remittance = " ".join(part for part in (tx.memo, getattr(tx, "refnum", None)) if part)
            lines.append(RawLine(tx.fitid or None, tx.dtposted.date(), amount, tx_currency, name, remittance))
    return account, lines


def _short(exc: Exception) -> str:
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text if len(text) <= 160 else text[:157] + "…"
