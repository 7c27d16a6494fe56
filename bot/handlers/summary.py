"""/overdue: who owes what and since when; /export: the freelancer's books as CSV files.

The handlers are thin; `summarise_overdue`, `render_overdue_summary`, `invoices_csv` and
`payments_csv` are pure functions of their arguments, tested on their own.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta

from telegram import InlineKeyboardMarkup, InputFile, Update

from bot.context import RelanceContext
from bot.domain import stats
from bot.domain.penalties import Penalties
from bot.export import invoices_csv, payments_csv, stats_csv
from bot.handlers.common import answer, cb_int, chunk, edit_in_place, keyboard, onboarded, tr_for
from bot.handlers.long_messages import Heading, Line, Page, split_message
from bot.i18n import Html, Translator
from bot.presentation import keyboards as kb
from bot.presentation import late_amounts
from bot.presentation.late_amounts import freelancer_line
from bot.presentation.views import due_phrase, invoice_line, local_today
from bot.storage import Invoice

PAGE_LIMIT = 3700  # leaves room for the page footer under Telegram's 4096
UPCOMING_DAYS = 7
"""The summary also lists open invoices due from today to this many days ahead."""
AGEING_LIMITS = (30, 60, 90)
"""Days overdue closing each ageing bucket but the last: 1–30, 31–60, 61–90, over 90."""


# --- Handlers -------------------------------------------------------------------------------------


async def overdue(update: Update, ctx: RelanceContext) -> None:
    """/overdue and its ◀ ▶: overdue invoices by client with totals and ageing, then what falls due
    this week; a long summary is paged (one message, edited in place) rather than flooding the chat."""
    freelancer = await onboarded(update, ctx)
    if freelancer is None:
        return
    tr = tr_for(update, ctx, freelancer)
    today = local_today(freelancer, ctx.clock.now())
    invoices = await ctx.store.invoices.open_due_before(freelancer.id, today + timedelta(days=UPCOMING_DAYS))
    late: dict[int, Penalties] = {}
    if freelancer.late_penalties:
        b2b: dict[int, bool] = {}
        rates = await ctx.store.penalty_rates.all()
        for invoice in invoices:
            if invoice.client_id not in b2b:
                client = await ctx.store.clients.get(freelancer.id, invoice.client_id)
                b2b[invoice.client_id] = client is not None and client.is_b2b
            found = await late_amounts.for_invoice(
                ctx.store, freelancer, invoice, today, is_b2b=b2b[invoice.client_id], extra_rates=rates
            )
            if found is not None:
                late[invoice.id] = found
    pages = split_message(
        render_overdue_summary(tr, summarise_overdue(invoices, today), today, late), limit=PAGE_LIMIT
    )
    number = min(max(cb_int(update, 1) or 0, 0), len(pages) - 1)
    text, markup = overdue_page(tr, pages, number)
    if update.callback_query:
        await edit_in_place(update, text, markup)
    else:
        await answer(update, text, markup)


def overdue_page(tr: Translator, pages: list[Page], number: int) -> tuple[str, InlineKeyboardMarkup | None]:
    """One page of the summary with its ✅ buttons, and ◀ ▶ when there are several pages."""
    page = pages[number]
    rows = chunk(page.buttons, 2)
    if len(pages) == 1:
        return page.html, keyboard(rows) if rows else None
    nav = [("◀", kb.OV_PAGE(number - 1))] if number > 0 else []
    nav += [("▶", kb.OV_PAGE(number + 1))] if number + 1 < len(pages) else []
    footer = tr._("Page {page} of {pages}", page=number + 1, pages=len(pages))
    return f"{page.html}\n\n<i>{footer}</i>", keyboard([*rows, nav])


async def export(update: Update, ctx: RelanceContext) -> None:
    """/export: every invoice, every payment and the statistics, as three CSV documents."""
    freelancer = await onboarded(update, ctx)
    if freelancer is None or update.effective_chat is None:
        return
    tr = tr_for(update, ctx, freelancer)
    invoices = await ctx.store.invoices.all_for_export(freelancer.id)
    if not invoices:
        await answer(
            update, tr._("You have no invoices yet, so there is nothing to export. Register one with /new.")
        )
        return
    payments = await ctx.store.invoices.payments_for_export(freelancer.id)
    stamp = local_today(freelancer, ctx.clock.now()).isoformat()
    await update.effective_chat.send_document(
        InputFile(invoices_csv(invoices), filename=f"relance-invoices-{stamp}.csv"),
        caption=tr.n_("{n} invoice, one per line.", "{n} invoices, one per line.", len(invoices)),
    )
    await update.effective_chat.send_document(
        InputFile(payments_csv(payments), filename=f"relance-payments-{stamp}.csv"),
        caption=tr.n_("{n} payment received.", "{n} payments received.", len(payments)),
    )
    today = local_today(freelancer, ctx.clock.now())
    facts = await ctx.store.stats.invoice_facts(freelancer.id)
    daily = await ctx.store.stats.daily_payments(freelancer.id)
    reports = [stats.report(facts, daily, period, today) for period in stats.Period]
    scores = sorted(stats.payer_scores(facts, today).values(), key=lambda s: s.client_name.casefold())
    await update.effective_chat.send_document(
        InputFile(
            stats_csv(reports, scores, stats.forecast(facts, today)), filename=f"relance-stats-{stamp}.csv"
        ),
        caption=tr._("Your statistics: figures per period and currency, payer scores and the cash forecast."),
    )


# --- The overdue summary --------------------------------------------------------------------------


@dataclass(frozen=True)
class OverdueSummary:
    by_client: list[list[Invoice]]
    """Clients ordered by their oldest overdue invoice; each client's invoices oldest first."""
    totals: dict[str, tuple[int, int]]
    """Currency → (overdue balance in minor units, number of invoices); currencies never mixed."""
    ageing: dict[str, list[int]]
    """Currency → overdue balances 1–30, 31–60, 61–90 and over 90 days late."""
    upcoming: list[Invoice]
    """Open invoices due from today to UPCOMING_DAYS ahead, soonest first."""
    disputed: list[Invoice] = field(default_factory=list)
    """Open invoices the client disputes, apart from the rest (and from the totals): no reminder goes out."""


def ageing_bucket(days_overdue: int) -> int:
    """0 for 1–30 days overdue, 1 for 31–60, 2 for 61–90, 3 beyond."""
    return sum(days_overdue > limit for limit in AGEING_LIMITS)


def summarise_overdue(invoices: Iterable[Invoice], today: date) -> OverdueSummary:
    """Sort open invoices with a balance into overdue (by client) and due soon, with the sums."""
    by_client: dict[int, list[Invoice]] = {}
    totals: dict[str, tuple[int, int]] = {}
    ageing: dict[str, list[int]] = {}
    upcoming: list[Invoice] = []
    disputed: list[Invoice] = []
    for invoice in sorted(invoices, key=lambda i: (i.due_date, i.id)):
        days = invoice.days_overdue(today)
        if not invoice.is_open or invoice.balance_minor <= 0 or days < -UPCOMING_DAYS:
            continue
        if invoice.disputed:
            disputed.append(invoice)
            continue
        if days <= 0:
            upcoming.append(invoice)
            continue
        by_client.setdefault(invoice.client_id, []).append(invoice)
        amount, count = totals.get(invoice.currency, (0, 0))
        totals[invoice.currency] = (amount + invoice.balance_minor, count + 1)
        ageing.setdefault(invoice.currency, [0] * (len(AGEING_LIMITS) + 1))[ageing_bucket(days)] += (
            invoice.balance_minor
        )
    return OverdueSummary(list(by_client.values()), dict(sorted(totals.items())), ageing, upcoming, disputed)


def render_overdue_summary(
    tr: Translator, summary: OverdueSummary, today: date, late: Mapping[int, Penalties] | None = None
) -> list[Line]:
    """The summary as lines of HTML, each overdue invoice with its ✅ button (see split_message);
    `late`: invoice id → late-payment amounts, shown under the invoice (business clients, when the
    freelancer's terms state late penalties)."""
    late = late or {}
    if summary.by_client:
        lines = _overview(tr, summary)
    else:
        lines = [] if summary.disputed else [Line(_nothing_overdue(tr))]
    for invoices in summary.by_client:
        client = invoices[0].client_name
        heading = Heading(
            ("client", invoices[0].client_id),
            tr._("👤 <b>{client}</b>", client=client),
            tr._("👤 <b>{client}</b> (continued)", client=client),
        )
        lines.append(Line(""))
        lines += [
            Line(_with_late(overdue_line(tr, i, today), tr, late.get(i.id)), _paid_button(tr, i), heading)
            for i in invoices
        ]
    if summary.disputed:
        heading = Heading(
            "disputed",
            tr._("⚠️ <b>Disputed by the client</b> (no reminders until you resolve them)"),
            tr._("⚠️ <b>Disputed by the client</b> (continued)"),
        )
        lines.append(Line(""))
        lines += [Line(invoice_line(tr, i, today), (tr.plain("Open"), kb.INV_CARD(i.id)), heading)
                  for i in summary.disputed]  # fmt: skip
    if summary.upcoming:
        heading = Heading(
            "upcoming",
            tr.n_("📅 <b>Due in the next {n} day</b>", "📅 <b>Due in the next {n} days</b>", UPCOMING_DAYS),
            tr.n_(
                "📅 <b>Due in the next {n} day</b> (continued)",
                "📅 <b>Due in the next {n} days</b> (continued)",
                UPCOMING_DAYS,
            ),
        )
        lines.append(Line(""))
        lines += [Line(invoice_line(tr, i, today), heading=heading) for i in summary.upcoming]
    return lines


def _overview(tr: Translator, summary: OverdueSummary) -> list[Line]:
    count = sum(n for _, n in summary.totals.values())
    lines = [tr.n_("⏰ <b>{n} overdue invoice</b>", "⏰ <b>{n} overdue invoices</b>", count)]
    for currency, (amount, n) in summary.totals.items():
        lines.append(
            tr.n_(
                "Overdue in {currency}: <b>{amount}</b> ({n} invoice)",
                "Overdue in {currency}: <b>{amount}</b> ({n} invoices)",
                n,
                currency=currency,
                amount=tr.money(amount, currency),
            )
        )
        buckets = [tr.money(minor, currency) for minor in summary.ageing[currency]]
        lines.append(
            tr._(
                "By lateness: 1–30 days {days_1_30} · 31–60 days {days_31_60} · "
                "61–90 days {days_61_90} · over 90 days {days_over_90}",
                days_1_30=buckets[0],
                days_31_60=buckets[1],
                days_61_90=buckets[2],
                days_over_90=buckets[3],
            )
        )
    lines.append(tr._("Once an invoice is paid in full, tap its ✅ button."))
    return [Line(html) for html in lines]


def _with_late(line: Html, tr: Translator, result: Penalties | None) -> Html:
    extra = freelancer_line(tr, result) if result is not None else ""
    return Html(f"{line}\n    {extra}") if extra else line


def _nothing_overdue(tr: Translator) -> Html:
    return tr._("🎉 Nothing is overdue: every client is up to date.")


def overdue_line(tr: Translator, invoice: Invoice, today: date) -> Html:
    """Number, what is still owed (after partial payments) and how late."""
    balance = tr.money(invoice.balance_minor, invoice.currency)
    phrase = due_phrase(tr, invoice, today)
    if invoice.paid_minor:
        amount = tr.money(invoice.amount_minor, invoice.currency)
        return tr._(
            "<b>{number}</b> · {balance} left of {amount} · {phrase}",
            number=invoice.number,
            balance=balance,
            amount=amount,
            phrase=phrase,
        )
    return tr._(
        "<b>{number}</b> · {balance} · {phrase}", number=invoice.number, balance=balance, phrase=phrase
    )


def _paid_button(tr: Translator, invoice: Invoice) -> tuple[str, str]:
    return tr.plain("✅ {number}", number=invoice.number), kb.INV_PAID(invoice.id)
