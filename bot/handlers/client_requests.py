"""The freelancer's answers to what a client asked in Telegram: confirm or refuse a reported payment,
accept or decline a new date, reply to a question. And the sweep that resumes reminders when a
reported payment stays unanswered for 5 days.

Buttons carry `cr:<action>:<request id>`; the request is looked up together with the pressing
freelancer, so a client (or another freelancer) pressing them finds nothing and is refused. The
client is told only while their chat is still bound to the invoice's client.
"""

from __future__ import annotations

from dataclasses import dataclass

from telegram import InlineKeyboardMarkup, Update
from telegram.ext import ConversationHandler

from bot.context import RelanceContext
from bot.engine.claims import resume_reminders, still_paused_by
from bot.engine.commitments import withdraw_promise
from bot.handlers.client_actions.shared import message_text, tell, typed
from bot.handlers.common import (
    answer,
    cb_int,
    cb_parts,
    edit_or_answer,
    freelancer_of,
    refuse_callback,
    tr_for,
)
from bot.handlers.invoices import record_payment
from bot.handlers.profile_fields import Invalid
from bot.i18n import Translator, translator
from bot.presentation.client_buttons import reminder_buttons
from bot.presentation.reminder_text import client_locale
from bot.storage import Client, Freelancer, Invoice
from bot.storage.client_requests import ClientRequest

REPLY = "client_reply"
END = ConversationHandler.END
DRAFT = "client_reply"


@dataclass(frozen=True)
class Answering:
    """A client's request, as the freelancer who owns its invoice answers it."""

    freelancer: Freelancer
    request: ClientRequest
    invoice: Invoice
    client: Client

    @property
    def tr(self) -> Translator:
        return translator(self.freelancer.language)

    @property
    def client_tr(self) -> Translator:
        return translator(client_locale(self.freelancer, self.client))


async def _load(
    ctx: RelanceContext, freelancer: Freelancer | None, request_id: int | None
) -> Answering | None:
    if freelancer is None or request_id is None:
        return None
    request = await ctx.store.client_requests.get(freelancer.id, request_id)
    invoice = await ctx.store.invoices.get(freelancer.id, request.invoice_id) if request else None
    client = await ctx.store.clients.get(freelancer.id, invoice.client_id) if invoice else None
    if request is None or invoice is None or client is None:
        return None
    return Answering(freelancer, request, invoice, client)


async def owned_request(update: Update, ctx: RelanceContext) -> Answering | None:
    freelancer = await freelancer_of(update, ctx)
    found = await _load(ctx, freelancer, cb_int(update, 1))
    if found is None:
        await refuse_callback(update, tr_for(update, ctx, freelancer), "client request not owned")
    return found


async def _tell_client(
    ctx: RelanceContext, found: Answering, text: str, markup: InlineKeyboardMarkup | None = None
) -> bool:
    """Write to the chat that asked, if it still speaks for the client (it may have been unbound)."""
    chat_id = found.request.chat_id
    if not await ctx.store.invitations.bound_contacts(chat_id, found.client.id):
        return False
    return await tell(ctx.bot, chat_id, text, markup)


# Confirm / refuse -----------------------------------------------------------------------------------
async def decide(update: Update, ctx: RelanceContext) -> None:
    """Confirm paid / Not received yet, Accept / Decline: answered once."""
    if not (found := await owned_request(update, ctx)):
        return
    accept = cb_parts(update)[0] == "ok"
    if found.request.kind not in ("paid", "delay"):
        await refuse_callback(update, found.tr, f"request {found.request.id} has no yes/no answer")
        return
    status = "accepted" if accept else "declined"
    if not await ctx.store.client_requests.answer(found.request.id, status, ctx.clock.now()):
        query = update.callback_query
        assert query is not None
        await query.answer(found.tr.plain("You already answered this request."), show_alert=True)
        return
    if found.request.kind == "paid":
        await (_confirm_paid if accept else _not_received)(update, ctx, found)
    else:
        await (_accept_date if accept else _decline_date)(update, ctx, found)


async def _confirm_paid(update: Update, ctx: RelanceContext, found: Answering) -> None:
    """Record the full payment on the date the client gave: the invoice is paid, reminders stop."""
    invoice = found.invoice
    if still_paused_by(found.request, invoice):  # lifted quietly: recording the payment re-plans once
        invoice = (
            await ctx.store.invoices.update(found.freelancer.id, invoice.id, reminders_paused=False)
            or invoice
        )
    paid_on = found.request.paid_on or ctx.clock.now().date()
    await record_payment(update, ctx, found.freelancer, invoice, None, paid_on)
    now_paid = await ctx.store.invoices.get(found.freelancer.id, invoice.id)
    if now_paid is not None and now_paid.status == "paid":
        await _tell_client(
            ctx,
            found,
            found.client_tr._(
                "✅ {freelancer} confirms receiving your payment for invoice {number}. Thank you!",
                freelancer=found.freelancer.name,
                number=invoice.number,
            ),
        )


async def _not_received(update: Update, ctx: RelanceContext, found: Answering) -> None:
    await resume_reminders(ctx.services, found.request, found.invoice)
    ctr, number = found.client_tr, found.invoice.number
    await _tell_client(
        ctx,
        found,
        ctr._(
            "{freelancer} has not received the payment for invoice {number} yet. A transfer can take a few days; "
            "if you think there is a mistake, tap 💬 Question to sort it out together.",
            freelancer=found.freelancer.name,
            number=number,
        ),
        reminder_buttons(found.freelancer, found.client, found.invoice.id),
    )
    text = found.tr._(
        "OK: I told {client} that the payment for {number} has not arrived yet.",
        client=found.client.name,
        number=number,
    )
    await edit_or_answer(update, text, None)


async def _accept_date(update: Update, ctx: RelanceContext, found: Answering) -> None:
    """The new due date replaces the old one; the reminders are planned again from it."""
    new_date = found.request.new_due_date or found.invoice.due_date
    # The client's date paused the reminders as a promise; it is now the due date, and the reminders
    # are planned from it. The promise is still judged (kept or broken) the day after.
    promise = await ctx.store.call_outcomes.pausing(found.invoice.id)
    lift = promise is not None and promise.source == "client" and found.invoice.reminders_paused
    changes: dict[str, object] = {"due_date": new_date} | ({"reminders_paused": False} if lift else {})
    updated = await ctx.store.invoices.update(found.freelancer.id, found.invoice.id, **changes)
    await ctx.services.invoice_changed(updated or found.invoice)
    ctr, number = found.client_tr, found.invoice.number
    await _tell_client(
        ctx,
        found,
        ctr._(
            "✅ {freelancer} agrees: invoice {number} is now due on {date}. Thank you!",
            freelancer=found.freelancer.name,
            number=number,
            date=ctr.date(new_date),
        ),
    )
    tr = found.tr
    text = tr._(
        "Accepted: {number} is now due on {date}. Reminders are planned again from that date.",
        number=number,
        date=tr.date(new_date),
    )
    await edit_or_answer(update, text, None)


async def _decline_date(update: Update, ctx: RelanceContext, found: Answering) -> None:
    """The due date stays; the pause the client's date made ends now (reminders go on as planned)."""
    await withdraw_promise(ctx.services, found.freelancer, found.invoice)
    ctr, number, due = found.client_tr, found.invoice.number, found.invoice.due_date
    await _tell_client(
        ctx,
        found,
        ctr._(
            "{freelancer} cannot move the due date of invoice {number}: it stays due on {date}. "
            "If that is a problem, tap 💬 Question to find a solution together.",
            freelancer=found.freelancer.name,
            number=number,
            date=ctr.date(due),
        ),
        reminder_buttons(found.freelancer, found.client, found.invoice.id),
    )
    tr = found.tr
    text = tr._(
        "Declined: I told {client} that {number} stays due on {date}.",
        client=found.client.name,
        number=number,
        date=tr.date(due),
    )
    await edit_or_answer(update, text, None)


# Reply to a question ---------------------------------------------------------------------------------
async def start_reply(update: Update, ctx: RelanceContext) -> str | int:
    if not (found := await owned_request(update, ctx)):
        return END
    if found.request.kind != "question":
        await refuse_callback(update, found.tr, f"request {found.request.id} is not a question")
        return END
    ctx.drafts[DRAFT] = {"request_id": found.request.id}
    await answer(
        update,
        found.tr._(
            "Type your answer to {client}. I will send it to them as it is.", client=found.client.name
        ),
    )
    return REPLY


async def on_reply(update: Update, ctx: RelanceContext) -> str | int:
    freelancer = await freelancer_of(update, ctx)
    found = await _load(ctx, freelancer, (ctx.drafts.get(DRAFT) or {}).get("request_id"))
    if found is None:
        ctx.drafts.pop(DRAFT, None)
        await answer(update, tr_for(update, ctx, freelancer)._("That question is gone. Nothing was sent."))
        return END
    tr = found.tr
    try:
        reply = message_text(typed(update), tr)
    except Invalid as exc:
        await answer(update, exc.message)
        return REPLY
    ctx.drafts.pop(DRAFT, None)
    text = found.client_tr._(
        "💬 {freelancer} answers your question about invoice {number}:\n\n{text}",
        freelancer=found.freelancer.name,
        number=found.invoice.number,
        text=reply,
    )
    if await _tell_client(
        ctx, found, text, reminder_buttons(found.freelancer, found.client, found.invoice.id)
    ):
        await ctx.store.client_requests.answer(found.request.id, "answered", ctx.clock.now())
        await answer(update, tr._("Sent to {client} ✅", client=found.client.name))
    else:
        await answer(
            update,
            tr._(
                "I could not pass your answer on: {client} is not reachable in Telegram.",
                client=found.client.name,
            ),
        )
    return END
