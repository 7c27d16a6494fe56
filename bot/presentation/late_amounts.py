"""Late-payment interest and indemnity where they are shown: the invoice card, /overdue, the final
reminder and the formal notice.

They are shown only when the freelancer's terms state late penalties (the /settings switch), for a
business client (never to a consumer), on an open invoice past its due date.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from decimal import Decimal

from bot.domain import penalties
from bot.domain.formal_notice import ClaimedAmounts
from bot.domain.penalties import Penalties
from bot.i18n import Html, Translator
from bot.storage import Freelancer, Invoice, Payment, Store


def applies(freelancer: Freelancer, is_b2b: bool, invoice: Invoice, today: date) -> bool:
    return freelancer.late_penalties and is_b2b and invoice.is_open and today > invoice.due_date


def compute_for(
    freelancer: Freelancer,
    is_b2b: bool,
    invoice: Invoice,
    payments: Sequence[Payment],
    today: date,
    extra_rates: Mapping[date, int],
) -> Penalties | None:
    """The amounts on `invoice` today under the freelancer's terms; None when they do not apply."""
    if not applies(freelancer, is_b2b, invoice, today):
        return None
    fee = None
    if (
        freelancer.admin_fee_minor is not None
        and freelancer.admin_fee_currency == invoice.currency
        and freelancer.admin_fee_days is not None
    ):
        fee = penalties.AdminFee(freelancer.admin_fee_minor, freelancer.admin_fee_days)
    return penalties.compute(
        amount_minor=invoice.amount_minor,
        currency=invoice.currency,
        due_date=invoice.due_date,
        on=today,
        b2b=True,
        country=freelancer.country,
        payments=payments,
        contractual_rate_bp=freelancer.contractual_rate_bp,
        admin_fee=fee,
        extra_rates=extra_rates,
    )


async def for_invoice(
    store: Store,
    freelancer: Freelancer,
    invoice: Invoice,
    today: date,
    *,
    is_b2b: bool | None = None,
    extra_rates: Mapping[date, int] | None = None,
) -> Penalties | None:
    """`compute_for`, reading the client, the payments and the added rates (unless given) from the
    database."""
    if not freelancer.late_penalties or not invoice.is_open or today <= invoice.due_date:
        return None
    if is_b2b is None:
        client = await store.clients.get(freelancer.id, invoice.client_id)
        is_b2b = client is not None and client.is_b2b
    if not is_b2b:
        return None
    payments = await store.invoices.payments(invoice.id)
    if extra_rates is None:
        extra_rates = await store.penalty_rates.all()
    return compute_for(freelancer, True, invoice, payments, today, extra_rates)


def _rate(tr: Translator, bp: int) -> str:
    return tr.number(Decimal(penalties.format_rate(bp)))


def freelancer_line(tr: Translator, result: Penalties) -> Html:
    """For the freelancer (card, /overdue): the interest so far and the indemnity, or what is missing."""
    money = lambda minor: tr.money(minor, result.currency)  # noqa: E731
    parts: list[str] = []
    if result.interest_minor is None:
        start = result.missing_rates[0]
        parts.append(
            tr._(
                "interest: the ECB rate for the half-year from {date} is not known yet (the bot’s operator "
                "can add it with <code>relance rates add {iso} RATE</code>)",
                date=tr.date(start),
                iso=start.isoformat(),
            )
        )
    elif result.interest_minor and result.rate_bp is not None:
        parts.append(
            tr._(
                "interest so far {amount} ({rate} % a year)",
                amount=money(result.interest_minor),
                rate=_rate(tr, result.rate_bp),
            )
        )
    if result.indemnity_minor:
        parts.append(tr._("recovery indemnity {amount}", amount=money(result.indemnity_minor)))
    if result.admin_fee_minor:
        parts.append(tr._("admin fee {amount}", amount=money(result.admin_fee_minor)))
    if not parts:
        return Html("")
    line = tr._("⚖️ Late penalties: {amounts}", amounts=Html(" + ".join(parts)))
    if "below_legal_floor" in result.warnings and result.floor_bp is not None:
        line = Html(
            line
            + " "
            + tr._("(your rate is below the legal floor of {floor} %)", floor=_rate(tr, result.floor_bp))
        )
    notes = {
        "de_base_rate": tr._(
            "(an estimate: German law counts from the Bundesbank base rate, which is lower than the ECB "
            "rate used here)"
        ),
        "own_reference_rate": tr._(
            "(an estimate: your country’s law counts from its central bank’s rate; the ECB rate is used here)"
        ),
    }
    for code, note in notes.items():
        if code in result.warnings and result.interest_minor:
            line = Html(f"{line} {note}")
    return line


def client_sentence(tr: Translator, result: Penalties) -> str | None:
    """For the client, in the final reminder: a courteous mention (plain text, the caller escapes)."""
    money = lambda minor: tr.money(minor, result.currency)  # noqa: E731
    items = []
    if result.interest_minor is None:
        items.append(tr.plain("late-payment interest"))
    elif result.interest_minor:
        items.append(tr.plain("late-payment interest ({amount} so far)", amount=money(result.interest_minor)))
    if result.indemnity_minor:
        items.append(
            tr.plain("a fixed indemnity for recovery costs of {amount}", amount=money(result.indemnity_minor))
        )
    if result.admin_fee_minor:
        items.append(tr.plain("an admin fee of {amount}", amount=money(result.admin_fee_minor)))
    if not items:
        return None
    return tr.plain(
        "As provided in our terms, a late payment entails {items}. Settling the invoice soon keeps the "
        "interest from growing.",
        items=items[0]
        if len(items) == 1
        else tr.plain("{first} and {second}", first=", ".join(items[:-1]), second=items[-1]),
    )


def claimed(result: Penalties | None) -> ClaimedAmounts | None:
    """What a formal notice claims on top of the amount due (interest counted to the letter's date)."""
    if result is None or result.claimed_minor <= 0:
        return None
    return ClaimedAmounts(
        interest_minor=result.interest_minor or 0,
        indemnity_minor=result.indemnity_minor,
        admin_fee_minor=result.admin_fee_minor,
        interest_rate=(
            penalties.format_rate(result.rate_bp)
            if result.rate_bp is not None and result.interest_minor and not result.rate_changed
            else None
        ),
        interest_until=result.on,
    )
