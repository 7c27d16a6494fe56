"""What an e-invoice or an invoice CSV is read into: dataclasses only, no I/O."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from bot.bank.model import StatementError
from bot.domain.money import Money


class EInvoiceError(StatementError):
    """The file cannot be read; `where` names the line or column, the English template is translated
    (bot.bank.service.describe_error shows it in the freelancer's language)."""


@dataclass(frozen=True)
class LegalIds:
    """The buyer's identifiers, each checked (python-stdnum) and compact; None when absent or invalid."""

    siren: str | None = None
    siret: str | None = None
    vat: str | None = None

    def any(self) -> bool:
        return bool(self.siren or self.siret or self.vat)


@dataclass(frozen=True)
class EInvoice:
    """The facts Relance needs from a CII (Factur-X / ZUGFeRD) or UBL 2.1 invoice."""

    syntax: str
    """ "cii" or "ubl"."""
    profile: str | None
    """The Factur-X / EN 16931 profile named in the document (minimum, basicwl, basic, en16931, extended)."""
    number: str | None = None
    issue_date: date | None = None
    due_date: date | None = None
    amount_due: Money | None = None
    """What remains to pay (DuePayableAmount / PayableAmount), not the total before prepayments."""
    grand_total: Money | None = None
    buyer_name: str | None = None
    buyer_email: str | None = None
    buyer_ids: LegalIds = field(default_factory=LegalIds)
    invalid_ids: tuple[str, ...] = ()
    """Identifiers the document gives that fail their check digits: shown, never stored."""
    payment_terms: str | None = None
    seller_iban: str | None = None
    seller_name: str | None = None

    def filled(self) -> tuple[str, ...]:
        """Which facts the document gave, in the order a summary shows them."""
        names = (("number", self.number), ("amount", self.amount_due), ("issue_date", self.issue_date),
                 ("due_date", self.due_date), ("client", self.buyer_name), ("email", self.buyer_email),
                 ("legal_ids", self.buyer_ids.any() or None), ("payment_terms", self.payment_terms),
                 ("iban", self.seller_iban))  # fmt: skip
        return tuple(name for name, value in names if value is not None)
