"""Bank reconciliation: a 10,000-line CAMT.053 statement against 10,000 open invoices.

Measures the parse alone (the baseline every import pays), matching, and the whole import through
`import_statement` (parse, duplicate check, match, one transaction of writes, reminders cancelled on
paid invoices) on a real SQLite file; then the same statement again (everything already imported).
A naive matcher (every line against every invoice number) is timed on a slice and scaled, to show
what the indexes save.

    python -m bench.bank            # alone
    python -m bench --only bank     # with the others
"""

from __future__ import annotations

import asyncio
import random
import sqlite3
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from bench.common import Result, Table
from bot.bank import parse_statement
from bot.bank.matching import match_lines
from bot.bank.service import import_statement
from bot.clock import FrozenClock
from bot.domain.creditor_reference import creditor_reference
from bot.storage import open_store

LINES = 10_000
INVOICES = 10_000
CLIENTS = 2_000
TARGET_S = 5.0
WORDS = (
    "Atelier",
    "Studio",
    "Conseil",
    "Bâtiment",
    "Énergie",
    "Logiciels",
    "Jardins",
    "Transports",
    "Média",
    "Santé",
)
PLACES = (
    "Lyon",
    "Nantes",
    "Liège",
    "Gand",
    "Brest",
    "Dijon",
    "Namur",
    "Lille",
    "Nice",
    "Tours",
    "Metz",
    "Pau",
)


def client_name(i: int) -> str:
    return f"{WORDS[i % len(WORDS)]} {PLACES[(i // 10) % len(PLACES)]} {i:04d} SARL"


async def make_books(path: Path, rng: random.Random) -> list[tuple[int, str, int, int]]:
    """(invoice id, number, amount, client index) for INVOICES open invoices with a planned reminder each."""
    store = await open_store(path)
    await store.close()
    invoices = []
    with sqlite3.connect(path) as conn:
        conn.execute("INSERT INTO freelancers (telegram_user_id, display_name, language, timezone, created_at) "
                     "VALUES (1001, 'Claire', 'fr', 'Europe/Paris', 0)")  # fmt: skip
        conn.executemany("INSERT INTO clients (freelancer_id, name, created_at, last_used_at) VALUES (1, ?, 0, 0)",
                         [(client_name(i),) for i in range(CLIENTS)])  # fmt: skip
        rows = []
        for n in range(1, INVOICES + 1):
            client = rng.randrange(CLIENTS)
            amount = rng.randrange(5_000, 500_000, 100)
            issued = date(2026, 1, 1) + timedelta(days=rng.randrange(60))
            rows.append(
                (
                    client + 1,
                    f"F-2026-{n:05d}",
                    amount,
                    issued.isoformat(),
                    (issued + timedelta(30)).isoformat(),
                )
            )
            invoices.append((n, f"F-2026-{n:05d}", amount, client))
        conn.executemany(
            "INSERT INTO invoices (freelancer_id, client_id, number, amount_minor, currency, issue_date, due_date, "
            "reminders_enabled, created_at) VALUES (1, ?, ?, ?, 'EUR', ?, ?, 1, 0)", rows,
        )  # fmt: skip
        conn.executemany(
            "INSERT INTO reminders (invoice_id, step, offset_days, tone, audience, scheduled_at) "
            "VALUES (?, 1, 7, 'friendly', 'client', 1800000000)", [(n,) for n in range(1, INVOICES + 1)],
        )  # fmt: skip
    return invoices


def make_statement(invoices: list[tuple[int, str, int, int]], rng: random.Random) -> bytes:
    """A CAMT.053 with LINES entries: numbers, creditor references, names only, partials, strangers, debits."""
    entries = []
    for i in range(LINES):
        invoice_id, number, amount, client = invoices[i % len(invoices)]
        kind = i % 10
        name, text, sign = client_name(client).upper().replace(" SARL", ""), "", "CRDT"
        if kind < 4:
            text = f"FACTURE {number}"
        elif kind == 4:
            text = creditor_reference(invoice_id)
        elif kind < 7:
            text = "VIREMENT"  # the amount and the payer's name only: a proposal
        elif kind == 7:
            amount, text = amount // 2, "ACOMPTE"
        elif kind == 8:
            name, text, amount = f"INCONNU {i}", "REMBOURSEMENT", rng.randrange(1_000, 99_000)
        else:
            name, text, sign = "FOURNISSEUR", "PRLV", "DBIT"
        booked = date(2026, 3, 1) + timedelta(days=i % 28)
        entries.append(
            f'<Ntry><Amt Ccy="EUR">{amount // 100}.{amount % 100:02d}</Amt><CdtDbtInd>{sign}</CdtDbtInd>'
            f"<Sts>BOOK</Sts><BookgDt><Dt>{booked.isoformat()}</Dt></BookgDt><AcctSvcrRef>REF{i:06d}</AcctSvcrRef>"
            f"<NtryDtls><TxDtls><RltdPties><Dbtr><Nm>{name}</Nm></Dbtr></RltdPties>"
            f"<RmtInf><Ustrd>{text}</Ustrd></RmtInf></TxDtls></NtryDtls></Ntry>"
        )
    return (
        '<?xml version="1.0" encoding="UTF-8"?><Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02">'
        "<BkToCstmrStmt><Stmt><Acct><Id><IBAN>FR7630004000031234567890143</IBAN></Id></Acct>"
        + "".join(entries)
        + "</Stmt></BkToCstmrStmt></Document>"
    ).encode()


def naive_match_seconds(lines: list, numbers: list[str], sample: int) -> float:  # type: ignore[type-arg]
    """Every line's remittance searched for every invoice number (substring), on `sample` lines."""
    started = time.perf_counter()
    for line in lines[:sample]:
        text = line.remittance.upper()
        for number in numbers:
            if number in text:
                break
    return (time.perf_counter() - started) * len(lines) / sample


async def run(quick: bool = False) -> Result:
    rng = random.Random(12)
    result = Result("bank_reconciliation", params={"lines": LINES, "invoices": INVOICES, "clients": CLIENTS})
    with tempfile.TemporaryDirectory() as folder:
        db = Path(folder) / "relance.sqlite3"
        invoices = await make_books(db, rng)
        data = make_statement(invoices, rng)

        started = time.perf_counter()
        statement = parse_statement(data, "bench.xml")
        parse_s = time.perf_counter() - started

        store = await open_store(db)
        try:
            freelancer = await store.freelancers.by_telegram_id(1001)
            assert freelancer is not None
            clock = FrozenClock(datetime(2026, 4, 1, 8, tzinfo=UTC))
            started = time.perf_counter()
            open_invoices = await store.bank.open_invoices(freelancer.id)
            load_s = time.perf_counter() - started
            started = time.perf_counter()
            decisions = match_lines(statement.credits, open_invoices)
            match_s = time.perf_counter() - started
            naive_s = naive_match_seconds(list(statement.credits), [i.number for i in open_invoices],
                                          100 if quick else 300)  # fmt: skip

            started = time.perf_counter()
            await import_statement(store, freelancer, data, "bench.xml", clock, dry_run=True)
            dry_s = time.perf_counter() - started
            started = time.perf_counter()
            summary = await import_statement(store, freelancer, data, "bench.xml", clock)
            import_s = time.perf_counter() - started
            started = time.perf_counter()
            again = await import_statement(store, freelancer, data, "bench.xml", clock)
            again_s = time.perf_counter() - started
            left = await store.db.fetchone("SELECT count(*) AS n FROM reminders WHERE status = 'planned'")
        finally:
            await store.close()

    certain = sum(1 for d in decisions if d.kind == "certain")
    table = Table(
        f"Import of a {LINES:,}-line CAMT.053 against {INVOICES:,} open invoices ({CLIENTS:,} clients)",
        ["step", "time (s)", "notes"],
    )
    table.add(
        "parse alone (baseline)",
        f"{parse_s:.2f}",
        f"{len(statement.lines):,} lines, {len(statement.credits):,} credits",
    )
    table.add("load open invoices", f"{load_s:.2f}", f"{len(open_invoices):,} invoices")
    table.add("match (indexed)", f"{match_s:.2f}", f"{certain:,} certain")
    table.add("naive matcher (numbers only, scaled)", f"{naive_s:.1f}", "every line × every invoice number")
    table.add("import, dry run", f"{dry_s:.2f}", "parse + duplicates + match, nothing written")
    table.add("import", f"{import_s:.2f}",
              f"{len(summary.applied):,} applied, {len(summary.to_confirm):,} to confirm, "
              f"{len(summary.unmatched):,} unmatched; reminders of paid invoices cancelled")  # fmt: skip
    table.add("same statement again", f"{again_s:.2f}", f"{again.duplicates:,} duplicates, nothing recorded")
    table.notes.append(f"Planned reminders left afterwards: {left['n'] if left else '?'} of {INVOICES:,}.")
    result.tables.append(table)
    result.data.update({"parse_s": parse_s, "match_s": match_s, "naive_match_s": naive_s, "dry_run_s": dry_s,
                        "import_s": import_s, "again_s": again_s})  # fmt: skip
    result.target(f"import {LINES:,} lines against {INVOICES:,} invoices", f"< {TARGET_S:.0f} s",
                  f"{import_s:.2f} s", import_s < TARGET_S)  # fmt: skip
    return result


def main(quick: bool = False) -> Result:
    result = asyncio.run(run(quick))
    result.show()
    result.save()
    return result


if __name__ == "__main__":
    import sys

    main("--quick" in sys.argv)
