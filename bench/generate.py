"""Generate a large Relance database for the dispatch and scale benchmarks.

    python -m bench.generate --invoices 1000000          # bench/data/relance-1m.sqlite3 (+ .json)

The schema comes from the real migrations (`open_store`); the rows are built here with plain SQL
(`executemany` in big transactions), never through the bot, so a million invoices take about a
minute. The data is deterministic (seeded) and shaped like a real installation, as of `REF_NOW`
(a Tuesday, 10:00 UTC, inside every European freelancer's sending hours):

* N/10 freelancers with ~10 invoices and 3 clients each, plus one "big" freelancer with
  min(10,000, N/10) invoices over 50 clients (for /overdue at scale);
* invoices issued over two years: most old ones paid (with a payment row), some open or cancelled,
  recent ones open; a reminder plan of 5 rows (standard plan) per invoice with reminders on: the
  past steps sent or cancelled, the future ones planned;
* N/100 reminders due now, four per freelancer (so one client chat gets two in the same run),
  spaced 0.3 s apart over the last minutes, every client among them linked in Telegram;
* a few custom templates and half-finished /new drafts, as PTB persistence stores them.

A JSON file beside the database records the parameters, the reference instant, the migrations
the schema came from and how long the generation took; `ensure()` regenerates when any differs.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import sqlite3
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from bench.common import DATA_DIR
from bot.storage import open_store
from bot.storage.migrate import declared_migrations

GENERATOR_VERSION = 1
REF_NOW = datetime(2026, 11, 24, 10, 0, tzinfo=UTC)
REF_DATE = REF_NOW.date()
SEND_AT = timedelta(hours=8, minutes=30)  # 09:30 in Paris in winter
DUE_SPACING = 0.3  # seconds between two due reminders' scheduled_at
DUE_PER_FREELANCER = 4
STEPS = [(0, -3, "courtesy", "client"), (1, 3, "friendly", "client"), (2, 10, "firm", "client"),
         (3, 20, "final", "client"), (4, 30, "notice", "freelancer")]  # fmt: skip
ZONES = [("Europe/Paris", "FR")] * 8 + [("Europe/Brussels", "BE"), ("Europe/Lisbon", "PT")]
CLIENT_WORDS = ["Acme", "Globex", "Initech", "Umbrella", "Hooli", "Vandelay", "Stark", "Wayne", "Tyrell",
                "Cyberdyne", "Soylent", "Oscorp", "Duff", "Gringotts", "Wonka", "Monarch", "Dunder", "Pied"]  # fmt: skip
SUFFIXES = ["SARL", "SAS", "Ltd", "& Co", "Studio", "Conseil", "GmbH", "SA"]
CHAT_BASE = 600_000_000  # a client contact's Telegram chat: CHAT_BASE + contact id
USER_BASE = 200_000_000  # a freelancer's Telegram user id: USER_BASE + freelancer id
CHUNK = 5_000  # freelancers per transaction


def label(invoices: int) -> str:
    return f"{invoices // 1_000_000}m" if invoices % 1_000_000 == 0 else f"{invoices // 1000}k"


def db_path(invoices: int) -> Path:
    return DATA_DIR / f"relance-{label(invoices)}.sqlite3"


@dataclass(frozen=True)
class Meta:
    path: Path
    invoices: int
    freelancers: int
    big_freelancer_id: int
    big_freelancer_telegram_id: int
    big_invoices: int
    due: int
    ref_now: datetime
    generated_in_s: float
    rows: dict[str, int]

    @classmethod
    def load(cls, path: Path) -> Meta:
        data = json.loads(path.with_suffix(".json").read_text())
        return cls(
            path=path, invoices=data["invoices"], freelancers=data["freelancers"],
            big_freelancer_id=data["big_freelancer_id"], big_freelancer_telegram_id=data["big_freelancer_telegram_id"],
            big_invoices=data["big_invoices"], due=data["due"], ref_now=datetime.fromisoformat(data["ref_now"]),
            generated_in_s=data["generated_in_s"], rows=data["rows"],
        )  # fmt: skip


def _stamp(day: date, at: timedelta = SEND_AT) -> int:
    return int((datetime(day.year, day.month, day.day, tzinfo=UTC) + at).timestamp())


class Builder:
    """Rows for one chunk of freelancers; ids are assigned here so that rows can refer to each other."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.next_client = 1
        self.next_invoice = 1
        self.due_index = 0
        self.created = int((REF_NOW - timedelta(days=800)).timestamp())
        self.clear()

    def clear(self) -> None:
        self.freelancers: list[tuple[Any, ...]] = []
        self.clients: list[tuple[Any, ...]] = []
        self.contacts: list[tuple[Any, ...]] = []
        self.invoices: list[tuple[Any, ...]] = []
        self.payments: list[tuple[Any, ...]] = []
        self.reminders: list[tuple[Any, ...]] = []
        self.templates: list[tuple[Any, ...]] = []
        self.user_state: list[tuple[Any, ...]] = []
        self.conversations: list[tuple[Any, ...]] = []

    def freelancer(self, fid: int, *, invoices: int, clients: int, due: int, big: bool = False) -> None:
        rng = self.rng
        zone, country = rng.choice(ZONES)
        language = "en" if big or rng.random() < 0.3 else "fr"
        iban = "FR7630006000011234567890189" if rng.random() < 0.6 else None
        business = f"Studio {fid}" if rng.random() < 0.3 else None
        self.freelancers.append(
            (fid, USER_BASE + fid, f"Freelancer {fid}", business, language, zone, country, "EUR", iban,
             "BNPAFRPP" if iban else None, 1, self.created)
        )  # fmt: skip
        client_ids = []
        for _ in range(clients):
            cid = self.next_client
            self.next_client += 1
            client_ids.append(cid)
            name = f"{rng.choice(CLIENT_WORDS)} {rng.choice(SUFFIXES)} {cid}"
            client_language = rng.choice((None, None, None, "en", "fr"))
            self.clients.append((cid, fid, name, client_language, 1, self.created, self.created))
            linked = due > 0 or rng.random() < 0.7
            self.contacts.append(
                (
                    cid,
                    cid,
                    "",
                    f"billing@client{cid}.example",
                    CHAT_BASE + cid if linked else None,
                    self.created,
                )
            )
        span = 1095 if big else 730
        for k in range(invoices):
            is_due = k >= invoices - due
            client = client_ids[k % len(client_ids)]
            self.invoice(fid, k, invoices, client, span, big, is_due)
        if rng.random() < 0.01:
            body = ("Hello {client}, invoice {number} ({amount}) was due on {due_date}.\n\n{payment_details}\n\n"
                    "{freelancer}")  # fmt: skip
            self.templates.append((fid, "friendly", language, body))
        if rng.random() < 0.005:
            user = USER_BASE + fid
            self.user_state.append((user, json.dumps({"draft": {"client_name": "Acme"}})))
            self.conversations.append(("new_invoice", json.dumps([user, user]), json.dumps("ask")))

    def invoice(self, fid: int, k: int, count: int, client: int, span: int, big: bool, is_due: bool) -> None:
        rng = self.rng
        iid = self.next_invoice
        self.next_invoice += 1
        issue = REF_DATE - timedelta(days=int(span * (count - k) / count) + rng.randint(0, 10))
        due = issue + timedelta(days=30)
        due_step = 0
        if is_due:
            due_step = rng.randint(1, 3)  # friendly, firm or final falls today
            due = REF_DATE - timedelta(days=STEPS[due_step][1])
            issue = due - timedelta(days=30)
            status = "open"
        elif due >= REF_DATE - timedelta(days=20):
            status = "open" if rng.random() < 0.85 else "paid"
        else:
            r = rng.random()
            open_share = 0.35 if big else 0.07
            status = "paid" if r < 0.95 - open_share else "open" if r < 0.95 else "cancelled"
        amount = rng.randint(200, 9_000) * 100 + rng.choice((0, 0, 50))
        currency = "EUR" if big or rng.random() < 0.95 else rng.choice(("USD", "GBP"))
        enabled = is_due or rng.random() < 0.85
        paused = not is_due and status == "open" and rng.random() < 0.05
        created = _stamp(issue, timedelta(hours=12))
        self.invoices.append(
            (iid, fid, client, f"F-{issue.year}-{k:05d}", amount, currency, issue.isoformat(), due.isoformat(),
             "Design work" if rng.random() < 0.5 else None, status, int(enabled), int(paused), created)
        )  # fmt: skip
        ended: date | None = None
        if status == "paid":
            ended = min(due + timedelta(days=rng.randint(-10, 25)), REF_DATE - timedelta(days=1))
            self.payments.append((iid, amount, ended.isoformat(), _stamp(ended, timedelta(hours=14))))
        elif status == "cancelled":
            ended = due + timedelta(days=5)
        elif rng.random() < 0.1:
            self.payments.append((iid, amount * 3 // 10, due.isoformat(), _stamp(due, timedelta(hours=14))))
        if not enabled:
            return
        now = int(REF_NOW.timestamp())
        chat = f"telegram:{CHAT_BASE + client}"
        row: tuple[Any, ...]
        for step, offset, tone, audience in STEPS:
            at = _stamp(due + timedelta(days=offset))
            sent = (iid, step, offset, tone, audience, at, "sent", 1, "telegram", chat, '["1"]', at + 2, None)
            if is_due:
                if step < due_step:
                    row = sent
                elif step == due_step:
                    at = int(now - 60 - self.due_index * DUE_SPACING)
                    self.due_index += 1
                    row = (iid, step, offset, tone, audience, at, "planned", 0, None, None, None, None, None)
                else:
                    row = (iid, step, offset, tone, audience, at, "planned", 0, None, None, None, None, None)
            elif ended is not None:
                row = (
                    sent
                    if at < _stamp(ended)
                    else (
                        iid,
                        step,
                        offset,
                        tone,
                        audience,
                        at,
                        "cancelled",
                        0,
                        None,
                        None,
                        None,
                        None,
                        status,
                    )
                )
            elif at <= now:
                row = sent
            elif paused:
                row = (
                    iid,
                    step,
                    offset,
                    tone,
                    audience,
                    at,
                    "cancelled",
                    0,
                    None,
                    None,
                    None,
                    None,
                    "paused",
                )
            else:
                row = (iid, step, offset, tone, audience, at, "planned", 0, None, None, None, None, None)
            self.reminders.append(row)


INSERTS = {
    "freelancers": "INSERT INTO freelancers (id, telegram_user_id, display_name, business_name, language, timezone, "
    "country, default_currency, iban, bic, onboarded, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    "clients": "INSERT INTO clients (id, freelancer_id, name, language, is_b2b, created_at, last_used_at) "
    "VALUES (?, ?, ?, ?, ?, ?, ?)",
    "contacts": "INSERT INTO contacts (id, client_id, name, email, telegram_chat_id, created_at) VALUES (?, ?, ?, ?, ?, ?)",
    "invoices": "INSERT INTO invoices (id, freelancer_id, client_id, number, amount_minor, currency, issue_date, "
    "due_date, description, status, reminders_enabled, reminders_paused, created_at) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    "payments": "INSERT INTO payments (invoice_id, amount_minor, paid_on, created_at) VALUES (?, ?, ?, ?)",
    "reminders": "INSERT INTO reminders (invoice_id, step, offset_days, tone, audience, scheduled_at, status, "
    "attempts, channel, recipient, message_ids, sent_at, last_error) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    "templates": "INSERT INTO templates (freelancer_id, tone, locale, body) VALUES (?, ?, ?, ?)",
    "user_state": "INSERT INTO user_state (user_id, data) VALUES (?, ?)",
    "conversations": "INSERT INTO conversation_state (name, key, state) VALUES (?, ?, ?)",
}  # fmt: skip


def _plan(invoices: int) -> Iterator[tuple[int, int, int, int]]:
    """(freelancer id, invoices, clients, due reminders) for every normal freelancer."""
    freelancers = max(10, invoices // 10)
    big = min(10_000, invoices // 10)
    normal = invoices - big
    due_total = invoices // 100
    due_freelancers = max(1, due_total // DUE_PER_FREELANCER)
    every = max(1, freelancers // due_freelancers)
    base, extra = divmod(normal, freelancers)
    due_left = due_total
    for i in range(freelancers):
        count = base + (i < extra)
        due = min(DUE_PER_FREELANCER, due_left, count) if i % every == 0 else 0
        due_left -= due
        yield i + 1, count, 3, due


def generate(invoices: int, path: Path | None = None, *, seed: int = 20261124, quiet: bool = False) -> Meta:
    path = path or db_path(invoices)
    started = time.perf_counter()
    path.parent.mkdir(parents=True, exist_ok=True)
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)

    async def schema() -> None:
        store = await open_store(path)
        await store.close()

    asyncio.run(schema())
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode=OFF")
    conn.execute("PRAGMA synchronous=OFF")
    conn.execute("PRAGMA cache_size=-1000000")
    conn.execute("PRAGMA temp_store=MEMORY")
    builder = Builder(random.Random(seed))
    counts = dict.fromkeys(INSERTS, 0)
    freelancers = max(10, invoices // 10)
    big_invoices = min(10_000, invoices // 10)

    def flush() -> None:
        conn.execute("BEGIN")
        for table, sql in INSERTS.items():
            rows = getattr(builder, table)
            conn.executemany(sql, rows)
            counts[table] += len(rows)
        conn.execute("COMMIT")
        builder.clear()

    for fid, count, clients, due in _plan(invoices):
        builder.freelancer(fid, invoices=count, clients=clients, due=due)
        if fid % CHUNK == 0:
            flush()
            if not quiet:
                print(f"\r  {path.name}: {fid:,}/{freelancers:,} freelancers", end="", flush=True)
    big_id = freelancers + 1
    builder.freelancer(big_id, invoices=big_invoices, clients=50, due=0, big=True)
    flush()
    conn.execute("PRAGMA journal_mode=WAL")
    conn.close()
    seconds = time.perf_counter() - started
    if not quiet:
        print(f"\r  {path.name}: {invoices:,} invoices generated in {seconds:.0f} s" + " " * 20)
    due_rows = builder.due_index
    meta = {
        "generator_version": GENERATOR_VERSION,
        "migrations": [m.version for m in declared_migrations()],
        "invoices": invoices,
        "freelancers": freelancers + 1,
        "big_freelancer_id": big_id,
        "big_freelancer_telegram_id": USER_BASE + big_id,
        "big_invoices": big_invoices,
        "due": due_rows,
        "ref_now": REF_NOW.isoformat(),
        "seed": seed,
        "generated_in_s": round(seconds, 1),
        "rows": counts,
    }
    path.with_suffix(".json").write_text(json.dumps(meta, indent=2) + "\n")
    return Meta.load(path)


def ensure(invoices: int) -> Meta:
    """The database for this size: generated when missing or made by another generator version, and
    upgraded in place (as a real installation would be) when migrations were added since."""
    path = db_path(invoices)
    side = path.with_suffix(".json")
    if not (path.exists() and side.exists()):
        return generate(invoices)
    data = json.loads(side.read_text())
    if data.get("generator_version") != GENERATOR_VERSION or data.get("invoices") != invoices:
        return generate(invoices)
    declared = [m.version for m in declared_migrations()]
    if data.get("migrations") != declared:
        if not set(data.get("migrations", [])) <= set(declared):
            return generate(invoices)  # a migration it had is gone: start again
        started = time.perf_counter()

        async def upgrade() -> None:
            store = await open_store(path)
            await store.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            await store.close()

        asyncio.run(upgrade())
        print(f"  {path.name}: upgraded to migrations {declared} in {time.perf_counter() - started:.1f} s")
        data["migrations"] = declared
        side.write_text(json.dumps(data, indent=2) + "\n")
    return Meta.load(path)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--invoices", type=int, default=1_000_000)
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args()
    meta = generate(args.invoices, args.out)
    print(json.dumps(meta.rows))


if __name__ == "__main__":
    main()
