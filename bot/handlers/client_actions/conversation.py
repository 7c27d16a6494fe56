"""A client answering a reminder: "✅ I've paid" (date, proof), "📅 I need more time" (date, note),
"💬 Question"; the freelancer is told and asked to confirm.
"""

from __future__ import annotations

import logging
from datetime import date, timedelta
from typing import Any

from telegram import Update
from telegram.error import TelegramError
from telegram.ext import ExtBot

from bot.context import RelanceContext
from bot.engine.commitments import record_promise
from bot.engine.planner import instalments_due
from bot.handlers.client_actions.shared import (
    DRAFT,
    END,
    ClientSide,
    drafted,
    message_text,
    photo_or_pdf,
    pressed,
    read_date,
    settled,
    tell,
    typed,
)
from bot.handlers.common import (
    answer,
    cb_parts,
    keyboard,
)
from bot.handlers.profile_fields import Invalid
from bot.presentation import keyboards as kb
from bot.presentation.client_buttons import answer_buttons
from bot.presentation.views import local_today
from bot.storage.client_requests import ClientRequest, NewRequest

log = logging.getLogger(__name__)

ASK_PAID_DATE, ASK_PROOF = "client_paid_date", "client_proof"
ASK_NEW_DATE, ASK_NOTE, ASK_QUESTION = "client_new_date", "client_note", "client_question"
CLAIM_WAIT = timedelta(days=5)  # reminders resume when the freelancer leaves a reported payment unanswered
MORE_TIME_DAYS = (7, 14, 30)


async def start_paid(update: Update, ctx: RelanceContext) -> str | int:
    if not (side := await pressed(update, ctx)) or await settled(update, side):
        return END
    tr = side.tr
    if await ctx.store.client_requests.open_claim(side.invoice.id):
        await answer(
            update,
            tr._(
                "You already told {freelancer} that invoice {number} is paid: they will check it soon. Thank you!",
                freelancer=side.freelancer.name,
                number=side.invoice.number,
            ),
        )
        return END
    ctx.drafts[DRAFT] = {"invoice_id": side.invoice.id}
    today = local_today(side.freelancer, ctx.clock.now())
    rows = [[(tr.plain("Today"), kb.CP_DAY(today.isoformat())),
             (tr.plain("Yesterday"), kb.CP_DAY((today - timedelta(days=1)).isoformat())),
             (tr.plain("Other date"), kb.CP_DAY("other"))]]  # fmt: skip
    await answer(
        update, tr._("When did you pay invoice {number}?", number=side.invoice.number), keyboard(rows)
    )
    return ASK_PAID_DATE


async def on_paid_day(update: Update, ctx: RelanceContext) -> str | int:
    """Today / Yesterday, or Other date (then typed)."""
    value = (cb_parts(update) + ["", ""])[1]
    if value != "other":
        return await _take_paid_date(update, ctx, value)
    if not (loaded := await drafted(update, ctx)):
        return END
    await answer(update, loaded[0].tr._("Type the date of your payment, for example 20/11/2026 or 20 Nov."))
    return ASK_PAID_DATE


async def on_paid_date(update: Update, ctx: RelanceContext) -> str | int:
    return await _take_paid_date(update, ctx, typed(update))


async def _take_paid_date(update: Update, ctx: RelanceContext, text: str) -> str | int:
    if not (loaded := await drafted(update, ctx)):
        return END
    side, draft = loaded
    tr, today = side.tr, local_today(side.freelancer, ctx.clock.now())
    if (paid_on := await read_date(update, tr, text, today)) is None:
        return ASK_PAID_DATE
    if paid_on > today:
        await answer(update, tr._("A payment date cannot be in the future. For example: today."))
        return ASK_PAID_DATE
    draft["paid_on"] = paid_on.isoformat()
    await answer(
        update,
        tr._("Thank you. Would you like to add a proof of payment, a photo or a PDF? It is optional."),
        keyboard([[(tr.plain("Skip"), kb.CP_SKIP())]]),
    )
    return ASK_PROOF


async def on_proof(update: Update, ctx: RelanceContext) -> str | int:
    """A photo or PDF as proof, or Skip; then the freelancer is asked to confirm."""
    if not (loaded := await drafted(update, ctx)):
        return END
    side, draft = loaded
    proof = None if update.callback_query else photo_or_pdf(update)
    if update.callback_query is None and proof is None:
        await answer(
            update,
            side.tr._("Please send a photo or a PDF, or tap Skip."),
            keyboard([[(side.tr.plain("Skip"), kb.CP_SKIP())]]),
        )
        return ASK_PROOF
    ctx.drafts.pop(DRAFT, None)
    if not await settled(update, side):
        await _claim_paid(update, ctx, side, date.fromisoformat(draft["paid_on"]), proof)
    return END


async def _claim_paid(
    update: Update, ctx: RelanceContext, side: ClientSide, paid_on: date, proof: tuple[str, bool] | None
) -> None:
    """Pause the invoice's reminders until the freelancer answers (5 days at most) and ask them."""
    invoice, now = side.invoice, ctx.clock.now()
    # One pause per invoice: after a claim went unanswered for 5 days, saying "paid" again informs the
    # freelancer but does not silence the reminders once more.
    pause = (
        invoice.reminders_enabled
        and not invoice.reminders_paused
        and not await ctx.store.client_requests.claimed_before(invoice.id)
    )
    if pause:
        paused = await ctx.store.invoices.update(invoice.freelancer_id, invoice.id, reminders_paused=True)
        await ctx.services.invoice_changed(paused or invoice)
    request = await ctx.store.client_requests.create(
        NewRequest(invoice.id, side.contact.id, side.chat_id, "paid", paid_on=paid_on,
                   proof_file_id=proof[0] if proof else None, proof_is_photo=bool(proof and proof[1]),
                   paused_reminders=pause, resume_at=now + CLAIM_WAIT),
        now,
    )  # fmt: skip
    await _ask_about_payment(ctx.bot, side, request)
    tr, values = (
        side.tr,
        {"freelancer": side.freelancer.name, "number": invoice.number, "date": side.tr.date(paid_on)},
    )
    if pause:
        text = tr._(
            "✅ Thank you! I told {freelancer} that invoice {number} was paid on {date}. "
            "Reminders for it are paused while they check.",
            **values,
        )
    else:
        text = tr._("✅ Thank you! I told {freelancer} that invoice {number} was paid on {date}.", **values)
    await answer(update, text)


async def _ask_about_payment(bot: ExtBot[Any], side: ClientSide, request: ClientRequest) -> None:
    tr, invoice = side.freelancer_tr, side.invoice
    chat_id = side.freelancer.telegram_user_id
    if request.proof_file_id:
        caption = tr._(
            "Proof of payment sent by {client} for {number}", client=side.client.name, number=invoice.number
        )
        try:
            if request.proof_is_photo:
                await bot.send_photo(chat_id, request.proof_file_id, caption=caption)
            else:
                await bot.send_document(chat_id, request.proof_file_id, caption=caption)
        except TelegramError as exc:
            log.warning("could not pass on the proof of payment of request %s: %s", request.id, exc)
    values = dict(client=side.client.name, number=invoice.number, date=tr.date(request.paid_on or date.min))
    text = (
        tr._("💶 {client} says {number} was paid on {date}. Reminders for it are paused until you answer, "
             "for 5 days at most.", **values)
        if request.paused_reminders
        else tr._("💶 {client} says {number} was paid on {date}.", **values)
    )  # fmt: skip
    await tell(bot, chat_id, text, answer_buttons(tr, request))


async def running_plan_answer(update: Update, ctx: RelanceContext, side: ClientSide) -> bool:
    """While a payment plan runs, more time is about its next instalment: the client asks the
    freelancer (a new date for the whole invoice would contradict the plan)."""
    plan = await ctx.store.payment_plans.current(side.invoice.id)
    if plan is None or plan.status not in ("accepted", "missed"):
        return False
    tr = side.tr
    due = next((d for d in instalments_due(side.invoice, plan) if d.left_minor > 0), None)
    if due is None:
        return False
    await answer(
        update,
        tr._(
            "You pay invoice {number} in instalments: the next one, {amount}, is due on {date}. If you need more "
            "time for it, tell {freelancer} with 💬 Question.",
            number=side.invoice.number,
            amount=tr.money(due.left_minor, side.invoice.currency),
            date=tr.date(due.due_date),
            freelancer=side.freelancer.name,
        ),  # fmt: skip
        keyboard([[(tr.plain("💬 Question"), kb.CP_ASK(side.invoice.id))]]),
    )
    return True


async def start_more_time(update: Update, ctx: RelanceContext) -> str | int:
    if not (side := await pressed(update, ctx)) or await settled(update, side):
        return END
    tr, invoice = side.tr, side.invoice
    if await running_plan_answer(update, ctx, side):
        return END
    ctx.drafts[DRAFT] = {"invoice_id": invoice.id}
    base = max(local_today(side.freelancer, ctx.clock.now()), invoice.due_date)
    rows = [
        [(tr.plain("+{n} days ({date})", n=n, date=tr.date(base + timedelta(days=n))),
          kb.CP_DAY((base + timedelta(days=n)).isoformat()))]
        for n in MORE_TIME_DAYS
    ]  # fmt: skip
    rows.append([(tr.plain("📆 Pay in instalments"), kb.CP_INST(invoice.id))])
    text = tr._(
        "By when can you pay invoice {number}? It is due on {date}. Tap a date or type one, for example 15/01/2027.",
        number=invoice.number,
        date=tr.date(invoice.due_date),
    )
    await answer(update, text, keyboard(rows))
    return ASK_NEW_DATE


async def on_new_day(update: Update, ctx: RelanceContext) -> str | int:
    return await _take_new_date(update, ctx, (cb_parts(update) + ["", ""])[1])


async def on_new_date(update: Update, ctx: RelanceContext) -> str | int:
    return await _take_new_date(update, ctx, typed(update))


async def _take_new_date(update: Update, ctx: RelanceContext, text: str) -> str | int:
    if not (loaded := await drafted(update, ctx)):
        return END
    side, draft = loaded
    tr, today = side.tr, local_today(side.freelancer, ctx.clock.now())
    if (new_date := await read_date(update, tr, text, today)) is None:
        return ASK_NEW_DATE
    earliest = max(today, side.invoice.due_date)
    if new_date <= earliest:
        await answer(update, tr._("Please choose a date after {date}.", date=tr.date(earliest)))
        return ASK_NEW_DATE
    if new_date > today + timedelta(days=365):
        await answer(update, tr._("Please choose a date within a year from today."))
        return ASK_NEW_DATE
    draft["new_due_date"] = new_date.isoformat()
    await answer(
        update,
        tr._(
            "Would you like to add a message for {freelancer}? Type it, or tap Skip.",
            freelancer=side.freelancer.name,
        ),
        keyboard([[(tr.plain("Skip"), kb.CP_SKIP())]]),
    )
    return ASK_NOTE


async def on_note(update: Update, ctx: RelanceContext) -> str | int:
    """The optional message (or Skip); then the freelancer is asked to accept or decline."""
    if not (loaded := await drafted(update, ctx)):
        return END
    side, draft = loaded
    tr, note = side.tr, None
    if update.callback_query is None:
        try:
            note = message_text(typed(update), tr)
        except Invalid as exc:
            await answer(update, exc.message)
            return ASK_NOTE
    ctx.drafts.pop(DRAFT, None)
    new_date = date.fromisoformat(draft["new_due_date"])
    request = await ctx.store.client_requests.create(
        NewRequest(
            side.invoice.id, side.contact.id, side.chat_id, "delay", new_due_date=new_date, message=note
        ),
        ctx.clock.now(),
    )
    # The date the client gives is a promise to pay: reminders pause until the day after it.
    await record_promise(ctx.services, side.freelancer, side.invoice, new_date, source="client")
    await _ask_about_delay(ctx.bot, side, request)
    await answer(
        update,
        tr._(
            "📅 Thank you! I asked {freelancer} whether you can pay invoice {number} by {date}; "
            "no reminder goes out until then. I will tell you their answer here.",
            freelancer=side.freelancer.name,
            number=side.invoice.number,
            date=tr.date(new_date),
        ),
    )
    return END


async def _ask_about_delay(bot: ExtBot[Any], side: ClientSide, request: ClientRequest) -> None:
    tr, invoice = side.freelancer_tr, side.invoice
    lines = [
        tr._(
            "📅 {client} asks for more time for {number} ({amount}, due on {due}) and proposes to pay by {date}.",
            client=side.client.name,
            number=invoice.number,
            amount=tr.money(invoice.balance_minor, invoice.currency),
            due=tr.date(invoice.due_date),
            date=tr.date(request.new_due_date or invoice.due_date),
        )
    ]
    if request.message:
        lines.append(tr._("Their message: {text}", text=request.message))
    await tell(bot, side.freelancer.telegram_user_id, "\n\n".join(lines), answer_buttons(tr, request))


async def start_question(update: Update, ctx: RelanceContext) -> str | int:
    if not (side := await pressed(update, ctx)):
        return END
    ctx.drafts[DRAFT] = {"invoice_id": side.invoice.id}
    await answer(
        update,
        side.tr._(
            "Type your question for {freelancer} about invoice {number}. I will pass it on as it is.",
            freelancer=side.freelancer.name,
            number=side.invoice.number,
        ),
    )
    return ASK_QUESTION


async def on_question(update: Update, ctx: RelanceContext) -> str | int:
    if not (loaded := await drafted(update, ctx)):
        return END
    side, _draft = loaded
    tr = side.tr
    try:
        question = message_text(typed(update), tr)
    except Invalid as exc:
        await answer(update, exc.message)
        return ASK_QUESTION
    ctx.drafts.pop(DRAFT, None)
    request = await ctx.store.client_requests.create(
        NewRequest(side.invoice.id, side.contact.id, side.chat_id, "question", message=question),
        ctx.clock.now(),
    )
    ftr = side.freelancer_tr
    text = ftr._(
        "💬 Question from {client} about {number}:\n\n{text}",
        client=side.client.name,
        number=side.invoice.number,
        text=question,
    )
    await tell(
        ctx.bot,
        side.freelancer.telegram_user_id,
        text,
        keyboard([[(ftr.plain("Reply"), kb.CR_REPLY(request.id))]]),
    )
    await answer(
        update, tr._("💬 Sent to {freelancer}. Their answer will come here.", freelancer=side.freelancer.name)
    )
    return END
