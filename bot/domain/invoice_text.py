"""Read an invoice's key facts from its text (a PDF forwarded to the bot).

Invoicing tools lay invoices out differently, so this only looks for labelled lines ("Facture n°",
"Total TTC", "Échéance", "Invoice #", "Amount due"…) and leaves anything unsure to the questions.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from bot.domain.dates import DateError, parse_date
from bot.domain.money import AmountError, Money, parse_amount

_NUMBER = re.compile(
    r"\b(?:facture|invoice|n[°o]\s*de\s*facture)\s*(?:n[°o º]\.?|no\.?|num[ée]ro|number|#)?\s*[:：]?\s*"
    r"([A-Z0-9][A-Z0-9\-/_.]{0,31})",
    re.IGNORECASE,
)
# Most specific first: what remains to pay beats a total, which beats a bare "total".
_AMOUNT_LABELS = (
    r"net\s+[àa]\s+payer", r"reste\s+[àa]\s+payer", r"amount\s+due", r"balance\s+due", r"total\s+due",
    r"total\s+ttc", r"montant\s+ttc", r"total\s+(?:incl|including)", r"total",
)  # fmt: skip
_DUE_LABELS = r"(?:[ée]ch[ée]ance|date\s+limite|[àa]\s+payer\s+avant|due\s+date|payment\s+due|due\s+on|due)"
_ISSUE_LABELS = r"(?:date\s+de\s+(?:la\s+)?facture|date\s+d'[ée]mission|invoice\s+date|issue\s+date|date)"
_CLIENT_LABELS = r"(?:client|factur[ée]\s+[àa]|bill(?:ed)?\s+to|customer)"


@dataclass(frozen=True)
class InvoiceFacts:
    number: str | None = None
    amount: Money | None = None
    issue_date: date | None = None
    due_date: date | None = None
    client_name: str | None = None


def _after_label(line: str, label: str) -> str | None:
    match = re.search(rf"\b{label}\b[^:：\d€$£]*[:：]?\s*(.+)$", line, re.IGNORECASE)
    return match[1].strip() if match else None


def _amount(lines: list[str], locale: str, currency: str) -> Money | None:
    for label in _AMOUNT_LABELS:
        for line in lines:
            if re.search(r"\b(hors\s+taxes?|ht|tva|vat|excl)\b", line, re.IGNORECASE) and label == "total":
                continue
            rest = _after_label(line, label)
            if rest:
                try:
                    return parse_amount(rest, locale=locale, default_currency=currency)
                except AmountError:
                    continue
    return None


def _date(lines: list[str], label: str, exclude: str | None, locale: str, today: date) -> date | None:
    for line in lines:
        if exclude and re.search(exclude, line, re.IGNORECASE):
            continue
        rest = _after_label(line, label)
        if rest:
            try:
                return parse_date(rest[:40], locale=locale, today=today)
            except DateError:
                continue
    return None


def _number(text: str) -> str | None:
    for match in _NUMBER.finditer(text):
        if re.search(r"\d", match[1]):
            return match[1].rstrip(".")
    return None


def _client(lines: list[str]) -> str | None:
    for line in lines:
        rest = _after_label(line, _CLIENT_LABELS)
        if rest and 1 < len(rest) <= 80 and not re.search(r"\d{4,}", rest):
            return rest
    return None


def read_invoice_text(text: str, *, locale: str, default_currency: str, today: date) -> InvoiceFacts:
    """What can be read with some confidence; None for the rest."""
    lines = [" ".join(line.split()) for line in text.splitlines() if line.strip()][:400]
    return InvoiceFacts(
        number=_number("\n".join(lines)),
        amount=_amount(lines, locale, default_currency),
        issue_date=_date(lines, _ISSUE_LABELS, _DUE_LABELS, locale, today),
        due_date=_date(lines, _DUE_LABELS, None, locale, today),
        client_name=_client(lines),
    )
