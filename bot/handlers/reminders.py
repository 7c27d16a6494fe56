"""The freelancer's answers about single reminders: send a stale one now, skip it, send again."""

from __future__ import annotations

from telegram import Update

from bot.context import RelanceContext
from bot.handlers.common import cb_int, cb_parts, freelancer_of, refuse_callback, tr_for
from bot.i18n import translator
from bot.storage import Freelancer, Reminder


async def owned_reminder(update: Update, ctx: RelanceContext) -> tuple[Freelancer, Reminder] | None:
    freelancer = await freelancer_of(update, ctx)
    reminder_id = cb_int(update, 1)
    reminder = None
    if freelancer is not None and reminder_id is not None:
        reminder = await ctx.store.reminders.get(freelancer.id, reminder_id)
    if freelancer is None or reminder is None:
        await refuse_callback(update, tr_for(update, ctx, freelancer), "reminder not owned")
        return None
    return freelancer, reminder


async def decide(update: Update, ctx: RelanceContext) -> None:
    """Send now (a held stale reminder), Send again (an uncertain one), or Skip."""
    found = await owned_reminder(update, ctx)
    if found is None:
        return
    freelancer, reminder = found
    tr = translator(freelancer.language)
    action = cb_parts(update)[0]
    query = update.callback_query
    assert query is not None
    if action == "skip" and reminder.status in ("held", "planned"):
        await ctx.store.reminders.finish(reminder.id, "skipped", "skipped by the freelancer")
        await query.answer(tr.plain("Skipped."))
    elif (action == "go" and reminder.status == "held") or (
        action == "again" and reminder.status == "uncertain"
    ):
        await ctx.store.reminders.reschedule(reminder.id, ctx.clock.now(), "sent on the freelancer's request")
        await query.answer(tr.plain("Sending it now."))
        await ctx.dispatcher.run_once()
    else:
        await query.answer(tr.plain("This reminder was already handled."), show_alert=True)
        return
    await query.edit_message_reply_markup(None)
