"""The buttons under a reminder (the client's answers) and under a client's request (the freelancer's)."""

from __future__ import annotations

from telegram import InlineKeyboardMarkup

from bot.i18n import Translator, translator
from bot.presentation import keyboards as kb
from bot.presentation.keyboards import keyboard
from bot.presentation.reminder_text import client_locale
from bot.storage import Client, Freelancer
from bot.storage.client_requests import ClientRequest


def reminder_buttons(freelancer: Freelancer, client: Client, invoice_id: int) -> InlineKeyboardMarkup:
    """The client's answers under a reminder, in the client's language."""
    return keyboard(action_rows(translator(client_locale(freelancer, client)), invoice_id))


def action_rows(tr: Translator, invoice_id: int) -> list[list[tuple[str, str]]]:
    return [
        [(tr.plain("💳 How to pay"), kb.CP_PAY(invoice_id))],
        [(tr.plain("✅ I've paid"), kb.CP_PAID(invoice_id)),
         (tr.plain("📅 I need more time"), kb.CP_MORE(invoice_id))],
        [(tr.plain("💬 Question"), kb.CP_ASK(invoice_id)),
         (tr.plain("⚠️ I dispute this invoice"), kb.CP_DISP(invoice_id))],
        [(tr.plain("🔕 Stop Telegram reminders"), kb.CP_STOP(invoice_id))],
    ]  # fmt: skip


def answer_buttons(tr: Translator, request: ClientRequest) -> InlineKeyboardMarkup:
    """The freelancer's answers to a reported payment or a proposed date."""
    if request.kind == "paid":
        yes, no = tr.plain("Confirm paid"), tr.plain("Not received yet")
    else:
        yes, no = tr.plain("Accept"), tr.plain("Decline")
    return keyboard([[(yes, kb.CR_OK(request.id)), (no, kb.CR_NO(request.id))]])
