"""The freelancer's hand on reminders: a stale or uncertain one, "Remind now", a test, the history and
schedule of an invoice, and the evening preview's Skip / Postpone / Approve buttons.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from telegram import InlineKeyboardMarkup, Message, Update

from bot.context import RelanceContext
from bot.domain.dates import next_business_day
from bot.domain.planning import clamp_send_time, localize
from bot.engine.planner import effective_plan, send_time_of
from bot.handlers.common import (
    answer,
    cb_parts,
    onboarded,
    owned_invoice,
    owned_reminder,
)
from bot.handlers.long_messages import Line, split_message
from bot.handlers.profile_fields import clean_text
from bot.i18n import Html, escape, translator
from bot.presentation import keyboards as kb
from bot.presentation import late_amounts
from bot.presentation.call_script import call_history_line
from bot.presentation.commitment_views import dispute_history_line, plan_history_line
from bot.presentation.reminder_text import client_locale, render_reminder
from bot.presentation.reminder_views import formal_notice_line, render_history, render_schedule, when
from bot.presentation.views import local_today, plan_label
from bot.storage import Freelancer, Invoice, Reminder


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
    if action == "skip" and await ctx.store.reminders.skip(reminder.id, "skipped by the freelancer"):
        await query.answer(tr.plain("Skipped."))
    elif (action == "go" and reminder.status == "held") or (
        action == "again" and reminder.status == "uncertain"
    ):
        await ctx.store.reminders.approve(reminder.id)  # asked for explicitly: counts as approved
        await ctx.store.reminders.reschedule(reminder.id, ctx.clock.now(), "sent on the freelancer's request")
        await query.answer(tr.plain("Sending it now."))
        await ctx.dispatcher.run_once()
    else:
        await query.answer(tr.plain("This reminder was already handled."), show_alert=True)
        return
    await query.edit_message_reply_markup(None)


# The invoice card's reminder buttons ---------------------------------------------------------------
def manual_tone(invoice: Invoice, today: date) -> str:
    """The tone of "Remind now": a courtesy heads-up before the due date, a friendly reminder from it on."""
    return "courtesy" if today < invoice.due_date else "friendly"


async def remind_now_problem(ctx: RelanceContext, freelancer: Freelancer, invoice: Invoice) -> Html | None:
    """Why "Remind now" cannot send, or None. One a day per invoice is the no-harassment rule."""
    tr = translator(freelancer.language)
    if not invoice.is_open:
        return tr._("This invoice is already paid or cancelled.")
    if not invoice.reminders_enabled or invoice.reminders_paused:
        return tr._(
            "Reminders are off or paused for {number}. Tap ▶️ Resume reminders first, then 🔔 Remind now.",
            number=invoice.number,
        )
    last = await ctx.store.reminders.last_sent_at(invoice.id)
    if last is not None and local_today(freelancer, last) == local_today(freelancer, ctx.clock.now()):
        return tr._(
            "A reminder for {number} already went to {client} today at {time}. To stay courteous I send at "
            "most one a day per invoice: try again tomorrow.",
            number=invoice.number, client=invoice.client_name, time=tr.datetime(last, freelancer.timezone, "HH:mm"),
        )  # fmt: skip
    return None


async def remind_now(update: Update, ctx: RelanceContext) -> None:
    """🔔 Remind now: a planned row due now, then the dispatcher, with all of its checks."""
    found = await owned_invoice(update, ctx)
    if found is None:
        return
    freelancer, invoice = found
    if problem := await remind_now_problem(ctx, freelancer, invoice):
        await answer(update, problem)
        return
    now, today = ctx.clock.now(), local_today(freelancer, ctx.clock.now())
    reminder_id = await ctx.store.reminders.add_manual(
        invoice.id, tone=manual_tone(invoice, today), offset_days=(today - invoice.due_date).days, at=now
    )
    await ctx.dispatcher.run_once()
    await report_remind_now(update, freelancer, await ctx.store.reminders.get(freelancer.id, reminder_id))


async def report_remind_now(update: Update, freelancer: Freelancer, reminder: Reminder | None) -> None:
    """Sent: a short toast (the dispatcher's notice follows). Failed: the dispatcher said why. Held back
    by sending hours or a Telegram wait: when it will go."""
    tr = translator(freelancer.language)
    if reminder is not None and reminder.status == "planned":
        text = tr._(
            "It cannot go out right now (reminders go out 08:00–20:00, never on Sunday, or Telegram asked me "
            "to wait). It will go out on {when}.",
            when=when(tr, reminder.scheduled_at, freelancer.timezone),
        )
        await answer(update, text)
    elif update.callback_query:
        sent = reminder is not None and reminder.status == "sent"
        await update.callback_query.answer(
            tr.plain("Sent ✅") if sent else tr.plain("Not sent, see my message.")
        )


async def next_client_tone(ctx: RelanceContext, invoice: Invoice, today: date) -> str:
    """The tone of the next planned client reminder, else the one "Remind now" would use."""
    for reminder in await ctx.store.reminders.for_invoice(invoice.id):
        if reminder.status == "planned" and reminder.audience == "client":
            return reminder.tone
    return manual_tone(invoice, today)


async def send_test(update: Update, ctx: RelanceContext) -> None:
    """🧪 Send me a test: the next reminder exactly as the client would get it, to the freelancer only."""
    found = await owned_invoice(update, ctx)
    if found is None:
        return
    freelancer, invoice = found
    client = await ctx.store.clients.get(freelancer.id, invoice.client_id)
    assert client is not None  # an invoice always has its client (ON DELETE CASCADE)
    today = local_today(freelancer, ctx.clock.now())
    tone = await next_client_tone(ctx, invoice, today)
    custom = await ctx.store.templates.get(freelancer.id, tone, client_locale(freelancer, client))
    late = await late_amounts.for_invoice(ctx.store, freelancer, invoice, today, is_b2b=client.is_b2b)
    message = render_reminder(
        freelancer=freelancer,
        client=client,
        invoice=invoice,
        tone=tone,
        today=today,
        custom=custom,
        late=late,
    )
    header = translator(freelancer.language)._(
        "🧪 Test — this is what {client} would receive:", client=client.name
    )
    await answer(update, f"{header}\n\n{message.html}")


# History and schedule ------------------------------------------------------------------------------
async def invoice_from_args(
    update: Update, ctx: RelanceContext, command: str
) -> tuple[Freelancer, Invoice] | None:
    """The invoice named after /history or /schedule, or None after explaining the usage."""
    freelancer = await onboarded(update, ctx)
    if freelancer is None:
        return None
    tr = translator(freelancer.language)
    number = clean_text(" ".join(ctx.args or []))[:40]
    invoice = await ctx.store.invoices.by_number(freelancer.id, number) if number else None
    if invoice is None:
        usage = tr._("Which invoice? Type its number, for example: /{command} F-2026-014. Your open invoices: "
                     "/invoices", command=command)  # fmt: skip
        unknown = tr._("I have no invoice numbered “{number}”.", number=number)
        await answer(update, f"{unknown}\n{usage}" if number else usage)
        return None
    return freelancer, invoice


async def send_history(update: Update, ctx: RelanceContext, freelancer: Freelancer, invoice: Invoice) -> None:
    reminders = await ctx.store.reminders.for_invoice(invoice.id)
    tr = translator(freelancer.language)
    lines = render_history(tr, invoice, reminders, freelancer.timezone)
    notices = await ctx.store.formal_notices.for_invoice(invoice.id)
    lines += [formal_notice_line(tr, n, freelancer.timezone) for n in notices]
    calls = await ctx.store.call_outcomes.for_invoice(invoice.id)
    lines += [call_history_line(tr, c, freelancer.timezone, invoice.client_name) for c in calls]
    lines += [
        escape(plan_history_line(tr, p, invoice.currency))
        for p in await ctx.store.payment_plans.for_invoice(invoice.id)
    ]
    lines += [escape(dispute_history_line(tr, d)) for d in await ctx.store.disputes.for_invoice(invoice.id)]
    for number, page in enumerate(split_message(Line(line) for line in lines)):
        if number == 0:
            await answer(update, page.html)
        elif update.effective_chat:  # a long history (many "Remind now"): more messages, one answer
            await update.effective_chat.send_message(page.html)


async def send_schedule(
    update: Update, ctx: RelanceContext, freelancer: Freelancer, invoice: Invoice
) -> None:
    tr = translator(freelancer.language)
    client = await ctx.store.clients.get(freelancer.id, invoice.client_id)
    plan = plan_label(tr, effective_plan(invoice, client, freelancer).to_spec())
    reminders = await ctx.store.reminders.for_invoice(invoice.id)
    await answer(update, render_schedule(tr, invoice, reminders, plan, freelancer.timezone))


async def history_button(update: Update, ctx: RelanceContext) -> None:
    if found := await owned_invoice(update, ctx):
        await send_history(update, ctx, *found)


async def history_command(update: Update, ctx: RelanceContext) -> None:
    """/history F-2026-014: every reminder of the invoice, planned, sent or not."""
    if found := await invoice_from_args(update, ctx, "history"):
        await send_history(update, ctx, *found)


async def schedule_button(update: Update, ctx: RelanceContext) -> None:
    if found := await owned_invoice(update, ctx):
        await send_schedule(update, ctx, *found)


async def schedule_command(update: Update, ctx: RelanceContext) -> None:
    """/schedule F-2026-014: the reminders still to come, in the freelancer's time zone."""
    if found := await invoice_from_args(update, ctx, "schedule"):
        await send_schedule(update, ctx, *found)


# The evening preview's buttons ---------------------------------------------------------------------
POSTPONE_DAYS = 7


def postponed_at(freelancer: Freelancer, reminder: Reminder) -> datetime:
    """A week later, on a business day, at the freelancer's sending time."""
    local = reminder.scheduled_at.astimezone(ZoneInfo(freelancer.timezone)).date()
    day = next_business_day(local + timedelta(days=POSTPONE_DAYS), freelancer.holiday_calendar)
    return localize(day, clamp_send_time(send_time_of(freelancer)), freelancer.timezone).astimezone(UTC)


async def drop_buttons(update: Update, reminder_id: int, only: str | None = None) -> None:
    """Remove a handled reminder's buttons (or just `only`) from the preview, keeping the others."""
    query = update.callback_query
    if query is None or not isinstance(query.message, Message) or query.message.reply_markup is None:
        return
    gone = {only} if only else {button(reminder_id) for button in (kb.RP_OK, kb.RP_SKIP, kb.RP_LATER, kb.RP_TEXT)}
    before = query.message.reply_markup.inline_keyboard
    rows = [kept for row in before if (kept := [b for b in row if b.callback_data not in gone])]
    if sum(map(len, rows)) != sum(map(len, before)):  # Telegram refuses an edit that changes nothing
        await query.edit_message_reply_markup(InlineKeyboardMarkup(rows) if rows else None)


async def preview_action(update: Update, ctx: RelanceContext) -> None:
    """⏭ Skip, 📅 +7 days and ✅ Approve, on one reminder of the evening preview."""
    found = await owned_reminder(update, ctx)
    if found is None:
        return
    freelancer, reminder = found
    tr, action, reminders = translator(freelancer.language), cb_parts(update)[0], ctx.store.reminders
    query = update.callback_query
    assert query is not None
    if action == "skip" and await reminders.skip(reminder.id, "skipped in the evening preview"):
        note = tr.plain("Skipped: this reminder will not go out.")
    elif action == "later" and await reminders.postpone(
        reminder.id, later := postponed_at(freelancer, reminder), "postponed by 7 days in the evening preview"
    ):
        note = tr.plain("Postponed to {when}.", when=when(tr, later, freelancer.timezone))
    elif action == "ok" and reminder.status == "planned":
        await reminders.approve(reminder.id)
        note = tr.plain("Approved: it will go out.")
    else:
        await query.answer(tr.plain("This reminder was already handled."), show_alert=True)
        return
    await query.answer(note)
    await drop_buttons(update, reminder.id, kb.RP_OK(reminder.id) if action == "ok" else None)
