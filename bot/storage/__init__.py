"""Storage: the only package that speaks SQL."""

from __future__ import annotations

from pathlib import Path

from bot.storage.bank import Bank
from bot.storage.call_outcomes import CallOutcomes
from bot.storage.client_requests import ClientRequests
from bot.storage.clients import Client, Clients, Contact
from bot.storage.db import Database, SqliteDatabase, StorageError
from bot.storage.disputes import Disputes
from bot.storage.formal_notices import FormalNotices
from bot.storage.freelancers import Freelancer, Freelancers
from bot.storage.inbound import Inbound
from bot.storage.invitations import Invitations
from bot.storage.invoice_import import InvoiceImports
from bot.storage.invoices import Invoice, Invoices, Payment
from bot.storage.migrate import migrate
from bot.storage.payment_plans import PaymentPlans
from bot.storage.penalty_rates import PenaltyRates
from bot.storage.persistence import SqlitePersistence
from bot.storage.reminders import Reminder, Reminders, Templates
from bot.storage.stats import Stats

__all__ = [
    "Client",
    "Contact",
    "Database",
    "Freelancer",
    "Invoice",
    "Payment",
    "Reminder",
    "StorageError",
    "Store",
    "open_store",
]


class Store:
    """Every table group, over one database."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self.freelancers = Freelancers(db)
        self.clients = Clients(db)
        self.invoices = Invoices(db)
        self.invoice_imports = InvoiceImports(db)
        self.reminders = Reminders(db)
        self.templates = Templates(db)
        self.invitations = Invitations(db)
        self.client_requests = ClientRequests(db)
        self.stats = Stats(db)
        self.bank = Bank(db)
        self.formal_notices = FormalNotices(db)
        self.call_outcomes = CallOutcomes(db)
        self.payment_plans = PaymentPlans(db)
        self.disputes = Disputes(db)
        self.penalty_rates = PenaltyRates(db)
        self.inbound = Inbound(db)
        self.persistence = SqlitePersistence(db)

    async def erase_freelancer(self, freelancer_id: int, telegram_user_id: int) -> None:
        """Delete a freelancer and, by cascade, everything that belongs to them; forget their drafts."""
        await self.freelancers.delete(freelancer_id)
        await self.persistence.drop_user_data(telegram_user_id)
        await self.persistence.drop_user_conversations(telegram_user_id)

    async def close(self) -> None:
        await self.db.close()


async def open_database(target: Path | str) -> Database:
    """A SQLite file path, or a `postgresql://` URL (a `search_path` query parameter picks a schema)."""
    from bot.storage.postgres import PostgresDatabase, is_postgres_url

    if isinstance(target, str) and is_postgres_url(target):
        return await PostgresDatabase.open(target)
    return await SqliteDatabase.open(Path(target))


async def open_store(target: Path | str) -> Store:
    """Open the database and bring its schema up to date."""
    db = await open_database(target)
    try:
        await migrate(db)
    except BaseException:
        await db.close()
        raise
    return Store(db)
