"""/deletemydata: a freelancer erases everything Relance keeps about them (GDPR), after confirming."""

from __future__ import annotations

import logging

from telegram import Update

from bot.context import RelanceContext
from bot.handlers.common import answer, freelancer_of, keyboard, tr_for
from bot.presentation import keyboards as kb

log = logging.getLogger(__name__)


async def ask_delete(update: Update, ctx: RelanceContext) -> None:
    freelancer = await freelancer_of(update, ctx)
    tr = tr_for(update, ctx, freelancer)
    if freelancer is None:
        await answer(update, tr._("I keep no data about you."))
        return
    rows = [
        [
            (tr.plain("Yes, delete everything"), kb.ACC_DELETE()),
            (tr.plain("No, keep it"), kb.ACC_KEEP()),
        ]
    ]
    text = tr._(
        "This permanently deletes your profile, clients, invoices, payments and reminder history. "
        "Planned reminders will not be sent. Use /export first if you want a copy. Delete everything?"
    )
    await answer(update, text, keyboard(rows))


async def confirm_delete(update: Update, ctx: RelanceContext) -> None:
    freelancer = await freelancer_of(update, ctx)
    tr = tr_for(update, ctx, freelancer)
    query = update.callback_query
    assert query is not None and update.effective_user is not None
    if query.data != kb.ACC_DELETE():
        await query.answer()
        await query.edit_message_text(tr._("Nothing was deleted."))
        return
    if freelancer is not None:
        await ctx.store.erase_freelancer(freelancer.id, update.effective_user.id)
        log.info("freelancer %s erased their data", freelancer.id)
    ctx.drafts.clear()
    await query.answer()
    await query.edit_message_text(
        tr._("All your data has been deleted. Send /start if you ever want to begin again.")
    )
