"""/new: register an invoice, one question at a time, with a summary to confirm, edit or cancel.

The draft lives in the user's persisted data, so a restart in the middle loses nothing. The next
question is always derived from the draft (the first thing still missing), which makes the
fast path (`/new ACME 1200€ 30j`) and "Edit a field" the same mechanism as the guided path.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import asdict
from datetime import date, timedelta
from typing import Any

from telegram import Update
from telegram.ext import ConversationHandler

from bot.context import RelanceContext
from bot.domain.dates import (
    DateError,
    DueTerm,
    DueWarning,
    due_date_warnings,
    end_of_month,
    parse_date,
    read_due_date,
)
from bot.domain.invoice_text import InvoiceFacts, read_invoice_text
from bot.domain.money import AmountError, AmountErrorReason, Money, parse_amount, parse_currency
from bot.domain.plans import BUILTIN_PLANS
from bot.domain.quick_entry import parse_quick_invoice
from bot.handlers.common import answer, cb, cb_parts, chunk, freelancer_of, keyboard, onboarded, tr_for
from bot.handlers.profile_fields import MAX_NAME_LENGTH, Invalid, clean_text, validate_email_address
from bot.i18n import Html, Translator, translator
from bot.pdf_text import pdf_text
from bot.presentation.views import (
    amount_problem,
    date_problem,
    invoice_buttons,
    invoice_card,
    local_today,
    payment_details_hint,
    plan_label,
)
from bot.storage import Freelancer
from bot.storage.invoices import DuplicateNumberError, NewInvoice, next_number

log = logging.getLogger(__name__)

ASK = "ask"
END = ConversationHandler.END
MAX_NUMBER_LENGTH = 32
MAX_DESCRIPTION_LENGTH = 200
MAX_FILE_BYTES = 20 * 1024 * 1024  # what a bot may download from Telegram
EDITABLE_FIELDS = ("client", "number", "amount", "issue_date", "due_date", "file", "description", "reminders")

Draft = dict[str, Any]


class Step:
    """What the conversation knows while it asks one question."""

    def __init__(self, ctx: RelanceContext, freelancer: Freelancer, draft: Draft) -> None:
        self.ctx, self.freelancer, self.draft = ctx, freelancer, draft
        self.tr = translator(freelancer.language)
        self.today = local_today(freelancer, ctx.clock.now())

    @property
    def issue_date(self) -> date:
        return date.fromisoformat(self.draft["issue_date"]) if self.draft.get("issue_date") else self.today


def next_question(draft: Draft) -> str:
    """The first thing the draft still lacks; "summary" when it is complete."""
    if draft.get("client_id") is None and not draft.get("client_name"):
        return "client"
    if draft.get("client_id") is None and not draft.get("client_email_done"):
        return "client_email"
    checks = [
        ("number", draft.get("number") is None),
        ("currency", bool(draft.get("currency_candidates"))),
        ("amount_choice", bool(draft.get("amount_options"))),
        ("amount", draft.get("amount_minor") is None),
        ("issue_date", draft.get("issue_date") is None),
        ("due_confirm", bool(draft.get("due_pending"))),
        ("due_date", draft.get("due_date") is None),
        ("file", not draft.get("file_done")),
        ("description", not draft.get("description_done")),
        ("reminders", not draft.get("reminders_done")),
    ]
    return next((name for name, missing in checks if missing), "summary")


# Questions -----------------------------------------------------------------------------------------
Question = tuple[Html, list[list[tuple[str, str]]]]


def skip_row(tr: Translator) -> list[tuple[str, str]]:
    return [(tr.plain("Skip"), cb("nw", "skip"))]


def suggestion(label: str, value: str) -> list[tuple[str, str]]:
    """A suggestion button: pressing it is the same as typing `value`. None when `value` is too long
    for Telegram's callback data (a long number in another script): it can still be typed."""
    try:
        return [(label, cb("nw", "pick", value))]
    except ValueError:
        return []


async def ask_client(step: Step) -> Question:
    recent = await step.ctx.store.clients.recent(step.freelancer.id)
    buttons = [(c.name[:30], cb("nw", "client", c.id)) for c in recent]
    text = step.tr._("Which client is it for? Tap a recent one or type a name, for example <i>ACME</i>.")
    return text, chunk(buttons, 2)


async def ask_client_email(step: Step) -> Question:
    text = step.tr._(
        "New client “{name}”. What is their e-mail address for reminders? For example "
        "<i>compta@acme.fr</i>. You can skip this and add it later.",
        name=step.draft["client_name"],
    )
    return text, [skip_row(step.tr)]


async def ask_number(step: Step) -> Question:
    previous = await step.ctx.store.invoices.last_number(step.freelancer.id)
    suggested = next_number(previous, step.today.year)
    return step.tr._("Invoice number? For example <i>{example}</i>.", example=suggested), [
        suggestion(suggested, suggested)
    ]


async def ask_currency(step: Step) -> Question:
    codes = step.draft["currency_candidates"][:6]
    text = step.tr._("Which currency is “{text}”? Tap one or type its code.", text=step.draft["amount_text"])
    return text, chunk([(code, cb("nw", "pick", code)) for code in codes], 3)


async def ask_amount(step: Step) -> Question:
    text = step.tr._(
        "Amount of the invoice, including taxes? For example <i>1 234,56 €</i> or <i>1200</i> (in {currency}).",
        currency=step.freelancer.default_currency,
    )
    return text, []


async def ask_issue_date(step: Step) -> Question:
    tr, today = step.tr, step.today
    label = tr.plain("Today ({date})", date=tr.date(today))
    return tr._("Issue date? For example <i>15/11/2026</i>, or tap Today."), [
        suggestion(label, today.isoformat())
    ]


async def ask_due_confirm(step: Step) -> Question:
    tr = step.tr
    return due_warning_text(step), [
        [(tr.plain("Yes, keep it"), cb("nw", "yes")), (tr.plain("No, change it"), cb("nw", "no"))]
    ]


async def ask_due_date(step: Step) -> Question:
    tr, term = step.tr, step.freelancer.payment_term_days
    suggested = step.issue_date + timedelta(days=term)
    label = tr.plain_n("In {n} day ({date})", "In {n} days ({date})", term, date=tr.date(suggested))
    text = tr._(
        "Due date? A date (<i>15/01/2027</i>) or a term from the issue date (<i>30 days</i>, "
        "<i>end of month</i>, <i>45 days end of month</i>)."
    )
    return text, [suggestion(label, suggested.isoformat())]


async def ask_file(step: Step) -> Question:
    text = step.tr._("Send the invoice as a PDF or a photo, so reminders can include it. Or tap Skip.")
    return text, [skip_row(step.tr)]


async def ask_description(step: Step) -> Question:
    text = step.tr._(
        "A short description for you and your client? For example <i>Website redesign, phase 1</i>."
    )
    return text, [skip_row(step.tr)]


async def ask_reminders(step: Step) -> Question:
    tr, inherited = step.tr, await default_plan(step)
    rows = [
        [
            (
                tr.plain("Reminders: {plan} (default)", plan=plan_label(tr, inherited)),
                cb("nw", "plan", "default"),
            )
        ]
    ]
    rows += [
        [(tr.plain("Reminders: {plan}", plan=plan_label(tr, code)), cb("nw", "plan", code))]
        for code in BUILTIN_PLANS
        if code != inherited
    ]
    rows.append([(tr.plain("No reminders"), cb("nw", "plan", "off"))])
    text = tr._(
        "Should I remind the client if it is not paid on time? <b>Standard</b>: a courtesy note 3 days "
        "before the due date, then reminders 3, 10 and 20 days after. <b>Gentle</b>: on the due date, "
        "then weekly. <b>Once</b>: only on the due date."
    )
    return text, rows


async def ask_amount_choice(step: Step) -> Question:
    """ "1.234 TND": 1 234,000 TND or 1,234 TND? Two buttons, never a guess."""
    currency, options = step.draft["amount_options_currency"], step.draft["amount_options"]
    readings = tuple(Money(minor, currency) for minor in options)
    error = AmountError(AmountErrorReason.AMBIGUOUS_AMOUNT, currency=currency, readings=readings)
    return amount_problem(step.tr, error), [
        [(step.tr.money(minor, currency), cb("nw", "amt", str(i))) for i, minor in enumerate(options)]
    ]


async def ask_summary(step: Step) -> Question:
    return summary(step), summary_buttons(step.tr)


QUESTIONS: dict[str, Callable[[Step], Awaitable[Question]]] = {
    "client": ask_client,
    "client_email": ask_client_email,
    "number": ask_number,
    "currency": ask_currency,
    "amount": ask_amount,
    "amount_choice": ask_amount_choice,
    "issue_date": ask_issue_date,
    "due_confirm": ask_due_confirm,
    "due_date": ask_due_date,
    "file": ask_file,
    "description": ask_description,
    "reminders": ask_reminders,
    "summary": ask_summary,
}


async def default_plan(step: Step) -> str:
    """The plan an invoice without its own follows: its client's, else the freelancer's default."""
    client_id = step.draft.get("client_id")
    client = await step.ctx.store.clients.get(step.freelancer.id, client_id) if client_id else None
    return (client.plan if client else None) or step.freelancer.default_plan


def due_warning_text(step: Step) -> Html:
    tr, due = step.tr, date.fromisoformat(step.draft["due_pending"])
    warnings = due_date_warnings(step.issue_date, due, draft_term(step.draft))
    if DueWarning.BEFORE_ISSUE in warnings:
        return tr._(
            "The due date {due} is before the issue date {issue}. Is that right?",
            due=tr.date(due),
            issue=tr.date(step.issue_date),
        )
    return tr.n_(
        "The due date {due} is {n} day after the issue date. Between businesses in France the legal "
        "maximum is 60 days. Keep it anyway?",
        "The due date {due} is {n} days after the issue date. Between businesses in France the legal "
        "maximum is 60 days. Keep it anyway?",
        (due - step.issue_date).days,
        due=tr.date(due),
    )


def draft_term(draft: Draft) -> DueTerm | None:
    term = draft.get("due_term")
    return DueTerm(**term) if term else None


def term_explanation(tr: Translator, issue: date, due: date, term: DueTerm | None) -> Html | None:
    """How a month-end term was counted, since the two accepted ways give different dates."""
    if term is None or not term.end_of_month or term.days == 0 or term.due(issue) != due:
        return None
    if term.month_end_first:
        return tr._(
            "Counted as end of month, then {days} days: {month_end} + {days} days = {due}.",
            days=term.days, month_end=tr.date(end_of_month(issue)), due=tr.date(due),
        )  # fmt: skip
    return tr._(
        "Counted as {days} days, then end of month: {issue} + {days} days = {plus}, end of that month = {due}.",
        days=term.days, issue=tr.date(issue), plus=tr.date(issue + timedelta(days=term.days)), due=tr.date(due),
    )  # fmt: skip


def summary(step: Step) -> Html:
    tr, d = step.tr, step.draft
    money = tr.money(d["amount_minor"], d["currency"])
    lines = [
        tr._("<b>New invoice — please check</b>"),
        tr._("Client: {name}", name=d.get("client_label") or d.get("client_name") or ""),
        tr._("Number: {number}", number=d["number"]),
        tr._("Amount: {amount}", amount=money),
        tr._("Issued: {date}", date=tr.date(date.fromisoformat(d["issue_date"]))),
        tr._("Due: {date}", date=tr.date(date.fromisoformat(d["due_date"]))),
        *[
            line
            for line in [
                term_explanation(
                    tr, date.fromisoformat(d["issue_date"]), date.fromisoformat(d["due_date"]), draft_term(d)
                )
            ]
            if line
        ],
        tr._("File: {name}", name=d.get("file_name") or tr.plain("none")),
        tr._("Description: {text}", text=d.get("description") or tr.plain("none")),
        tr._(
            "Reminders: {plan}",
            plan=plan_label(tr, d.get("plan") or d.get("default_plan"))
            if d.get("reminders")
            else tr.plain("off"),
        ),
    ]
    hint = payment_details_hint(tr, step.freelancer, bool(d.get("file_id")))
    if hint and d.get("reminders"):
        lines += [Html(""), hint]
    return Html("\n".join(lines))


def summary_buttons(tr: Translator) -> list[list[tuple[str, str]]]:
    return [
        [(tr.plain("✅ Confirm"), cb("nw", "confirm"))],
        [(tr.plain("✏️ Edit"), cb("nw", "edit")), (tr.plain("Cancel"), cb("nw", "cancel"))],
    ]


async def ask(update: Update, step: Step, prefix: Html | None = None) -> str:
    name = next_question(step.draft)
    step.draft["asking"] = name
    text, rows = await QUESTIONS[name](step)
    if prefix:
        text = Html(f"{prefix}\n\n{text}")
    await answer(update, text, keyboard(rows) if rows else None)
    return ASK


# Answers -------------------------------------------------------------------------------------------
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


# Handlers ------------------------------------------------------------------------------------------
async def load_step(update: Update, ctx: RelanceContext) -> Step | None:
    """The freelancer and their draft, or None (with an explanation sent) when there is no /new going on."""
    freelancer = await freelancer_of(update, ctx)
    draft = ctx.drafts.get("draft")
    if freelancer is None or not freelancer.onboarded or draft is None:
        await answer(
            update, tr_for(update, ctx, freelancer)._("That invoice draft is gone. Send /new to start again.")
        )
        return None
    return Step(ctx, freelancer, draft)


async def new_draft(update: Update, ctx: RelanceContext) -> Step | None:
    """An empty draft for a set-up freelancer (None after asking for /start)."""
    freelancer = await onboarded(update, ctx)
    if freelancer is None:
        return None
    draft: Draft = {}
    ctx.drafts["draft"] = draft
    return Step(ctx, freelancer, draft)


async def start(update: Update, ctx: RelanceContext) -> str | int:
    """/new [client amount term]: start a draft, filling what the fast path can read."""
    step = await new_draft(update, ctx)
    if step is None:
        return END
    if ctx.args:
        await prefill(step, " ".join(ctx.args))
    return await ask(update, step)


async def start_from_pdf(update: Update, ctx: RelanceContext) -> str | int:
    """A PDF forwarded outside any conversation: a new invoice with that file, prefilled from its text."""
    if ctx.drafts.get("draft") is not None:  # /new is under way: the PDF answers its file question
        return await on_file(update, ctx)
    step = await new_draft(update, ctx)
    if step is None:
        return END
    freelancer, draft = step.freelancer, step.draft
    try:
        file_id, file_name = accepted_file(update, step.tr)
    except Invalid as exc:
        return await ask(update, step, exc.message)
    draft.update(file_done=True, file_id=file_id, file_name=file_name)
    data = await (await ctx.bot.get_file(file_id)).download_as_bytearray()
    facts = read_invoice_text(
        await pdf_text(bytes(data)), locale=step.tr.locale, default_currency=freelancer.default_currency,
        today=step.today,
    )  # fmt: skip
    await prefill_from_facts(step, facts)
    note = step.tr._(
        "I attached {name} to a new invoice and filled in what I could read. Please check.", name=file_name
    )
    return await ask(update, step, note)


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


async def on_text(update: Update, ctx: RelanceContext) -> str | int:
    step = await load_step(update, ctx)
    if step is None:
        return END
    message = update.effective_message
    return await take(update, step, message.text if message and message.text else "")


async def take(update: Update, step: Step, text: str) -> str:
    """Hand a typed (or picked) answer to the question being asked; re-ask with the reason on bad input."""
    asking = step.draft.get("asking") or next_question(step.draft)
    taker = TAKERS.get(asking)
    if taker is None:  # summary or due confirmation: buttons only
        return await ask(update, step, step.tr._("Please use the buttons below."))
    try:
        await taker(step, text)
    except Invalid as exc:
        return await ask(update, step, exc.message)
    return await ask(update, step)


async def on_file(update: Update, ctx: RelanceContext) -> str | int:
    step = await load_step(update, ctx)
    if step is None:
        return END
    if step.draft.get("asking") != "file":
        return await ask(update, step, step.tr._("I was not expecting a file here."))
    try:
        file_id, file_name = accepted_file(update, step.tr)
    except Invalid as exc:
        return await ask(update, step, exc.message)
    step.draft.update(file_done=True, file_id=file_id, file_name=file_name)
    return await ask(update, step)


def accepted_file(update: Update, tr: Translator) -> tuple[str, str]:
    """A PDF or an image under Telegram's download limit, else Invalid."""
    message = update.effective_message
    refusal = tr._("Please send a PDF or a photo of the invoice (at most 20 MB), or tap Skip.")
    if message is None:
        raise Invalid(refusal)
    if message.photo:
        photo = message.photo[-1]
        if (photo.file_size or 0) > MAX_FILE_BYTES:
            raise Invalid(refusal)
        return photo.file_id, "photo.jpg"
    document = message.document
    if document is None or (document.file_size or 0) > MAX_FILE_BYTES:
        raise Invalid(refusal)
    mime = (document.mime_type or "").lower()
    if mime != "application/pdf" and not mime.startswith("image/"):
        raise Invalid(refusal)
    return document.file_id, clean_text(document.file_name or "invoice.pdf")[:80] or "invoice.pdf"


async def on_button(update: Update, ctx: RelanceContext) -> str | int:
    step = await load_step(update, ctx)
    if step is None:
        return END
    action, *rest = cb_parts(update) or [""]
    value = ":".join(rest)
    handler = BUTTONS.get(action)
    if handler is None:
        return await ask(update, step)
    return await handler(update, step, value)


async def pick(update: Update, step: Step, value: str) -> str:
    """A suggestion button: exactly as if the user had typed its value (so it is validated too)."""
    return await take(update, step, value)


async def pick_client(update: Update, step: Step, value: str) -> str:
    client = await step.ctx.store.clients.get(step.freelancer.id, int(value)) if value.isdigit() else None
    if client is None:
        log.warning("refused client %r for freelancer %s", value, step.freelancer.id)
        return await ask(update, step, step.tr._("That client is not in your list. Please type its name."))
    step.draft.update(client_id=client.id, client_label=client.name, client_name=None)
    return await ask(update, step)


async def skip(update: Update, step: Step, value: str) -> str:
    taker = SKIPPABLE.get(step.draft.get("asking") or "")
    if taker is None:
        return await ask(update, step, step.tr._("This question cannot be skipped."))
    await taker(step, None)
    return await ask(update, step)


async def confirm_due(update: Update, step: Step, value: str) -> str:
    pending = step.draft.pop("due_pending", None)
    if pending and update.callback_query and update.callback_query.data == cb("nw", "yes"):
        step.draft["due_date"] = pending
    return await ask(update, step)


async def choose_plan(update: Update, step: Step, value: str) -> str:
    if value not in ("off", "default", *BUILTIN_PLANS):
        return await ask(update, step)
    plan = None if value in ("off", "default") else value
    step.draft.update(
        reminders=value != "off", plan=plan, reminders_done=True, default_plan=await default_plan(step)
    )
    return await ask(update, step)


async def edit(update: Update, step: Step, value: str) -> str:
    tr = step.tr
    labels = {
        "client": tr.plain("Client"), "number": tr.plain("Number"), "amount": tr.plain("Amount"),
        "issue_date": tr.plain("Issue date"), "due_date": tr.plain("Due date"), "file": tr.plain("File"),
        "description": tr.plain("Description"), "reminders": tr.plain("Reminders"),
    }  # fmt: skip
    rows = chunk([(labels[f], cb("nw", "field", f)) for f in EDITABLE_FIELDS], 2)
    await answer(update, tr._("Which field do you want to change?"), keyboard(rows))
    return ASK


CLEARS = {
    "client": ("client_id", "client_name", "client_label", "client_email", "client_email_done"),
    "number": ("number",),
    "amount": (
        "amount_minor",
        "currency",
        "currency_candidates",
        "amount_text",
        "amount_options",
        "amount_options_currency",
    ),
    "issue_date": ("issue_date",),
    "due_date": ("due_date", "due_pending", "due_term"),
    "file": ("file_done", "file_id", "file_name"),
    "description": ("description_done", "description"),
    "reminders": ("reminders_done", "reminders", "plan"),
}


async def edit_field(update: Update, step: Step, value: str) -> str:
    for key in CLEARS.get(value, ()):
        step.draft.pop(key, None)
    return await ask(update, step)


async def cancel(update: Update, step: Step, value: str) -> int:
    step.ctx.drafts.pop("draft", None)
    await answer(update, step.tr._("Invoice discarded. Nothing was saved."))
    return END


async def confirm(update: Update, step: Step, value: str) -> str | int:
    if next_question(step.draft) != "summary":
        return await ask(update, step)
    d = step.draft
    new = NewInvoice(
        client_id=d.get("client_id") or 0,
        number=d["number"],
        amount_minor=d["amount_minor"],
        currency=d["currency"],
        issue_date=date.fromisoformat(d["issue_date"]),
        due_date=date.fromisoformat(d["due_date"]),
        description=d.get("description"),
        file_id=d.get("file_id"),
        file_name=d.get("file_name"),
        reminders_enabled=bool(d.get("reminders")),
        plan=d.get("plan"),
        new_client_name=d.get("client_name") if not d.get("client_id") else None,
        new_client_email=d.get("client_email") if not d.get("client_id") else None,
    )
    try:
        invoice = await step.ctx.store.invoices.create(step.freelancer.id, new, now=step.ctx.clock.now())
    except DuplicateNumberError:
        d.pop("number", None)
        return await ask(
            update, step, step.tr._("Another invoice now has this number. Please type another one.")
        )
    step.ctx.drafts.pop("draft", None)
    await step.ctx.services.invoice_changed(invoice)
    text = step.tr._("Saved ✅") + Html("\n\n") + invoice_card(step.tr, invoice, [], step.today)
    await answer(update, text, invoice_buttons(step.tr, invoice))
    return END


BUTTONS: dict[str, Callable[[Update, Step, str], Awaitable[str | int]]] = {
    "pick": pick,
    "client": pick_client,
    "skip": skip,
    "yes": confirm_due,
    "no": confirm_due,
    "amt": choose_amount,
    "plan": choose_plan,
    "edit": edit,
    "field": edit_field,
    "cancel": cancel,
    "confirm": confirm,
}
