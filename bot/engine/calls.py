"""Promises a client made on the freelancer's courtesy call: the pause they put on reminders, and the
sweep that lifts it the day after the promised date.

The handler (`bot.handlers.calls`) calls `pause_for_promise`; the reminder job runs
`resume_after_promises` at every run. The same pause as a reported payment's: the invoice's
`reminders_paused`, so the planner cancels the pending rows and plans the rest again on resuming.
"""

from __future__ import annotations

import logging
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from telegram.ext import ExtBot

from bot.channels.telegram import Outcome, send_telegram
from bot.context import Services
from bot.domain.planning import localize
from bot.i18n import translator
from bot.presentation.call_script import resumed_buttons
from bot.storage import Freelancer, Invoice
from bot.storage.call_outcomes import CallOutcome

log = logging.getLogger(__name__)


def resume_moment(freelancer: Freelancer, promised_on: date) -> datetime:
    """The start of the day after the promised date, in the freelancer's zone, as UTC: the reminders
    planned again then go out at the freelancer's sending time that day (or the next business day)."""
    return localize(promised_on + timedelta(days=1), time(0), freelancer.timezone).astimezone(UTC)


async def pause_for_promise(
    services: Services, freelancer: Freelancer, invoice: Invoice, promised_on: date, *, source: str = "call"
) -> CallOutcome:
    """Record the promise (it shows in the history) and pause the invoice's reminders until it is due.
    `source`: made on the courtesy call, by the client in Telegram, or recorded by the freelancer."""
    outcome = await services.store.call_outcomes.record(
        invoice.id, "promised", now=services.clock.now(), promised_on=promised_on,
        resume_at=resume_moment(freelancer, promised_on), source=source,
    )  # fmt: skip
    paused = await services.store.invoices.update(freelancer.id, invoice.id, reminders_paused=True)
    await services.invoice_changed(paused or invoice)
    return outcome


async def resume_after_promises(services: Services, bot: ExtBot[Any]) -> int:
    """Promises whose day has passed: reminders resume unless the invoice was settled, and the
    freelancer is told. Each promise is taken once (`take_resume`), whatever runs the sweep."""
    resumed = 0
    store = services.store
    for promise in await store.call_outcomes.due_to_resume(services.clock.now()):
        if not await store.call_outcomes.take_resume(promise.id):
            continue
        invoice = await store.invoices.get_any(promise.invoice_id)
        freelancer = await store.freelancers.get(invoice.freelancer_id) if invoice else None
        if invoice is not None and promise.outcome == "promised":
            await store.call_outcomes.settle(promise.id, kept=invoice.status == "paid")
        if invoice is None or freelancer is None or not invoice.is_open:
            continue  # paid meanwhile (kept), or cancelled
        if invoice.reminders_paused:
            updated = await store.invoices.update(freelancer.id, invoice.id, reminders_paused=False)
            await services.invoice_changed(updated or invoice)
        elif promise.source == "call":
            continue  # the freelancer already resumed by hand
        tr = translator(freelancer.language)
        text = tr._(
            "⏰ {client} promised to pay {number} by {date}, and it is not marked paid: reminders resume.",
            client=invoice.client_name,
            number=invoice.number,
            date=tr.date(promise.promised_on or invoice.due_date),
        )
        delivery = await send_telegram(
            bot, freelancer.telegram_user_id, text, resumed_buttons(tr, invoice.id)
        )
        if delivery.outcome != Outcome.SENT:
            log.warning("could not tell freelancer %s: %s", freelancer.id, delivery.reason)
        resumed += 1
    return resumed
