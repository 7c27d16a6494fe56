"""A formal notice (mise en demeure): everything the letter says, gathered before anything is rendered.

Pure: built from the freelancer, the client, the invoice, its payments and the reminders already sent;
the PDF (bot.presentation.formal_notice_pdf) only words and lays out what is here.

Interest and the recovery indemnity are not computed here: a caller that has them (bot.domain.penalties)
passes them as `ClaimedAmounts`, and the letter then claims them on top of the amount due.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo

from bot.domain.contact_details import address_town
from bot.domain.epc_qr import NAME_MAX_CHARS, REMITTANCE_TEXT_MAX_CHARS, epc_payload

DEFAULT_DEADLINE_DAYS = 8
DEADLINE_CHOICES = (8, 15, 30)
MIN_DEADLINE_DAYS = 1
MAX_DEADLINE_DAYS = 60
_CONTROL = re.compile(r"[\x00-\x1f\x7f\x85\u2028\u2029]")


class LegalBasis(enum.Enum):
    FR_B2B = "fr_b2b"
    """French law between businesses: Code civil 1231-6 and 1344, Code de commerce L441-10."""
    FR_B2C = "fr_b2c"
    """French law towards a private individual: Code civil 1231-6 and 1344 only."""
    GENERIC = "generic"
    """A freelancer outside France: the contract and the applicable law, without article numbers."""


LEGAL_REFERENCES: dict[LegalBasis, tuple[str, ...]] = {
    LegalBasis.FR_B2B: ("civil:1231-6", "civil:1344", "commerce:L441-10"),
    LegalBasis.FR_B2C: ("civil:1231-6", "civil:1344"),
    LegalBasis.GENERIC: (),
}


class FreelancerLike(Protocol):
    @property
    def name(self) -> str: ...
    @property
    def postal_address(self) -> str | None: ...
    @property
    def country(self) -> str: ...
    @property
    def timezone(self) -> str: ...
    @property
    def iban(self) -> str | None: ...
    @property
    def bic(self) -> str | None: ...
    @property
    def payment_link(self) -> str | None: ...
    @property
    def reply_to_email(self) -> str | None: ...


class ClientLike(Protocol):
    @property
    def name(self) -> str: ...
    @property
    def postal_address(self) -> str | None: ...
    @property
    def is_b2b(self) -> bool: ...


class InvoiceLike(Protocol):
    @property
    def number(self) -> str: ...
    @property
    def issue_date(self) -> date: ...
    @property
    def due_date(self) -> date: ...
    @property
    def amount_minor(self) -> int: ...
    @property
    def currency(self) -> str: ...


class PaymentLike(Protocol):
    @property
    def amount_minor(self) -> int: ...
    @property
    def paid_on(self) -> date: ...


class ReminderLike(Protocol):
    @property
    def audience(self) -> str: ...
    @property
    def status(self) -> str: ...
    @property
    def sent_at(self) -> datetime | None: ...
    @property
    def channel(self) -> str | None: ...


@dataclass(frozen=True)
class Party:
    name: str
    address: tuple[str, ...]
    """Its lines; empty when unknown (the flow asks for it before drafting)."""


@dataclass(frozen=True)
class SentReminder:
    day: date
    """Local to the freelancer."""
    channels: tuple[str, ...]
    """"email", "telegram" (a reminder may have gone out by both)."""


@dataclass(frozen=True)
class ClaimedAmounts:
    """Late-payment amounts claimed on top of the amount due (from bot.domain.penalties)."""

    interest_minor: int = 0
    indemnity_minor: int = 0
    interest_rate: str | None = None
    """The yearly rate applied, in percent ("12.15"), printed when given."""
    interest_until: date | None = None
    """The day the interest was counted to; None: the letter's date."""
    admin_fee_minor: int = 0
    """A fixed admin fee the freelancer's terms state."""

    def __post_init__(self) -> None:
        if self.interest_minor < 0 or self.indemnity_minor < 0 or self.admin_fee_minor < 0:
            raise ValueError("claimed amounts cannot be negative")

    @property
    def total_minor(self) -> int:
        return self.interest_minor + self.indemnity_minor + self.admin_fee_minor


@dataclass(frozen=True)
class PaymentDetails:
    iban: str | None
    bic: str | None
    reference: str
    payment_link: str | None
    epc_payload: str | None
    """The EPC QR code's text (euro transfers to a SEPA IBAN); None: no QR code."""


@dataclass(frozen=True)
class FormalNotice:
    language: str
    creditor: Party
    creditor_email: str | None
    debtor: Party
    place: str
    letter_date: date
    invoice_number: str
    invoice_date: date
    due_date: date
    currency: str
    invoice_minor: int
    paid_minor: int
    due_minor: int
    """What is still owed on the invoice (after partial payments)."""
    days_late: int
    reminders: tuple[SentReminder, ...]
    deadline_days: int
    deadline: date
    legal_basis: LegalBasis
    legal_references: tuple[str, ...]
    is_b2b: bool
    claimed: ClaimedAmounts | None
    payment: PaymentDetails

    @property
    def total_minor(self) -> int:
        """What the letter asks to be paid: the amount due plus any interest and indemnity."""
        return self.due_minor + (self.claimed.total_minor if self.claimed else 0)


def legal_basis(freelancer_country: str, is_b2b: bool) -> LegalBasis:
    if freelancer_country.upper() == "FR":
        return LegalBasis.FR_B2B if is_b2b else LegalBasis.FR_B2C
    return LegalBasis.GENERIC


def reminders_sent(reminders: Iterable[ReminderLike], tz: str) -> tuple[SentReminder, ...]:
    """The reminders that reached the client, oldest first, with the day they went out (local to `tz`)."""
    zone = ZoneInfo(tz)
    sent = [r for r in reminders if r.audience == "client" and r.status == "sent" and r.sent_at is not None]
    sent.sort(key=lambda r: r.sent_at or datetime.min)
    out = []
    for reminder in sent:
        assert reminder.sent_at is not None
        channels = tuple(sorted({c.strip() for c in (reminder.channel or "").split(",") if c.strip()}))
        out.append(SentReminder(reminder.sent_at.astimezone(zone).date(), channels))
    return tuple(out)


def validate_deadline_days(days: int) -> int:
    if not MIN_DEADLINE_DAYS <= days <= MAX_DEADLINE_DAYS:
        raise ValueError(f"the deadline must be {MIN_DEADLINE_DAYS} to {MAX_DEADLINE_DAYS} days")
    return days


def _one_line(text: str) -> str:
    return " ".join(_CONTROL.sub(" ", text).split())


def _lines(address: str | None) -> tuple[str, ...]:
    return tuple(line.strip() for line in (address or "").split("\n") if line.strip())


def _epc(freelancer: FreelancerLike, currency: str, amount_minor: int, reference: str) -> str | None:
    if currency != "EUR" or not freelancer.iban or amount_minor <= 0:
        return None
    try:
        return epc_payload(
            name=_one_line(freelancer.name)[:NAME_MAX_CHARS],
            iban=freelancer.iban,
            bic=freelancer.bic,
            amount_minor=amount_minor,
            currency=currency,
            reference=_one_line(reference)[:REMITTANCE_TEXT_MAX_CHARS],
        )
    except ValueError:
        return None


def build_formal_notice(
    *,
    freelancer: FreelancerLike,
    client: ClientLike,
    invoice: InvoiceLike,
    payments: Sequence[PaymentLike],
    reminders: Sequence[SentReminder],
    letter_date: date,
    language: str,
    deadline_days: int = DEFAULT_DEADLINE_DAYS,
    claimed: ClaimedAmounts | None = None,
) -> FormalNotice:
    """The letter for `invoice`; raise ValueError when nothing is owed or the deadline is out of range."""
    validate_deadline_days(deadline_days)
    paid = sum(p.amount_minor for p in payments)
    due = invoice.amount_minor - paid
    if due <= 0:
        raise ValueError("nothing is due on this invoice")
    basis = legal_basis(freelancer.country, client.is_b2b)
    creditor = Party(_one_line(freelancer.name), _lines(freelancer.postal_address))
    debtor = Party(_one_line(client.name), _lines(client.postal_address))
    reference = invoice.number
    total = due + (claimed.total_minor if claimed else 0)
    return FormalNotice(
        language=language,
        creditor=creditor,
        creditor_email=freelancer.reply_to_email,
        debtor=debtor,
        place=address_town("\n".join(creditor.address)),
        letter_date=letter_date,
        invoice_number=invoice.number,
        invoice_date=invoice.issue_date,
        due_date=invoice.due_date,
        currency=invoice.currency,
        invoice_minor=invoice.amount_minor,
        paid_minor=paid,
        due_minor=due,
        days_late=max(0, (letter_date - invoice.due_date).days),
        reminders=tuple(sorted(reminders, key=lambda r: r.day)),
        deadline_days=deadline_days,
        deadline=letter_date + timedelta(days=deadline_days),
        legal_basis=basis,
        legal_references=LEGAL_REFERENCES[basis],
        is_b2b=client.is_b2b,
        claimed=claimed if claimed and claimed.total_minor > 0 else None,
        payment=PaymentDetails(
            iban=freelancer.iban,
            bic=freelancer.bic,
            reference=reference,
            payment_link=freelancer.payment_link,
            epc_payload=_epc(freelancer, invoice.currency, total, reference),
        ),
    )


def missing_addresses(freelancer: FreelancerLike, client: ClientLike) -> list[str]:
    """Which parties' postal addresses the letter still needs: "freelancer", "client"."""
    missing = []
    if not _lines(freelancer.postal_address):
        missing.append("freelancer")
    if not _lines(client.postal_address):
        missing.append("client")
    return missing


def is_eligible(*, status: str, balance_minor: int, due_date: date, today: date) -> bool:
    """A formal notice is for an open invoice with money still owed, past its due date."""
    return status == "open" and balance_minor > 0 and today > due_date
