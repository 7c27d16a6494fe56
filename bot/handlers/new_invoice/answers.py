"""/new's answers: each typed (or picked) value validated and written into the draft, and the fast path's prefill."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import asdict

from telegram import Update

from bot.domain.dates import (
    DateError,
    due_date_warnings,
    parse_date,
    read_due_date,
)
from bot.domain.invoice_text import InvoiceFacts
from bot.domain.money import AmountError, AmountErrorReason, parse_amount, parse_currency
from bot.domain.quick_entry import parse_quick_invoice
from bot.handlers.new_invoice.questions import MAX_DESCRIPTION_LENGTH, MAX_NUMBER_LENGTH, Step, ask
from bot.handlers.profile_fields import MAX_NAME_LENGTH, Invalid, clean_text, validate_email_address
from bot.i18n import Html
from bot.presentation.views import (
    amount_problem,
    date_problem,
    invoice_card,
)


async def take_client(step: Step, text: str) -> None:
    name = clean_text(text)
    if not name or len(name) > MAX_NAME_LENGTH:
        raise Invalid(step.tr._("Please type the client's name in at most 80 characters, for example ACME."))
    existing = await step.ctx.store.clients.find_by_name(step.freelancer.id, name)
    if existing:
        step.draft.update(client_id=existing.id, client_label=existing.name)
    else:
        step.draft.update(client_id=None, client_name=name, client_label=name)


async def take_client_email(step: Step, text: str | None) -> None:
    step.draft["client_email"] = None if text is None else validate_email_address(text, step.tr)
    step.draft["client_email_done"] = True


async def take_number(step: Step, text: str) -> None:
    number = clean_text(text)
    if not number or len(number) > MAX_NUMBER_LENGTH:
        raise Invalid(
            step.tr._("Please type the invoice number (at most 32 characters), for example F-2026-014.")
        )
    existing = await step.ctx.store.invoices.by_number(step.freelancer.id, number)
    if existing:
        card = invoice_card(step.tr, existing, [], step.today)
        intro, retry = (
            step.tr._("You already have an invoice with this number:"),
            step.tr._("Please type another number."),
        )
        raise Invalid(Html(f"{intro}\n\n{card}\n\n{retry}"))
    step.draft["number"] = number


async def take_amount(step: Step, text: str) -> None:
    try:
        money = parse_amount(text, locale=step.tr.locale, default_currency=step.freelancer.default_currency)
    except AmountError as exc:
        if exc.reason == AmountErrorReason.AMBIGUOUS_AMOUNT:
            step.draft.update(
                amount_options=[m.minor for m in exc.readings], amount_options_currency=exc.currency
            )
            return
        if exc.reason != AmountErrorReason.AMBIGUOUS_CURRENCY:
            raise Invalid(amount_problem(step.tr, exc)) from None
        step.draft.update(amount_text=clean_text(text)[:40], currency_candidates=list(exc.candidates))
        return
    step.draft.update(amount_minor=money.minor, currency=money.currency)


async def take_amount_again(step: Step, text: str) -> None:
    """Typed instead of tapping one of the two readings: read it afresh."""
    step.draft.update(amount_options=None, amount_options_currency=None)
    await take_amount(step, text)


async def choose_amount(update: Update, step: Step, value: str) -> str:
    """One of the two readings of an ambiguous amount; the index is checked against the draft."""
    options = step.draft.get("amount_options") or []
    if value.isdigit() and int(value) < len(options):
        step.draft.update(amount_minor=options[int(value)], currency=step.draft["amount_options_currency"],
                          amount_options=None, amount_options_currency=None)  # fmt: skip
    return await ask(update, step)


async def take_currency(step: Step, text: str) -> None:
    try:
        currency = parse_currency(clean_text(text)[:40])
        money = parse_amount(step.draft["amount_text"], locale=step.tr.locale, default_currency=currency)
    except AmountError as exc:
        if exc.reason == AmountErrorReason.AMBIGUOUS_CURRENCY:
            raise Invalid(
                step.tr._("Please tap one of the currencies, or type its ISO code, for example USD.")
            ) from None
        raise Invalid(amount_problem(step.tr, exc)) from None
    step.draft.update(amount_minor=money.minor, currency=money.currency, currency_candidates=None)


async def take_issue_date(step: Step, text: str) -> None:
    try:
        step.draft["issue_date"] = parse_date(text, locale=step.tr.locale, today=step.today).isoformat()
    except DateError as exc:
        raise Invalid(date_problem(step.tr, exc)) from None


async def take_due_date(step: Step, text: str) -> None:
    try:
        due, term = read_due_date(text, locale=step.tr.locale, issue_date=step.issue_date, today=step.today)
    except DateError as exc:
        raise Invalid(date_problem(step.tr, exc)) from None
    step.draft["due_term"] = asdict(term) if term else None
    if due_date_warnings(step.issue_date, due, term):
        step.draft.update(due_pending=due.isoformat(), due_date=None)
    else:
        step.draft["due_date"] = due.isoformat()


async def take_file(step: Step, text: str | None) -> None:
    if text is not None:
        raise Invalid(step.tr._("Please send the invoice as a PDF file or a photo, or tap Skip."))
    step.draft.update(file_done=True, file_id=None, file_name=None)


async def take_description(step: Step, text: str | None) -> None:
    description = None if text is None else clean_text(text)
    if description is not None and len(description) > MAX_DESCRIPTION_LENGTH:
        raise Invalid(
            step.tr._(
                "That description is too long. Please keep it under 200 characters, for example: Logo design."
            )
        )
    step.draft.update(description=description or None, description_done=True)


async def take_reminders(step: Step, text: str) -> None:
    raise Invalid(step.tr._("Please choose with the buttons, for example Reminders: Standard."))


TAKERS: dict[str, Callable[[Step, str], Awaitable[None]]] = {
    "client": take_client,
    "client_email": take_client_email,
    "number": take_number,
    "currency": take_currency,
    "amount": take_amount,
    "amount_choice": take_amount_again,
    "issue_date": take_issue_date,
    "due_date": take_due_date,
    "file": take_file,
    "description": take_description,
    "reminders": take_reminders,
}
SKIPPABLE: dict[str, Callable[[Step, None], Awaitable[None]]] = {
    "client_email": take_client_email,
    "file": take_file,
    "description": take_description,
}


async def prefill_from_facts(step: Step, facts: InvoiceFacts) -> None:
    """Use what the PDF says; anything doubtful (a duplicate number, an odd date) is asked instead."""
    if facts.client_name:
        await take_client(step, facts.client_name)
    if facts.number and not await step.ctx.store.invoices.by_number(step.freelancer.id, facts.number):
        step.draft["number"] = facts.number
    if facts.amount:
        step.draft.update(amount_minor=facts.amount.minor, currency=facts.amount.currency)
    if facts.issue_date:
        step.draft["issue_date"] = facts.issue_date.isoformat()
        if facts.due_date:
            await take_due_date(step, facts.due_date.isoformat())


async def prefill(step: Step, text: str) -> None:
    quick = parse_quick_invoice(
        text, locale=step.tr.locale, default_currency=step.freelancer.default_currency, issue_date=step.today
    )
    if quick.client_name:
        await take_client(step, quick.client_name[:MAX_NAME_LENGTH])
    if quick.amount:
        step.draft.update(amount_minor=quick.amount.minor, currency=quick.amount.currency)
    if quick.due_date:
        step.draft["issue_date"] = step.today.isoformat()
        await take_due_date(step, quick.due_date.isoformat())
