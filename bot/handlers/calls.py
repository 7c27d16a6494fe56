"""The buttons under the courtesy call script (the CALL step of a plan).

`call:prom:<invoice id>` asks for the date the client promised, then pauses reminders until the day
after it; `call:none:<id>` records that nobody answered (the plan goes on); `call:paid:<id>` is
✅ Mark paid. The invoice is looked up with the pressing freelancer on every press and every typed
answer, so a foreign or forged id finds nothing and is refused.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from telegram import Update
from telegram.ext import CallbackQueryHandler, ConversationHandler, MessageHandler, filters

from bot.context import RelanceContext
from bot.domain.dates import DateError, parse_date
from bot.engine.calls import pause_for_promise
from bot.handlers.common import answer, freelancer_of, owned_invoice, tr_for
from bot.handlers.invoices import mark_paid
from bot.i18n import Html, Translator
from bot.presentation import keyboards as kb
from bot.presentation.views import date_problem, local_today
from bot.storage import Freelancer, Invoice

ASK_PROMISED_DATE = "ask_promised_date"
DRAFT = "call_promise"
END = ConversationHandler.END
MAX_PROMISE_DAYS = 365
EXAMPLE_DAYS = 7


def _example(tr: Translator, today: date) -> str:
    return tr.date(today + timedelta(days=EXAMPLE_DAYS))


def _ask(tr: Translator, invoice: Invoice, today: date) -> Html:
    return tr._(
        "By what date did {client} promise to pay {number}? For example: {example}. Send /cancel to leave "
        "the plan as it is.",
        client=invoice.client_name, number=invoice.number, example=_example(tr, today),
    )  # fmt: skip


async def _settled(update: Update, tr: Translator, invoice: Invoice) -> bool:
    if invoice.is_open:
        return False
    await answer(
        update,
        tr._("Invoice {number} is already paid or cancelled: nothing more to chase.", number=invoice.number),
    )
    return True


async def start_promise(update: Update, ctx: RelanceContext) -> str | int:
    """📞 Called: promised a date."""
    found = await owned_invoice(update, ctx)
    if found is None:
        return END
    freelancer, invoice = found
    tr = tr_for(update, ctx, freelancer)
    if await _settled(update, tr, invoice):
        return END
    ctx.drafts[DRAFT] = {"invoice_id": invoice.id}
    await answer(update, _ask(tr, invoice, local_today(freelancer, ctx.clock.now())))
    return ASK_PROMISED_DATE


async def _drafted(update: Update, ctx: RelanceContext) -> tuple[Freelancer, Invoice] | None:
    freelancer = await freelancer_of(update, ctx)
    invoice_id = (ctx.drafts.get(DRAFT) or {}).get("invoice_id")
    invoice = (
        await ctx.store.invoices.get(freelancer.id, invoice_id)
        if freelancer is not None and isinstance(invoice_id, int)
        else None
    )
    if freelancer is None or invoice is None:
        ctx.drafts.pop(DRAFT, None)
        await answer(
            update, tr_for(update, ctx, freelancer)._("That invoice no longer exists. Nothing was changed.")
        )
        return None
    return freelancer, invoice


async def on_promised_date(update: Update, ctx: RelanceContext) -> str | int:
    found = await _drafted(update, ctx)
    if found is None:
        return END
    freelancer, invoice = found
    tr = tr_for(update, ctx, freelancer)
    if await _settled(update, tr, invoice):
        ctx.drafts.pop(DRAFT, None)
        return END
    today = local_today(freelancer, ctx.clock.now())
    text = (update.effective_message.text if update.effective_message else "") or ""
    try:
        promised_on = parse_date(text, locale=tr.locale, today=today)
    except DateError as exc:
        await answer(update, Html(f"{date_problem(tr, exc)}\n{_ask(tr, invoice, today)}"))
        return ASK_PROMISED_DATE
    if promised_on < today:
        await answer(
            update,
            tr._(
                "That date has passed. Please type the date the client promised, today or later, for "
                "example: {example}.",
                example=_example(tr, today),
            ),
        )
        return ASK_PROMISED_DATE
    if promised_on > today + timedelta(days=MAX_PROMISE_DAYS):
        await answer(
            update,
            tr._(
                "Please type a date within a year from today, for example: {example}.",
                example=_example(tr, today),
            ),
        )
        return ASK_PROMISED_DATE
    ctx.drafts.pop(DRAFT, None)
    await pause_for_promise(ctx.services, freelancer, invoice, promised_on)
    await answer(
        update,
        tr._(
            "📞 Noted: {client} promised to pay {number} by {date}. Reminders are paused until then; if it is "
            "not marked paid, they resume on {resume}. It is in the invoice's /history.",
            client=invoice.client_name,
            number=invoice.number,
            date=tr.date(promised_on),
            resume=tr.date(promised_on + timedelta(days=1)),
        ),  # fmt: skip
    )
    return END


async def no_answer(update: Update, ctx: RelanceContext) -> None:
    found = await owned_invoice(update, ctx)
    if found is None:
        return
    freelancer, invoice = found
    tr = tr_for(update, ctx, freelancer)
    if await _settled(update, tr, invoice):
        return
    await ctx.store.call_outcomes.record(invoice.id, "no_answer", now=ctx.clock.now())
    await answer(
        update,
        tr._(
            "Noted: no answer from {client}. The plan goes on; you can still tap “📞 Called: promised a "
            "date” above if they call you back.",
            client=invoice.client_name,
        ),
    )


async def paid(update: Update, ctx: RelanceContext) -> None:
    """✅ Paid: exactly ✅ Mark paid (the whole balance, today), and the call's outcome in the history."""
    found = await owned_invoice(update, ctx)
    if found is None:
        return
    freelancer, invoice = found
    await mark_paid(update, ctx)
    now_paid = await ctx.store.invoices.get(freelancer.id, invoice.id)
    if invoice.is_open and now_paid is not None and now_paid.status == "paid":
        await ctx.store.call_outcomes.record(invoice.id, "paid", now=ctx.clock.now())


def handlers(conversation: Any) -> list[Any]:
    """The date conversation (built by bot.app's factory, so /cancel and time-outs work as elsewhere)
    and the other two buttons."""
    promise = conversation(
        "call_promise",
        entry_points=[CallbackQueryHandler(start_promise, pattern=kb.CALL_PROM.pattern)],
        states={ASK_PROMISED_DATE: [MessageHandler(filters.TEXT & ~filters.COMMAND, on_promised_date)]},
    )
    return [
        promise,
        CallbackQueryHandler(no_answer, pattern=kb.CALL_NONE.pattern),
        CallbackQueryHandler(paid, pattern=kb.CALL_PAID.pattern),
    ]
