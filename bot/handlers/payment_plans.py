"""Payment plans in instalments, proposed by the client (📅 I need more time → 📆 Pay in instalments) or
by the freelancer (📆 Instalments on the invoice card), and answered by the other side.

The proposal is a short conversation, the same for both sides: how many instalments (2–12), weekly
or monthly, the first date, equal amounts or typed ones, then a summary to send. Its buttons carry
`ip:<step>:<value>`; the draft names the invoice and who proposes, and the invoice is looked up again
with the talking user at every step (a client chat must still speak for the invoice's client).

Answers: `pp:ok|no|start:<plan>` (the freelancer), `cq:ok|no:<invoice>:<plan>` (the client),
`pm:resume|more:<plan>[:<days>]` (the freelancer, after a missed instalment). Each looks the plan up
with the pressing user and acts once (the plan's status is changed with a conditional UPDATE).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from telegram import Update
from telegram.ext import CallbackQueryHandler, ConversationHandler, MessageHandler, filters

from bot.context import RelanceContext
from bot.domain.dates import DateError, parse_date
from bot.domain.instalments import (
    MAX_INSTALMENTS,
    MIN_INSTALMENTS,
    InstalmentDue,
    InstalmentError,
    InstalmentErrorReason,
    add_months,
    check_count,
    instalment_dates,
    parse_amounts,
    split_equal,
)
from bot.engine.commitments import answer_plan, give_more_time, propose_plan, resume_escalation
from bot.engine.planner import instalments_due
from bot.handlers.client_actions.shared import client_side, tell, typed
from bot.handlers.common import (
    answer,
    cb_int,
    cb_parts,
    edit_in_place,
    freelancer_of,
    refuse_callback,
    tr_for,
)
from bot.i18n import Html, Translator, translator
from bot.presentation import keyboards as kb
from bot.presentation.commitment_views import (
    FREQUENCY_NAMES,
    client_plan_buttons,
    freelancer_plan_buttons,
    plan_summary,
    schedule_lines,
)
from bot.presentation.keyboards import chunk, keyboard
from bot.presentation.reminder_text import client_locale
from bot.presentation.views import local_today
from bot.storage import Client, Freelancer, Invoice
from bot.storage.payment_plans import PaymentPlan

log = logging.getLogger(__name__)
ASK_COUNT, ASK_FREQUENCY, ASK_FIRST = "plan_count", "plan_frequency", "plan_first"
ASK_SPLIT, ASK_AMOUNTS, CONFIRM = "plan_split", "plan_amounts", "plan_confirm"
END = ConversationHandler.END
DRAFT = "payment_plan"
COUNT_CHOICES = (2, 3, 4, 6, 10, 12)
MAX_FIRST_DAYS = 365


@dataclass(frozen=True)
class Side:
    """Who is proposing (the client in their chat, or the freelancer) and about which invoice."""

    who: str  # client | freelancer
    freelancer: Freelancer
    client: Client
    invoice: Invoice
    chat_id: int
    contact_id: int | None

    @property
    def tr(self) -> Translator:
        if self.who == "client":
            return translator(client_locale(self.freelancer, self.client))
        return translator(self.freelancer.language)

    @property
    def freelancer_tr(self) -> Translator:
        return translator(self.freelancer.language)

    @property
    def client_tr(self) -> Translator:
        return translator(client_locale(self.freelancer, self.client))


async def _load(update: Update, ctx: RelanceContext, who: str, invoice_id: int | None) -> Side | None:
    chat = update.effective_chat
    if chat is None or invoice_id is None:
        return None
    if who == "client":
        found = await client_side(ctx.store, chat.id, invoice_id)
        if found is None:
            return None
        return Side("client", found.freelancer, found.client, found.invoice, chat.id, found.contact.id)
    freelancer = await freelancer_of(update, ctx)
    invoice = await ctx.store.invoices.get(freelancer.id, invoice_id) if freelancer else None
    client = await ctx.store.clients.get(freelancer.id, invoice.client_id) if freelancer and invoice else None
    if freelancer is None or invoice is None or client is None:
        return None
    return Side("freelancer", freelancer, client, invoice, chat.id, None)


async def _drafted(update: Update, ctx: RelanceContext) -> tuple[Side, dict[str, Any]] | None:
    draft = ctx.drafts.get(DRAFT) or {}
    side = await _load(update, ctx, draft.get("who", ""), draft.get("invoice_id"))
    if side is None or not side.invoice.is_open:
        ctx.drafts.pop(DRAFT, None)
        await answer(
            update, tr_for(update, ctx)._("This proposal is no longer possible: the invoice is settled.")
        )
        return None
    return side, draft


def _today(side: Side, ctx: RelanceContext) -> date:
    return local_today(side.freelancer, ctx.clock.now())


# The proposal ---------------------------------------------------------------------------------------
async def start_client(update: Update, ctx: RelanceContext) -> str | int:
    """📆 Pay in instalments, from the client's "I need more time"."""
    return await _start(update, ctx, "client")


async def start_freelancer(update: Update, ctx: RelanceContext) -> str | int:
    """📆 Instalments, on the invoice card."""
    return await _start(update, ctx, "freelancer")


async def _start(update: Update, ctx: RelanceContext, who: str) -> str | int:
    side = await _load(update, ctx, who, cb_int(update, 1))
    if side is None:
        await refuse_callback(
            update, tr_for(update, ctx, await freelancer_of(update, ctx)), "plan: invoice not owned"
        )
        return END
    tr, invoice = side.tr, side.invoice
    if not invoice.is_open or invoice.balance_minor <= 0:
        await answer(
            update,
            tr._("Invoice {number} is settled: there is nothing to spread out.", number=invoice.number),
        )
        return END
    current = await ctx.store.payment_plans.current(invoice.id)
    if current is not None and current.status in ("accepted", "missed"):
        await answer(
            update, tr._("A payment plan is already running for invoice {number}.", number=invoice.number)
        )
        return END
    if invoice.balance_minor < MIN_INSTALMENTS:
        await answer(update, tr._("The amount left is too small to pay in instalments."))
        return END
    ctx.drafts[DRAFT] = {"who": who, "invoice_id": invoice.id}
    rows = chunk([(str(n), kb.IP_N(n)) for n in COUNT_CHOICES], 3)
    await answer(
        update,
        tr._(
            "📆 Pay {amount} (invoice {number}) in how many instalments? Tap a number or type one from {min} to "
            "{max}, for example 3.",
            amount=tr.money(invoice.balance_minor, invoice.currency),
            number=invoice.number,
            min=MIN_INSTALMENTS,
            max=MAX_INSTALMENTS,
        ),  # fmt: skip
        keyboard(rows),
    )
    return ASK_COUNT


async def on_count(update: Update, ctx: RelanceContext) -> str | int:
    if not (loaded := await _drafted(update, ctx)):
        return END
    side, draft = loaded
    tr = side.tr
    text = cb_parts(update)[1] if update.callback_query else typed(update)
    try:
        count = int(text.strip())
        check_count(count, side.invoice.balance_minor)
    except (ValueError, InstalmentError):
        await answer(
            update,
            tr._(
                "Please type a number of instalments from {min} to {max}, for example 3.",
                min=MIN_INSTALMENTS,
                max=MAX_INSTALMENTS,
            ),  # fmt: skip
        )
        return ASK_COUNT
    draft["count"] = count
    await answer(
        update,
        tr._("Weekly or monthly instalments?"),
        keyboard([[(tr.plain("Weekly"), kb.IP_F("weekly")), (tr.plain("Monthly"), kb.IP_F("monthly"))]]),
    )
    return ASK_FREQUENCY


async def on_frequency(update: Update, ctx: RelanceContext) -> str | int:
    if not (loaded := await _drafted(update, ctx)):
        return END
    side, draft = loaded
    tr = side.tr
    frequency = (
        cb_parts(update)[1]
        if update.callback_query
        else _typed_choice(
            tr, {"weekly": ("Weekly", "weekly"), "monthly": ("Monthly", "monthly")}, typed(update)
        )
    )
    if frequency not in FREQUENCY_NAMES:
        await answer(update, tr._("Please tap Weekly or Monthly."))
        return ASK_FREQUENCY
    draft["frequency"] = frequency
    today = _today(side, ctx)
    choices = [today + timedelta(days=7), today + timedelta(days=14), add_months(today, 1)]
    rows = [[(tr.date(day), kb.IP_D(day.isoformat()))] for day in choices]
    await answer(
        update,
        tr._(
            "When is the first instalment due? Tap a date or type one, for example {example}.",
            example=tr.date(choices[1]),
        ),  # fmt: skip
        keyboard(rows),
    )
    return ASK_FIRST


async def on_first(update: Update, ctx: RelanceContext) -> str | int:
    if not (loaded := await _drafted(update, ctx)):
        return END
    side, draft = loaded
    tr, today = side.tr, _today(side, ctx)
    text = cb_parts(update)[1] if update.callback_query and len(cb_parts(update)) > 1 else typed(update)
    try:
        first = parse_date(text, locale=tr.locale, today=today)
    except DateError:
        await answer(
            update,
            tr._("Please type a date, for example {example}.", example=tr.date(today + timedelta(days=14))),
        )
        return ASK_FIRST
    if not today < first <= today + timedelta(days=MAX_FIRST_DAYS):
        await answer(
            update,
            tr._(
                "Please choose a date after today and within a year, for example {example}.",
                example=tr.date(today + timedelta(days=14)),
            ),  # fmt: skip
        )
        return ASK_FIRST
    draft["first"] = first.isoformat()
    count, invoice = draft["count"], side.invoice
    equal = split_equal(invoice.balance_minor, count)
    await answer(
        update,
        tr._(
            "Equal instalments ({count} × about {share}), or amounts of your choice?",
            count=count,
            share=tr.money(equal[0], invoice.currency),
        ),  # fmt: skip
        keyboard([[(tr.plain("Equal amounts"), kb.IP_EQ()), (tr.plain("✏️ Type the amounts"), kb.IP_TYP())]]),
    )
    return ASK_SPLIT


async def on_split(update: Update, ctx: RelanceContext) -> str | int:
    if not (loaded := await _drafted(update, ctx)):
        return END
    side, draft = loaded
    tr, invoice = side.tr, side.invoice
    choice = (
        cb_parts(update)[0]
        if update.callback_query
        else _typed_choice(tr, {"eq": ("Equal amounts", "equal")}, typed(update))
    )
    if choice == "typ":
        await answer(
            update,
            tr._(
                "Type the {count} amounts separated by semicolons; they must add up to {amount}. For example: "
                "{example}.",
                count=draft["count"],
                amount=tr.money(invoice.balance_minor, invoice.currency),
                example=_example_amounts(tr, invoice, draft["count"]),
            ),  # fmt: skip
        )
        return ASK_AMOUNTS
    if choice != "eq":
        await answer(update, tr._("Please tap Equal amounts or Type the amounts."))
        return ASK_SPLIT
    draft["amounts"] = split_equal(invoice.balance_minor, draft["count"])
    return await _summary(update, ctx, side, draft)


def _typed_choice(tr: Translator, choices: dict[str, tuple[str, ...]], text: str) -> str:
    """A button's choice typed as a word ("monthly", "mensuelles", "Equal amounts"): its key, or ""."""
    typed = text.strip().casefold()
    if not typed:
        return ""
    for key, labels in choices.items():
        words = {tr.plain(label).casefold() for label in labels} | {label.casefold() for label in labels}
        if any(typed == w or (len(typed) >= 4 and w.startswith(typed)) for w in words):
            return key
    return ""


async def confirm_hint(update: Update, ctx: RelanceContext) -> str | int:
    """Text typed at the summary: say which buttons end the proposal."""
    if not (loaded := await _drafted(update, ctx)):
        return END
    side, _draft = loaded
    await answer(update, side.tr._("Tap 📨 Send the proposal or ✖️ Cancel above."))
    return CONFIRM


def _example_amounts(tr: Translator, invoice: Invoice, count: int) -> str:
    return "; ".join(tr.money(a, invoice.currency) for a in split_equal(invoice.balance_minor, count))


async def on_amounts(update: Update, ctx: RelanceContext) -> str | int:
    if not (loaded := await _drafted(update, ctx)):
        return END
    side, draft = loaded
    tr, invoice = side.tr, side.invoice
    try:
        amounts = parse_amounts(typed(update), balance_minor=invoice.balance_minor, currency=invoice.currency,
                                locale=tr.locale)  # fmt: skip
    except InstalmentError as exc:
        await answer(update, _amounts_problem(tr, exc, invoice, draft["count"]))
        return ASK_AMOUNTS
    draft["amounts"] = amounts
    draft["count"] = len(amounts)
    return await _summary(update, ctx, side, draft)


def _amounts_problem(tr: Translator, exc: InstalmentError, invoice: Invoice, count: int) -> Html:
    example = _example_amounts(tr, invoice, count)
    total = tr.money(invoice.balance_minor, invoice.currency)
    if exc.reason == InstalmentErrorReason.SUM:
        return tr._("The amounts must add up to {amount} exactly. For example: {example}.", amount=total,
                    example=example)  # fmt: skip
    if exc.reason == InstalmentErrorReason.COUNT:
        return tr._("Please type from {min} to {max} amounts separated by semicolons, for example: {example}.",
                    min=MIN_INSTALMENTS, max=MAX_INSTALMENTS, example=example)  # fmt: skip
    if exc.reason == InstalmentErrorReason.NOT_POSITIVE:
        return tr._("Every instalment must be more than zero. For example: {example}.", example=example)
    return tr._("I could not read those amounts (in {currency}). For example: {example}.",
                currency=invoice.currency, example=example)  # fmt: skip


def _schedule(draft: dict[str, Any]) -> list[tuple[date, int]]:
    amounts: list[int] = draft["amounts"]
    dates = instalment_dates(date.fromisoformat(draft["first"]), len(amounts), draft["frequency"])
    return list(zip(dates, amounts, strict=True))


def _draft_dues(draft: dict[str, Any]) -> list[InstalmentDue]:
    return [InstalmentDue(0, seq, day, amount, 0) for seq, (day, amount) in enumerate(_schedule(draft), 1)]


async def _summary(update: Update, ctx: RelanceContext, side: Side, draft: dict[str, Any]) -> str | int:
    tr, invoice = side.tr, side.invoice
    text = tr._(
        "{count} {frequency} instalments for invoice {number} ({amount}):\n{schedule}\n\nSend this proposal?",
        count=len(draft["amounts"]), frequency=tr.plain(FREQUENCY_NAMES[draft["frequency"]]), number=invoice.number,
        amount=tr.money(invoice.balance_minor, invoice.currency),
        schedule=schedule_lines(tr, invoice.currency, _draft_dues(draft)),
    )  # fmt: skip
    await answer(update, text, keyboard([[(tr.plain("📨 Send the proposal"), kb.IP_OK()),
                                          (tr.plain("✖️ Cancel"), kb.IP_X())]]))  # fmt: skip
    return CONFIRM


async def on_confirm(update: Update, ctx: RelanceContext) -> str | int:
    if not (loaded := await _drafted(update, ctx)):
        return END
    side, draft = loaded
    tr, invoice = side.tr, side.invoice
    ctx.drafts.pop(DRAFT, None)
    if cb_parts(update)[:1] != ["ok"]:
        await edit_in_place(update, tr._("Proposal cancelled: nothing was sent."), None)
        return END
    if sum(draft["amounts"]) != invoice.balance_minor:  # a payment came in meanwhile
        await edit_in_place(
            update, tr._("The amount due changed meanwhile: please start the proposal again."), None
        )
        return END
    plan = await propose_plan(
        ctx.services, invoice, proposed_by=side.who, frequency=draft["frequency"], schedule=_schedule(draft),
        chat_id=side.chat_id if side.who == "client" else None,
    )  # fmt: skip
    dues = instalments_due(invoice, plan)
    if side.who == "client":
        await _send_to_freelancer(ctx, side, plan, dues)
        await edit_in_place(
            update,
            tr._(
                "📆 Thank you! I sent your proposal to {freelancer}; their answer will come here. No reminder "
                "goes out meanwhile.",
                freelancer=side.freelancer.name,
            ),  # fmt: skip
            None,
        )
        return END
    sent = await _send_to_client(ctx, side, plan, dues)
    if sent:
        await edit_in_place(
            update,
            tr._(
                "📆 Proposal sent to {client} in Telegram. Reminders go on as planned until they accept.",
                client=side.client.name,
            ),  # fmt: skip
            None,
        )
    else:
        await edit_in_place(
            update,
            tr._(
                "{client} has no Telegram chat with me, so they cannot answer here. Once they agree (by phone "
                "or e-mail), start the plan: each instalment then gets its own reminders, by e-mail.",
                client=side.client.name,
            ),  # fmt: skip
            keyboard([[(tr.plain("▶️ Start the plan (agreed with the client)"), kb.PP_START(plan.id))]]),
        )
    return END


async def _send_to_freelancer(
    ctx: RelanceContext, side: Side, plan: PaymentPlan, dues: list[InstalmentDue]
) -> None:
    tr = side.freelancer_tr
    text = Html(
        tr._("📆 {client} proposes to pay in instalments.", client=side.client.name)
        + "\n"
        + plan_summary(tr, side.invoice, plan, dues)
    )
    await tell(ctx.bot, side.freelancer.telegram_user_id, text, freelancer_plan_buttons(tr, plan.id))


async def _send_to_client(
    ctx: RelanceContext, side: Side, plan: PaymentPlan, dues: list[InstalmentDue]
) -> bool:
    """The freelancer's proposal, in every Telegram chat of the client's contacts; False when there is none."""
    tr = side.client_tr
    text = Html(
        tr._("📆 {freelancer} proposes that you pay in instalments.", freelancer=side.freelancer.name)
        + "\n"
        + plan_summary(tr, side.invoice, plan, dues)
    )
    chats = {
        c.telegram_chat_id for c in await ctx.store.clients.contacts(side.client.id) if c.telegram_chat_id
    }
    sent = False
    for chat_id in sorted(chats):
        sent = await tell(ctx.bot, chat_id, text, client_plan_buttons(tr, side.invoice.id, plan.id)) or sent
    return sent


# Answers --------------------------------------------------------------------------------------------
async def _owned_plan(update: Update, ctx: RelanceContext) -> tuple[Freelancer, PaymentPlan, Invoice] | None:
    freelancer = await freelancer_of(update, ctx)
    plan_id = cb_int(update, 1)
    plan = await ctx.store.payment_plans.get_owned(freelancer.id, plan_id) if freelancer and plan_id else None
    invoice = await ctx.store.invoices.get(freelancer.id, plan.invoice_id) if freelancer and plan else None
    if freelancer is None or plan is None or invoice is None:
        await refuse_callback(update, tr_for(update, ctx, freelancer), "payment plan not owned")
        return None
    return freelancer, plan, invoice


async def _already(
    update: Update, tr: Translator, plan: PaymentPlan | None = None, invoice: Invoice | None = None
) -> None:
    """Why the answer changes nothing, in one line."""
    query = update.callback_query
    assert query is not None
    if invoice is not None and not invoice.is_open:
        text = tr.plain("Invoice {number} is settled: nothing more to answer.", number=invoice.number)
    elif plan is not None and plan.status == "withdrawn":
        text = tr.plain("This proposal was replaced by a newer one.")
    else:
        text = tr.plain("This was answered already.")
    await query.answer(text, show_alert=True)


async def freelancer_answer(update: Update, ctx: RelanceContext) -> None:
    """✅ Accept / ✖️ Decline the client's plan, or ▶️ Start one's own plan for an e-mail client."""
    if not (found := await _owned_plan(update, ctx)):
        return
    freelancer, plan, invoice = found
    tr, action = translator(freelancer.language), cb_parts(update)[0]
    expected = "freelancer" if action == "start" else "client"
    if plan.status != "proposed" or plan.proposed_by != expected or not invoice.is_open:
        await _already(update, tr, plan, invoice)
        return
    accept = action in ("ok", "start")
    if not await answer_plan(ctx.services, plan, invoice, accept=accept):
        await _already(update, tr, plan, invoice)
        return
    dues = instalments_due(invoice, plan)
    if accept:
        text = tr._("✅ Payment plan started for {number}:\n{schedule}\nEach instalment gets its own reminders.",
                    number=invoice.number, schedule=schedule_lines(tr, invoice.currency, dues))  # fmt: skip
    else:
        text = tr._(
            "✖️ You declined the payment plan for {number}: the usual reminders go on.", number=invoice.number
        )
    await edit_in_place(update, text, None)
    if action == "start" or plan.chat_id is None:
        return
    client = await ctx.store.clients.get(freelancer.id, invoice.client_id)
    if client is None or not await ctx.store.invitations.bound_contacts(plan.chat_id, client.id):
        return
    ctr = translator(client_locale(freelancer, client))
    if accept:
        reply = ctr._("✅ {freelancer} accepted your payment plan for invoice {number}:\n{schedule}\nI will remind you "
                      "a few days before each instalment.", freelancer=freelancer.name, number=invoice.number,
                      schedule=schedule_lines(ctr, invoice.currency, dues))  # fmt: skip
    else:
        reply = ctr._("{freelancer} declined the payment plan for invoice {number}. You can write to them with "
                      "💬 Question under a reminder.", freelancer=freelancer.name, number=invoice.number)  # fmt: skip
    await tell(ctx.bot, plan.chat_id, reply)


async def client_answer(update: Update, ctx: RelanceContext) -> None:
    """The client accepts or declines the freelancer's plan (`cq:ok|no:<invoice>:<plan>`)."""
    chat = update.effective_chat
    invoice_id, plan_id = cb_int(update, 1), cb_int(update, 2)
    side = await client_side(ctx.store, chat.id, invoice_id) if chat and invoice_id else None
    plan = await ctx.store.payment_plans.get(plan_id) if side and plan_id else None
    if side is None or plan is None or plan.invoice_id != side.invoice.id or plan.proposed_by != "freelancer":
        await refuse_callback(update, tr_for(update, ctx), "payment plan not for this chat")
        return
    tr, invoice = side.tr, side.invoice
    accept = cb_parts(update)[0] == "ok"
    if (
        plan.status != "proposed"
        or not invoice.is_open
        or not await answer_plan(ctx.services, plan, invoice, accept=accept)
    ):
        await _already(update, tr, plan, invoice)
        return
    dues = instalments_due(invoice, plan)
    if accept:
        text = tr._("✅ Thank you! The payment plan for invoice {number} is agreed:\n{schedule}\nI will remind you a few "
                    "days before each instalment.", number=invoice.number,
                    schedule=schedule_lines(tr, invoice.currency, dues))  # fmt: skip
    else:
        text = tr._(
            "You declined the payment plan. {freelancer} will be told.", freelancer=side.freelancer.name
        )
    await edit_in_place(update, text, None)
    ftr = side.freelancer_tr
    told = (
        ftr._("✅ {client} accepted your payment plan for {number}: it starts now.", client=side.client.name,
              number=invoice.number)
        if accept
        else ftr._("✖️ {client} declined your payment plan for {number}: the usual reminders go on.",
                   client=side.client.name, number=invoice.number)
    )  # fmt: skip
    await tell(ctx.bot, side.freelancer.telegram_user_id, told)


async def missed_decision(update: Update, ctx: RelanceContext) -> None:
    """After a missed instalment: ▶️ resume the reminders on the whole balance, or +N days."""
    if not (found := await _owned_plan(update, ctx)):
        return
    freelancer, plan, invoice = found
    tr, parts = translator(freelancer.language), cb_parts(update)
    if plan.status != "missed" or not invoice.is_open:
        await _already(update, tr, plan, invoice)
        return
    if parts[0] == "resume":
        if not await resume_escalation(ctx.services, plan, invoice):
            await _already(update, tr)
            return
        await edit_in_place(
            update,
            tr._(
                "▶️ The payment plan for {number} is over: the usual reminders resume on the whole balance ({balance}).",
                number=invoice.number,
                balance=tr.money(invoice.balance_minor, invoice.currency),
            ),  # fmt: skip
            None,
        )
        return
    days = int(parts[2]) if len(parts) > 2 and parts[2].isdigit() else 0
    if days not in (7, 14, 30):
        await refuse_callback(update, tr, f"bad extra days {parts!r}")
        return
    if not await give_more_time(ctx.services, plan, invoice, days):
        await _already(update, tr, plan, invoice)
        return
    moved = await ctx.store.payment_plans.get(plan.id)
    assert moved is not None
    dues = instalments_due(invoice, moved)
    await edit_in_place(
        update,
        tr._("⏳ {days} more days for {client}. The plan for {number} goes on:\n{schedule}", days=days,
             client=invoice.client_name, number=invoice.number, schedule=schedule_lines(tr, invoice.currency, dues)),
        None,
    )  # fmt: skip
    await _tell_client_new_dates(ctx, freelancer, invoice, moved, dues)


async def _tell_client_new_dates(
    ctx: RelanceContext,
    freelancer: Freelancer,
    invoice: Invoice,
    plan: PaymentPlan,
    dues: list[InstalmentDue],
) -> None:
    client = await ctx.store.clients.get(freelancer.id, invoice.client_id)
    if client is None:
        return
    tr = translator(client_locale(freelancer, client))
    text = tr._("{freelancer} gives you more time. The new dates for invoice {number}:\n{schedule}",
                freelancer=freelancer.name, number=invoice.number,
                schedule=schedule_lines(tr, invoice.currency, dues))  # fmt: skip
    for chat_id in sorted(
        {c.telegram_chat_id for c in await ctx.store.clients.contacts(client.id) if c.telegram_chat_id}
    ):
        await tell(ctx.bot, chat_id, text)


def handlers(conversation: Any) -> list[Any]:
    """The proposal conversation (built by bot.app's factory, so /cancel and time-outs work as elsewhere)
    and the answer buttons."""
    typed = filters.TEXT & ~filters.COMMAND
    propose = conversation(
        "payment_plan",
        entry_points=[
            CallbackQueryHandler(start_client, pattern=kb.CP_INST.pattern),
            CallbackQueryHandler(start_freelancer, pattern=kb.PI_NEW.pattern),
        ],
        states={
            ASK_COUNT: [
                CallbackQueryHandler(on_count, pattern=kb.IP_N.pattern),
                MessageHandler(typed, on_count),
            ],
            ASK_FREQUENCY: [
                CallbackQueryHandler(on_frequency, pattern=kb.IP_F.pattern),
                MessageHandler(typed, on_frequency),
            ],
            ASK_FIRST: [
                CallbackQueryHandler(on_first, pattern=kb.IP_D.pattern),
                MessageHandler(typed, on_first),
            ],
            ASK_SPLIT: [
                CallbackQueryHandler(on_split, pattern=kb.either(kb.IP_EQ, kb.IP_TYP)),
                MessageHandler(typed, on_split),
            ],
            ASK_AMOUNTS: [MessageHandler(typed, on_amounts)],
            CONFIRM: [
                CallbackQueryHandler(on_confirm, pattern=kb.either(kb.IP_OK, kb.IP_X)),
                MessageHandler(typed, confirm_hint),
            ],
        },
    )
    return [
        propose,
        CallbackQueryHandler(freelancer_answer, pattern=kb.either(kb.PP_OK, kb.PP_NO, kb.PP_START)),
        CallbackQueryHandler(client_answer, pattern=kb.either(kb.CQ_OK, kb.CQ_NO)),
        CallbackQueryHandler(missed_decision, pattern=kb.either(kb.PM_RESUME, kb.PM_MORE)),
    ]
