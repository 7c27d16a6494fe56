"""/invoices, the invoice card and its buttons, payments ("Mark paid", partial, undo) and /paid.

Every button names an invoice or payment id; it is looked up with the pressing freelancer's id,
so a forged or foreign id finds nothing and is refused.
"""

from __future__ import annotations

from datetime import date, timedelta

from telegram import InlineKeyboardMarkup, Update
from telegram.ext import ConversationHandler

from bot.context import RelanceContext
from bot.domain.dates import DateError, parse_date, parse_due_date
from bot.domain.money import AmountError, Money, parse_amount
from bot.engine.planner import instalments_due
from bot.handlers.common import (
    answer,
    cb_int,
    cb_parts,
    chunk,
    edit_or_answer,
    freelancer_of,
    keyboard,
    onboarded,
    owned_invoice,
    refuse_callback,
    tr_for,
)
from bot.handlers.profile_fields import Invalid, clean_text
from bot.i18n import Html, Translator, translator
from bot.presentation import keyboards as kb
from bot.presentation import late_amounts
from bot.presentation.call_script import promise_line
from bot.presentation.commitment_views import dispute_card_line, plan_card_line
from bot.presentation.views import (
    amount_problem,
    date_problem,
    invoice_buttons,
    invoice_card,
    invoice_line,
    local_today,
)
from bot.storage import Freelancer, Invoice
from bot.storage.invoices import DuplicateNumberError, NotOpenError, OverpaymentError

PAGE_SIZE = 10
UNDO_MINUTES = 10
ASK_AMOUNT, ASK_DATE, ASK_FIELD = "pay_amount", "pay_date", "edit_value"
END = ConversationHandler.END


# Rendering --------------------------------------------------------------------------------------
def list_page(
    tr: Translator, invoices: list[Invoice], total: int, page: int, client_id: int, today: date
) -> tuple[Html, InlineKeyboardMarkup | None]:
    if not invoices:
        return tr._("No open invoice. Register one with /new."), None
    pages = (total + PAGE_SIZE - 1) // PAGE_SIZE
    header = tr.n_("<b>{n} open invoice</b>", "<b>{n} open invoices</b>", total)
    if pages > 1:
        header = Html(f"{header} · {tr._('page {page} of {pages}', page=page + 1, pages=pages)}")
    lines = [header, ""] + [invoice_line(tr, invoice, today) for invoice in invoices]
    rows = chunk([(f"📄 {inv.number}"[:40], kb.INV_CARD(inv.id)) for inv in invoices], 2)
    nav = []
    if page > 0:
        nav.append(("◀", kb.INV_LIST(page - 1, client_id)))
    if page + 1 < pages:
        nav.append(("▶", kb.INV_LIST(page + 1, client_id)))
    rows += [nav] if nav else []
    rows.append([(tr.plain("Filter by client"), kb.INV_FILTER())] if not client_id else
                [(tr.plain("All clients"), kb.INV_LIST(0, 0))])  # fmt: skip
    return Html("\n".join(lines)), keyboard(rows)


async def render_card(
    ctx: RelanceContext, freelancer: Freelancer, invoice: Invoice
) -> tuple[Html, InlineKeyboardMarkup]:
    tr = tr_for_freelancer(freelancer)
    payments = await ctx.store.invoices.payments(invoice.id)
    today = local_today(freelancer, ctx.clock.now())
    late = await late_amounts.for_invoice(ctx.store, freelancer, invoice, today)
    text = invoice_card(tr, invoice, payments, today, freelancer, late)
    promise = (
        await ctx.store.call_outcomes.pausing(invoice.id)
        if invoice.is_open and invoice.reminders_paused
        else None
    )
    if promise is not None and promise.promised_on is not None:
        text = Html(f"{text}\n{promise_line(tr, promise.promised_on, promise.source)}")
    dispute = await ctx.store.disputes.current(invoice.id) if invoice.is_open else None
    if dispute is not None:
        text = Html(f"{text}\n{dispute_card_line(tr, dispute)}")
    payment_plan = await ctx.store.payment_plans.current(invoice.id) if invoice.is_open else None
    if payment_plan is not None:
        dues = instalments_due(invoice, payment_plan)
        text = Html(f"{text}\n{plan_card_line(tr, invoice, payment_plan, dues, today)}")
    return text, invoice_buttons(tr, invoice, today, dispute.id if dispute else None)


def tr_for_freelancer(freelancer: Freelancer) -> Translator:
    return translator(freelancer.language)




# Lookups ------------------------------------------------------------------------------------------


# List --------------------------------------------------------------------------------------------
async def list_invoices(update: Update, ctx: RelanceContext) -> None:
    """/invoices and the ◀ ▶ buttons: open invoices, soonest due first."""
    freelancer = await onboarded(update, ctx)
    if freelancer is None:
        return
    parts = cb_parts(update)
    page = max(0, int(parts[1])) if len(parts) > 1 and parts[1].isdigit() else 0
    client_id = int(parts[2]) if len(parts) > 2 and parts[2].isdigit() else 0
    invoices, total = await ctx.store.invoices.open_page(
        freelancer.id, offset=page * PAGE_SIZE, limit=PAGE_SIZE, client_id=client_id or None
    )
    if not invoices and page > 0:  # a stale ◀ ▶ after invoices were paid: show the last page instead
        page = max(0, (total - 1) // PAGE_SIZE)
        invoices, total = await ctx.store.invoices.open_page(
            freelancer.id, offset=page * PAGE_SIZE, limit=PAGE_SIZE, client_id=client_id or None
        )
    today = local_today(freelancer, ctx.clock.now())
    await edit_or_answer(update, *list_page(tr_for_freelancer(freelancer), invoices, total, page, client_id, today))


async def choose_client_filter(update: Update, ctx: RelanceContext) -> None:
    freelancer = await onboarded(update, ctx)
    if freelancer is None:
        return
    tr = tr_for_freelancer(freelancer)
    clients = await ctx.store.clients.recent(freelancer.id, limit=20)
    rows = chunk([(c.name[:30], kb.INV_LIST(0, c.id)) for c in clients], 2)
    await edit_or_answer(update, tr._("Show the open invoices of which client?"), keyboard(rows))


# Card and actions ----------------------------------------------------------------------------------
async def card(update: Update, ctx: RelanceContext) -> None:
    found = await owned_invoice(update, ctx)
    if found:
        freelancer, invoice = found
        await answer(update, *await render_card(ctx, freelancer, invoice))


async def mark_paid(update: Update, ctx: RelanceContext) -> None:
    """✅ Mark paid: the whole balance, dated today; the card offers Undo for a few minutes."""
    found = await owned_invoice(update, ctx)
    if found:
        freelancer, invoice = found
        await record_payment(update, ctx, freelancer, invoice, None, local_today(freelancer, ctx.clock.now()))


async def record_payment(
    update: Update,
    ctx: RelanceContext,
    freelancer: Freelancer,
    invoice: Invoice,
    amount: int | None,
    paid_on: date,
) -> bool:
    tr = tr_for_freelancer(freelancer)
    try:
        payment_id, invoice = await ctx.store.invoices.add_payment(
            freelancer.id, invoice.id, amount_minor=amount, paid_on=paid_on, now=ctx.clock.now()
        )
    except NotOpenError:
        text, markup = await render_card(ctx, freelancer, invoice)
        await edit_or_answer(update, tr._("This invoice is already paid or cancelled.") + Html("\n\n") + text, markup)
        return True
    except OverpaymentError as exc:
        raise Invalid(
            tr._(
                "That is more than what is still due ({balance}). Type at most that amount, for example {balance}.",
                balance=tr.money(exc.balance_minor, invoice.currency),
            )
        ) from None
    await ctx.services.invoice_changed(invoice)
    text, markup = await render_card(ctx, freelancer, invoice)
    undo = [(tr.plain("↩️ Undo"), kb.INV_UNDO(payment_id))]
    markup = InlineKeyboardMarkup([*markup.inline_keyboard, *keyboard([undo]).inline_keyboard])
    note = tr._("Payment recorded ✅") if invoice.is_open else tr._("Marked paid ✅ Reminders are stopped.")
    await edit_or_answer(update, note + Html("\n\n") + text, markup)
    return True


async def undo(update: Update, ctx: RelanceContext) -> None:
    freelancer = await freelancer_of(update, ctx)
    payment_id = cb_int(update, 1)
    tr = tr_for(update, ctx, freelancer)
    if freelancer is None or payment_id is None:
        await refuse_callback(update, tr, "undo not owned")
        return
    not_before = ctx.clock.now() - timedelta(minutes=UNDO_MINUTES)
    invoice = await ctx.store.invoices.undo_payment(freelancer.id, payment_id, not_before=not_before)
    if invoice is None:
        await refuse_callback(update, tr, "undo expired or not owned")
        return
    await ctx.services.invoice_changed(invoice)
    text, markup = await render_card(ctx, freelancer, invoice)
    await edit_or_answer(update, tr._("Payment removed. The invoice is open again.") + Html("\n\n") + text, markup)


async def set_paused(update: Update, ctx: RelanceContext) -> None:
    """⏸ Pause / ▶️ Resume reminders (resuming turns reminders on if they were off)."""
    found = await owned_invoice(update, ctx)
    if found:
        freelancer, invoice = found
        pause = cb_parts(update)[0] == "pause"
        updated = await ctx.store.invoices.update(
            freelancer.id,
            invoice.id,
            reminders_paused=pause,
            reminders_enabled=invoice.reminders_enabled or not pause,
        )
        assert updated is not None
        await ctx.services.invoice_changed(updated)
        await edit_or_answer(update, *await render_card(ctx, freelancer, updated))


async def ask_cancel(update: Update, ctx: RelanceContext) -> None:
    found = await owned_invoice(update, ctx)
    if found:
        freelancer, invoice = found
        tr = tr_for_freelancer(freelancer)
        question = tr._(
            "Cancel invoice {number}? It leaves your lists and no reminder will be sent.",
            number=invoice.number,
        )
        rows = [
            [
                (tr.plain("Yes, cancel it"), kb.INV_CANCELOK(invoice.id)),
                (tr.plain("No"), kb.INV_CARD(invoice.id)),
            ]
        ]
        await edit_or_answer(update, question, keyboard(rows))


async def confirm_cancel(update: Update, ctx: RelanceContext) -> None:
    found = await owned_invoice(update, ctx)
    if found:
        freelancer, invoice = found
        if not invoice.is_open:  # paid (or cancelled) since the question was asked
            text, markup = await render_card(ctx, freelancer, invoice)
            await edit_or_answer(
                update,
                tr_for_freelancer(freelancer)._("This invoice is already paid or cancelled.")
                + Html("\n\n")
                + text,
                markup,
            )
            return
        updated = await ctx.store.invoices.update(freelancer.id, invoice.id, status="cancelled")
        assert updated is not None
        await ctx.services.invoice_changed(updated)
        tr = tr_for_freelancer(freelancer)
        await edit_or_answer(update, tr._("Invoice {number} cancelled.", number=invoice.number), None)


async def paid_command(update: Update, ctx: RelanceContext) -> None:
    """/paid F-2026-014: the same as the button."""
    freelancer = await onboarded(update, ctx)
    if freelancer is None:
        return
    tr = tr_for_freelancer(freelancer)
    number = clean_text(" ".join(ctx.args or []))[:40]
    invoice = await ctx.store.invoices.by_number(freelancer.id, number) if number else None
    if invoice is None:
        usage = tr._(
            "Which invoice? Type its number, for example: /paid F-2026-014. Your open invoices: /invoices"
        )
        unknown = tr._("I have no invoice numbered “{number}”.", number=number)
        await answer(update, usage if not number else Html(f"{unknown} {usage}"))
        return
    await record_payment(update, ctx, freelancer, invoice, None, local_today(freelancer, ctx.clock.now()))


# Partial payment conversation ------------------------------------------------------------------------
async def start_partial(update: Update, ctx: RelanceContext) -> str | int:
    found = await owned_invoice(update, ctx)
    if not found:
        return END
    freelancer, invoice = found
    tr = tr_for_freelancer(freelancer)
    ctx.drafts["payment"] = {"invoice_id": invoice.id}
    balance = tr.money(invoice.balance_minor, invoice.currency)
    rows = [[(tr.plain("The whole balance ({amount})", amount=balance), kb.PAY_ALL())]]
    await answer(
        update,
        tr._(
            "How much did you receive for {number}? For example {amount}.",
            number=invoice.number,
            amount=balance,
        ),
        keyboard(rows),
    )
    return ASK_AMOUNT


async def drafted_invoice(
    update: Update, ctx: RelanceContext, key: str
) -> tuple[Freelancer, Invoice, Translator] | None:
    """The invoice a payment or edit conversation is about (re-read, owned), or None after saying so."""
    freelancer = await freelancer_of(update, ctx)
    draft = ctx.drafts.get(key) or {}
    invoice = await ctx.store.invoices.get(freelancer.id, draft.get("invoice_id", 0)) if freelancer else None
    if freelancer is None or invoice is None:
        tr = tr_for(update, ctx, freelancer)
        await answer(update, tr._("That is no longer in progress. Open the invoice again with /invoices."))
        return None
    return freelancer, invoice, tr_for_freelancer(freelancer)


async def on_amount(update: Update, ctx: RelanceContext) -> str | int:
    found = await drafted_invoice(update, ctx, "payment")
    if not found:
        return END
    freelancer, invoice, tr = found
    text = update.effective_message.text if update.effective_message and not update.callback_query else None
    chosen = cb_parts(update)[1:] if cb_parts(update)[:1] == ["amt"] else []  # one reading of "1.234 TND"
    try:
        amount = (
            Money(int(chosen[0]), invoice.currency) if chosen and chosen[0].isdigit()
            else None if text is None else parse_amount(text, locale=tr.locale, default_currency=invoice.currency)
        )  # fmt: skip
    except AmountError as exc:
        readings = [m for m in exc.readings if m.currency == invoice.currency]
        buttons = [[(tr.money(m.minor, m.currency), kb.PAY_AMT(m.minor)) for m in readings]]
        await answer(update, amount_problem(tr, exc), keyboard(buttons) if readings else None)
        return ASK_AMOUNT
    if amount is not None and amount.currency != invoice.currency:
        await answer(
            update,
            tr._(
                "This invoice is in {currency}. Please type an amount in {currency}.",
                currency=invoice.currency,
            ),
        )
        return ASK_AMOUNT
    if amount is not None and amount.minor > invoice.balance_minor:
        balance = tr.money(invoice.balance_minor, invoice.currency)
        await answer(
            update,
            tr._(
                "That is more than what is still due ({balance}). Type at most that amount, for example {balance}.",
                balance=balance,
            ),
        )
        return ASK_AMOUNT
    ctx.drafts["payment"]["amount"] = None if amount is None else amount.minor
    today = local_today(freelancer, ctx.clock.now())
    rows = [[(tr.plain("Today"), kb.PAY_DATE(today.isoformat())),
             (tr.plain("Yesterday"), kb.PAY_DATE((today - timedelta(days=1)).isoformat()))]]  # fmt: skip
    await answer(update, tr._("When was it paid? For example 15/11/2026, or tap a button."), keyboard(rows))
    return ASK_DATE


async def on_date(update: Update, ctx: RelanceContext) -> str | int:
    found = await drafted_invoice(update, ctx, "payment")
    if not found:
        return END
    freelancer, invoice, tr = found
    parts = cb_parts(update)
    text = (
        parts[1]
        if len(parts) > 1
        else (update.effective_message.text if update.effective_message else "") or ""
    )
    today = local_today(freelancer, ctx.clock.now())
    try:
        paid_on = parse_date(text, locale=tr.locale, today=today)
    except DateError as exc:
        await answer(update, date_problem(tr, exc))
        return ASK_DATE
    if paid_on > today:
        await answer(update, tr._("A payment date cannot be in the future. For example: today."))
        return ASK_DATE
    amount = ctx.drafts.get("payment", {}).get("amount")
    try:
        await record_payment(update, ctx, freelancer, invoice, amount, paid_on)
    except Invalid as exc:
        await answer(update, exc.message)
    ctx.drafts.pop("payment", None)
    return END


# Edit conversation ---------------------------------------------------------------------------------
EDIT_FIELDS = ("number", "amount", "due_date", "description")


async def start_edit(update: Update, ctx: RelanceContext) -> str | int:
    found = await owned_invoice(update, ctx)
    if not found:
        return END
    freelancer, invoice = found
    tr = tr_for_freelancer(freelancer)
    labels = {"number": tr.plain("Number"), "amount": tr.plain("Amount"), "due_date": tr.plain("Due date"),
              "description": tr.plain("Description")}  # fmt: skip
    ctx.drafts["invoice_edit"] = {"invoice_id": invoice.id}
    rows = chunk([(labels[f], kb.IED(f)) for f in EDIT_FIELDS], 2)
    await answer(
        update, tr._("What do you want to change on {number}?", number=invoice.number), keyboard(rows)
    )
    return ASK_FIELD


async def pick_edit_field(update: Update, ctx: RelanceContext) -> str | int:
    found = await drafted_invoice(update, ctx, "invoice_edit")
    field = (cb_parts(update) or [""])[0]
    if not found or field not in EDIT_FIELDS:
        return END
    _freelancer, invoice, tr = found
    ctx.drafts["invoice_edit"]["field"] = field
    prompts = {
        "number": tr._("New number? For example F-2026-014."),
        "amount": tr._(
            "New amount? For example {amount}.", amount=tr.money(invoice.amount_minor, invoice.currency)
        ),
        "due_date": tr._("New due date? For example 15/01/2027 or 30 days."),
        "description": tr._("New description? For example Website redesign, phase 1."),
    }
    await answer(update, prompts[field])
    return ASK_FIELD


async def on_edit_value(update: Update, ctx: RelanceContext) -> str | int:
    found = await drafted_invoice(update, ctx, "invoice_edit")
    if not found:
        return END
    freelancer, invoice, tr = found
    field = ctx.drafts["invoice_edit"].get("field")
    if field not in EDIT_FIELDS:
        await answer(update, tr._("Please choose what to change with the buttons."))
        return ASK_FIELD
    text = update.effective_message.text if update.effective_message else ""
    try:
        changes = parse_edit(field, text or "", invoice, tr, local_today(freelancer, ctx.clock.now()))
        updated = await ctx.store.invoices.update(freelancer.id, invoice.id, **changes)
    except Invalid as exc:
        await answer(update, exc.message)
        return ASK_FIELD
    except DuplicateNumberError:
        await answer(
            update, tr._("You already have an invoice with this number. Please type another number.")
        )
        return ASK_FIELD
    assert updated is not None
    ctx.drafts.pop("invoice_edit", None)
    await ctx.services.invoice_changed(updated)
    text_card, markup = await render_card(ctx, freelancer, updated)
    await answer(update, tr._("Saved.") + Html("\n\n") + text_card, markup)
    return END


def parse_edit(field: str, text: str, invoice: Invoice, tr: Translator, today: date) -> dict[str, object]:
    """The validated change for one field of an existing invoice, or Invalid."""
    if field == "number":
        number = clean_text(text)
        if not number or len(number) > 32:
            raise Invalid(
                tr._("Please type the invoice number (at most 32 characters), for example F-2026-014.")
            )
        return {"number": number}
    if field == "amount":
        try:
            money = parse_amount(text, locale=tr.locale, default_currency=invoice.currency)
        except AmountError as exc:
            raise Invalid(amount_problem(tr, exc)) from None
        if invoice.paid_minor and money.currency == invoice.currency and money.minor == invoice.paid_minor:
            raise Invalid(tr._("That is exactly what was already paid: use ✅ Mark paid instead."))
        if invoice.paid_minor and (money.currency != invoice.currency or money.minor < invoice.paid_minor):
            paid = tr.money(invoice.paid_minor, invoice.currency)
            raise Invalid(
                tr._(
                    "The amount cannot be less than what was already paid ({paid}), nor in another currency.",
                    paid=paid,
                )
            )
        return {"amount_minor": money.minor, "currency": money.currency}
    if field == "due_date":
        try:
            due = parse_due_date(text, locale=tr.locale, issue_date=invoice.issue_date, today=today)
        except DateError as exc:
            raise Invalid(date_problem(tr, exc)) from None
        if due < invoice.issue_date:
            raise Invalid(
                tr._(
                    "The due date cannot be before the issue date ({date}).", date=tr.date(invoice.issue_date)
                )
            )
        return {"due_date": due}
    description = clean_text(text)
    if len(description) > 200:
        raise Invalid(
            tr._(
                "That description is too long. Please keep it under 200 characters, for example: Logo design."
            )
        )
    return {"description": description or None}
