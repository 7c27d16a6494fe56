"""⚖️ Formal notice… on an overdue invoice's card: the deadline, any missing address, then the letter.

The bot sends a preview of the first page and the PDF, records the notice in the invoice's history,
and, after an explicit confirmation, e-mails it to the client's contacts with the PDF attached.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable
from typing import Any

from telegram import InputFile, Message, Update
from telegram.ext import CallbackQueryHandler, ConversationHandler, MessageHandler, filters

from bot.channels.email import Attachment, EmailDeliveryError, InvalidEmail, ReminderEmail, send_one
from bot.context import RelanceContext
from bot.domain.formal_notice import (
    DEADLINE_CHOICES,
    DEFAULT_DEADLINE_DAYS,
    MAX_DEADLINE_DAYS,
    MIN_DEADLINE_DAYS,
    ClaimedAmounts,
    FormalNotice,
    build_formal_notice,
    is_eligible,
    missing_addresses,
    reminders_sent,
)
from bot.handlers.common import (
    answer,
    cb_parts,
    freelancer_of,
    keyboard,
    owned_by_button,
    refuse_callback,
    tr_for,
)
from bot.i18n import Html, Translator, translator
from bot.presentation import keyboards as kb
from bot.presentation import late_amounts
from bot.presentation.contact_views import ADDRESS_EXAMPLE, read_address
from bot.presentation.formal_notice_pdf import file_name, preview_png, render_pdf
from bot.presentation.reminder_email import letter_html, one_line, thread_key, why_and_how_to_reply
from bot.presentation.reminder_text import client_locale
from bot.presentation.views import local_today
from bot.storage import Client, Freelancer, Invoice
from bot.storage.formal_notices import FormalNoticeRecord

END = ConversationHandler.END
ASK_DEADLINE = "fn_deadline"
ASK_OWN_ADDRESS = "fn_own_address"
ASK_CLIENT_ADDRESS = "fn_client_address"
DRAFT = "formal_notice"
_DAYS = re.compile(r"^\s*(\d{1,3})\s*(?:d|days?|j|jours?)?\s*$", re.IGNORECASE)

ClaimedFor = Callable[[Freelancer, Client, Invoice], ClaimedAmounts | None]
claimed_amounts: ClaimedFor = lambda freelancer, client, invoice: None  # noqa: E731
"""An override for the late-payment amounts claimed; None (the default): those of bot.domain.penalties
under the freelancer's terms (bot.presentation.late_amounts), when they apply."""


# What the letter is made of ------------------------------------------------------------------------
async def compose(
    ctx: RelanceContext, freelancer: Freelancer, client: Client, invoice: Invoice, record: FormalNoticeRecord
) -> FormalNotice:
    payments = await ctx.store.invoices.payments(invoice.id)
    sent = reminders_sent(await ctx.store.reminders.for_invoice(invoice.id), freelancer.timezone)
    claimed = claimed_amounts(freelancer, client, invoice)
    if claimed is None:  # the interest is counted to the letter's date
        claimed = late_amounts.claimed(
            await late_amounts.for_invoice(
                ctx.store, freelancer, invoice, record.letter_date, is_b2b=client.is_b2b
            )
        )
    return build_formal_notice(
        freelancer=freelancer,
        client=client,
        invoice=invoice,
        payments=payments,
        reminders=sent,
        letter_date=record.letter_date,
        language=record.language,
        deadline_days=record.deadline_days,
        claimed=claimed,
    )


async def _render(notice: FormalNotice) -> tuple[bytes, bytes]:
    """The PDF and its preview, off the event loop (a page takes a few tens of milliseconds)."""

    def work() -> tuple[bytes, bytes]:
        pdf = render_pdf(notice)
        return pdf, preview_png(pdf)

    return await asyncio.to_thread(work)


def _emails(contacts: list[Any]) -> list[str]:
    return list(dict.fromkeys(c.email for c in contacts if c.email))


# The conversation ----------------------------------------------------------------------------------
async def start(update: Update, ctx: RelanceContext) -> str | int:
    found = await owned_by_button(update, ctx, ctx.store.invoices.get, "invoice")
    if found is None:
        return END
    freelancer, invoice = found
    tr = tr_for(update, ctx, freelancer)
    today = local_today(freelancer, ctx.clock.now())
    if not is_eligible(
        status=invoice.status, balance_minor=invoice.balance_minor, due_date=invoice.due_date, today=today
    ):
        await answer(
            update,
            tr._(
                "A formal notice is only for an unpaid invoice past its due date. {number} is not.",
                number=invoice.number,
            ),
        )
        return END
    ctx.drafts[DRAFT] = {"invoice_id": invoice.id}
    await _ask_deadline(update, tr, invoice)
    return ASK_DEADLINE


async def _ask_deadline(
    update: Update, tr: Translator, invoice: Invoice, problem: Html | None = None
) -> None:
    question = tr._(
        "Formal notice for {number} ({client}). How many days does the client have to pay? {default} is "
        "usual. Tap one or type a number from {low} to {high}.",
        number=invoice.number, client=invoice.client_name, default=DEFAULT_DEADLINE_DAYS,
        low=MIN_DEADLINE_DAYS, high=MAX_DEADLINE_DAYS,
    )  # fmt: skip
    buttons = [
        [(tr.plain_n("{n} day", "{n} days", days), kb.FN_DAYS(days)) for days in DEADLINE_CHOICES]
    ]
    await answer(update, Html(f"{problem}\n{question}") if problem else question, keyboard(buttons))


async def on_deadline_button(update: Update, ctx: RelanceContext) -> str | int:
    parts = cb_parts(update)
    days = int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else None
    return await _take_deadline(update, ctx, days, typed=False)


async def on_deadline_text(update: Update, ctx: RelanceContext) -> str | int:
    message = update.effective_message
    match = _DAYS.match(message.text or "") if message else None
    return await _take_deadline(update, ctx, int(match[1]) if match else None, typed=True)


async def _take_deadline(update: Update, ctx: RelanceContext, days: int | None, *, typed: bool) -> str | int:
    found = await _current(update, ctx)
    if found is None:
        return END
    freelancer, invoice, client = found
    tr = tr_for(update, ctx, freelancer)
    if days is None or not MIN_DEADLINE_DAYS <= days <= MAX_DEADLINE_DAYS:
        if not typed:
            await refuse_callback(update, tr, "forged deadline")
            return ASK_DEADLINE
        problem = tr._(
            "Please type a number of days from {low} to {high}, for example 8.",
            low=MIN_DEADLINE_DAYS, high=MAX_DEADLINE_DAYS,
        )  # fmt: skip
        await _ask_deadline(update, tr, invoice, problem)
        return ASK_DEADLINE
    ctx.drafts[DRAFT]["days"] = days
    return await _next(update, ctx, freelancer, invoice, client)


async def on_own_address(update: Update, ctx: RelanceContext) -> str | int:
    return await _take_address(update, ctx, "freelancer")


async def on_client_address(update: Update, ctx: RelanceContext) -> str | int:
    return await _take_address(update, ctx, "client")


async def _take_address(update: Update, ctx: RelanceContext, whose: str) -> str | int:
    found = await _current(update, ctx)
    if found is None:
        return END
    freelancer, invoice, client = found
    tr = tr_for(update, ctx, freelancer)
    message = update.effective_message
    address, problem = read_address(tr, message.text or "" if message else "")
    if problem is not None:
        await answer(update, problem)
        return ASK_OWN_ADDRESS if whose == "freelancer" else ASK_CLIENT_ADDRESS
    if whose == "freelancer":
        freelancer = await ctx.store.freelancers.update(freelancer.id, postal_address=address)
    else:
        client = await ctx.store.clients.update(freelancer.id, client.id, postal_address=address) or client
    return await _next(update, ctx, freelancer, invoice, client)


async def _next(
    update: Update, ctx: RelanceContext, freelancer: Freelancer, invoice: Invoice, client: Client
) -> str | int:
    """Ask for what is still missing, else draft the letter and send it."""
    tr = tr_for(update, ctx, freelancer)
    missing = missing_addresses(freelancer, client)
    if "freelancer" in missing:
        await answer(
            update,
            tr._(
                "The letter needs your postal address (it is saved in /settings too). Please type it, for "
                "example: <i>{example}</i>.",
                example=ADDRESS_EXAMPLE,
            ),
        )
        return ASK_OWN_ADDRESS
    if "client" in missing:
        await answer(
            update,
            tr._(
                "The letter needs the postal address of {client} (it is saved on its card too). Please type "
                "it, for example: <i>{example}</i>.",
                client=client.name,
                example="3 avenue de l'Opéra, 75001 Paris",
            ),  # fmt: skip
        )
        return ASK_CLIENT_ADDRESS
    days = int(ctx.drafts[DRAFT]["days"])
    ctx.drafts.pop(DRAFT, None)
    await _draft_and_send(update, ctx, freelancer, invoice, client, days)
    return END


async def _draft_and_send(
    update: Update, ctx: RelanceContext, freelancer: Freelancer, invoice: Invoice, client: Client, days: int
) -> None:
    tr = tr_for(update, ctx, freelancer)
    today = local_today(freelancer, ctx.clock.now())
    language = client_locale(freelancer, client)
    record = await ctx.store.formal_notices.record(
        invoice.id, letter_date=today, deadline_days=days, language=language,
        amount_minor=invoice.balance_minor, now=ctx.clock.now(),
    )  # fmt: skip
    notice = await compose(ctx, freelancer, client, invoice, record)
    pdf, png = await _render(notice)
    chat = update.effective_chat
    if update.callback_query:
        await update.callback_query.answer()
    if chat is None:
        return
    await chat.send_photo(
        png,
        caption=tr._(
            "Preview of the formal notice for {number}, in the client's language ({language}). Check it, "
            "then download the PDF below.",
            number=invoice.number,
            language=tr.language_name(language),
        ),  # fmt: skip
    )
    await chat.send_document(
        InputFile(pdf, filename=file_name(notice)),
        caption=tr._(
            "Formal notice for {number}: {amount} to pay by {deadline}. It is in the invoice's /history.",
            number=invoice.number,
            amount=tr.money(notice.total_minor, notice.currency),
            deadline=tr.date(notice.deadline),
        ),  # fmt: skip
        reply_markup=await _after_buttons(ctx, tr, client, record),
    )


async def _after_buttons(
    ctx: RelanceContext, tr: Translator, client: Client, record: FormalNoticeRecord
) -> Any:
    rows = []
    if ctx.services.smtp is not None and _emails(await ctx.store.clients.contacts(client.id)):
        rows.append([(tr.plain("✉️ Send to the client by e-mail"), kb.FN_MAIL(record.id))])
    rows.append([(tr.plain("✅ Done"), kb.FN_DONE(record.id))])
    return keyboard(rows)


async def _current(update: Update, ctx: RelanceContext) -> tuple[Freelancer, Invoice, Client] | None:
    """The freelancer, invoice and client of the flow, checked again (the invoice may have been paid)."""
    freelancer = await freelancer_of(update, ctx)
    tr = tr_for(update, ctx, freelancer)
    flow = ctx.drafts.get(DRAFT) if freelancer is not None else None
    invoice = await ctx.store.invoices.get(freelancer.id, flow["invoice_id"]) if freelancer and flow else None
    client = await ctx.store.clients.get(freelancer.id, invoice.client_id) if freelancer and invoice else None
    if freelancer is None or invoice is None or client is None:
        ctx.drafts.pop(DRAFT, None)
        await answer(update, tr._("Let's start again: open the invoice from /invoices."))
        return None
    if not invoice.is_open or invoice.balance_minor <= 0:
        ctx.drafts.pop(DRAFT, None)
        await answer(update, tr._("{number} is no longer unpaid: no formal notice.", number=invoice.number))
        return None
    return freelancer, invoice, client


# After the letter: e-mail it, or leave it --------------------------------------------------------
async def _owned_notice(
    update: Update, ctx: RelanceContext
) -> tuple[Freelancer, FormalNoticeRecord, Invoice, Client] | None:
    found = await owned_by_button(update, ctx, ctx.store.formal_notices.get, "formal notice")
    if found is None:
        return None
    freelancer, record = found
    invoice = await ctx.store.invoices.get(freelancer.id, record.invoice_id)
    client = await ctx.store.clients.get(freelancer.id, invoice.client_id) if invoice else None
    if invoice is None or client is None:
        await refuse_callback(update, tr_for(update, ctx, freelancer), "invoice gone")
        return None
    return freelancer, record, invoice, client


async def ask_email(update: Update, ctx: RelanceContext) -> None:
    """✉️ Send to the client by e-mail: say exactly to whom, and wait for a yes."""
    found = await _owned_notice(update, ctx)
    if found is None:
        return
    freelancer, record, invoice, client = found
    tr = tr_for(update, ctx, freelancer)
    if record.emailed_at is not None:
        await answer(
            update, tr._("This formal notice was already e-mailed to {email}.", email=record.emailed_to)
        )
        return
    emails = _emails(await ctx.store.clients.contacts(client.id))
    if not emails or ctx.services.smtp is None:
        await answer(
            update, tr._("{client} has no e-mail address: add one on the client card.", client=client.name)
        )
        return
    await answer(
        update,
        tr._(
            "Send the formal notice for {number} to {emails} now, from your name with the PDF attached? "
            "This cannot be undone.",
            number=invoice.number,
            emails=", ".join(emails),
        ),  # fmt: skip
        keyboard(
            [
                [
                    (tr.plain("Yes, send it"), kb.FN_MAILOK(record.id)),
                    (tr.plain("No"), kb.FN_DONE(record.id)),
                ]
            ]
        ),  # fmt: skip
    )


async def send_email(update: Update, ctx: RelanceContext) -> None:
    found = await _owned_notice(update, ctx)
    if found is None:
        return
    freelancer, record, invoice, client = found
    tr = tr_for(update, ctx, freelancer)
    emails = _emails(await ctx.store.clients.contacts(client.id))
    smtp = ctx.services.smtp
    if not emails or smtp is None:
        await answer(
            update, tr._("{client} has no e-mail address: add one on the client card.", client=client.name)
        )
        return
    if not invoice.is_open or invoice.balance_minor <= 0:
        await answer(update, tr._("{number} is no longer unpaid: no formal notice.", number=invoice.number))
        return
    now = ctx.clock.now()
    if not await ctx.store.formal_notices.mark_emailed(record.id, ", ".join(emails), now):
        await answer(
            update, tr._("This formal notice was already e-mailed to {email}.", email=record.emailed_to)
        )
        return
    notice = await compose(ctx, freelancer, client, invoice, record)
    pdf, _png = await _render(notice)
    email = await notice_email(ctx, freelancer, invoice, notice, pdf, tuple(emails))
    try:
        await send_one(smtp, email, now)
    except (EmailDeliveryError, InvalidEmail) as exc:
        await ctx.store.formal_notices.unmark_emailed(record.id)
        await answer(update, tr._("❌ The formal notice was not sent: {reason}", reason=str(exc)))
        return
    await _drop_buttons(update)
    await answer(update, tr._("✅ Formal notice e-mailed to {emails}.", emails=", ".join(emails)))


async def notice_email(
    ctx: RelanceContext, freelancer: Freelancer, invoice: Invoice, notice: FormalNotice, pdf: bytes,
    to: tuple[str, ...],
) -> ReminderEmail:  # fmt: skip
    """In the client's language, in the invoice's e-mail thread, replies to the freelancer."""
    ctr = translator(notice.language)
    subject = ctr.plain("Formal notice — invoice {number}", number=invoice.number)
    text = ctr.plain(
        "Hello,\n\nPlease find attached a formal notice concerning invoice {number}: {amount} to pay by "
        "{deadline} at the latest.\n\n{freelancer}",
        number=invoice.number, amount=ctr.money(notice.total_minor, notice.currency),
        deadline=ctr.date(notice.deadline, "long"), freelancer=notice.creditor.name,
    )  # fmt: skip
    paragraphs = tuple(p.strip() for p in text.split("\n\n") if p.strip())
    footer = why_and_how_to_reply(ctr, freelancer, one_line(invoice.number))
    page = letter_html(
        locale=notice.language, title=subject, preheader=paragraphs[1] if len(paragraphs) > 1 else subject,
        header=one_line(notice.creditor.name), paragraphs=paragraphs, footer=footer,
    )  # fmt: skip
    text = "\n".join([text, "", "--", *footer]) + "\n"  # the same words as the HTML part
    return ReminderEmail(
        to=to,
        cc=(freelancer.reply_to_email,) if freelancer.copy_me and freelancer.reply_to_email else (),
        reply_to=freelancer.reply_to_email,
        from_name=one_line(freelancer.name),
        subject=subject,
        text=text,
        html=page,
        thread_key=thread_key(invoice.id, await ctx.store.invoices.thread_token(invoice.id)),
        sequence=await ctx.store.reminders.emails_sent(invoice.id) + 1,
        attachments=(Attachment(file_name(notice), pdf, "application/pdf"),),
    )


async def done(update: Update, ctx: RelanceContext) -> None:
    found = await _owned_notice(update, ctx)
    if found is None:
        return
    freelancer, _record, invoice, _client = found
    tr = tr_for(update, ctx, freelancer)
    await _drop_buttons(update)
    await answer(
        update,
        tr._("The formal notice stays in the history of {number}: /history {number}", number=invoice.number),
    )


async def _drop_buttons(update: Update) -> None:
    query = update.callback_query
    if query is not None and isinstance(query.message, Message) and query.message.reply_markup is not None:
        await query.edit_message_reply_markup(None)


# History -------------------------------------------------------------------------------------------


# Registration --------------------------------------------------------------------------------------
def handlers(conversation: Callable[..., ConversationHandler[Any]]) -> list[Any]:
    """The conversation (built by bot.app's factory, so /cancel and time-outs work as elsewhere) and the
    buttons shown under the letter; the address and phone questions of client cards come along."""
    from bot.handlers import addresses

    typed = filters.TEXT & ~filters.COMMAND
    notice = conversation(
        "formal_notice",
        entry_points=[CallbackQueryHandler(start, pattern=kb.FN_START.pattern)],
        states={
            ASK_DEADLINE: [
                CallbackQueryHandler(on_deadline_button, pattern=kb.FN_DAYS.pattern),
                MessageHandler(typed, on_deadline_text),
            ],
            ASK_OWN_ADDRESS: [MessageHandler(typed, on_own_address)],
            ASK_CLIENT_ADDRESS: [MessageHandler(typed, on_client_address)],
        },
    )
    details = conversation(
        "addresses",
        entry_points=[
            CallbackQueryHandler(addresses.start_client_address, pattern=kb.AD_ADDR.pattern),
            CallbackQueryHandler(addresses.start_phone, pattern=kb.AD_PHONE.pattern),
        ],
        states={
            addresses.ASK_CLIENT_ADDRESS: [
                MessageHandler(typed, addresses.on_client_address),
                CallbackQueryHandler(addresses.on_client_address, pattern=kb.AD_CLEAR.pattern),
            ],
            addresses.ASK_PHONE: [
                MessageHandler(typed, addresses.on_phone),
                CallbackQueryHandler(addresses.on_phone, pattern=kb.AD_CLEAR.pattern),
            ],
        },
    )
    return [
        notice,
        details,
        CallbackQueryHandler(ask_email, pattern=kb.FN_MAIL.pattern),
        CallbackQueryHandler(send_email, pattern=kb.FN_MAILOK.pattern),
        CallbackQueryHandler(done, pattern=kb.FN_DONE.pattern),
    ]
