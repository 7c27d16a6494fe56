"""Disputes: the client says "⚠️ I dispute this invoice" (with a reason, words and an optional photo or
PDF); reminders stop at once; the freelancer resolves it: 📝 a corrected invoice (a new amount or a
new PDF), 💬 an explanation (reminders resume), or 🗑 cancel the invoice.

Client buttons: `cp:disp:<invoice>` then `dq:<reason>` / `dq:skip` inside the conversation (the draft
names the invoice; the chat must still speak for its client at every step). Freelancer buttons:
`dr:fix|explain|cancel:<dispute>`, looked up with the pressing freelancer, acted on once.
"""

from __future__ import annotations

import logging
from typing import Any

from telegram import Update
from telegram.error import TelegramError
from telegram.ext import CallbackQueryHandler, ConversationHandler, MessageHandler, filters

from bot.context import RelanceContext
from bot.domain.money import AmountError, parse_amount
from bot.engine.commitments import end_plan, open_dispute, resolve_dispute
from bot.handlers.client_actions.shared import (
    ClientSide,
    client_side,
    message_text,
    photo_or_pdf,
    pressed,
    tell,
    typed,
)
from bot.handlers.common import (
    answer,
    cb_int,
    cb_parts,
    edit_in_place,
    freelancer_of,
    refuse_callback,
    tr_for,
)
from bot.handlers.profile_fields import Invalid
from bot.i18n import Translator, translator
from bot.presentation import keyboards as kb
from bot.presentation.commitment_views import DISPUTE_REASONS, dispute_text, reason_label, resolve_buttons
from bot.presentation.keyboards import keyboard
from bot.presentation.reminder_text import client_locale
from bot.presentation.views import amount_problem
from bot.storage import Client, Freelancer, Invoice
from bot.storage.disputes import Dispute

log = logging.getLogger(__name__)
ASK_REASON, ASK_DETAILS, ASK_FILE = "dispute_reason", "dispute_details", "dispute_file"
ASK_CORRECTION, ASK_EXPLANATION = "dispute_correction", "dispute_explanation"
END = ConversationHandler.END
DRAFT = "dispute"
RESOLVE_DRAFT = "dispute_resolve"


# The client's side ----------------------------------------------------------------------------------
async def start(update: Update, ctx: RelanceContext) -> str | int:
    """⚠️ I dispute this invoice."""
    if not (side := await pressed(update, ctx)):
        return END
    tr, invoice = side.tr, side.invoice
    if not invoice.is_open:
        await answer(
            update, tr._("Invoice {number} is settled: there is nothing more to do.", number=invoice.number)
        )
        return END
    if await ctx.store.disputes.current(invoice.id):
        await answer(
            update,
            tr._(
                "You already disputed invoice {number}; {freelancer} will answer here.",
                number=invoice.number,
                freelancer=side.freelancer.name,
            ),  # fmt: skip
        )
        return END
    ctx.drafts[DRAFT] = {"invoice_id": invoice.id}
    rows = [[(tr.plain(label), kb.DQ_REASON(reason))] for reason, label in DISPUTE_REASONS.items()]
    await answer(
        update,
        tr._(
            "What is wrong with invoice {number} ({amount})? Reminders stop as soon as you tell me.",
            number=invoice.number,
            amount=tr.money(invoice.balance_minor, invoice.currency),
        ),  # fmt: skip
        keyboard(rows),
    )
    return ASK_REASON


async def _drafted(update: Update, ctx: RelanceContext) -> tuple[ClientSide, dict[str, Any]] | None:
    draft = ctx.drafts.get(DRAFT) or {}
    chat = update.effective_chat
    side = (
        await client_side(ctx.store, chat.id, draft["invoice_id"])
        if chat and draft.get("invoice_id")
        else None
    )
    if side is None or not side.invoice.is_open:
        ctx.drafts.pop(DRAFT, None)
        await answer(
            update,
            tr_for(update, ctx)._("This request is no longer possible. Send /start to see your invoices."),
        )
        return None
    return side, draft


async def on_reason(update: Update, ctx: RelanceContext) -> str | int:
    if not (loaded := await _drafted(update, ctx)):
        return END
    side, draft = loaded
    tr = side.tr
    reason = cb_parts(update)[0] if update.callback_query else ""
    if reason not in DISPUTE_REASONS:
        await answer(update, tr._("Please tap one of the reasons above."))
        return ASK_REASON
    draft["reason"] = reason
    if reason == "other":
        await answer(update, tr._("Please tell me in a few words what is wrong, for example: the hours billed are not "
                                  "the ones agreed."))  # fmt: skip
    else:
        await answer(
            update,
            tr._(
                "{reason}: would you like to add a few words for {freelancer}? Type them, or tap Skip.",
                reason=reason_label(tr, reason),
                freelancer=side.freelancer.name,
            ),  # fmt: skip
            keyboard([[(tr.plain("Skip"), kb.DQ_SKIP())]]),
        )
    return ASK_DETAILS


async def on_details(update: Update, ctx: RelanceContext) -> str | int:
    if not (loaded := await _drafted(update, ctx)):
        return END
    side, draft = loaded
    tr = side.tr
    if update.callback_query is None:
        try:
            draft["details"] = message_text(typed(update), tr)
        except Invalid as exc:
            await answer(update, exc.message)
            return ASK_DETAILS
    elif draft.get("reason") == "other":
        await answer(update, tr._("Please tell me in a few words what is wrong."))
        return ASK_DETAILS
    await answer(
        update,
        tr._(
            "You may send a photo or a PDF that shows the problem (a delivery note, a proof of payment), or tap "
            "Skip."
        ),  # fmt: skip
        keyboard([[(tr.plain("Skip"), kb.DQ_SKIP())]]),
    )
    return ASK_FILE


async def on_file(update: Update, ctx: RelanceContext) -> str | int:
    if not (loaded := await _drafted(update, ctx)):
        return END
    side, draft = loaded
    tr = side.tr
    attachment = None if update.callback_query else photo_or_pdf(update)
    if update.callback_query is None and attachment is None:
        await answer(update, tr._("Please send a photo or a PDF, or tap Skip."),
                     keyboard([[(tr.plain("Skip"), kb.DQ_SKIP())]]))  # fmt: skip
        return ASK_FILE
    ctx.drafts.pop(DRAFT, None)
    dispute = await open_dispute(
        ctx.services, side.invoice, reason=draft["reason"], details=draft.get("details"), contact_id=side.contact.id,
        chat_id=side.chat_id, file_id=attachment[0] if attachment else None,
        file_is_photo=attachment[1] if attachment else False,
    )  # fmt: skip
    await _tell_freelancer(ctx, side, dispute)
    await answer(
        update,
        tr._(
            "⚠️ Thank you. I told {freelancer} that you dispute invoice {number}; no reminder will go out for it "
            "until this is sorted out. Their answer will come here.",
            freelancer=side.freelancer.name,
            number=side.invoice.number,
        ),  # fmt: skip
    )
    return END


async def _tell_freelancer(ctx: RelanceContext, side: ClientSide, dispute: Dispute) -> None:
    ftr = side.freelancer_tr
    chat_id = side.freelancer.telegram_user_id
    await tell(ctx.bot, chat_id, dispute_text(ftr, side.invoice, dispute), resolve_buttons(ftr, dispute.id))
    if dispute.file_id:
        caption = ftr.plain("Attached by {client} to the dispute of {number}", client=side.client.name,
                            number=side.invoice.number)  # fmt: skip
        try:
            if dispute.file_is_photo:
                await ctx.bot.send_photo(chat_id, dispute.file_id, caption=caption)
            else:
                await ctx.bot.send_document(chat_id, dispute.file_id, caption=caption)
        except TelegramError as exc:
            log.warning("could not pass on a dispute's attachment: %s", exc)


# The freelancer's side ------------------------------------------------------------------------------
async def _owned(
    update: Update, ctx: RelanceContext, dispute_id: int | None
) -> tuple[Freelancer, Dispute, Invoice] | None:
    freelancer = await freelancer_of(update, ctx)
    dispute = (
        await ctx.store.disputes.get_owned(freelancer.id, dispute_id) if freelancer and dispute_id else None
    )
    invoice = (
        await ctx.store.invoices.get(freelancer.id, dispute.invoice_id) if freelancer and dispute else None
    )
    if freelancer is None or dispute is None or invoice is None:
        return None
    return freelancer, dispute, invoice


async def _pressed(update: Update, ctx: RelanceContext) -> tuple[Freelancer, Dispute, Invoice] | None:
    found = await _owned(update, ctx, cb_int(update, 1))
    if found is None:
        await refuse_callback(
            update, tr_for(update, ctx, await freelancer_of(update, ctx)), "dispute not owned"
        )
        return None
    if not found[1].is_open:
        query = update.callback_query
        assert query is not None
        await query.answer(
            translator(found[0].language).plain("This dispute is resolved already."), show_alert=True
        )
        return None
    return found


async def _tell_client(ctx: RelanceContext, freelancer: Freelancer, dispute: Dispute, invoice: Invoice,
                       text_for: Any) -> None:  # fmt: skip
    """Write to the chat that disputed, if it still speaks for the client."""
    client = await ctx.store.clients.get(freelancer.id, invoice.client_id)
    if client is None or dispute.chat_id is None:
        return
    if not await ctx.store.invitations.bound_contacts(dispute.chat_id, client.id):
        return
    tr = translator(client_locale(freelancer, client))
    await tell(ctx.bot, dispute.chat_id, text_for(tr, client))


async def start_fix(update: Update, ctx: RelanceContext) -> str | int:
    """📝 Send a corrected invoice: a new amount or a new PDF."""
    if not (found := await _pressed(update, ctx)):
        return END
    freelancer, dispute, invoice = found
    tr = translator(freelancer.language)
    ctx.drafts[RESOLVE_DRAFT] = {"dispute_id": dispute.id}
    await answer(
        update,
        tr._(
            "Send the corrected invoice as a PDF, or type the corrected amount of {number} (now {amount}), for "
            "example 950 €. Send /cancel to keep the dispute open.",
            number=invoice.number,
            amount=tr.money(invoice.amount_minor, invoice.currency),
        ),  # fmt: skip
    )
    return ASK_CORRECTION


async def _resolving(update: Update, ctx: RelanceContext) -> tuple[Freelancer, Dispute, Invoice] | None:
    draft = ctx.drafts.get(RESOLVE_DRAFT) or {}
    found = await _owned(update, ctx, draft.get("dispute_id"))
    if found is None or not found[1].is_open:
        ctx.drafts.pop(RESOLVE_DRAFT, None)
        await answer(
            update,
            tr_for(update, ctx, await freelancer_of(update, ctx))._("This dispute is resolved already."),
        )
        return None
    return found


async def on_correction(update: Update, ctx: RelanceContext) -> str | int:
    if not (found := await _resolving(update, ctx)):
        return END
    freelancer, dispute, invoice = found
    tr = translator(freelancer.language)
    message = update.effective_message
    document = message.document if message else None
    changes: dict[str, object] = {}
    if document is not None and (document.mime_type or "").lower() == "application/pdf":
        changes = {"file_id": document.file_id, "file_name": document.file_name or f"{invoice.number}.pdf"}
    else:
        try:
            money = parse_amount(typed(update), locale=tr.locale, default_currency=invoice.currency)
        except AmountError as exc:
            await answer(update, amount_problem(tr, exc))
            return ASK_CORRECTION
        if money.currency != invoice.currency:
            await answer(
                update,
                tr._("Please type the amount in {currency}, for example 950 €.", currency=invoice.currency),
            )
            return ASK_CORRECTION
        if money.minor <= invoice.paid_minor:
            await answer(
                update,
                tr._(
                    "{amount} was already paid on this invoice: the corrected amount must be more. To write it off, "
                    "cancel the invoice instead.",
                    amount=tr.money(invoice.paid_minor, invoice.currency),
                ),  # fmt: skip
            )
            return ASK_CORRECTION
        changes = {"amount_minor": money.minor}
    ctx.drafts.pop(RESOLVE_DRAFT, None)
    updated = await ctx.store.invoices.update(freelancer.id, invoice.id, **changes) or invoice
    plan_ended = "amount_minor" in changes and await end_plan(ctx.services, updated)
    summary = (
        tr.plain("new amount {amount}", amount=tr.money(updated.amount_minor, updated.currency))
        if "amount_minor" in changes
        else tr.plain("new invoice file")
    )
    resolved = await resolve_dispute(ctx.services, freelancer, dispute, "corrected", summary)
    if resolved is None:
        await answer(update, tr._("This dispute is resolved already."))
        return END
    await answer(
        update,
        tr._(
            "📝 Invoice {number} corrected ({summary}). {client} is told, and reminders resume from now on the "
            "amount due: {balance}.",
            number=invoice.number,
            summary=summary,
            client=invoice.client_name,
            balance=tr.money(resolved.balance_minor, resolved.currency),
        ),  # fmt: skip
    )
    if plan_ended:
        await answer(update, tr._("The payment plan of {number} ended with the correction: its instalments no longer "
                                  "added up. Propose a new one from the invoice card if needed.",
                                  number=invoice.number))  # fmt: skip

    def to_client(ctr: Translator, client: Client) -> str:
        return ctr._("📝 {freelancer} corrected invoice {number} after your message: the amount due is now {balance}.",
                     freelancer=freelancer.name, number=invoice.number,
                     balance=ctr.money(resolved.balance_minor, resolved.currency))  # fmt: skip

    await _tell_client(ctx, freelancer, dispute, invoice, to_client)
    if "file_id" in changes and dispute.chat_id is not None:
        client = await ctx.store.clients.get(freelancer.id, invoice.client_id)
        if client and await ctx.store.invitations.bound_contacts(dispute.chat_id, client.id):
            try:
                await ctx.bot.send_document(dispute.chat_id, str(changes["file_id"]))
            except TelegramError as exc:
                log.warning("could not send the corrected invoice: %s", exc)
    return END


async def start_explain(update: Update, ctx: RelanceContext) -> str | int:
    """💬 Explain and resume reminders."""
    if not (found := await _pressed(update, ctx)):
        return END
    freelancer, dispute, invoice = found
    tr = translator(freelancer.language)
    ctx.drafts[RESOLVE_DRAFT] = {"dispute_id": dispute.id}
    await answer(
        update,
        tr._(
            "Type your explanation for {client}; I will pass it on and resume the reminders for {number}. Send "
            "/cancel to keep the dispute open.",
            client=invoice.client_name,
            number=invoice.number,
        ),  # fmt: skip
    )
    return ASK_EXPLANATION


async def on_explanation(update: Update, ctx: RelanceContext) -> str | int:
    if not (found := await _resolving(update, ctx)):
        return END
    freelancer, dispute, invoice = found
    tr = translator(freelancer.language)
    try:
        explanation = message_text(typed(update), tr)
    except Invalid as exc:
        await answer(update, exc.message)
        return ASK_EXPLANATION
    ctx.drafts.pop(RESOLVE_DRAFT, None)
    if await resolve_dispute(ctx.services, freelancer, dispute, "resumed", explanation) is None:
        await answer(update, tr._("This dispute is resolved already."))
        return END
    await answer(update, tr._("💬 Sent to {client}; reminders for {number} resume.", client=invoice.client_name,
                              number=invoice.number))  # fmt: skip

    def to_client(ctr: Translator, client: Client) -> str:
        return ctr._("💬 {freelancer} answers about invoice {number}:\n\n{text}\n\nThe invoice stands as it is.",
                     freelancer=freelancer.name, number=invoice.number, text=explanation)  # fmt: skip

    await _tell_client(ctx, freelancer, dispute, invoice, to_client)
    return END


async def cancel_invoice(update: Update, ctx: RelanceContext) -> None:
    """🗑 Cancel the invoice: the dispute is resolved in the client's favour."""
    if not (found := await _pressed(update, ctx)):
        return
    freelancer, dispute, invoice = found
    tr = translator(freelancer.language)
    if await resolve_dispute(ctx.services, freelancer, dispute, "cancelled") is None:
        await answer(update, tr._("This dispute is resolved already."))
        return
    await edit_in_place(update, tr._("🗑 Invoice {number} is cancelled; {client} is told. No reminder will go out for "
                                     "it.", number=invoice.number, client=invoice.client_name), None)  # fmt: skip

    def to_client(ctr: Translator, client: Client) -> str:
        return ctr._("✅ {freelancer} cancelled invoice {number} after your message: you owe nothing for it.",
                     freelancer=freelancer.name, number=invoice.number)  # fmt: skip

    await _tell_client(ctx, freelancer, dispute, invoice, to_client)


def handlers(conversation: Any) -> list[Any]:
    typed_text = filters.TEXT & ~filters.COMMAND
    client = conversation(
        "dispute",
        entry_points=[CallbackQueryHandler(start, pattern=kb.CP_DISP.pattern)],
        states={
            ASK_REASON: [
                CallbackQueryHandler(on_reason, pattern=kb.DQ_REASON.pattern),
                MessageHandler(typed_text, on_reason),
            ],
            ASK_DETAILS: [
                CallbackQueryHandler(on_details, pattern=kb.DQ_SKIP.pattern),
                MessageHandler(typed_text, on_details),
            ],
            ASK_FILE: [
                CallbackQueryHandler(on_file, pattern=kb.DQ_SKIP.pattern),
                MessageHandler(typed_text | filters.PHOTO | filters.Document.ALL, on_file),
            ],
        },
    )
    resolve = conversation(
        "dispute_resolve",
        entry_points=[
            CallbackQueryHandler(start_fix, pattern=kb.DR_FIX.pattern),
            CallbackQueryHandler(start_explain, pattern=kb.DR_EXPLAIN.pattern),
        ],
        states={
            ASK_CORRECTION: [MessageHandler(typed_text | filters.Document.PDF, on_correction)],
            ASK_EXPLANATION: [MessageHandler(typed_text, on_explanation)],
        },
    )
    return [client, resolve, CallbackQueryHandler(cancel_invoice, pattern=kb.DR_CANCEL.pattern)]
