"""Importing a CSV of invoices for a freelancer: all or none, duplicates skipped, reminders planned."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from bot.einvoice.csv_invoices import InvoiceCsvErrors
from bot.einvoice.csv_profiles import InvoiceColumns
from bot.einvoice.service import ColumnsToConfirm, import_invoices, read_invoice_file
from bot.engine.planner import ReminderPlanner
from bot.storage import Store
from bot.storage.invoice_import import InvoiceToImport
from bot.storage.invoices import DuplicateNumberError
from tests.bank.helpers import Books, books

TODAY = date(2026, 3, 1)


def big_csv(lines: int, *, bad_line: int | None = None) -> bytes:
    rows = ["number;client;issue_date;due_date;amount;currency;paid;balance;status;description"]
    for i in range(1, lines + 1):
        amount = "douze" if i == bad_line else f"{100 + i},50"
        rows.append(f"IMP-{i:04d};Client {i % 40:02d} Éts;2026-02-{1 + i % 27:02d};2026-04-{1 + i % 29:02d};"
                    f"{amount};EUR;0;{amount};open;Mission {i}")  # fmt: skip
    return ("\ufeff" + "\n".join(rows) + "\n").encode()


async def run(b: Books, data: bytes, **kwargs: object) -> object:
    planner = ReminderPlanner(b.store, b.clock)
    return await import_invoices(b.store, b.freelancer, data, "factures.csv", b.clock, today=TODAY,
                                 invoice_changed=planner.replan, **kwargs)  # type: ignore[arg-type]  # fmt: skip


async def count(store: Store, table: str) -> int:
    row = await store.db.fetchone(f"SELECT count(*) AS n FROM {table}")
    return int(row["n"])


async def test_200_lines_create_200_invoices_their_clients_and_reminders(store: Store) -> None:
    b = await books(store, ("Client 01 Éts", "OLD-1", 1000, "EUR", date(2026, 1, 5)))
    result = await run(b, big_csv(200))
    assert len(result.created) == 200 and result.new_clients  # type: ignore[attr-defined]
    assert await count(store, "invoices") == 201
    assert await count(store, "clients") == 40  # "Client 01 Éts" existed already: reused
    invoice = await store.invoices.by_number(b.freelancer.id, "IMP-0007")
    assert invoice is not None and invoice.client_name == "Client 07 Éts" and invoice.amount_minor == 10_750
    assert invoice.reminders_enabled and invoice.description == "Mission 7"
    assert [r for r in await store.reminders.for_invoice(invoice.id) if r.status == "planned"]


async def test_one_bad_line_creates_nothing(store: Store) -> None:
    b = await books(store)
    with pytest.raises(InvoiceCsvErrors) as caught:
        await run(b, big_csv(200, bad_line=137))
    assert caught.value.where == "line 138, column 'amount'"
    assert await count(store, "invoices") == 0 and await count(store, "clients") == 0


async def test_numbers_already_known_are_skipped_and_listed(store: Store) -> None:
    b = await books(store, ("ACME", "imp-0002", 1000, "EUR", date(2026, 1, 5)))
    preview = await read_invoice_file(store, b.freelancer, big_csv(3), "factures.csv")
    assert preview.duplicates == ((3, "IMP-0002"),)
    assert [r.number for r in preview.to_create] == ["IMP-0001", "IMP-0003"]
    assert preview.totals == (("EUR", 10_150 + 10_350),)
    assert await count(store, "invoices") == 1  # a preview writes nothing


async def test_part_paid_lines_get_their_payment(store: Store) -> None:
    b = await books(store)
    data = b"number,client,issue_date,amount,balance\nP-1,ACME,2026-02-01,100.00,40.00\n"
    await run(b, data)
    invoice = await store.invoices.by_number(b.freelancer.id, "P-1")
    assert invoice is not None and (invoice.amount_minor, invoice.balance_minor) == (10_000, 4_000)


async def test_unknown_columns_are_confirmed_once_then_remembered(store: Store) -> None:
    b = await books(store)
    data = "Réf;Qui;Le;Total;Courriel\nX-1;ACME;01/02/2026;10,00;a@acme.fr\n".encode()
    with pytest.raises(ColumnsToConfirm) as caught:
        await run(b, data)
    assert not caught.value.guess.ready
    columns = InvoiceColumns(number="Réf", client="Qui", issue_date="Le", amount="Total", email="Courriel")
    await run(b, data, columns=columns)
    again = "Réf;Qui;Le;Total;Courriel\nX-2;ACME;02/02/2026;11,00;\n".encode()
    assert len((await run(b, again)).created) == 1  # type: ignore[attr-defined]
    client = await store.clients.find_by_name(b.freelancer.id, "ACME")
    assert client is not None and [c.email for c in await store.clients.contacts(client.id)] == ["a@acme.fr"]


async def test_a_number_taken_meanwhile_rolls_everything_back(store: Store) -> None:
    b = await books(store, ("ACME", "DUP-1", 1000, "EUR", date(2026, 1, 5)))
    rows = [InvoiceToImport("NEW-1", "Nouveau", 100, "EUR", TODAY, TODAY),
            InvoiceToImport("DUP-1", "Nouveau", 100, "EUR", TODAY, TODAY)]  # fmt: skip
    with pytest.raises(DuplicateNumberError):
        await store.invoice_imports.create_all(b.freelancer.id, rows, reminders=True, now=b.clock.now())
    assert await count(store, "invoices") == 1 and await count(store, "clients") == 1


def test_cli_import_invoices_dry_run_then_for_real(tmp_path: Path) -> None:
    import sqlite3
    import subprocess
    import sys

    from tests.databases import ON_POSTGRES
    from tests.harness import TOKEN

    if ON_POSTGRES:
        pytest.skip("the CLI test uses a SQLite file")
    db = tmp_path / "relance.sqlite3"
    root = str(Path(__file__).resolve().parents[2])
    env = {"TELEGRAM_BOT_TOKEN": TOKEN, "RELANCE_DB": str(db), "PATH": "/usr/bin:/bin", "PYTHONPATH": root}
    assert subprocess.run([sys.executable, "-m", "bot", "migrate"], env=env, cwd=tmp_path).returncode == 0
    with sqlite3.connect(db) as conn:
        conn.execute("INSERT INTO freelancers (telegram_user_id, language, timezone, created_at) "
                     "VALUES (77, 'en', 'Europe/Paris', 0)")  # fmt: skip
    conn.close()
    good, bad, odd = tmp_path / "invoices.csv", tmp_path / "bad.csv", tmp_path / "odd.csv"
    good.write_bytes(big_csv(30))
    bad.write_bytes(big_csv(30, bad_line=12))
    odd.write_bytes("Réf;Qui;Le;Total\nX-1;ACME;01/02/2026;10,00\n".encode())

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "bot", "import-invoices", *args], env=env, cwd=tmp_path,
                              capture_output=True, text=True)  # fmt: skip

    dry = run("77", str(good), "--dry-run")
    assert dry.returncode == 0 and "30 invoices to create" in dry.stdout and "nothing was saved" in dry.stdout
    broken = run("77", str(bad))
    assert (
        broken.returncode == 2
        and "line 13, column 'amount'" in broken.stderr
        and "Traceback" not in broken.stderr
    )
    done = run("77", str(good))
    assert done.returncode == 0 and "30 invoices imported" in done.stdout, done.stderr
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT count(*) FROM invoices").fetchone()[0] == 30
    conn.close()
    unknown = run("77", str(odd))
    assert unknown.returncode == 2 and "unknown CSV layout" in unknown.stderr
    given = run("77", str(odd), "--columns", "number=Réf", "--columns", "client=Qui", "--columns", "issue_date=Le",
                "--columns", "amount=Total")  # fmt: skip
    assert given.returncode == 0 and "1 invoice imported" in given.stdout, given.stderr
