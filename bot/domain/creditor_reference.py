"""ISO 11649 structured creditor references ("RF18 0000 0012 3"), one per invoice.

The reference is computed from the invoice id alone, so it never needs storing and every part of
Relance (reminders, e-mails, the EPC QR code, bank reconciliation) derives the same one. A client who
types it in their bank's "structured reference" field lets reconciliation match the transfer for certain.
"""

from __future__ import annotations

import re

from stdnum import iso11649
from stdnum.iso7064 import mod_97_10

# The body is the invoice id in digits, zero-padded to 7 so references look alike; ISO 11649
# allows up to 21 characters after "RF" and the check digits.
_BODY_DIGITS = 7
_MAX_BODY = 21
# "RF78 0000 123" as printed (groups of four) or compact "RF780000123", starting a word.
_CANDIDATE = re.compile(r"\bRF\d{2}(?: ?[0-9A-Z]{1,4}){1,6}\b")


def creditor_reference(invoice_id: int) -> str:
    """The compact reference of an invoice: creditor_reference(123) == "RF260000123"."""
    if invoice_id <= 0:
        raise ValueError("an invoice id is positive")
    body = str(invoice_id).zfill(_BODY_DIGITS)
    if len(body) > _MAX_BODY:
        raise ValueError("invoice id too large for a creditor reference")
    check = mod_97_10.calc_check_digits(body + "RF")
    reference = f"RF{check}{body}"
    return iso11649.validate(reference)


def format_creditor_reference(reference: str) -> str:
    """Grouped by four for reading aloud or typing: "RF26 0000 123"."""
    return str(iso11649.format(reference))


def invoice_id_from_reference(reference: str) -> int | None:
    """The invoice id inside a valid Relance reference; None for anything else (bad checksum, letters)."""
    try:
        compact = iso11649.validate(reference)
    except iso11649.ValidationError:
        return None
    body = compact[4:]
    if not body.isdigit() or len(body) < _BODY_DIGITS:
        return None
    value = int(body)
    return value if value > 0 else None


def find_creditor_references(text: str) -> list[str]:
    """Valid ISO 11649 references in free text, printed grouped or compact.

    A grouped reference can run into the next short word ("RF78 0000 123 FACT"): trailing groups are
    dropped until the checksum holds, at most a few tries, so a random word rarely makes a false one.
    """
    found = []
    for match in _CANDIDATE.finditer(text.upper()):
        groups = match[0].split(" ")
        while groups:
            candidate = "".join(groups)
            if len(candidate) >= 5 and iso11649.is_valid(candidate):
                found.append(candidate)
                break
            groups.pop()
    return found
