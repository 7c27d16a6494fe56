"""What a client can do in Telegram: see their invoices, and answer a reminder with "✅ I've paid",
"📅 I need more time", "💬 Question" or "Stop Telegram reminders".

A client is a chat bound to a contact by an invitation, never a freelancer account. Client buttons
carry `cp:<action>:<invoice id>` and every press is checked again: the pressing chat must be bound to
a contact of that invoice's client, so a forged id, another client's invoice or a freelancer pressing
finds nothing and is refused. What the client reads is in the client's language; what the
freelancer receives, in the freelancer's.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from telegram import InlineKeyboardMarkup, Update
from telegram.error import TelegramError
from telegram.ext import ConversationHandler, ExtBot

from bot.channels.telegram import Outcome, send_telegram
from bot.context import RelanceContext
from bot.domain.creditor_reference import creditor_reference, format_creditor_reference
from bot.domain.dates import DateError, parse_date
from bot.domain.epc_qr import NAME_MAX_CHARS, REMITTANCE_TEXT_MAX_CHARS, epc_payload, epc_qr_png
from bot.engine.commitments import record_promise
from bot.handlers.common import (
    answer,
    cb,
    cb_int,
    cb_parts,
    chunk,
    freelancer_of,
    keyboard,
    refuse_callback,
    tr_for,
)
from bot.handlers.profile_fields import Invalid, clean_text
from bot.i18n import Translator, translator
from bot.presentation.client_buttons import action_rows, answer_buttons
from bot.presentation.reminder_text import client_locale
from bot.presentation.views import date_problem, invoice_line, local_today
from bot.storage import Client, Contact, Freelancer, Invoice, Store
from bot.storage.client_requests import ClientRequest, NewRequest

log = logging.getLogger(__name__)

ASK_PAID_DATE, ASK_PROOF = "client_paid_date", "client_proof"
ASK_NEW_DATE, ASK_NOTE, ASK_QUESTION = "client_new_date", "client_note", "client_question"
END = ConversationHandler.END
DRAFT = "client_action"
CLAIM_WAIT = timedelta(days=5)  # reminders resume when the freelancer leaves a reported payment unanswered
MORE_TIME_DAYS = (7, 14, 30)
MAX_MESSAGE_LENGTH = 1500
INVOICES_PER_CLIENT = 10  # keeps the menu well under Telegram's 4,096 characters


@dataclass(frozen=True)
class ClientSide:
    """One invoice as a client chat sees it, once the chat is known to speak for its client."""

    freelancer: Freelancer
    client: Client
    contact: Contact
    invoice: Invoice
    chat_id: int

    @property
    def tr(self) -> Translator:
        """The client's language: the one set on the client, else the freelancer's."""
        return translator(client_locale(self.freelancer, self.client))

    @property
    def freelancer_tr(self) -> Translator:
        return translator(self.freelancer.language)


async def client_side(store: Store, chat_id: int, invoice_id: int) -> ClientSide | None:
    """The invoice, if this chat is bound to a contact of its client; None otherwise."""
    invoice = await store.invoices.get_any(invoice_id)
    contacts = await store.invitations.bound_contacts(chat_id, invoice.client_id) if invoice else []
    if invoice is None or not contacts:
        return None
    freelancer = await store.freelancers.get(invoice.freelancer_id)
    client = await store.clients.get(invoice.freelancer_id, invoice.client_id)
    if freelancer is None or client is None:
        return None
    return ClientSide(freelancer, client, contacts[0], invoice, chat_id)


async def tell(bot: ExtBot[Any], chat_id: int, text: str, markup: InlineKeyboardMarkup | None = None) -> bool:
    """Write to the other side (freelancer or client); a failure is logged, never raised."""
    delivery = await send_telegram(bot, chat_id, text, markup)
    if delivery.outcome != Outcome.SENT:
        log.warning("could not write to chat %s: %s", chat_id, delivery.reason)
    return delivery.outcome == Outcome.SENT


def typed(update: Update) -> str:
    """The text of the message that came in ("" for anything else)."""
    message = update.effective_message
    return (message.text if message else None) or ""


def message_text(text: str, tr: Translator) -> str:
    """A message to pass on: line breaks kept, control characters dropped, not empty nor too long."""
    cleaned = "\n".join(clean_text(line) for line in text.splitlines()).strip()
    if not cleaned:
        raise Invalid(tr._("Please type your message as text."))
    if len(cleaned) > MAX_MESSAGE_LENGTH:
        raise Invalid(
            tr._(
                "That message is too long ({length} characters). Please keep it to {limit} at most.",
                length=len(cleaned),
                limit=MAX_MESSAGE_LENGTH,
            )
        )
    return cleaned


# Lookups ------------------------------------------------------------------------------------------
async def pressed(update: Update, ctx: RelanceContext) -> ClientSide | None:
    """The invoice a client button names, when the pressing chat speaks for its client; else refused."""
    invoice_id = cb_int(update, 1)
    chat = update.effective_chat
    side = None
    if chat is not None and invoice_id is not None:
        side = await client_side(ctx.store, chat.id, invoice_id)
    if side is None:
        tr = tr_for(update, ctx, await freelancer_of(update, ctx))
        await refuse_callback(update, tr, f"invoice {invoice_id} is not bound to this chat")
    return side


async def drafted(update: Update, ctx: RelanceContext) -> tuple[ClientSide, dict[str, Any]] | None:
    """The invoice of the current question, checked again: the chat may have been unbound meanwhile."""
    draft = ctx.drafts.get(DRAFT) or {}
    chat = update.effective_chat
    side = None
    if chat is not None and draft.get("invoice_id") is not None:
        side = await client_side(ctx.store, chat.id, draft["invoice_id"])
    if side is None:
        ctx.drafts.pop(DRAFT, None)
        await answer(
            update,
            tr_for(update, ctx)._("This request is no longer possible. Send /start to see your invoices."),
        )
        return None
    return side, draft


async def _read_date(update: Update, tr: Translator, text: str, today: date) -> date | None:
    """A typed (or button) date; None after saying what was wrong."""
    try:
        return parse_date(text, locale=tr.locale, today=today)
    except DateError as exc:
        await answer(update, date_problem(tr, exc))
        return None


async def _settled(update: Update, side: ClientSide) -> bool:
    """Nothing to pay or postpone on a paid or cancelled invoice: say so."""
    if side.invoice.is_open:
        return False
    await answer(
        update,
        side.tr._(
            "Invoice {number} is settled: there is nothing more to do. Thank you!", number=side.invoice.number
        ),
    )
    return True


# The menu -----------------------------------------------------------------------------------------
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
        buttons += [(f"📄 {invoice.number}"[:40], cb("cp", "inv", invoice.id)) for invoice in invoices]
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
    rows.append([(tr.plain("◀ My invoices"), cb("cp", "menu"))])
    await answer(update, "\n\n".join(lines), keyboard(rows))


# 💳 How to pay -------------------------------------------------------------------------------------
async def how_to_pay(update: Update, ctx: RelanceContext) -> None:
    """The freelancer's payment details for this invoice, with the EPC QR code when it can be scanned;
    a polite word and the 💬 Question button when the freelancer gave none."""
    if not (side := await pressed(update, ctx)) or await _settled(update, side):
        return
    tr, freelancer, invoice = side.tr, side.freelancer, side.invoice
    back = [(tr.plain("◀ My invoices"), cb("cp", "menu"))]
    if not freelancer.iban and not freelancer.payment_link:
        refusal = tr._(
            "{freelancer} has not given me payment details yet. Ask them with the 💬 Question button: "
            "they will answer you here.",
            freelancer=freelancer.name,
        )
        ask = [(tr.plain("💬 Question"), cb("cp", "ask", invoice.id))]
        await answer(update, refusal, keyboard([ask, back]))
        return
    markup = keyboard([[(tr.plain("✅ I've paid"), cb("cp", "paid", invoice.id))], back])
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


# ✅ I've paid ---------------------------------------------------------------------------------------
async def start_paid(update: Update, ctx: RelanceContext) -> str | int:
    if not (side := await pressed(update, ctx)) or await _settled(update, side):
        return END
    tr = side.tr
    if await ctx.store.client_requests.open_claim(side.invoice.id):
        await answer(
            update,
            tr._(
                "You already told {freelancer} that invoice {number} is paid: they will check it soon. Thank you!",
                freelancer=side.freelancer.name,
                number=side.invoice.number,
            ),
        )
        return END
    ctx.drafts[DRAFT] = {"invoice_id": side.invoice.id}
    today = local_today(side.freelancer, ctx.clock.now())
    rows = [[(tr.plain("Today"), cb("cp", "day", today.isoformat())),
             (tr.plain("Yesterday"), cb("cp", "day", (today - timedelta(days=1)).isoformat())),
             (tr.plain("Other date"), cb("cp", "day", "other"))]]  # fmt: skip
    await answer(
        update, tr._("When did you pay invoice {number}?", number=side.invoice.number), keyboard(rows)
    )
    return ASK_PAID_DATE


async def on_paid_day(update: Update, ctx: RelanceContext) -> str | int:
    """Today / Yesterday, or Other date (then typed)."""
    value = (cb_parts(update) + ["", ""])[1]
    if value != "other":
        return await _take_paid_date(update, ctx, value)
    if not (loaded := await drafted(update, ctx)):
        return END
    await answer(update, loaded[0].tr._("Type the date of your payment, for example 20/11/2026 or 20 Nov."))
    return ASK_PAID_DATE


async def on_paid_date(update: Update, ctx: RelanceContext) -> str | int:
    return await _take_paid_date(update, ctx, typed(update))


async def _take_paid_date(update: Update, ctx: RelanceContext, text: str) -> str | int:
    if not (loaded := await drafted(update, ctx)):
        return END
    side, draft = loaded
    tr, today = side.tr, local_today(side.freelancer, ctx.clock.now())
    if (paid_on := await _read_date(update, tr, text, today)) is None:
        return ASK_PAID_DATE
    if paid_on > today:
        await answer(update, tr._("A payment date cannot be in the future. For example: today."))
        return ASK_PAID_DATE
    draft["paid_on"] = paid_on.isoformat()
    await answer(
        update,
        tr._("Thank you. Would you like to add a proof of payment, a photo or a PDF? It is optional."),
        keyboard([[(tr.plain("Skip"), cb("cp", "skip"))]]),
    )
    return ASK_PROOF


async def on_proof(update: Update, ctx: RelanceContext) -> str | int:
    """A photo or PDF as proof, or Skip; then the freelancer is asked to confirm."""
    if not (loaded := await drafted(update, ctx)):
        return END
    side, draft = loaded
    proof = None if update.callback_query else _proof(update)
    if update.callback_query is None and proof is None:
        await answer(
            update,
            side.tr._("Please send a photo or a PDF, or tap Skip."),
            keyboard([[(side.tr.plain("Skip"), cb("cp", "skip"))]]),
        )
        return ASK_PROOF
    ctx.drafts.pop(DRAFT, None)
    if not await _settled(update, side):
        await _claim_paid(update, ctx, side, date.fromisoformat(draft["paid_on"]), proof)
    return END


def _proof(update: Update) -> tuple[str, bool] | None:
    """(file_id, is a photo) of a photo, a PDF or an image file."""
    message = update.effective_message
    if message is not None and message.photo:
        return message.photo[-1].file_id, True
    document = message.document if message else None
    mime = (document.mime_type or "").lower() if document else ""
    if document is not None and (mime == "application/pdf" or mime.startswith("image/")):
        return document.file_id, False
    return None


async def _claim_paid(
    update: Update, ctx: RelanceContext, side: ClientSide, paid_on: date, proof: tuple[str, bool] | None
) -> None:
    """Pause the invoice's reminders until the freelancer answers (5 days at most) and ask them."""
    invoice, now = side.invoice, ctx.clock.now()
    # One pause per invoice: after a claim went unanswered for 5 days, saying "paid" again informs the
    # freelancer but does not silence the reminders once more.
    pause = (
        invoice.reminders_enabled
        and not invoice.reminders_paused
        and not await ctx.store.client_requests.claimed_before(invoice.id)
    )
    if pause:
        paused = await ctx.store.invoices.update(invoice.freelancer_id, invoice.id, reminders_paused=True)
        await ctx.services.invoice_changed(paused or invoice)
    request = await ctx.store.client_requests.create(
        NewRequest(invoice.id, side.contact.id, side.chat_id, "paid", paid_on=paid_on,
                   proof_file_id=proof[0] if proof else None, proof_is_photo=bool(proof and proof[1]),
                   paused_reminders=pause, resume_at=now + CLAIM_WAIT),
        now,
    )  # fmt: skip
    await _ask_about_payment(ctx.bot, side, request)
    tr, values = (
        side.tr,
        {"freelancer": side.freelancer.name, "number": invoice.number, "date": side.tr.date(paid_on)},
    )
    if pause:
        text = tr._(
            "✅ Thank you! I told {freelancer} that invoice {number} was paid on {date}. "
            "Reminders for it are paused while they check.",
            **values,
        )
    else:
        text = tr._("✅ Thank you! I told {freelancer} that invoice {number} was paid on {date}.", **values)
    await answer(update, text)


async def _ask_about_payment(bot: ExtBot[Any], side: ClientSide, request: ClientRequest) -> None:
    tr, invoice = side.freelancer_tr, side.invoice
    chat_id = side.freelancer.telegram_user_id
    if request.proof_file_id:
        caption = tr._(
            "Proof of payment sent by {client} for {number}", client=side.client.name, number=invoice.number
        )
        try:
            if request.proof_is_photo:
                await bot.send_photo(chat_id, request.proof_file_id, caption=caption)
            else:
                await bot.send_document(chat_id, request.proof_file_id, caption=caption)
        except TelegramError as exc:
            log.warning("could not pass on the proof of payment of request %s: %s", request.id, exc)
    values = dict(client=side.client.name, number=invoice.number, date=tr.date(request.paid_on or date.min))
    text = (
        tr._("💶 {client} says {number} was paid on {date}. Reminders for it are paused until you answer, "
             "for 5 days at most.", **values)
        if request.paused_reminders
        else tr._("💶 {client} says {number} was paid on {date}.", **values)
    )  # fmt: skip
    await tell(bot, chat_id, text, answer_buttons(tr, request))


# 📅 I need more time ------------------------------------------------------------------------------
async def start_more_time(update: Update, ctx: RelanceContext) -> str | int:
    if not (side := await pressed(update, ctx)) or await _settled(update, side):
        return END
    tr, invoice = side.tr, side.invoice
    ctx.drafts[DRAFT] = {"invoice_id": invoice.id}
    base = max(local_today(side.freelancer, ctx.clock.now()), invoice.due_date)
    rows = [
        [(tr.plain("+{n} days ({date})", n=n, date=tr.date(base + timedelta(days=n))),
          cb("cp", "day", (base + timedelta(days=n)).isoformat()))]
        for n in MORE_TIME_DAYS
    ]  # fmt: skip
    rows.append([(tr.plain("📆 Pay in instalments"), cb("cp", "inst", invoice.id))])
    text = tr._(
        "By when can you pay invoice {number}? It is due on {date}. Tap a date or type one, for example 15/01/2027.",
        number=invoice.number,
        date=tr.date(invoice.due_date),
    )
    await answer(update, text, keyboard(rows))
    return ASK_NEW_DATE


async def on_new_day(update: Update, ctx: RelanceContext) -> str | int:
    return await _take_new_date(update, ctx, (cb_parts(update) + ["", ""])[1])


async def on_new_date(update: Update, ctx: RelanceContext) -> str | int:
    return await _take_new_date(update, ctx, typed(update))


async def _take_new_date(update: Update, ctx: RelanceContext, text: str) -> str | int:
    if not (loaded := await drafted(update, ctx)):
        return END
    side, draft = loaded
    tr, today = side.tr, local_today(side.freelancer, ctx.clock.now())
    if (new_date := await _read_date(update, tr, text, today)) is None:
        return ASK_NEW_DATE
    earliest = max(today, side.invoice.due_date)
    if new_date <= earliest:
        await answer(update, tr._("Please choose a date after {date}.", date=tr.date(earliest)))
        return ASK_NEW_DATE
    if new_date > today + timedelta(days=365):
        await answer(update, tr._("Please choose a date within a year from today."))
        return ASK_NEW_DATE
    draft["new_due_date"] = new_date.isoformat()
    await answer(
        update,
        tr._(
            "Would you like to add a message for {freelancer}? Type it, or tap Skip.",
            freelancer=side.freelancer.name,
        ),
        keyboard([[(tr.plain("Skip"), cb("cp", "skip"))]]),
    )
    return ASK_NOTE


async def on_note(update: Update, ctx: RelanceContext) -> str | int:
    """The optional message (or Skip); then the freelancer is asked to accept or decline."""
    if not (loaded := await drafted(update, ctx)):
        return END
    side, draft = loaded
    tr, note = side.tr, None
    if update.callback_query is None:
        try:
            note = message_text(typed(update), tr)
        except Invalid as exc:
            await answer(update, exc.message)
            return ASK_NOTE
    ctx.drafts.pop(DRAFT, None)
    new_date = date.fromisoformat(draft["new_due_date"])
    request = await ctx.store.client_requests.create(
        NewRequest(
            side.invoice.id, side.contact.id, side.chat_id, "delay", new_due_date=new_date, message=note
        ),
        ctx.clock.now(),
    )
    # The date the client gives is a promise to pay: reminders pause until the day after it.
    await record_promise(ctx.services, side.freelancer, side.invoice, new_date, source="client")
    await _ask_about_delay(ctx.bot, side, request)
    await answer(
        update,
        tr._(
            "📅 Thank you! I asked {freelancer} whether you can pay invoice {number} by {date}; "
            "no reminder goes out until then. I will tell you their answer here.",
            freelancer=side.freelancer.name,
            number=side.invoice.number,
            date=tr.date(new_date),
        ),
    )
    return END


async def _ask_about_delay(bot: ExtBot[Any], side: ClientSide, request: ClientRequest) -> None:
    tr, invoice = side.freelancer_tr, side.invoice
    lines = [
        tr._(
            "📅 {client} asks for more time for {number} ({amount}, due on {due}) and proposes to pay by {date}.",
            client=side.client.name,
            number=invoice.number,
            amount=tr.money(invoice.balance_minor, invoice.currency),
            due=tr.date(invoice.due_date),
            date=tr.date(request.new_due_date or invoice.due_date),
        )
    ]
    if request.message:
        lines.append(tr._("Their message: {text}", text=request.message))
    await tell(bot, side.freelancer.telegram_user_id, "\n\n".join(lines), answer_buttons(tr, request))


# 💬 Question --------------------------------------------------------------------------------------
async def start_question(update: Update, ctx: RelanceContext) -> str | int:
    if not (side := await pressed(update, ctx)):
        return END
    ctx.drafts[DRAFT] = {"invoice_id": side.invoice.id}
    await answer(
        update,
        side.tr._(
            "Type your question for {freelancer} about invoice {number}. I will pass it on as it is.",
            freelancer=side.freelancer.name,
            number=side.invoice.number,
        ),
    )
    return ASK_QUESTION


async def on_question(update: Update, ctx: RelanceContext) -> str | int:
    if not (loaded := await drafted(update, ctx)):
        return END
    side, _draft = loaded
    tr = side.tr
    try:
        question = message_text(typed(update), tr)
    except Invalid as exc:
        await answer(update, exc.message)
        return ASK_QUESTION
    ctx.drafts.pop(DRAFT, None)
    request = await ctx.store.client_requests.create(
        NewRequest(side.invoice.id, side.contact.id, side.chat_id, "question", message=question),
        ctx.clock.now(),
    )
    ftr = side.freelancer_tr
    text = ftr._(
        "💬 Question from {client} about {number}:\n\n{text}",
        client=side.client.name,
        number=side.invoice.number,
        text=question,
    )
    await tell(
        ctx.bot,
        side.freelancer.telegram_user_id,
        text,
        keyboard([[(ftr.plain("Reply"), cb("cr", "reply", request.id))]]),
    )
    await answer(
        update, tr._("💬 Sent to {freelancer}. Their answer will come here.", freelancer=side.freelancer.name)
    )
    return END


# 🔕 Stop Telegram reminders ------------------------------------------------------------------------
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
