"""/new's questions, one at a time, and the summary of the draft to confirm.

The next question is always derived from the draft (the first thing still missing), which makes the
fast path (`/new ACME 1200€ 30j`) and "Edit a field" the same mechanism as the guided path.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date, timedelta
from typing import Any

from telegram import Update

from bot.context import RelanceContext
from bot.domain.dates import (
    DueTerm,
    DueWarning,
    due_date_warnings,
    end_of_month,
)
from bot.domain.money import AmountError, AmountErrorReason, Money
from bot.domain.plans import BUILTIN_PLANS
from bot.handlers.common import answer, chunk, keyboard
from bot.i18n import Html, Translator, translator
from bot.presentation import keyboards as kb
from bot.presentation.einvoice_views import einvoice_lines
from bot.presentation.views import (
    amount_problem,
    local_today,
    payment_details_hint,
    plan_label,
)
from bot.storage import Freelancer
from bot.storage.invoices import next_number

ASK = "ask"
MAX_NUMBER_LENGTH = 32
MAX_DESCRIPTION_LENGTH = 200

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


Question = tuple[Html, list[list[tuple[str, str]]]]


def skip_row(tr: Translator) -> list[tuple[str, str]]:
    return [(tr.plain("Skip"), kb.NW_SKIP())]


def suggestion(label: str, value: str) -> list[tuple[str, str]]:
    """A suggestion button: pressing it is the same as typing `value`. None when `value` is too long
    for Telegram's callback data (a long number in another script): it can still be typed."""
    try:
        return [(label, kb.NW_PICK(value))]
    except ValueError:
        return []


async def ask_client(step: Step) -> Question:
    recent = await step.ctx.store.clients.recent(step.freelancer.id)
    buttons = [(c.name[:30], kb.NW_CLIENT(c.id)) for c in recent]
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
    return text, chunk([(code, kb.NW_PICK(code)) for code in codes], 3)


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
        [(tr.plain("Yes, keep it"), kb.NW_YES()), (tr.plain("No, change it"), kb.NW_NO())]
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
                kb.NW_PLAN("default"),
            )
        ]
    ]
    rows += [
        [(tr.plain("Reminders: {plan}", plan=plan_label(tr, code)), kb.NW_PLAN(code))]
        for code in BUILTIN_PLANS
        if code != inherited
    ]
    rows.append([(tr.plain("No reminders"), kb.NW_PLAN("off"))])
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
        [(step.tr.money(minor, currency), kb.NW_AMT(str(i))) for i, minor in enumerate(options)]
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
    if d.get("einvoice"):
        lines += [Html(""), *einvoice_lines(tr, d["einvoice"], step.freelancer.iban)]
    hint = payment_details_hint(tr, step.freelancer, bool(d.get("file_id")))
    if hint and d.get("reminders"):
        lines += [Html(""), hint]
    return Html("\n".join(lines))


def summary_buttons(tr: Translator) -> list[list[tuple[str, str]]]:
    return [
        [(tr.plain("✅ Confirm"), kb.NW_CONFIRM())],
        [(tr.plain("✏️ Edit"), kb.NW_EDIT()), (tr.plain("Cancel"), kb.NW_CANCEL())],
    ]


async def ask(update: Update, step: Step, prefix: Html | None = None) -> str:
    name = next_question(step.draft)
    step.draft["asking"] = name
    text, rows = await QUESTIONS[name](step)
    if prefix:
        text = Html(f"{prefix}\n\n{text}")
    await answer(update, text, keyboard(rows) if rows else None)
    return ASK
