"""A client's menu in Telegram: their invoices, one invoice's card, how to pay, and stopping Telegram reminders."""

from __future__ import annotations

from telegram import InlineKeyboardMarkup, Update

from bot.context import RelanceContext
from bot.domain.creditor_reference import creditor_reference, format_creditor_reference
from bot.domain.epc_qr import NAME_MAX_CHARS, REMITTANCE_TEXT_MAX_CHARS, epc_payload, epc_qr_png
from bot.handlers.client_actions.shared import pressed, settled, tell
from bot.handlers.common import (
    answer,
    chunk,
    keyboard,
    refuse_callback,
    tr_for,
)
from bot.handlers.profile_fields import clean_text
from bot.i18n import Translator, translator
from bot.presentation import keyboards as kb
from bot.presentation.client_buttons import action_rows
from bot.presentation.reminder_text import client_locale
from bot.presentation.views import invoice_line, local_today
from bot.storage import Client, Freelancer, Invoice

INVOICES_PER_CLIENT = 10  # keeps the menu well under Telegram's 4,096 characters


async def render_menu(ctx: RelanceContext, clients: list[Client]) -> tuple[str, InlineKeyboardMarkup] | None:
    """The open invoices of these clients, per freelancer; None when there is no client.

    A chat bound to several clients (a client of several freelancers) reads it in the language of
    the first one.
    """
    sections: list[str] = []
    buttons: list[tuple[str, str]] = []
    tr: Translator | None = None
    for client in clients:
        freelancer = await ctx.store.freelancers.get(client.freelancer_id)
        if freelancer is None:
            continue
        tr = tr or translator(client_locale(freelancer, client))
        invoices = (await ctx.store.invoices.for_client(freelancer.id, client.id))[:INVOICES_PER_CLIENT]
        today = local_today(freelancer, ctx.clock.now())
        lines = [
            tr._(
                "<b>Open invoices from {freelancer}</b> ({client})",
                freelancer=freelancer.name,
                client=client.name,
            )
        ]
        lines += [invoice_line(tr, invoice, today) for invoice in invoices]
        if not invoices:
            lines.append(tr._("No open invoice. Thank you!"))
        sections.append("\n".join(lines))
        buttons += [(f"📄 {invoice.number}"[:40], kb.CP_INV(invoice.id)) for invoice in invoices]
    if tr is None:
        return None
    if buttons:
        sections.append(
            tr._("Tap an invoice to say that you have paid, ask for more time or ask a question.")
        )
    return "\n\n".join(sections), keyboard(chunk(buttons, 2))


async def show_menu(update: Update, ctx: RelanceContext) -> bool:
    """/start in a client chat: their open invoices. False when the chat is no client's."""
    chat = update.effective_chat
    rendered = await render_menu(ctx, await ctx.store.invitations.clients_of_chat(chat.id)) if chat else None
    if rendered is not None:
        await answer(update, *rendered)
    return rendered is not None


async def menu(update: Update, ctx: RelanceContext) -> None:
    """◀ My invoices."""
    if not await show_menu(update, ctx):
        await refuse_callback(update, tr_for(update, ctx), "not a client chat")


async def show_invoice(update: Update, ctx: RelanceContext) -> None:
    """One invoice with what the client can answer."""
    if not (side := await pressed(update, ctx)):
        return
    tr = side.tr
    lines = [invoice_line(tr, side.invoice, local_today(side.freelancer, ctx.clock.now()))]
    rows = action_rows(tr, side.invoice.id) if side.invoice.is_open else []
    lines.append(
        tr._("What would you like to tell {freelancer}?", freelancer=side.freelancer.name)
        if side.invoice.is_open
        else tr._("This invoice is settled: there is nothing more to do.")
    )
    rows.append([(tr.plain("◀ My invoices"), kb.CP_MENU())])
    await answer(update, "\n\n".join(lines), keyboard(rows))


async def how_to_pay(update: Update, ctx: RelanceContext) -> None:
    """The freelancer's payment details for this invoice, with the EPC QR code when it can be scanned;
    a polite word and the 💬 Question button when the freelancer gave none."""
    if not (side := await pressed(update, ctx)) or await settled(update, side):
        return
    tr, freelancer, invoice = side.tr, side.freelancer, side.invoice
    back = [(tr.plain("◀ My invoices"), kb.CP_MENU())]
    if not freelancer.iban and not freelancer.payment_link:
        refusal = tr._(
            "{freelancer} has not given me payment details yet. Ask them with the 💬 Question button: "
            "they will answer you here.",
            freelancer=freelancer.name,
        )
        ask = [(tr.plain("💬 Question"), kb.CP_ASK(invoice.id))]
        await answer(update, refusal, keyboard([ask, back]))
        return
    markup = keyboard([[(tr.plain("✅ I've paid"), kb.CP_PAID(invoice.id))], back])
    text = payment_details(tr, freelancer, invoice)
    qr = _epc_png(freelancer, invoice)
    chat, query = update.effective_chat, update.callback_query
    if qr is None or chat is None:
        await answer(update, text, markup)
        return
    if query:
        await query.answer()
    caption = text + "\n\n" + tr._("Scan the code with your banking app: the transfer is filled in for you.")
    await chat.send_photo(qr, caption=caption, reply_markup=markup)  # one message: details and code


def payment_details(tr: Translator, freelancer: Freelancer, invoice: Invoice) -> str:
    lines: list[str] = [
        tr._("<b>How to pay invoice {number}</b>", number=invoice.number),
        tr._("Amount due: <b>{amount}</b>", amount=tr.money(invoice.balance_minor, invoice.currency)),
    ]
    if freelancer.iban:
        iban = " ".join(freelancer.iban[i : i + 4] for i in range(0, len(freelancer.iban), 4))
        lines += ["", tr._("By bank transfer to {name}:", name=freelancer.name)]
        lines.append(tr._("IBAN: <code>{iban}</code>", iban=iban))
        if freelancer.bic:
            lines.append(tr._("BIC: <code>{bic}</code>", bic=freelancer.bic))
        lines.append(tr._("Reference: <code>{reference}</code>", reference=invoice.number))
        lines.append(
            tr._(
                "Structured reference (if your bank asks for one): <code>{reference}</code>",
                reference=format_creditor_reference(creditor_reference(invoice.id)),
            )
        )
    if freelancer.payment_link:
        lines += ["", tr._("Or pay online: {link}", link=freelancer.payment_link)]
    return "\n".join(lines)


def _epc_png(freelancer: Freelancer, invoice: Invoice) -> bytes | None:
    """The EPC QR code of a euro transfer to the freelancer's IBAN; None when it cannot be encoded."""
    if invoice.currency != "EUR" or not freelancer.iban:
        return None
    try:
        payload = epc_payload(
            name=clean_text(freelancer.name)[:NAME_MAX_CHARS],
            iban=freelancer.iban,
            bic=freelancer.bic,
            amount_minor=invoice.balance_minor,
            currency=invoice.currency,
            reference=clean_text(invoice.number)[:REMITTANCE_TEXT_MAX_CHARS],
            creditor_reference=creditor_reference(invoice.id),
        )
        return epc_qr_png(payload)
    except ValueError:
        return None


async def stop_reminders(update: Update, ctx: RelanceContext) -> None:
    """The contacts this chat speaks for get no more Telegram reminders; e-mail goes on where there is one."""
    if not (side := await pressed(update, ctx)):
        return
    contacts = await ctx.store.invitations.bound_contacts(side.chat_id, side.client.id)
    changed = [await ctx.store.clients.set_telegram_status(contact.id, "off") for contact in contacts]
    email = next((contact.email for contact in contacts if contact.email), None)
    tr, ftr = side.tr, side.freelancer_tr
    name = side.client.name
    if email:
        text = tr._(
            "🔕 Done: reminders for {client} will no longer come here, but by e-mail to {email}.",
            client=name,
            email=email,
        )
        told = ftr._(
            "🔕 {client} turned off Telegram reminders. They will get them by e-mail at {email}.",
            client=name,
            email=email,
        )
    else:
        text = tr._("🔕 Done: reminders for {client} will no longer come here.", client=name)
        told = ftr._(
            "🔕 {client} turned off Telegram reminders and has no e-mail address: add one on the client card "
            "so that reminders still reach them.",
            client=name,
        )
    if any(changed):
        await tell(ctx.bot, side.freelancer.telegram_user_id, told)
    await answer(update, text + "\n\n" + tr._("You can still see your invoices with /start."))
