"""Access control: every button of the bot, forged with another freelancer's ids, changes nothing.

The list of buttons is read from the application itself (every CallbackQueryHandler pattern,
inside conversations too), so a new button is covered as soon as it is registered.
"""

from __future__ import annotations

import re
from typing import Any

from telegram.ext import CallbackQueryHandler, ConversationHandler

from tests.conftest import onboard
from tests.databases import ON_POSTGRES
from tests.harness import Harness
from tests.reminders.helpers import invoice_with_reminders

SNAPSHOT_TABLES = ("clients", "contacts", "invoices", "payments", "reminders", "templates")

TABLES_SQL = (
    "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = current_schema()"
    if ON_POSTGRES
    else "SELECT name FROM sqlite_master WHERE type = 'table'"
)


def callback_prefixes(handlers: list[Any]) -> set[str]:
    """Literal prefixes of every callback pattern ("inv:paid", "rem:go", …), alternations expanded."""
    found: set[str] = set()
    for handler in handlers:
        if isinstance(handler, ConversationHandler):
            nested = [
                *handler.entry_points,
                *handler.fallbacks,
                *(h for hs in handler.states.values() for h in hs),
            ]
            found |= callback_prefixes(nested)
        elif isinstance(handler, CallbackQueryHandler) and handler.pattern is not None:
            pattern = handler.pattern.pattern if hasattr(handler.pattern, "pattern") else str(handler.pattern)
            found |= expand(pattern)
    return found


def expand(pattern: str) -> set[str]:
    body = pattern.lstrip("^")
    match = re.match(r"([\w:]*)\(([\w|]+)\)", body)
    if match:
        return {f"{match[1]}{word}" for word in match[2].split("|")}
    return {re.split(r"[(\\$\[.*+?]", body)[0].rstrip(":")}


async def snapshot(h: Harness) -> dict[str, list[tuple[Any, ...]]]:
    tables = {r["name"] for r in await h.store.db.fetchall(TABLES_SQL)}
    result = {}
    for table in SNAPSHOT_TABLES + ("invitations", "client_requests"):
        if table in tables:
            rows = await h.store.db.fetchall(f"SELECT * FROM {table} ORDER BY 1, 2, 3")  # noqa: S608 - fixed names
            result[table] = [tuple(r) for r in rows]
    return result


async def test_every_button_forged_with_foreign_ids_is_refused(h: Harness) -> None:
    alice = await invoice_with_reminders(h, client_name="Alice's Secret Client", number="ALICE-42")
    await alice.user.send("/paid ALICE-42")  # a payment and cancelled reminders exist too
    bob = await onboard(h, 2002, name="Bob Stone")
    handlers = [handler for group in h.app.handlers.values() for handler in group]
    prefixes = sorted(p for p in callback_prefixes(handlers) if p)
    assert len(prefixes) > 20, prefixes  # the whole bot, not a handful
    before = await snapshot(h)
    message_id = (await bob.send("/help")).messages[-1].message_id
    forged = [f"{prefix}:{ids}" for prefix in prefixes for ids in ("1", "2", "1:1", "1:2:1", "-1", "x")]
    for data in forged:
        if len(data.encode()) <= 64:
            await bob.press_data(message_id, data)
            await bob.send("/cancel")
    assert await snapshot(h) == before, "a forged button changed another freelancer's data"
    seen_by_bob = " ".join(m.text for m in h.fake.bot_messages(bob.id))
    assert "ALICE-42" not in seen_by_bob and "Secret Client" not in seen_by_bob
