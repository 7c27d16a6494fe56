"""A freelancer, a client contact in Telegram, and the invitation between them."""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.storage import Client, Contact, Freelancer, Invoice
from tests.conftest import onboard
from tests.harness import Harness, TelegramUser
from tests.reminders.helpers import invoice_with_reminders

LINK = re.compile(r"https://t\.me/relance_test_bot\?start=([A-Za-z0-9_-]+)")
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR\x00\x00\x00\x10\x00\x00\x00\x10" + b"\x00" * 40


@dataclass
class Invited:
    freelancer: TelegramUser
    client: Client
    contact: Contact
    token: str


async def freelancer_account(h: Harness, user: TelegramUser) -> Freelancer:
    freelancer = await h.store.freelancers.by_telegram_id(user.id)
    assert freelancer is not None
    return freelancer


async def invite(h: Harness, *, user: TelegramUser | None = None, name: str = "ACME") -> Invited:
    """The freelancer opens the client's card and presses 📨 Invite for its contact Jo."""
    user = user or await onboard(h)
    freelancer = await freelancer_account(h, user)
    client = await h.store.clients.create(freelancer.id, name, now=h.clock.now())
    contact = await h.store.clients.add_contact(client.id, name="Jo", email=None, now=h.clock.now())
    await user.send("/clients")
    await user.press(name)
    reply = await user.press("📨 Invite Jo in Telegram")
    match = LINK.search(reply.text)
    assert match, reply.text
    return Invited(user, client, contact, match[1])


def client_chat(
    h: Harness, chat_id: int = 5001, *, first_name: str = "Jo", language_code: str = "en"
) -> TelegramUser:
    """Someone who has never talked to the bot (a client opening a link)."""
    return h.user(chat_id, first_name=first_name, language_code=language_code)


async def bound_client(h: Harness, **options: object) -> tuple[TelegramUser, TelegramUser, Invoice]:
    """(freelancer, client chat 5001 bound to ACME's contact Jo, invoice F-1 due 1 Dec with reminders)."""
    setup = await invoice_with_reminders(h, **options)  # type: ignore[arg-type]
    assert setup.client_chat is not None
    return setup.user, TelegramUser(h, setup.client_chat), setup.invoice


async def send_photo(h: Harness, user: TelegramUser) -> None:
    await h.process(h.fake.message_update(user.id, None, photo=PNG))


def last_alert(h: Harness) -> str:
    """The alert shown for the last button press (a refusal, an "already answered")."""
    query = h.fake.callback_queries()[-1]
    assert query.answered and query.show_alert
    return query.answer_text or ""


async def contact_of(h: Harness, contact: Contact) -> Contact:
    """The contact as stored now."""
    rows = await h.store.clients.contacts(contact.client_id)
    return next(c for c in rows if c.id == contact.id)
