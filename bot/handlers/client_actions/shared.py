"""What every client-side handler needs: the invoice a client chat may act on, and writing to the other side.

A client is a chat bound to a contact by an invitation, never a freelancer account. Client buttons
carry `cp:<action>:<invoice id>` and every press is checked again: the pressing chat must be bound to
a contact of that invoice's client, so a forged id, another client's invoice or a freelancer pressing
finds nothing and is refused. What the client reads is in the client's language; what the
freelancer receives, in the freelancer's.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date
from typing import Any

from telegram import InlineKeyboardMarkup, Update
from telegram.ext import ConversationHandler, ExtBot

from bot.channels.telegram import Outcome, send_telegram
from bot.context import RelanceContext
from bot.domain.dates import DateError, parse_date
from bot.handlers.common import (
    answer,
    cb_int,
    freelancer_of,
    refuse_callback,
    tr_for,
)
from bot.handlers.profile_fields import Invalid, clean_text
from bot.i18n import Translator, translator
from bot.presentation.reminder_text import client_locale
from bot.presentation.views import date_problem
from bot.storage import Client, Contact, Freelancer, Invoice, Store

log = logging.getLogger(__name__)
END = ConversationHandler.END
DRAFT = "client_action"
MAX_MESSAGE_LENGTH = 1500


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


async def read_date(update: Update, tr: Translator, text: str, today: date) -> date | None:
    """A typed (or button) date; None after saying what was wrong."""
    try:
        return parse_date(text, locale=tr.locale, today=today)
    except DateError as exc:
        await answer(update, date_problem(tr, exc))
        return None


async def settled(update: Update, side: ClientSide) -> bool:
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


def photo_or_pdf(update: Update) -> tuple[str, bool] | None:
    """(file_id, is a photo) of a photo, a PDF or an image file the message carries; None otherwise."""
    message = update.effective_message
    if message is not None and message.photo:
        return message.photo[-1].file_id, True
    document = message.document if message else None
    mime = (document.mime_type or "").lower() if document else ""
    if document is not None and (mime == "application/pdf" or mime.startswith("image/")):
        return document.file_id, False
    return None
