"""/clients: the list of clients, a page at a time, with what each still owes and its payer score."""

from __future__ import annotations

from telegram import InlineKeyboardMarkup, Update

from bot.context import RelanceContext
from bot.domain.stats import PayerScore, payer_scores
from bot.handlers.common import (
    answer,
    cb_int,
    chunk,
    edit_in_place,
    freelancer_of,
    keyboard,
    onboarded,
    refuse_callback,
    tr_for,
)
from bot.i18n import Html, Translator
from bot.presentation import keyboards as kb
from bot.presentation.stats_text import score_badge
from bot.presentation.views import local_today
from bot.storage import Client, Freelancer

PAGE_SIZE = 10
LABEL_LENGTH = 28


def button_label(text: str) -> str:
    """A button label: long names are shortened (the card shows them in full)."""
    return text if len(text) <= LABEL_LENGTH else text[: LABEL_LENGTH - 1] + "…"


def client_list_line(
    tr: Translator, client: Client, balances: dict[str, int], score: PayerScore | None = None
) -> Html:
    """One client of the list with what it still owes, per currency (never summed across currencies),
    and its payer score once it has enough history."""
    amounts = ", ".join(tr.money(minor, cur) for cur, minor in sorted(balances.items()) if minor > 0)
    if grade := score_badge(score):
        if not amounts:
            return tr._("• <b>{name}</b> · score {grade}: nothing due", name=client.name, grade=grade)
        return tr._(
            "• <b>{name}</b> · score {grade}: {amounts} due", name=client.name, grade=grade, amounts=amounts
        )
    if not amounts:
        return tr._("• <b>{name}</b>: nothing due", name=client.name)
    return tr._("• <b>{name}</b>: {amounts} due", name=client.name, amounts=amounts)


def render_client_page(
    tr: Translator,
    clients: list[Client],
    total: int,
    page: int,
    balances: dict[int, dict[str, int]],
    scores: dict[int, PayerScore] | None = None,
) -> tuple[Html, InlineKeyboardMarkup]:
    add = [(tr.plain("➕ Add a client"), kb.CL_ADD())]
    if total == 0:
        return tr._("You have no clients yet. Add your first one with the button below."), keyboard([add])
    pages = -(-total // PAGE_SIZE)
    lines: list[str] = [tr.n_("<b>Your client</b> ({n})", "<b>Your clients</b> ({n})", total)]
    if pages > 1:
        lines.append(tr._("Page {page} of {pages}", page=page + 1, pages=pages))
    scores = scores or {}
    lines += ["", *(client_list_line(tr, c, balances.get(c.id, {}), scores.get(c.id)) for c in clients), ""]
    lines.append(tr._("Tap a client to open its card."))
    rows = chunk([(button_label(c.name), kb.CL_CARD(c.id)) for c in clients], 2)
    nav = [("◀", kb.CL_PAGE(page - 1))] if page > 0 else []
    nav += [("▶", kb.CL_PAGE(page + 1))] if page + 1 < pages else []
    return Html("\n".join(lines)), keyboard([*rows, *([nav] if nav else []), add])


async def client_page(
    ctx: RelanceContext, freelancer: Freelancer, tr: Translator, page: int
) -> tuple[Html, InlineKeyboardMarkup]:
    clients, total = await ctx.store.clients.page(freelancer.id, page * PAGE_SIZE, PAGE_SIZE)
    if total and not clients:  # clients were deleted since the button was drawn: show the last page
        page = (total - 1) // PAGE_SIZE
        clients, total = await ctx.store.clients.page(freelancer.id, page * PAGE_SIZE, PAGE_SIZE)
    balances = await ctx.store.clients.open_balances(freelancer.id)
    facts = await ctx.store.stats.invoice_facts(freelancer.id, [c.id for c in clients])
    scores = payer_scores(facts, local_today(freelancer, ctx.clock.now()))
    return render_client_page(tr, clients, total, page, balances, scores)


async def _replace(update: Update, text: str, markup: InlineKeyboardMarkup) -> None:
    """Redraw the message whose button was pressed (turning a page)."""
    await edit_in_place(update, text, markup)


async def list_clients(update: Update, ctx: RelanceContext) -> None:
    """/clients: the first page of clients with what each still owes."""
    freelancer = await onboarded(update, ctx, finished=False)
    if freelancer is None:
        return
    text, markup = await client_page(ctx, freelancer, tr_for(update, ctx, freelancer), 0)
    await answer(update, text, markup)


async def on_page(update: Update, ctx: RelanceContext) -> None:
    """◀ ▶: another page of the list, in place."""
    freelancer = await freelancer_of(update, ctx)
    tr = tr_for(update, ctx, freelancer)
    page = cb_int(update, 1)
    if freelancer is None or page is None or page < 0:
        await refuse_callback(update, tr, f"bad client page {page}")
        return
    await _replace(update, *await client_page(ctx, freelancer, tr, page))
