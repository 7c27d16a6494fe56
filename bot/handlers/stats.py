"""/stats: the figures of a period (buttons to change it), then three charts with text captions.

Buttons carry `st:<period>:<freelancer id>` and `st:show:<freelancer id>` (the weekly digest's "📊 Stats"):
the id must be the presser's own, so a forwarded or forged button never shows anyone else's figures.
Charts are drawn in a worker thread (matplotlib is CPU-bound and would stall every other user).
"""

from __future__ import annotations

import asyncio
from datetime import date

from telegram import InlineKeyboardMarkup, Update

from bot.context import RelanceContext
from bot.domain.stats import (
    DailyPayments,
    InvoiceFacts,
    Period,
    forecast,
    main_currency,
    monthly,
    payer_scores,
    report,
    worst_payers,
)
from bot.handlers.common import (
    answer,
    cb_int,
    cb_parts,
    edit_in_place,
    freelancer_of,
    keyboard,
    onboarded,
    refuse_callback,
    tr_for,
)
from bot.i18n import Html, Translator
from bot.presentation import charts
from bot.presentation import keyboards as kb
from bot.presentation.stats_text import (
    monthly_caption,
    period_name,
    render_report,
    worst_payers_caption,
)
from bot.presentation.views import local_today
from bot.storage import Freelancer

PERIODS = tuple(Period)
DEFAULT_PERIOD = Period.MONTH


async def stats_command(update: Update, ctx: RelanceContext) -> None:
    """/stats: the charts (each with its caption), then this month's figures with the period buttons."""
    freelancer = await onboarded(update, ctx)
    if freelancer is not None:
        await _show(update, ctx, freelancer)


async def show_button(update: Update, ctx: RelanceContext) -> None:
    """ "📊 Stats" under the weekly digest: the same as /stats, for the freelancer it was sent to."""
    freelancer = await _owner(update, ctx)
    if freelancer is not None:
        await _show(update, ctx, freelancer)


async def on_period(update: Update, ctx: RelanceContext) -> None:
    """A period button: the figures of that period, in place (the charts do not depend on it)."""
    freelancer = await _owner(update, ctx)
    if freelancer is None:
        return
    tr = tr_for(update, ctx, freelancer)
    period = Period((cb_parts(update) or [""])[0])
    today = local_today(freelancer, ctx.clock.now())
    invoices = await ctx.store.stats.invoice_facts(freelancer.id)
    payments = await ctx.store.stats.daily_payments(freelancer.id)
    await edit_in_place(update, *summary(tr, freelancer, invoices, payments, period, today))


async def _owner(update: Update, ctx: RelanceContext) -> Freelancer | None:
    """The presser, if the button names them and a known period; None after refusing the press."""
    freelancer = await freelancer_of(update, ctx)
    action = (cb_parts(update) or [""])[0]
    known = action == "show" or action in PERIODS
    if freelancer is None or not known or cb_int(update, 1) != freelancer.id:
        await refuse_callback(update, tr_for(update, ctx, freelancer), f"stats button {action!r} not owned")
        return None
    return freelancer


async def _show(update: Update, ctx: RelanceContext, freelancer: Freelancer) -> None:
    tr = tr_for(update, ctx, freelancer)
    invoices = await ctx.store.stats.invoice_facts(freelancer.id)
    if not invoices or update.effective_chat is None:
        await answer(
            update, tr._("No statistics yet: they start with your first invoice. Register one with /new.")
        )
        return
    if update.callback_query:
        await update.callback_query.answer()
    payments = await ctx.store.stats.daily_payments(freelancer.id)
    today = local_today(freelancer, ctx.clock.now())
    for png, caption in await asyncio.to_thread(draw_charts, tr, invoices, payments, today):
        await update.effective_chat.send_photo(png, caption=caption)
    text, markup = summary(tr, freelancer, invoices, payments, DEFAULT_PERIOD, today)
    await update.effective_chat.send_message(text, reply_markup=markup)


def summary(
    tr: Translator,
    freelancer: Freelancer,
    invoices: list[InvoiceFacts],
    payments: list[DailyPayments],
    period: Period,
    today: date,
) -> tuple[Html, InlineKeyboardMarkup]:
    """The figures of one period, with a button per period (the current one marked)."""
    text = render_report(tr, report(invoices, payments, period, today), forecast(invoices, today))
    buttons = [
        (("• " if p is period else "") + period_name(tr, p), kb.ST_PERIODS[p.value](freelancer.id))
        for p in PERIODS
    ]
    return text, keyboard([buttons[:2], buttons[2:]])


def draw_charts(
    tr: Translator, invoices: list[InvoiceFacts], payments: list[DailyPayments], today: date
) -> list[tuple[bytes, str]]:
    """(PNG, caption) of each chart: ageing (main currency), the last 12 months, the latest payers.

    Runs in a worker thread: pure computation and drawing, no I/O."""
    currency = main_currency(invoices) or "EUR"
    drawn: list[tuple[bytes, str]] = []
    if (picture := charts.ageing_picture(tr, invoices, today)) is not None:
        drawn.append(picture)
    months = monthly(invoices, payments, currency, today)
    drawn.append((charts.monthly_chart(tr, months, currency), monthly_caption(tr, months, currency)))
    late = worst_payers(payer_scores(invoices, today).values())
    if late:
        drawn.append((charts.worst_payers_chart(tr, late), worst_payers_caption(tr, late)))
    return drawn
