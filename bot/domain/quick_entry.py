"""The power-user fast path: `/new ACME 1200€ 30j`, `/new "ACME Corp" 1 234,56 EUR due 15/01`.

Fills what it can read (client name, amount, due date) and leaves the rest to the conversation.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from bot.domain.dates import DateError, parse_due_date
from bot.domain.money import AmountError, Money, parse_amount

_DUE_WORDS = re.compile(r"\s+(?:due|échéance|echeance|le|on|pour le|avant le|by)\s+", re.IGNORECASE)
MAX_QUICK_LENGTH = 200


@dataclass(frozen=True)
class QuickInvoice:
    client_name: str | None = None
    amount: Money | None = None
    due_date: date | None = None


def _amount(text: str, locale: str, currency: str) -> Money | None:
    try:
        return parse_amount(text, locale=locale, default_currency=currency)
    except AmountError:
        return None


def _due(text: str, locale: str, issue: date) -> date | None:
    try:
        return parse_due_date(text, locale=locale, issue_date=issue, today=issue)
    except DateError:
        return None


def _split_name(text: str) -> tuple[str | None, str]:
    """A quoted name, or the words before the first one holding a digit or a currency sign."""
    quoted = re.match(r"\s*[\"“«]\s*([^\"”»]+?)\s*[\"”»]\s*(.*)$", text)
    if quoted:
        return quoted[1], quoted[2]
    words = text.split()
    for index, word in enumerate(words):
        if re.search(r"[\d€$£¥]", word):
            return (" ".join(words[:index]) or None), " ".join(words[index:])
    return (" ".join(words) or None), ""


def parse_quick_invoice(text: str, *, locale: str, default_currency: str, issue_date: date) -> QuickInvoice:
    """Read as much as possible; anything unreadable is simply left for the questions."""
    text = " ".join(text.split())[:MAX_QUICK_LENGTH]
    name, rest = _split_name(text)
    if not rest:
        return QuickInvoice(client_name=name)
    parts = _DUE_WORDS.split(rest, maxsplit=1)
    if len(parts) == 2:
        return QuickInvoice(
            name, _amount(parts[0], locale, default_currency), _due(parts[1], locale, issue_date)
        )
    words = rest.split()
    for cut in range(len(words), 0, -1):
        amount = _amount(" ".join(words[:cut]), locale, default_currency)
        if amount is not None:
            due = _due(" ".join(words[cut:]), locale, issue_date) if cut < len(words) else None
            return QuickInvoice(name, amount, due)
    return QuickInvoice(client_name=name)
