"""Small helpers every handler module uses: who is talking, in which language, and buttons."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import TypeVar

from telegram import InlineKeyboardMarkup, Message, Update
from telegram.error import BadRequest

from bot.context import RelanceContext
from bot.i18n import Translator, locale_from_telegram, translator
from bot.presentation.keyboards import CALLBACK_DATA_LIMIT as CALLBACK_DATA_LIMIT
from bot.presentation.keyboards import chunk as chunk
from bot.presentation.keyboards import keyboard as keyboard
from bot.presentation.keyboards import nonempty
from bot.presentation.reminder_text import client_locale
from bot.storage import Freelancer, Invoice, Reminder

log = logging.getLogger(__name__)


def cb_parts(update: Update) -> list[str]:
    """The parts of the pressed button's data after its prefix."""
    data = update.callback_query.data if update.callback_query else None
    return (data or "").split(":")[1:]


def cb_int(update: Update, index: int = 0) -> int | None:
    """An integer part of the callback data, or None when the data was forged or malformed."""
    parts = cb_parts(update)
    try:
        return int(parts[index])
    except (IndexError, ValueError):
        return None


async def freelancer_of(update: Update, ctx: RelanceContext) -> Freelancer | None:
    user = update.effective_user
    return await ctx.store.freelancers.by_telegram_id(user.id) if user else None


async def onboarded(update: Update, ctx: RelanceContext, *, finished: bool = True) -> Freelancer | None:
    """The freelancer talking (set up, unless `finished` is False), or None after asking for /start."""
    freelancer = await freelancer_of(update, ctx)
    if freelancer is None and (client_tr := await client_translator(update, ctx)):
        await answer(
            update,
            client_tr._("This command is for freelancers. Send /start to see your invoices, or /help."),
        )
        return None
    if freelancer is None or (finished and not freelancer.onboarded):
        await answer(
            update, tr_for(update, ctx, freelancer)._("Send /start first so that I can set up your account.")
        )
        return None
    return freelancer


async def client_translator(update: Update, ctx: RelanceContext) -> Translator | None:
    """The language of the client this chat speaks for (bound by an invitation); None for other chats."""
    chat = update.effective_chat
    for client in await ctx.store.invitations.clients_of_chat(chat.id) if chat else []:
        freelancer = await ctx.store.freelancers.get(client.freelancer_id)
        if freelancer is not None:
            return translator(client_locale(freelancer, client))
    return None


def tr_for(update: Update, ctx: RelanceContext, freelancer: Freelancer | None = None) -> Translator:
    """The user's language: their saved choice, else Telegram's, else the operator default."""
    if freelancer is not None:
        return translator(freelancer.language)
    code = update.effective_user.language_code if update.effective_user else None
    return translator(locale_from_telegram(code, ctx.config.default_locale))


async def answer(update: Update, text: str, markup: InlineKeyboardMarkup | None = None) -> Message | None:
    """Reply in the chat the update came from (a message or a pressed button)."""
    if update.callback_query:
        await update.callback_query.answer()
    if update.effective_chat is None:
        return None
    return await update.effective_chat.send_message(text, reply_markup=nonempty(markup))


async def edit_in_place(update: Update, text: str, markup: InlineKeyboardMarkup | None) -> None:
    """Redraw the message whose button was pressed; an identical redraw is not sent at all
    (Telegram refuses it as "message is not modified")."""
    query = update.callback_query
    assert query is not None
    await query.answer()
    markup = nonempty(markup)
    current = query.message if isinstance(query.message, Message) else None
    if current is not None and current.text_html == text and current.reply_markup == markup:
        return
    try:
        await query.edit_message_text(text, reply_markup=markup)
    except BadRequest as exc:
        if "not modified" not in exc.message.lower():
            raise


T = TypeVar("T")


async def owned_by_button(
    update: Update, ctx: RelanceContext, lookup: Callable[[int, int], Awaitable[T | None]], what: str
) -> tuple[Freelancer, T] | None:
    """The freelancer and the record a button names (`lookup(freelancer_id, id)` finds only their own),
    or None after refusing the press: forged, foreign and stale ids all end here."""
    freelancer = await freelancer_of(update, ctx)
    record_id = cb_int(update, 1)
    record = (
        await lookup(freelancer.id, record_id) if freelancer is not None and record_id is not None else None
    )
    if freelancer is None or record is None:
        await refuse_callback(update, tr_for(update, ctx, freelancer), f"{what} not owned")
        return None
    return freelancer, record


async def refuse_callback(update: Update, tr: Translator, reason: str) -> None:
    """A forged, stale or foreign button: say so briefly, act on nothing, and log it."""
    query = update.callback_query
    user_id = update.effective_user.id if update.effective_user else None
    log.warning("refused callback %r from user %s: %s", query.data if query else None, user_id, reason)
    if query:
        await query.answer(tr.plain("This button is no longer valid."), show_alert=True)


async def edit_or_answer(update: Update, text: str, markup: InlineKeyboardMarkup | None) -> None:
    """Edit the pressed message in place; a new message when the update is not a button."""
    query = update.callback_query
    if query is None:
        await answer(update, text, markup)
        return
    await edit_in_place(update, text, markup)


async def owned_invoice(update: Update, ctx: RelanceContext) -> tuple[Freelancer, Invoice] | None:
    """The freelancer and the invoice a button names, or None after refusing the press."""
    return await owned_by_button(update, ctx, ctx.store.invoices.get, "invoice")


async def owned_reminder(update: Update, ctx: RelanceContext) -> tuple[Freelancer, Reminder] | None:
    return await owned_by_button(update, ctx, ctx.store.reminders.get, "reminder")
