"""Payment claims a client reported: the pause they put on reminders, and the sweep that lifts it.

The handlers call `resume_reminders` when the freelancer answers; the reminder job runs
`resume_unanswered_claims` at every run. Neither side owns the rule, so it lives here.
"""

from __future__ import annotations

import logging
from typing import Any

from telegram.ext import ExtBot

from bot.channels.telegram import Outcome, send_telegram
from bot.context import Services
from bot.i18n import translator
from bot.presentation.client_buttons import answer_buttons
from bot.storage import Invoice
from bot.storage.client_requests import ClientRequest

log = logging.getLogger(__name__)


def still_paused_by(request: ClientRequest, invoice: Invoice) -> bool:
    """Whether the pause this payment claim made is still on (nobody answered, the sweep did not lift it)."""
    return request.paused_reminders and request.status == "pending" and invoice.reminders_paused


async def resume_reminders(services: Services, request: ClientRequest, invoice: Invoice) -> None:
    """Undo the pause a payment claim made (the freelancer answered, or 5 days passed)."""
    if invoice.is_open and still_paused_by(request, invoice):
        resumed = await services.store.invoices.update(
            invoice.freelancer_id, invoice.id, reminders_paused=False
        )
        await services.invoice_changed(resumed or invoice)


async def resume_unanswered_claims(services: Services, bot: ExtBot[Any]) -> int:
    """Reported payments the freelancer left unanswered for 5 days: reminders resume, and they are told.

    Called at every run of the reminder job (the one-minute sweep and each wake-up); the database
    decides what is due, and `expire` claims each request once.
    """
    resumed = 0
    for request in await services.store.client_requests.unanswered_claims(services.clock.now()):
        if not await services.store.client_requests.expire(request.id):
            continue
        invoice = await services.store.invoices.get_any(request.invoice_id)
        freelancer = await services.store.freelancers.get(invoice.freelancer_id) if invoice else None
        if invoice is None or freelancer is None:
            continue
        await resume_reminders(services, request, invoice)
        tr = translator(freelancer.language)
        text = tr._(
            "⏰ {client} said {number} was paid on {date} and you have not answered for 5 days, so reminders "
            "resume. Confirm the payment if you have received it.",
            client=invoice.client_name,
            number=invoice.number,
            date=tr.date(request.paid_on or invoice.due_date),
        )
        delivery = await send_telegram(bot, freelancer.telegram_user_id, text, answer_buttons(tr, request))
        if delivery.outcome != Outcome.SENT:
            log.warning("could not tell freelancer %s: %s", freelancer.id, delivery.reason)
        resumed += 1
    return resumed
