"""What a client's "not yet" commits both sides to: payment plans, promises to pay, disputes.

Handlers (the client's buttons, the freelancer's) call these services; the reminder job runs
`sweep_plans` to find missed instalments. Every change re-plans the invoice through
`Services.invoice_changed`, so the planner (`bot.engine.planner`) is the one place deciding what
goes out: nothing for a disputed invoice, nothing while a client's plan waits for the freelancer or
a missed instalment waits for their decision, the instalments' steps while a plan runs.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from telegram.ext import ExtBot

from bot.channels.telegram import Outcome, send_telegram
from bot.context import Services
from bot.domain.instalments import InstalmentDue, first_missed, shifted_dates
from bot.engine.calls import pause_for_promise
from bot.engine.planner import PROPOSAL_HOLD, instalments_due
from bot.i18n import translator
from bot.presentation.commitment_views import missed_buttons, missed_text
from bot.storage import Freelancer, Invoice
from bot.storage.call_outcomes import CallOutcome
from bot.storage.disputes import Dispute
from bot.storage.payment_plans import PaymentPlan

log = logging.getLogger(__name__)
UNDECIDED_AFTER = timedelta(days=7)
"""A missed instalment the freelancer has not decided about resumes the escalation after this long."""
MISSED_GRACE_DAYS = 3
"""Days after a missed instalment's reminder before the freelancer is asked what to do."""


def local_today(freelancer: Freelancer, now: datetime) -> date:
    return now.astimezone(ZoneInfo(freelancer.timezone)).date()


# Payment plans --------------------------------------------------------------------------------------
async def propose_plan(
    services: Services,
    invoice: Invoice,
    *,
    proposed_by: str,
    frequency: str,
    schedule: Sequence[tuple[date, int]],
    chat_id: int | None = None,
) -> PaymentPlan:
    """Record a proposal; a client's one holds the reminders until the freelancer answers."""
    plan = await services.store.payment_plans.propose(
        invoice.id, proposed_by=proposed_by, frequency=frequency, schedule=schedule, chat_id=chat_id,
        now=services.clock.now(),
    )  # fmt: skip
    await services.invoice_changed(invoice)
    return plan


async def answer_plan(services: Services, plan: PaymentPlan, invoice: Invoice, *, accept: bool) -> bool:
    """Accept (the instalments replace the invoice's plan) or decline (reminders go on); once."""
    done = await services.store.payment_plans.decide(
        plan.id, "accepted" if accept else "declined", services.clock.now(),
        base_paid_minor=invoice.paid_minor if accept else None,
    )  # fmt: skip
    if done:
        await services.invoice_changed(invoice)
    return done


async def resume_escalation(services: Services, plan: PaymentPlan, invoice: Invoice) -> bool:
    """After a missed instalment: the plan ends, the invoice's own reminders resume on the whole balance."""
    done = await services.store.payment_plans.decide(
        plan.id, "ended", services.clock.now(), from_status="missed"
    )
    if done:
        await services.invoice_changed(invoice)
    return done


async def give_more_time(services: Services, plan: PaymentPlan, invoice: Invoice, days: int) -> bool:
    """After a missed instalment: it and every later one move by `days`; the plan runs again."""
    seq = plan.missed_seq or 1
    later = [i.due_date for i in plan.instalments if i.seq >= seq]
    if not await services.store.payment_plans.decide(
        plan.id, "accepted", services.clock.now(), from_status="missed"
    ):
        return False
    await services.store.payment_plans.shift_from(plan.id, seq, shifted_dates(later, days))
    await services.invoice_changed(invoice)
    return True


async def sweep_plans(services: Services, bot: ExtBot[Any]) -> int:
    """Running plans with an instalment missed despite its reminder: ask the freelancer, once. And
    nothing waits forever: a client's proposal unanswered for 5 days lets the reminders resume (it can
    still be accepted), a missed instalment undecided for 7 days resumes the escalation."""
    asked = 0
    store, now = services.store, services.clock.now()
    await _unblock(services, bot, now)
    for plan in await store.payment_plans.running():
        invoice = await store.invoices.get_any(plan.invoice_id)
        freelancer = await store.freelancers.get(invoice.freelancer_id) if invoice else None
        if invoice is None or freelancer is None or not invoice.is_open:
            continue
        dues = instalments_due(invoice, plan)
        missed = first_missed(dues, local_today(freelancer, now))
        if missed is None or not await _reminded_long_enough(services, invoice, missed, now):
            continue
        if not await store.payment_plans.decide(
            plan.id, "missed", now, from_status="accepted", missed_seq=missed.seq
        ):
            continue
        await services.invoice_changed(invoice)
        tr = translator(freelancer.language)
        delivery = await send_telegram(
            bot,
            freelancer.telegram_user_id,
            missed_text(tr, invoice, plan, missed),
            missed_buttons(tr, plan.id),
        )
        if delivery.outcome != Outcome.SENT:
            log.warning(
                "could not tell freelancer %s about a missed instalment: %s", freelancer.id, delivery.reason
            )
        asked += 1
    return asked


async def _unblock(services: Services, bot: ExtBot[Any], now: datetime) -> None:
    store = services.store
    for plan in await store.payment_plans.waiting_since("proposed", now - PROPOSAL_HOLD):
        invoice = await store.invoices.get_any(plan.invoice_id)
        if plan.proposed_by != "client" or invoice is None or not invoice.is_open:
            continue
        if not any(r.status == "planned" for r in await store.reminders.for_invoice(invoice.id)):
            await services.invoice_changed(invoice)  # the planner no longer holds them
    for plan in await store.payment_plans.waiting_since("missed", now - UNDECIDED_AFTER):
        invoice = await store.invoices.get_any(plan.invoice_id)
        freelancer = await store.freelancers.get(invoice.freelancer_id) if invoice else None
        if invoice is None or freelancer is None or not await resume_escalation(services, plan, invoice):
            continue
        tr = translator(freelancer.language)
        text = tr._(
            "▶️ No decision for a week about the missed instalment of {number}: the usual reminders resume on the "
            "whole balance ({balance}).",
            number=invoice.number, balance=tr.money(invoice.balance_minor, invoice.currency),
        )  # fmt: skip
        await send_telegram(bot, freelancer.telegram_user_id, text)


async def _reminded_long_enough(
    services: Services, invoice: Invoice, due: InstalmentDue, now: datetime
) -> bool:
    """The missed instalment's one reminder went out MISSED_GRACE_DAYS ago (or could not go out)."""
    rows = [r for r in await services.store.reminders.for_invoice(invoice.id) if r.instalment_id == due.id]
    after_due = [r for r in rows if r.offset_days > 0]
    if any(r.status == "planned" or r.status == "sending" for r in after_due):
        return False
    sent = [
        r.sent_at or r.scheduled_at
        for r in after_due
        if r.status in ("sent", "uncertain", "failed", "skipped")
    ]
    if not sent:
        return False
    return now - max(sent) >= timedelta(days=MISSED_GRACE_DAYS)


# Promises to pay ------------------------------------------------------------------------------------
async def record_promise(
    services: Services, freelancer: Freelancer, invoice: Invoice, promised_on: date, *, source: str
) -> CallOutcome:
    """A promise from the client's buttons or recorded by the freelancer: reminders pause until the day after."""
    return await pause_for_promise(services, freelancer, invoice, promised_on, source=source)


async def withdraw_promise(services: Services, freelancer: Freelancer, invoice: Invoice) -> None:
    """The freelancer declined the client's date: the pause it made ends now, without judging it."""
    if await services.store.call_outcomes.withdraw(invoice.id) and invoice.reminders_paused:
        updated = await services.store.invoices.update(freelancer.id, invoice.id, reminders_paused=False)
        await services.invoice_changed(updated or invoice)


# Disputes -------------------------------------------------------------------------------------------
async def open_dispute(
    services: Services,
    invoice: Invoice,
    *,
    reason: str,
    details: str | None,
    contact_id: int | None,
    chat_id: int | None,
    file_id: str | None = None,
    file_is_photo: bool = False,
) -> Dispute:
    """Reminders stop at once: the invoice is flagged in the same transaction, then re-planned."""
    dispute = await services.store.disputes.open(
        invoice.id, reason=reason, details=details, contact_id=contact_id, chat_id=chat_id, file_id=file_id,
        file_is_photo=file_is_photo, now=services.clock.now(),
    )  # fmt: skip
    flagged = await services.store.invoices.get_any(invoice.id)
    await services.invoice_changed(flagged or invoice)
    return dispute


async def resolve_dispute(
    services: Services, freelancer: Freelancer, dispute: Dispute, status: str, resolution: str | None = None
) -> Invoice | None:
    """Close the dispute; "cancelled" also cancels the invoice. The invoice is re-planned (reminders
    resume unless it is cancelled). None when the dispute was resolved already."""
    if not await services.store.disputes.resolve(dispute.id, status, resolution, services.clock.now()):
        return None
    invoice = await services.store.invoices.get(freelancer.id, dispute.invoice_id)
    if invoice is None:
        return None
    if status == "cancelled" and invoice.is_open:
        invoice = (
            await services.store.invoices.update(freelancer.id, invoice.id, status="cancelled") or invoice
        )
    await services.invoice_changed(invoice)
    return invoice
