"""A freelancer with clients and open invoices on a real SQLite database, and the statement fixtures."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

from bot.clock import FrozenClock
from bot.storage import Freelancer, Invoice, Store
from bot.storage.invoices import NewInvoice

FIXTURES = Path(__file__).resolve().parent / "fixtures"


def fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


@dataclass
class Books:
    store: Store
    clock: FrozenClock
    freelancer: Freelancer
    invoices: dict[str, Invoice]


async def books(store: Store, *invoices: tuple[str, str, int, str, date]) -> Books:
    """invoices: (client name, number, amount_minor, currency, issue date); reminders on, due in 30 days."""
    clock = FrozenClock(datetime(2026, 3, 1, 8, 0, tzinfo=UTC))
    freelancer = await store.freelancers.create(
        telegram_user_id=1001,
        display_name="Claire Martin",
        language="fr",
        timezone="Europe/Paris",
        now=clock.now(),
    )
    clients: dict[str, int] = {}
    made: dict[str, Invoice] = {}
    for client_name, number, amount, currency, issued in invoices:
        if client_name not in clients:
            clients[client_name] = (
                await store.clients.create(freelancer.id, client_name, now=clock.now())
            ).id
        made[number] = await store.invoices.create(
            freelancer.id,
            NewInvoice(clients[client_name], number, amount, currency, issued, date.fromordinal(issued.toordinal() + 30),
                       reminders_enabled=True),
            now=clock.now(),
        )  # fmt: skip
    return Books(store, clock, freelancer, made)
