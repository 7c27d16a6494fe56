"""Set up a freelancer, a client linked in Telegram and an invoice with reminders."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

from bot.storage import Invoice
from tests.conftest import onboard
from tests.harness import Harness, TelegramUser
from tests.seed import register_invoice

CLIENT_CHAT = 5001


@dataclass
class Setup:
    user: TelegramUser
    invoice: Invoice
    client_chat: int | None


async def invoice_with_reminders(
    h: Harness,
    *,
    due: date = date(2026, 12, 1),
    plan: str | None = "standard",  # None: the invoice follows its client's or the default plan
    number: str = "F-1",
    client_chat: int | None = CLIENT_CHAT,
    user: TelegramUser | None = None,
    client_name: str = "ACME",
) -> Setup:
    user = user or await onboard(h)
    freelancer = await h.store.freelancers.by_telegram_id(user.id)
    assert freelancer is not None
    client = await h.store.clients.create(freelancer.id, client_name, now=h.clock.now())
    if client_chat is not None:
        contact = await h.store.clients.add_contact(client.id, name="Jo", email=None, now=h.clock.now())
        await h.store.clients.link_telegram(contact.id, client_chat)
        h.fake.add_user(client_chat, first_name="Jo", language_code="en")
        h.fake.message_update(client_chat, "hello")  # the client has started the bot
    invoice = await register_invoice(
        h, freelancer.id, number, 120_000, client=client.id, issued=date(2026, 11, 1), due=due,
        reminders_enabled=True, plan=plan,
    )  # fmt: skip
    await h.services.invoice_changed(invoice)
    return Setup(user, invoice, client_chat)


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def client_texts(h: Harness, chat: int) -> list[str]:
    return [m.text for m in h.fake.bot_messages(chat)]
