"""Put an invoice straight into the store, as if the freelancer had registered it through /new.

Tests that are about something else (a summary, a reminder, an invitation) need invoices to exist
without walking through the whole conversation each time.
"""

from __future__ import annotations

from datetime import date, timedelta

from bot.storage import Invoice
from bot.storage.invoices import NewInvoice
from tests.harness import Harness, TelegramUser


async def register_invoice(
    h: Harness,
    freelancer: TelegramUser | int,
    number: str = "F-1",
    amount_minor: int = 120_000,
    *,
    client: str | int = "ACME",
    currency: str = "EUR",
    due: date = date(2026, 12, 1),
    issued: date | None = None,
    description: str | None = None,
    reminders_enabled: bool = False,
    plan: str | None = None,
    file_id: str | None = None,
    file_name: str | None = None,
) -> Invoice:
    """An invoice of ``freelancer`` (their Telegram user, or their freelancer id) for ``client``.

    ``client`` is a name, found among the freelancer's clients or created, or a client id.
    ``issued`` defaults to 30 days before ``due``. No reminders are planned: call
    ``h.services.invoice_changed(invoice)`` for that, as the bot does after saving an invoice.
    """
    if isinstance(freelancer, TelegramUser):
        account = await h.store.freelancers.by_telegram_id(freelancer.id)
        assert account is not None, "this Telegram user has no freelancer account (onboard them first)"
        freelancer_id = account.id
    else:
        freelancer_id = freelancer
    if isinstance(client, str):
        existing = await h.store.clients.find_by_name(freelancer_id, client)
        client_id = (existing or await h.store.clients.create(freelancer_id, client, now=h.clock.now())).id
    else:
        client_id = client
    new = NewInvoice(
        client_id,
        number,
        amount_minor,
        currency,
        issued or due - timedelta(days=30),
        due,
        description,
        file_id=file_id,
        file_name=file_name,
        reminders_enabled=reminders_enabled,
        plan=plan,
    )
    return await h.store.invoices.create(freelancer_id, new, now=h.clock.now())
