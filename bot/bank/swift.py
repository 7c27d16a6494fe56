"""SWIFT MT940 statements (also the MT942 interim report's layout), read with the `mt-940` package."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

import mt940
from mt940.processors import transaction_details_post_processor_with_space

from bot.bank.model import RawLine, StatementError, checked_currency, to_minor
from bot.i18n import N_

# Structured :86: fields that Belgian, Dutch and many SEPA banks use: /NAME/…/REMI/…/
_SLASH_FIELD = re.compile(r"/(NAME|REMI|EREF|ORDP|IBAN|BENM|CDTRREFTP|CDTRREF|PURP|MARF|CSID)/")


def parse_mt940(data: bytes) -> tuple[str | None, list[RawLine]]:
    text = _decode(data)
    try:
        transactions = mt940.models.Transactions(
            processors={"post_transaction_details": [transaction_details_post_processor_with_space]},
            options=mt940.Options.all(),
        )
        transactions.parse(text)
    except RuntimeError as exc:
        raise StatementError(
            N_("a field does not follow the MT940 layout"), where=_line_of(text, exc)
        ) from None
    except (ValueError, KeyError, IndexError, TypeError) as exc:
        raise StatementError(N_("the MT940 file cannot be read ({detail})"), detail=str(exc)) from None
    if not transactions.data and not transactions.transactions:
        raise StatementError(N_("no MT940 statement found (expected :20:, :25:, :60F:, :61: fields)"))
    account = transactions.data.get("account_identification")
    lines = []
    for index, tx in enumerate(transactions, start=1):
        lines.append(_line(tx.data, f"transaction {index} (:61:)"))
    return account, lines


def _line(data: dict[str, Any], where: str) -> RawLine:
    amount = data.get("amount")
    if amount is None or data.get("date") is None:
        raise StatementError(N_("the :61: field has no amount or date"), where=where)
    currency = checked_currency(getattr(amount, "currency", None) or data.get("currency"), where=where)
    minor = to_minor(amount.amount, currency, where=where)
    details = data.get("transaction_details") or ""
    fields = _slash_fields(details)
    counterparty = data.get("applicant_name") or fields.get("NAME") or ""
    remittance_parts = [data.get("purpose"), data.get("additional_purpose"), fields.get("REMI"),
                        fields.get("CDTRREF"), fields.get("EREF")]  # fmt: skip
    remittance = " ".join(p for p in remittance_parts if p)
    if not remittance and not fields:
        remittance = details
    if not remittance and data.get("customer_reference") not in (None, "", "NONREF"):
        remittance = str(data["customer_reference"])
    bank_ref = data.get("bank_reference") or None
    booked = data.get("entry_date") or data["date"]
    booked = date(booked.year, booked.month, booked.day)  # mt940's Date subclass → a plain date
    return RawLine(bank_ref, booked, minor, currency, str(counterparty), str(remittance))


def _slash_fields(details: str) -> dict[str, str]:
    """/NAME/Dupont/REMI/USTD//FACTURE 12/ → {"NAME": "Dupont", "REMI": "FACTURE 12"}."""
    found: dict[str, str] = {}
    matches = list(_SLASH_FIELD.finditer(details))
    for i, match in enumerate(matches):
        end = matches[i + 1].start() if i + 1 < len(matches) else len(details)
        value = details[match.end() : end].strip("/ ")
        if match[1] == "REMI":
            value = re.sub(r"^(USTD|STRD)//?", "", value)
        found.setdefault(match[1], value.replace("//", " ").strip())
    return found


def _decode(data: bytes) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def _line_of(text: str, exc: RuntimeError) -> str | None:
    value = exc.args[2] if len(exc.args) > 2 and isinstance(exc.args[2], str) else None
    if value:
        first = value.split("\n", 1)[0]
        for number, line in enumerate(text.splitlines(), start=1):
            if first and first in line:
                return f"line {number} ({line.strip()[:60]})"
    return None
